// The fake Taskcluster deployment; the public parts are re-exported by src/testing/index.ts.
export { startFakeTaskcluster, type FakeTaskcluster, type FakeTaskclusterOptions } from './start-fake-taskcluster.js';
export {
  FakeQueue,
  type FakeQueueOptions,
  type FakeTaskInput,
  type Resolution,
  type ResolvedRunMessage,
  type ResolveOptions,
  type TaskRunFields,
} from './fake-queue.js';
export {
  type ArtifactErrorReason,
  type FakeArtifact,
  type FakeContentArtifact,
  type FakeErrorArtifact,
  type FakeReferenceArtifact,
} from './fake-artifacts.js';
export { FakeObjectService, type FakeDownloadMethod, type FakeObject, type FakeObjectInput } from './fake-object-service.js';
export { FakeStorage, type StorageFault, type StorageRequest } from './fake-storage.js';
export type { ApiCall, FakeAnswer, RecordedCall, ServiceFake } from './api-call.js';
export type { ApiAnswer, ApiCallOf, ApiMethodName, ApiOutput, ApiOverride, ErrorStatus, SuccessStatus } from './api-answers.js';
export type { Authentication, ClientTokens, Ext } from './hawk-authentication.js';
export type { TemporaryCertificate } from './certificate.js';
export { sendJson, startHawkServer, type Handler, type HawkServer, type Refusal, type VerifiedRequest } from './hawk-server.js';
export { serveReferenceFiles } from './reference-files.js';
export { dispatchApiCall, unknownRoute, type ApiDispatcherOptions } from './api-dispatcher.js';
