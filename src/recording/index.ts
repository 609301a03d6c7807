// The JSON-lines recording format: written by `tc-pulse listen --record`,
// replayed by `tc-pulse replay` and replayRecording(), exported by the inspector.
export type { JsonValue, PulseRecord, RecordedProperties } from './record.js';
export { recordOf, recordOfDelivery } from './record-of-message.js';
export { parseRecording, readRecording } from './read-recording.js';
export { RecordingError } from './recording-error.js';
export { RecordingWriter } from './recording-writer.js';
export { replayRecording, type ReplayOptions, type ReplayResult } from './replay.js';
