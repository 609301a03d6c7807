/**
 * bench:listen measures what it says: every contender drains a pre-filled
 * queue (real RabbitMQ) doing its per-message work, and leaves every message
 * acked; the ratios pick the right baseline; bad knobs are refused by name.
 * Our client comes from dist/, as in the bench (`npm test` builds it first).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import amqplib from 'amqplib';
import { drain } from '../bench/listen/contender.js';
import { CONTENDERS, PEERS } from '../bench/listen/contenders/index.js';
import { clientSourceOf } from '../bench/listen/client-source.js';
import { readKnobs } from '../bench/listen/knobs.js';
import { measureLatency } from '../bench/listen/latency.js';
import { median, pairedMedian, summarize, targets } from '../bench/listen/report.js';
import { declareExchange, declareQueue, exchange, fill } from '../bench/listen/workload.js';
import { deleteExchanges, deleteQueues, RABBIT_URL, uniqueName } from './support/rabbit.js';

const MESSAGES = 300;
const NAMES = CONTENDERS.map((contender) => contender.name);

describe('bench:listen contenders, against the real broker', () => {
  let connection: amqplib.ChannelModel;
  let channel: amqplib.Channel;
  const queues: string[] = [];
  before(async () => {
    connection = await amqplib.connect(RABBIT_URL, { clientProperties: { connection_name: uniqueName('bench-listen-test') } });
    channel = await connection.createChannel();
    await declareExchange(channel);
  });
  after(async () => {
    await connection.close();
    await deleteQueues(...queues);
    await deleteExchanges(exchange);
  });

  test('the contenders are ours, both peers, plain amqplib and the ceiling', () => {
    assert.deepEqual([...NAMES].sort(), ['acm', 'amqplib', 'ceiling', 'consume', 'consume-otel', 'listen', 'listen-otel', 'rascal']);
    assert.deepEqual([...PEERS].sort(), ['acm', 'rascal']);
  });

  for (const contender of CONTENDERS) {
    test(`${contender.name}: sees every message (${contender.parses ? 'parsed' : 'unparsed'}), acks them all, closes its consumer`, async () => {
      const queue = await declareQueue(channel, uniqueName(`bench-test-${contender.name}`), 'classic');
      queues.push(queue.fullName);
      await fill(channel, queue, MESSAGES, 10_000);
      const taskIds = new Set<string>();
      const result = await drain(contender, queue, {
        count: MESSAGES,
        prefetch: 50,
        timeoutMs: 20_000,
        inspect: (payload) => {
          const message = contender.parses ? payload : JSON.parse((payload as Buffer).toString('utf8'));
          if (contender.parses) assert.ok(!Buffer.isBuffer(payload), 'the payload is parsed');
          taskIds.add((message as { status: { taskId: string } }).status.taskId);
        },
      });
      assert.equal(taskIds.size, MESSAGES);
      assert.ok(result.messagesPerSecond > 0 && Number.isFinite(result.messagesPerSecond));
      assert.ok(result.cpuMicrosPerMessage > 0);
      // Stopped means the consumer is gone, so unacked messages would be back in the queue by now.
      const { messageCount, consumerCount } = await channel.checkQueue(queue.fullName);
      assert.deepEqual({ messageCount, consumerCount }, { messageCount: 0, consumerCount: 0 });
    });
  }

  test('latency is measured on both sides at once, each receiving only its own messages', async () => {
    // A message that reached the wrong side would reject the sample, so both sides' figures are their own.
    const latency = await measureLatency(20, 10);
    for (const side of ['amqplib', 'listen'] as const) {
      const { p50, p99 } = latency[side];
      assert.ok(p50 > 0 && p50 <= p99 && p99 < 5_000, `${side}: p50 ${p50} ms, p99 ${p99} ms`);
    }
  });

  test('a contender that stalls fails the run by its deadline, naming itself and the count', async () => {
    const queue = await declareQueue(channel, uniqueName('bench-test-stall'), 'classic');
    queues.push(queue.fullName);
    await fill(channel, queue, 10, 10_000);
    const listen = CONTENDERS.find((contender) => contender.name === 'listen')!;
    await assert.rejects(drain(listen, queue, { count: 11, prefetch: 50, timeoutMs: 1_500 }), /listen draining 11 messages .* not done within 1500 ms \(received 10\)/);
  });
});

describe('bench:listen ratios', () => {
  const run = (rate: number, cpu: number) => ({ messagesPerSecond: rate, cpuMicrosPerMessage: cpu });
  const summaries = {
    ceiling: summarize([run(30_000, 10), run(32_000, 9), run(31_000, 11)]),
    rascal: summarize([run(8_000, 60), run(9_000, 50)]),
    acm: summarize([run(20_000, 30)]),
    listen: summarize([run(28_000, 20)]),
    consume: summarize([run(22_000, 25)]),
  };

  test('throughput is against the faster peer and the ceiling; latency against raw p99', () => {
    const rows = targets(summaries, PEERS, { amqplib: { p50: 0.4, p99: 2 }, listen: { p50: 0.5, p99: 4 } });
    const byWhat = Object.fromEntries(rows.map((row) => [row.what, row]));
    assert.deepEqual(Object.keys(byWhat), ['consume() / faster peer (acm)', 'listen() / faster peer (acm)', 'listen() / broker ceiling', 'listen() p99 / raw amqplib p99']);
    assert.equal(byWhat['consume() / faster peer (acm)']!.ratio, 1.1);
    assert.equal(byWhat['consume() / faster peer (acm)']!.met, false);
    assert.equal(byWhat['listen() / faster peer (acm)']!.ratio, 1.4);
    assert.equal(byWhat['listen() / faster peer (acm)']!.cpuRatio, 1.5);
    assert.equal(byWhat['listen() / faster peer (acm)']!.met, true);
    // Paired by round: listen ran one round, against the ceiling's first.
    assert.equal(byWhat['listen() / broker ceiling']!.ratio, 28_000 / 30_000);
    assert.equal(byWhat['listen() / broker ceiling']!.met, true);
    assert.equal(byWhat['listen() p99 / raw amqplib p99']!.ratio, 2);
    assert.equal(byWhat['listen() p99 / raw amqplib p99']!.met, false);
  });

  test('the instrumented variants are against the same client without an SDK, in the same run', () => {
    const rows = targets({ ...summaries, 'listen-otel': summarize([run(26_600, 21)]), 'consume-otel': summarize([run(19_000, 28)]) }, PEERS);
    const byWhat = Object.fromEntries(rows.map((row) => [row.what, row]));
    assert.equal(byWhat['listen() with OTel SDK / without']!.ratio, 26_600 / 28_000);
    assert.equal(byWhat['listen() with OTel SDK / without']!.met, true);
    assert.equal(byWhat['consume() with OTel SDK / without']!.ratio, 19_000 / 22_000);
    assert.equal(byWhat['consume() with OTel SDK / without']!.met, false);
  });

  test('targets leave out what was not run', () => {
    assert.deepEqual(targets({ listen: summaries.listen }, PEERS), []);
  });

  test('medians and spreads', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.deepEqual(summaries.rascal, { rates: [8_000, 9_000], cpus: [60, 50], median: 8_500, min: 8_000, max: 9_000, cpu: 55 });
  });

  test('throughput ratios are the median of per-round ratios, so a slow round weighs on both sides alike', () => {
    // Round 3 ran the whole machine slow, and listen had one slow round of its own (round 2).
    const drifting = {
      acm: summarize([run(10_000, 30), run(10_000, 30), run(6_000, 50)]),
      rascal: summarize([run(9_000, 40), run(9_000, 40), run(5_000, 40)]),
      listen: summarize([run(15_000, 20), run(9_000, 20), run(9_000, 40)]),
    };
    // A ratio of medians would put the machine's slow round on listen alone.
    assert.equal(median(drifting.listen.rates) / median(drifting.acm.rates), 0.9);
    const row = targets(drifting, PEERS).find((target) => target.what === 'listen() / faster peer (acm)')!;
    assert.equal(row.ratio, 1.5); // rounds: 1.5, 0.9, 1.5
    // CPU per round against the leaner peer of that round: 30/20, 30/20, 40/40.
    assert.equal(row.cpuRatio, 1.5);
    assert.equal(pairedMedian([3, 10], [1, 5, 7], (a, b) => a / b), 2.5);
  });
});

describe('bench:listen knobs', () => {
  test('defaults run every contender on classic queues at prefetch 100', () => {
    assert.deepEqual(readKnobs({}, NAMES), {
      messages: 30_000,
      rounds: 5,
      prefetch: 100,
      queueType: 'classic',
      contenders: NAMES,
      latencySamples: 2_000,
      memoryMessages: 200_000,
    });
  });

  test('bad knobs are refused by name and rule', () => {
    assert.throws(() => readKnobs({ BENCH_MESSAGES: '1e9x' }, NAMES), /^Error: BENCH_MESSAGES must be an integer from 2 to \d+, got "1e9x"$/);
    assert.throws(() => readKnobs({ BENCH_PREFETCH: '0' }, NAMES), /BENCH_PREFETCH must be an integer from 1 to 65535/);
    assert.throws(() => readKnobs({ BENCH_QUEUE_TYPE: 'stream' }, NAMES), /BENCH_QUEUE_TYPE must be "classic" or "quorum", got "stream"/);
    assert.throws(() => readKnobs({ BENCH_CONTENDERS: 'listen,kafka' }, NAMES), /BENCH_CONTENDERS must list some of .*; unknown: kafka/);
    assert.throws(() => clientSourceOf({ BENCH_CLIENT: 'lib' }), /BENCH_CLIENT must be "dist" or "src", got "lib"/);
  });
});
