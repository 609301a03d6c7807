/** Tasks in the fake deployment with artifacts, for download and CLI tests. */
import { slugid } from '../../src/index.js';
import type { FakeTaskcluster } from '../../src/testing/index.js';

export type FakeArtifact = Parameters<FakeTaskcluster['queue']['addArtifact']>[2];
type FakeTaskInput = Parameters<FakeTaskcluster['queue']['addTask']>[1];

/** A task whose run 0 completed, with these artifacts. */
export function completedTask(fake: FakeTaskcluster, artifacts: Readonly<Record<string, FakeArtifact>>, definition: FakeTaskInput = {}): string {
  const taskId = slugid();
  fake.queue.addTask(taskId, definition);
  fake.queue.resolveTask(taskId, 'completed');
  for (const [name, artifact] of Object.entries(artifacts)) fake.queue.addArtifact(taskId, name, artifact);
  return taskId;
}

/** A task whose run 0 is running (a worker's live log is a reference then; artifacts may be created). */
export function runningTask(fake: FakeTaskcluster, artifacts: Readonly<Record<string, FakeArtifact>>): string {
  const taskId = slugid();
  fake.queue.addTask(taskId);
  fake.queue.startRun(taskId);
  for (const [name, artifact] of Object.entries(artifacts)) fake.queue.addArtifact(taskId, name, artifact);
  return taskId;
}
