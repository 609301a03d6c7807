// Public surface of src/testing (the test kit): the entry point `taskcluster-pulse/testing`,
// kept apart from the root so that a bot in production carries none of it.
import { registerMemoryConnector } from '../memory-broker/index.js';

// With the test kit, `memory://` URLs reach the embedded broker.
registerMemoryConnector();

export { PulsePublisher, type PulsePublisherOptions } from './pulse-publisher.js';
export { MessageValidationError, PublishError, type SchemaViolation } from './publish-errors.js';
export { PublishNotConfirmedError } from './publish-not-confirmed-error.js';
export type {
  EntryOf,
  EventsClass,
  ExchangeNameOf,
  ExchangeSource,
  PublishedPulseMessage,
  PublishFields,
  PublishInput,
  PublishPayload,
  ReferenceOf,
} from './publish-types.js';
export { MAX_ROUTES, PULSE_MESSAGE_BYTES } from './wire-message.js';
// Messages as the queue publishes them, from a task or a few fields.
export {
  queueMessages,
  type CreatedArtifact,
  type QueueExchangeName,
  type QueueMessage,
  type TaskGroupSource,
} from './messages/queue-messages.js';
export type { RunDetails, TaskSource } from './messages/task-runs.js';
// The embedded broker, for tests and demos: `memory://` URLs.
export {
  connectMemoryBroker,
  discardMemoryBroker,
  getMemoryBroker,
  type MemoryBroker,
  type QueueInfo,
} from '../memory-broker/index.js';
// A stand-in Taskcluster deployment: Hawk-verifying HTTP server with a fake queue.
export {
  FakeObjectService,
  FakeQueue,
  FakeStorage,
  startFakeTaskcluster,
  type ApiAnswer,
  type ApiCall,
  type ApiCallOf,
  type ApiMethodName,
  type ApiOutput,
  type ApiOverride,
  type ArtifactErrorReason,
  type Authentication,
  type FakeAnswer,
  type FakeArtifact,
  type FakeContentArtifact,
  type FakeDownloadMethod,
  type FakeErrorArtifact,
  type FakeObject,
  type FakeObjectInput,
  type FakeReferenceArtifact,
  type FakeTaskcluster,
  type FakeTaskclusterOptions,
  type FakeTaskInput,
  type RecordedCall,
  type Resolution,
  type ResolvedRunMessage,
  type ResolveOptions,
  type ServiceFake,
  type StorageFault,
  type StorageRequest,
  type TaskRunFields,
} from './fake-taskcluster/index.js';
// Recordings (JSON lines, as `tc-pulse listen --record` writes them): read, write, replay, feed to a bot.
export * from '../recording/index.js';
export { feedRecording, type FeedRecordingOptions } from './feed-recording.js';
