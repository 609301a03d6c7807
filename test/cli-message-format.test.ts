/** The one-line views of a message that `tc-pulse listen` prints (and later commands will share). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMessage, messageFormatFrom } from '../src/cli/message-format.js';
import type { PulseMessage } from '../src/pulse/pulse-message.js';
import { QueueEvents } from '../src/index.js';

const binding = new QueueEvents().taskCompleted({ taskId: 'abc' });
const message = {
  exchange: binding.exchange,
  routingKey: 'primary.abc.0.wg.wi.prov.linux.sched.grp._',
  fields: { routingKeyKind: 'primary', taskId: 'abc', runId: '0', workerGroup: 'wg', workerId: 'wi', provisionerId: 'prov', workerType: 'linux', schedulerId: 'sched', taskGroupId: 'grp', reserved: '_' },
  routes: [],
  payload: { status: { state: 'completed' } },
  redelivered: true,
  binding,
} as unknown as PulseMessage;
const now = new Date('2024-05-01T12:34:56.789Z');

describe('message formats', () => {
  it('compact: time, exchange, fields without constants or "_", task state, redelivery', () => {
    assert.equal(
      formatMessage(message, 'compact', { now }),
      '12:34:56.789 queue.taskCompleted taskId=abc runId=0 workerGroup=wg workerId=wi provisionerId=prov workerType=linux schedulerId=sched taskGroupId=grp state=completed (redelivered)',
    );
  });

  it('compact on a narrow terminal: cut to its width', () => {
    const line = formatMessage(message, 'compact', { now, width: 40 });
    assert.equal(line, '12:34:56.789 queue.taskCompleted taskId…');
    assert.equal([...line].length, 40);
  });

  it('json: the whole message, never cut', () => {
    const line = formatMessage(message, 'json', { now, width: 40 });
    assert.deepEqual(JSON.parse(line), {
      exchange: 'exchange/taskcluster-queue/v1/task-completed',
      routingKey: message.routingKey,
      fields: message.fields,
      routes: [],
      payload: { status: { state: 'completed' } },
      redelivered: true,
    });
  });

  it('default: compact on a terminal, json into a pipe; --format and --json override', () => {
    assert.equal(messageFormatFrom({}, true), 'compact');
    assert.equal(messageFormatFrom({}, false), 'json');
    assert.equal(messageFormatFrom({ format: 'compact' }, false), 'compact');
    assert.equal(messageFormatFrom({ json: true }, true), 'json');
    assert.throws(() => messageFormatFrom({ format: 'xml' }, true), /--format must be "compact" or "json", got "xml"/);
  });
});
