// Public surface of src/testing (the test kit); re-exported by src/index.ts.
export { PulsePublisher, type PulsePublisherOptions } from './pulse-publisher.js';
export { MessageValidationError, PublishError, type SchemaViolation } from './publish-errors.js';
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
  FakeQueue,
  startFakeTaskcluster,
  type ApiCall,
  type Authentication,
  type FakeAnswer,
  type FakeArtifact,
  type FakeTaskcluster,
  type FakeTaskclusterOptions,
  type FakeTaskInput,
  type RecordedCall,
  type Resolution,
  type ResolvedRunMessage,
  type ResolveOptions,
  type ServiceFake,
  type TaskRunFields,
} from './fake-taskcluster/index.js';
// Recordings (JSON lines, as `tc-pulse listen --record` writes them): read, write, replay, feed to a bot.
export * from '../recording/index.js';
export { feedRecording, type FeedRecordingOptions } from './feed-recording.js';
