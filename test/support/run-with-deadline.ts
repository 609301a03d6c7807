/**
 * Runs an exported function of a TypeScript module in a worker thread and
 * terminates it at a deadline. A synchronous loop (a regex backtracking for a
 * minute, say) cannot be interrupted in the thread that runs it, so this is
 * how a test about "never blocks" fails in seconds instead of hanging.
 */
import { Worker } from 'node:worker_threads';

export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
}

export interface WorkerResult<T> {
  readonly value: T;
  /** Wall time of the call itself, measured inside the worker. */
  readonly ms: number;
}

export function runWithDeadline<T>(module: URL, exportName: string, args: readonly unknown[], deadlineMs: number): Promise<WorkerResult<T>> {
  // Node 20 does not pass the tsx loader to workers, so the worker registers it itself.
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    import('tsx/esm/api')
      .then((tsx) => { tsx.register(); return import(workerData.module); })
      .then((module) => {
        const started = performance.now();
        const value = module[workerData.exportName](...workerData.args);
        parentPort.postMessage({ value, ms: performance.now() - started });
      });`;
  const worker = new Worker(source, { eval: true, workerData: { module: module.href, exportName, args } });
  return new Promise<WorkerResult<T>>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new DeadlineExceeded(`${exportName}() was still running after ${deadlineMs} ms`));
      void worker.terminate();
    }, deadlineMs);
    const settle = () => clearTimeout(timer);
    worker.once('message', (result: WorkerResult<T>) => {
      settle();
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settle();
      reject(error);
    });
    worker.once('exit', (code) => {
      settle();
      reject(new Error(`worker exited with code ${code} before answering`));
    });
  });
}
