import { readRecording } from '../recording/read-recording.js';
import type { PulseRecord } from '../recording/record.js';
import { replayRecording, type ReplayOptions, type ReplayResult } from '../recording/replay.js';

export interface FeedRecordingOptions extends Omit<ReplayOptions, 'pace'> {
  /** Default `fast`: a test wants the messages, not the waiting. */
  readonly pace?: ReplayOptions['pace'];
}

/**
 * Feeds a recording (a file `tc-pulse listen --record` wrote, or its records)
 * to a bot under test: publishes every message raw onto `url`, as fast as the
 * broker confirms unless told otherwise. Start the bot's `listen()` first (wait
 * for the client's `consuming` event), so that its queue is bound when the
 * messages arrive. Resolves once the broker has confirmed them all.
 */
export async function feedRecording(recording: string | readonly PulseRecord[], options: FeedRecordingOptions): Promise<ReplayResult> {
  const records = typeof recording === 'string' ? await readRecording(recording) : recording;
  return replayRecording(records, { ...options, pace: options.pace ?? 'fast' });
}
