/**
 * A task group's life as the queue lives it, for watchTaskGroup tests: the
 * fake queue's state moves first (as the queue writes its database), and the
 * messages it would publish are collected, to be published later, shuffled,
 * with duplicates, as Pulse may deliver them.
 */
import { QueueEvents } from '../../src/bindings/index.js';
import { slugid } from '../../src/rest/slugid.js';
import type { FakeTaskcluster, PulsePublisher, QueueExchangeName, QueueMessage } from '../../src/testing/index.js';
import { queueMessages } from '../../src/testing/index.js';
import type { TaskState } from '../../src/workflows/index.js';
import type { SeededRandom } from './seeded-random.js';

/** One message to publish, and what it is, for diagnostics. */
export interface StoryMessage {
  readonly name: QueueExchangeName;
  readonly taskId: string | undefined;
  send(publisher: PulsePublisher, exchangePrefix: string): Promise<unknown>;
}

/** How a task ends: its last run and that run's state. */
export interface FinalState {
  readonly runId: number;
  readonly state: TaskState;
}

function message<K extends QueueExchangeName>(name: K, built: QueueMessage<K>, taskId?: string): StoryMessage {
  return {
    name,
    taskId,
    send: (publisher, exchangePrefix) =>
      (publisher.publish as (source: typeof QueueEvents, name: QueueExchangeName, input: object) => Promise<unknown>)(QueueEvents, name, { ...built, exchangePrefix }),
  };
}

export class TaskGroupStory {
  readonly taskGroupId = slugid();
  readonly taskIds: string[];
  readonly finals = new Map<string, FinalState>();
  /** Tasks whose first run ends in a retried exception (worker-shutdown), then a second run. */
  readonly retried = new Set<string>();

  constructor(
    private readonly fake: FakeTaskcluster,
    size: number,
  ) {
    this.taskIds = Array.from({ length: size }, () => slugid());
    this.taskIds.forEach((taskId, i) => {
      if (i % 25 === 7) this.retried.add(taskId);
    });
  }

  /** The decision task defines every task: defined and pending messages. */
  define(): StoryMessage[] {
    return this.taskIds.flatMap((taskId) => {
      const { status } = this.fake.queue.addTask(taskId, { taskGroupId: this.taskGroupId });
      return [message('taskDefined', queueMessages.taskDefined({ status }), taskId), message('taskPending', queueMessages.taskPending({ status }), taskId)];
    });
  }

  /** Runs and resolves `taskIds`: running, an artifact, the resolution (and for retried tasks a first run ending in exception). */
  run(taskIds: readonly string[]): StoryMessage[] {
    return taskIds.flatMap((taskId) => {
      const index = this.taskIds.indexOf(taskId);
      const out: StoryMessage[] = [];
      if (this.retried.has(taskId)) {
        out.push(...this.oneRun(taskId, 0));
        const shutdown = this.fake.queue.resolveTask(taskId, 'exception', { reasonResolved: 'worker-shutdown' });
        // The queue retries it at once: both messages carry the status with the new pending run
        // (which the fake's next startRun makes).
        const retry = queueMessages.taskPending({ status: shutdown.payload.status });
        out.push(message('taskException', { ...shutdown, payload: { ...shutdown.payload, status: retry.payload.status } }, taskId));
        out.push(message('taskPending', retry, taskId));
      }
      const runId = this.retried.has(taskId) ? 1 : 0;
      out.push(...this.oneRun(taskId, runId));
      const state = index % 10 === 3 ? 'failed' : index % 17 === 5 ? 'exception' : 'completed';
      const resolved = this.fake.queue.resolveTask(taskId, state);
      out.push(message(state === 'completed' ? 'taskCompleted' : state === 'failed' ? 'taskFailed' : 'taskException', resolved, taskId));
      this.finals.set(taskId, { runId, state });
      return out;
    });
  }

  /** The group's last task resolved: the queue announces it. */
  resolved(): StoryMessage {
    return message('taskGroupResolved', queueMessages.taskGroupResolved({ taskGroupId: this.taskGroupId }));
  }

  private oneRun(taskId: string, runId: number): StoryMessage[] {
    this.fake.queue.startRun(taskId);
    const status = this.fake.queue.status(taskId)!;
    return [
      message('taskRunning', queueMessages.taskRunning({ status }), taskId),
      message('artifactCreated', queueMessages.artifactCreated({ status }, { name: `public/logs/run-${runId}.log` }), taskId),
    ];
  }
}

/** `messages` shuffled, a share of them twice (the copy later); deterministic by `random`. */
export function shuffledWithDuplicates(messages: readonly StoryMessage[], random: SeededRandom, duplicateShare = 0.2): StoryMessage[] {
  const out = [...messages];
  for (const m of messages) if (random.chance(duplicateShare)) out.push(m);
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Publishes in order, a batch at a time (one channel keeps the order within a batch). */
export async function publishAll(publisher: PulsePublisher, exchangePrefix: string, messages: readonly StoryMessage[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 100) {
    await Promise.all(messages.slice(i, i + 100).map((m) => m.send(publisher, exchangePrefix)));
  }
}
