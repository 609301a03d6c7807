/**
 * queueMessages builds every queue exchange's message: each is valid against
 * the exchange's schema, goes through the publisher on the embedded broker
 * and arrives through listen() with the generated bindings, its routing key
 * decoding back to the fields it was built with.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { firstValueFrom, take, timeout, toArray } from 'rxjs';
import { PulseClient, QueueEvents, slugid } from '../src/index.js';
import { queueExchangeReference } from '../src/bindings/index.js';
import { FakeQueue, PulsePublisher, queueMessages } from '../src/testing/index.js';
import { packageValidator } from '../src/testing/message-validator.js';

const url = 'memory://message-builders';
const publisher = new PulsePublisher({ url });
const pulse = new PulseClient({ url, connectionName: 'message-builders' });
after(async () => {
  await publisher.close();
  await pulse.close();
});
before(() => publisher.declareExchanges(QueueEvents));

const taskId = slugid();
const taskGroupId = slugid();
const task = { taskId, taskGroupId, taskQueueId: 'proj-x/linux', schedulerId: 'tc-ui', routes: ['index.proj-x.latest'], tags: { kind: 'build' } };

/** One message per exchange of the queue, in the reference's order. */
const built = {
  taskDefined: queueMessages.taskDefined(task),
  taskPending: queueMessages.taskPending(task),
  taskRunning: queueMessages.taskRunning(task, { workerGroup: 'us-east-1', workerId: 'i-0123' }),
  artifactCreated: queueMessages.artifactCreated(task, { name: 'public/build.zip' }, { workerGroup: 'us-east-1', workerId: 'i-0123' }),
  taskCompleted: queueMessages.taskCompleted(task, { workerGroup: 'us-east-1', workerId: 'i-0123' }),
  taskFailed: queueMessages.taskFailed(task),
  taskException: queueMessages.taskException(task, { reasonResolved: 'worker-shutdown' }),
  taskGroupResolved: queueMessages.taskGroupResolved({ taskGroupId, schedulerId: 'tc-ui' }),
  taskGroupSealed: queueMessages.taskGroupSealed({ taskGroupId, schedulerId: 'tc-ui' }),
  taskPriorityChanged: queueMessages.taskPriorityChanged(task, { newPriority: 'high' }),
  taskGroupPriorityChanged: queueMessages.taskGroupPriorityChanged({ taskGroupId, schedulerId: 'tc-ui' }, { newPriority: 'high', tasksAffected: 3 }),
};

describe('queueMessages', () => {
  it('has a builder for every exchange of the queue', () => {
    assert.deepEqual(Object.keys(built).sort(), queueExchangeReference.entries.map((entry) => entry.name).sort());
  });

  for (const entry of queueExchangeReference.entries) {
    it(`${entry.name}: the payload matches ${entry.schema}`, () => {
      const message = built[entry.name];
      packageValidator().validate(entry.exchange, `/schemas/queue/${entry.schema.replace(/#$/, '')}`, message.payload);
    });
  }

  it('the messages are published and received through listen() with the generated bindings, fields decoded as built', async () => {
    const events = new QueueEvents();
    const bindings = [
      events.taskDefined({ taskId }), events.taskPending({ taskId }), events.taskRunning({ taskId }), events.artifactCreated({ taskId }),
      events.taskCompleted({ taskId }), events.taskFailed({ taskId }), events.taskException({ taskId }),
      events.taskGroupResolved({ taskGroupId }), events.taskGroupSealed({ taskGroupId }),
      events.taskPriorityChanged({ taskId }), events.taskGroupPriorityChanged({ taskGroupId }),
    ] as const;
    const ready = new Promise((resolve) => pulse.once('consuming', resolve));
    const received = firstValueFrom(pulse.listen(bindings).pipe(take(bindings.length), toArray(), timeout(5000)));
    await ready;
    for (const entry of queueExchangeReference.entries) await publisher.publish(QueueEvents, entry.name, built[entry.name] as never);
    const messages = await received;
    assert.equal(messages.length, queueExchangeReference.entries.length);
    for (const message of messages) {
      const entry = queueExchangeReference.entries.find((e) => message.exchange.endsWith(`/${e.exchange}`))!;
      const sent = built[entry.name];
      assert.deepEqual(message.payload, sent.payload, entry.name);
      // Every routing-key entry decodes to what was built; `_` where an optional one was left out.
      const sentFields: Record<string, unknown> = sent.fields;
      const decoded: Record<string, unknown> = message.fields;
      for (const key of entry.routingKey.filter((k) => !('constant' in k) && k.name !== 'reserved')) {
        assert.equal(decoded[key.name], String(sentFields[key.name] ?? '_'), `${entry.name} ${key.name}`);
      }
      const name = entry.name;
      assert.deepEqual(message.routes, name.startsWith('taskGroup') ? [] : ['index.proj-x.latest'], name);
    }
  });

  it('taskDefined carries the status before scheduling, as createTask publishes it: unscheduled, no runs', () => {
    assert.deepEqual([built.taskDefined.payload.status.state, built.taskDefined.payload.status.runs], ['unscheduled', []]);
    assert.equal(built.taskDefined.fields.taskId, taskId);
  });

  it('continuing from a running status keeps its claim: the same taskRunning again, byte for byte', async () => {
    await new Promise((resolve) => setTimeout(resolve, 2));
    const again = queueMessages.taskRunning({ status: built.taskRunning.payload.status, routes: task.routes, tags: task.tags });
    assert.equal(JSON.stringify(again.payload), JSON.stringify(built.taskRunning.payload));
  });

  it('statuses follow the event: pending, running, resolved; a resolved run is followed by a rerun', () => {
    assert.deepEqual(built.taskPending.payload.status.runs.map((run) => [run.runId, run.state]), [[0, 'pending']]);
    const running = built.taskRunning.payload;
    assert.deepEqual([running.status.state, running.status.runs[0]!.workerId, running.takenUntil > new Date().toJSON()], ['running', 'i-0123', true]);
    const completed = built.taskCompleted.payload;
    assert.deepEqual([completed.status.state, completed.status.runs[0]!.reasonResolved, completed.task?.tags], ['completed', 'completed', { kind: 'build' }]);
    assert.equal(built.taskException.payload.status.runs[0]!.reasonResolved, 'worker-shutdown');
    // Continuing from a status: the failed run is followed by run 1.
    const rerun = queueMessages.taskCompleted({ status: built.taskFailed.payload.status, routes: task.routes });
    assert.deepEqual(rerun.payload.status.runs.map((run) => [run.runId, run.state]), [[0, 'failed'], [1, 'completed']]);
    assert.deepEqual([rerun.fields.runId, rerun.fields.taskId, rerun.routes], [1, taskId, task.routes]);
  });

  it('from nothing, a task of its own; from a task definition, its fields', () => {
    const alone = queueMessages.taskCompleted();
    assert.match(String(alone.fields.taskId), /^[A-Za-z0-9_-]{22}$/);
    assert.equal(alone.fields.taskGroupId, alone.fields.taskId);
    const fake = new FakeQueue();
    const id = slugid();
    const { task: definition } = fake.addTask(id, { taskQueueId: 'proj-y/win', routes: ['notify.x'] });
    const fromDefinition = queueMessages.taskFailed({ taskId: id, ...definition });
    assert.deepEqual([fromDefinition.fields.provisionerId, fromDefinition.fields.workerType, fromDefinition.routes], ['proj-y', 'win', ['notify.x']]);
  });

  it('the fake queue resolves tasks into the same message the builder gives', () => {
    const fake = new FakeQueue();
    const id = slugid();
    const { status } = fake.addTask(id, { taskQueueId: 'proj-x/linux', routes: ['index.a'], tags: { kind: 'test' } });
    const run = { workerGroup: 'g', workerId: 'w' };
    const fromFake = fake.resolveTask(id, 'failed', run);
    const fromBuilder = queueMessages.taskFailed({ status, routes: ['index.a'], tags: { kind: 'test' } }, run);
    const timesHidden = (value: unknown) => JSON.parse(JSON.stringify(value).replace(/"\d{4}-\d\d-\d\dT[\d:.]+Z"/g, '"<time>"'));
    assert.deepEqual(timesHidden(fromFake), timesHidden(fromBuilder));
    assert.deepEqual(fromFake.payload.task, { tags: { kind: 'test' } });
  });

  it('refuses what is not a task or an artifact, naming the field', () => {
    assert.throws(() => queueMessages.taskCompleted(null as never), /task must be an object/);
    assert.throws(() => queueMessages.artifactCreated({}, { name: '' }), /artifact\.name must be a non-empty string/);
    assert.throws(() => queueMessages.taskGroupResolved(7 as never), /task group must be an object/);
  });
});
