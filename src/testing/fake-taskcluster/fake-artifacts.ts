/**
 * The fake queue's artifacts: what a test stores with `addArtifact` (or a bot
 * with `createArtifact`), answered the way the queue's artifact methods
 * answer (services/queue/src/artifacts.js): lists and info (`listArtifacts`,
 * `artifactInfo`, …), content answers by storage type (`artifact`,
 * `latestArtifact`) and redirects (`getArtifact`, `getLatestArtifact`), with
 * content kept in the fake storage (`s3`) or the fake object service (`object`).
 */
import type { ArtifactContentResponse, ArtifactResponse, ListArtifactsResponse, PostArtifactRequest, TaskStatus } from '../../generated/types/queue.js';
import type { Credentials } from '../../rest/options.js';
import { slugid } from '../../rest/slugid.js';
import { createTemporaryCredentials } from '../../rest/temporary-credentials.js';
import { errorAnswer, type ApiCall, type FakeAnswer } from './api-call.js';
import { type FakeArtifact, storedArtifact, type StoredArtifact } from './fake-artifact-input.js';
import { storageKey, type FakeObjectService } from './fake-object-service.js';
import type { FakeStorage } from './fake-storage.js';
import { isAnswer, pageOf } from './pagination.js';

export type { ArtifactErrorReason, FakeArtifact, FakeContentArtifact, FakeErrorArtifact, FakeReferenceArtifact } from './fake-artifact-input.js';

const HOUR_MS = 60 * 60 * 1000;

export class FakeArtifactStore {
  /** By taskId, then `<runId>/<name>`. */
  private readonly byTask = new Map<string, Map<string, StoredArtifact>>();

  /**
   * @param statusOf the task's current status, or undefined for an unknown task
   * @param issuer signs the download credentials of `object` artifacts, as the queue signs them with its own
   * @param storage keeps `s3` content; @param objects keeps `object` content
   */
  constructor(
    private readonly statusOf: (taskId: string) => TaskStatus | undefined,
    private readonly issuer: Credentials,
    private readonly storage: FakeStorage,
    private readonly objects: FakeObjectService,
  ) {}

  /** Stores an artifact of `taskId` (which must exist); throws a TypeError naming the field and rule. */
  add(taskId: string, name: string, artifact: FakeArtifact): void {
    const where = 'FakeQueue.addArtifact';
    const status = this.statusOf(taskId);
    if (!status) throw new TypeError(`${where}: no task ${taskId}; add it with addTask first`);
    if (typeof name !== 'string' || name === '' || name.length > 1024) throw new TypeError(`${where}: name must be a string of 1 to 1024 characters`);
    if (typeof artifact !== 'object' || artifact === null) throw new TypeError(`${where}: artifact must be {content} or {storageType, ...}`);
    const runId = artifact.runId ?? status.runs.at(-1)?.runId;
    if (runId === undefined) throw new TypeError(`${where}: task ${taskId} has no run yet; resolve it or give runId`);
    if (!Number.isInteger(runId) || runId < 0 || runId >= status.runs.length) {
      throw new TypeError(`${where}: runId must be one of the task's runs (0 to ${status.runs.length - 1}), got ${String(runId)}`);
    }
    const expires = new Date(artifact.expires ?? status.expires);
    if (Number.isNaN(expires.getTime())) throw new TypeError(`${where}: expires must be a Date or an ISO 8601 date-time`);
    const stored = storedArtifact(where, name, runId, expires.toJSON(), artifact);
    if (stored.content && stored.info.storageType === 'object') {
      this.objects.addObject(objectName(taskId, runId, name), { content: stored.content, contentType: stored.info.contentType, projectId: status.projectId, expires: stored.info.expires });
    } else if (stored.content) {
      this.storage.put(artifactKey(taskId, runId, name), stored.content, stored.info.contentType, stored.contentEncoding);
    }
    this.keep(taskId, stored);
  }

  private keep(taskId: string, stored: StoredArtifact): void {
    let artifacts = this.byTask.get(taskId);
    if (!artifacts) this.byTask.set(taskId, (artifacts = new Map()));
    artifacts.set(`${stored.runId}/${stored.info.name}`, stored);
  }

  /** The queue's artifact methods, by name. */
  readonly handlers: Readonly<Record<string, (call: ApiCall) => FakeAnswer>> = {
    listArtifacts: (call) => this.withRun(call, false, (runId) => this.list(call, runId)),
    listLatestArtifacts: (call) => this.withRun(call, true, (runId) => this.list(call, runId)),
    artifactInfo: (call) => this.withArtifact(call, runIdParam(call), (artifact) => ({ status: 200, body: artifact.info })),
    latestArtifactInfo: (call) => this.withRun(call, true, (runId) => this.withArtifact(call, runId, (artifact) => ({ status: 200, body: artifact.info }))),
    artifact: (call) => this.withDownload(call, runIdParam(call), (artifact) => this.content(call, artifact)),
    latestArtifact: (call) => this.withRun(call, true, (runId) => this.withDownload(call, runId, (artifact) => this.content(call, artifact))),
    getArtifact: (call) => this.withDownload(call, runIdParam(call), (artifact) => this.redirect(call, artifact)),
    getLatestArtifact: (call) => this.withRun(call, true, (runId) => this.withDownload(call, runId, (artifact) => this.redirect(call, artifact))),
    createArtifact: (call) => this.withRun(call, false, (runId) => this.create(call, runId)),
    finishArtifact: (call) => this.withRun(call, false, (runId) => this.finish(call, runId)),
  };

  /** `createArtifact`, as the queue does it for a running run: object artifacts get an upload on the object service and credentials for it. */
  private create(call: ApiCall, runId: number): FakeAnswer {
    const taskId = call.params.taskId!;
    const name = call.params.name!;
    const status = this.statusOf(taskId)!;
    const run = status.runs[runId]!;
    const recentException = run.state === 'exception' && Date.parse(run.resolved ?? '') > Date.now() - 25 * 60 * 1000;
    if (run.state !== 'running' && !recentException) {
      return errorAnswer(call, 409, 'RequestConflict', `Artifacts cannot be created for a task after it is resolved (run ${runId} is ${run.state})`);
    }
    const request = call.body as PostArtifactRequest;
    if (Date.parse(request.expires) > Date.parse(status.expires)) {
      return errorAnswer(call, 400, 'InputError', 'artifacts may not expire after the task they belong to expires');
    }
    const contentType = 'contentType' in request && request.contentType !== undefined ? request.contentType : 'application/binary';
    const info = { storageType: request.storageType, name, expires: request.expires, contentType };
    const existing = this.byTask.get(taskId)?.get(`${runId}/${name}`);
    if (existing && existing.uploadId === undefined) return errorAnswer(call, 409, 'RequestConflict', `Artifact ${name} already exists`);
    switch (request.storageType) {
      case 'object': {
        const object = objectName(taskId, runId, name);
        const uploadId = slugid();
        this.objects.reserve(object, status.projectId, uploadId, request.expires);
        this.pending.set(`${taskId}/${runId}/${name}`, { runId, info, uploadId });
        const credentials = createTemporaryCredentials({
          clientId: `artifact-upload/${taskId}/${runId}/on/fake-worker-group/fake-worker-1`,
          expiry: new Date(Math.min(Date.now() + 24 * HOUR_MS, Date.parse(request.expires))),
          scopes: [`object:upload:${status.projectId}:${object}`],
          credentials: this.issuer,
        });
        return { status: 200, body: { storageType: 'object', name: object, projectId: status.projectId, uploadId, expires: request.expires, credentials: { ...credentials } } };
      }
      case 'reference':
        this.keep(taskId, { runId, info, url: request.url });
        return { status: 200, body: { storageType: 'reference' } };
      case 'error':
        this.keep(taskId, { runId, info, error: { reason: request.reason, message: request.message } });
        return { status: 200, body: { storageType: 'error' } };
      default:
        return errorAnswer(call, 400, 'NotFaked', `the fake queue creates object, reference and error artifacts, not ${request.storageType}`);
    }
  }

  /** `finishArtifact`: the object must be finished on the object service; then the artifact is present. */
  private finish(call: ApiCall, runId: number): FakeAnswer {
    const taskId = call.params.taskId!;
    const name = call.params.name!;
    const key = `${taskId}/${runId}/${name}`;
    const pending = this.pending.get(key);
    if (!pending) {
      const present = this.byTask.get(taskId)?.get(`${runId}/${name}`);
      if (present?.info.storageType === 'object') return { status: 204 };
      return errorAnswer(call, present ? 400 : 404, present ? 'InputError' : 'ResourceNotFound', present ? 'Only object artifacts can be finished' : 'Artifact not found');
    }
    if ((call.body as { uploadId?: unknown }).uploadId !== pending.uploadId) return errorAnswer(call, 400, 'InputError', 'given uploadId does not match that for the artifact');
    const object = this.objects.getObject(objectName(taskId, runId, name));
    if (!object || object.uploadId !== undefined || !object.content) return errorAnswer(call, 400, 'InputError', 'Object storing artifact data does not exist');
    this.pending.delete(key);
    this.keep(taskId, { runId, info: { ...pending.info, contentType: object.contentType, contentLength: object.content.length }, content: object.content });
    return { status: 204 };
  }

  private readonly pending = new Map<string, { runId: number; info: ArtifactResponse; uploadId: string }>();

  private list(call: ApiCall, runId: number): FakeAnswer {
    const artifacts = [...(this.byTask.get(call.params.taskId!)?.values() ?? [])].filter((artifact) => artifact.runId === runId);
    const page = pageOf(call, artifacts, (artifact) => artifact.info.name);
    if (isAnswer(page)) return page;
    const body: ListArtifactsResponse = { artifacts: page.rows.map((artifact) => artifact.info) };
    if (page.continuationToken !== undefined) body.continuationToken = page.continuationToken;
    return { status: 200, body };
  }

  /** The `artifact`/`latestArtifact` answer: what to download, by storage type. */
  private content(call: ApiCall, artifact: StoredArtifact): FakeAnswer {
    const { storageType, name } = artifact.info;
    let body: ArtifactContentResponse;
    if (storageType === 'object') {
      const object = objectName(call.params.taskId!, artifact.runId, name);
      const credentials = createTemporaryCredentials({
        clientId: `artifact-download/${call.params.taskId}/${artifact.runId}/${name}`,
        expiry: new Date(Date.now() + HOUR_MS),
        scopes: [`object:download:${object}`],
        credentials: this.issuer,
      });
      // A plain copy: the credentials' own JSON form masks the token.
      body = { storageType, name: object, credentials: { ...credentials } };
    } else if (artifact.error) {
      body = { storageType: 'error', ...artifact.error };
    } else {
      body = { storageType: storageType === 'reference' ? 'reference' : 's3', url: this.downloadUrl(call, artifact) };
    }
    return { status: 200, body };
  }

  /** `getArtifact`: 303 to the content (424 with the worker's reason for an error artifact), as the queue redirects. */
  private redirect(call: ApiCall, artifact: StoredArtifact): FakeAnswer {
    const headers = { 'x-taskcluster-artifact-storage-type': artifact.info.storageType };
    if (artifact.error) return { status: 424, body: { ...artifact.error }, headers };
    const url = this.downloadUrl(call, artifact);
    return { status: 303, headers: { ...headers, location: url }, body: { storageType: artifact.info.storageType, url } };
  }

  private downloadUrl(call: ApiCall, artifact: StoredArtifact): string {
    if (artifact.url !== undefined) return artifact.url;
    const taskId = call.params.taskId!;
    const name = artifact.info.name;
    return this.storage.url(artifact.info.storageType === 'object' ? storageKey(objectName(taskId, artifact.runId, name)) : artifactKey(taskId, artifact.runId, name));
  }

  /** Runs `answer` with the run the call names, or the latest run; 404 as the queue answers for an unknown task or run. */
  private withRun(call: ApiCall, latest: boolean, answer: (runId: number) => FakeAnswer): FakeAnswer {
    const status = this.statusOf(call.params.taskId!);
    if (!status) return errorAnswer(call, 404, 'ResourceNotFound', 'Task not found');
    if (status.runs.length === 0) return errorAnswer(call, 404, 'ResourceNotFound', "Task doesn't have any runs");
    const runId = latest ? status.runs.length - 1 : runIdParam(call);
    if (!(runId >= 0 && runId < status.runs.length)) {
      return errorAnswer(call, 404, 'ResourceNotFound', `Task with taskId: \`${call.params.taskId}\` has no run with runId: ${call.params.runId}`);
    }
    return answer(runId);
  }

  private withArtifact(call: ApiCall, runId: number, answer: (artifact: StoredArtifact) => FakeAnswer): FakeAnswer {
    const artifact = this.byTask.get(call.params.taskId!)?.get(`${runId}/${call.params.name}`);
    if (!artifact) return errorAnswer(call, 404, 'ResourceNotFound', `Artifact not found: run ${runId} of task ${call.params.taskId} has no ${call.params.name}`);
    return answer(artifact);
  }

  /** As withArtifact, and an expired artifact is 410, as for downloads from the queue. */
  private withDownload(call: ApiCall, runId: number, answer: (artifact: StoredArtifact) => FakeAnswer): FakeAnswer {
    return this.withArtifact(call, runId, (artifact) =>
      Date.parse(artifact.info.expires) < Date.now() ? errorAnswer(call, 410, 'ResourceExpired', 'Artifact expired') : answer(artifact),
    );
  }
}

/** Where the fake storage keeps an `s3` artifact's bytes. */
function artifactKey(taskId: string, runId: number, name: string): string {
  return `artifacts/${taskId}/${runId}/${name}`;
}

/** The object holding an `object` artifact, named as the queue names it. */
function objectName(taskId: string, runId: number, name: string): string {
  return `t/${taskId}/${runId}/${name}`;
}

function runIdParam(call: ApiCall): number {
  return /^[0-9]+$/.test(call.params.runId ?? '') ? Number(call.params.runId) : Number.NaN;
}
