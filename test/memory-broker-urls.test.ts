/**
 * The memory broker's URLs and its seam with the Pulse client: `memory://name`
 * names a broker in this process; the Pulse connector registry finds it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  connectMemoryBroker,
  discardMemoryBroker,
  getMemoryBroker,
  isMemoryUrl,
  memoryBrokerName,
} from '../src/memory-broker/index.js';
import type { AmqpConnector } from '../src/pulse/amqp-api.js';
import { openConnection } from '../src/pulse/connectors.js';

// The seam, checked by the compiler: connectMemoryBroker is an AmqpConnector.
const connector: AmqpConnector = connectMemoryBroker;

const fresh = () => `memory://urls-${randomBytes(4).toString('hex')}`;

describe('memory broker URLs', () => {
  test('memory://<name> names a broker: the same name is the same broker, another name another one', async () => {
    const url = fresh();
    const first = await connector(url, { noDelay: true });
    const channel = await first.createChannel();
    await channel.assertQueue('jobs', { durable: true });
    await first.close();

    const again = await connectMemoryBroker(url);
    assert.equal((await (await again.createChannel()).checkQueue('jobs')).queue, 'jobs');
    const elsewhere = await connectMemoryBroker(fresh());
    const other = await elsewhere.createChannel();
    other.on('error', () => undefined);
    await assert.rejects(other.checkQueue('jobs'), { code: 404 });
    await Promise.all([again.close(), elsewhere.close()]);
  });

  test('credentials, a trailing slash and query parameters are ignored, so only the scheme of an amqp URL changes', () => {
    assert.equal(memoryBrokerName('memory://'), '');
    assert.equal(memoryBrokerName('memory://demo'), 'demo');
    assert.equal(memoryBrokerName('memory://user:secret@demo/?heartbeat=20'), 'demo');
    assert.equal(getMemoryBroker('memory://guest:guest@demo'), getMemoryBroker('memory://demo'));
    assert.equal(isMemoryUrl('MEMORY://x'), true);
    assert.equal(isMemoryUrl('amqp://localhost'), false);
  });

  test('other URLs are refused with the rule', () => {
    assert.throws(() => memoryBrokerName('amqp://localhost'), {
      name: 'TypeError',
      message: '"amqp://localhost" is not a memory broker URL; use memory:// or memory://<name>',
    });
    assert.throws(() => memoryBrokerName('memory://demo/vhost'), /names a broker by its host only \(memory:\/\/<name>\), not by a path/);
  });

  test('the Pulse connector registry opens memory: URLs on the memory broker', async () => {
    const url = fresh();
    const connection = await openConnection(url, { noDelay: true });
    const channel = await connection.createChannel();
    await channel.assertQueue('via-registry', { durable: true });
    assert.deepEqual(getMemoryBroker(url).queueNames(), ['via-registry']);
    await connection.close();
  });

  test('discarding a broker closes its connections from the server side and starts the next one empty', async () => {
    const url = fresh();
    const connection = await connectMemoryBroker(url);
    await (await connection.createChannel()).assertQueue('gone', { durable: true });
    const closed = new Promise<Error | undefined>((resolve) => connection.on('close', resolve));
    discardMemoryBroker(url);
    const error = (await closed) as Error & { code: number };
    assert.equal(error.code, 320);
    assert.deepEqual(getMemoryBroker(url).queueNames(), []);
  });
});
