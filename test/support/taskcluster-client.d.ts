// The official client ships no types. This declares the part the parity tests and
// bench/rest.ts use, so they stay strictly typed. Since v60 it is ESM only, with
// everything on the default export: `(await import('taskcluster-client')).default`.
declare module 'taskcluster-client' {
  interface OfficialClientOptions {
    rootUrl: string;
    credentials?: { clientId: string; accessToken: string };
  }
  interface OfficialQueue {
    task(taskId: string): Promise<unknown>;
  }
  type OfficialClientClass = new (options: OfficialClientOptions) => Record<string, (...args: unknown[]) => unknown>;
  const taskcluster: {
    Queue: new (options: OfficialClientOptions) => OfficialQueue;
    createClient(reference: unknown): OfficialClientClass;
    fromNow(offset: string, reference?: Date): Date;
    slugid(): string;
  };
  export default taskcluster;
}
