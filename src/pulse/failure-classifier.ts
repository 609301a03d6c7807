import { FailureClassifierError, PermanentError } from './failure-errors.js';
import type { PulseMessage, ReceivedMessage } from './pulse-message.js';
import { describeAnswer } from './answer-text.js';

/** What to do with a failed delivery: retry it (up to `maxDeliveries`), or dead-letter it now. */
export type FailureVerdict = 'retry' | 'dead-letter';

/** Decides, for each handler failure, whether retrying can help. */
export type FailureClassifier = (error: unknown, message: PulseMessage) => FailureVerdict;

/**
 * The verdict on a failure: a `PermanentError` is dead-lettered whatever the
 * classifier says (the handler said so explicitly); anything else is up to
 * `classify`, or retried. Never throws: a classifier that throws or answers
 * something else means `'retry'` (never lose a message to a bug), reported,
 * so settling always goes on.
 */
export function verdictOf(classify: FailureClassifier | undefined, report: (error: Error) => void): (error: unknown, message: ReceivedMessage) => FailureVerdict {
  return (error, message) => {
    if (error instanceof PermanentError) return 'dead-letter';
    if (classify === undefined) return 'retry';
    let verdict: unknown;
    try {
      verdict = classify(error, message);
    } catch (thrown) {
      return fallBack(message, 'threw', report, thrown);
    }
    if (verdict === 'retry' || verdict === 'dead-letter') return verdict;
    return fallBack(message, `returned ${describeAnswer(verdict)}`, report);
  };
}

function fallBack(message: ReceivedMessage, problem: string, report: (error: Error) => void, cause?: unknown): FailureVerdict {
  report(new FailureClassifierError(message.delivery, problem, cause === undefined ? undefined : { cause }));
  return 'retry';
}
