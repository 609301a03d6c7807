/**
 * One AMQP conformance suite, run against the real RabbitMQ and against the
 * memory broker (test/conformance-*.test.ts). Every expectation here was
 * read off RabbitMQ 3.10; the memory broker is faithful exactly as far as this
 * suite passes on it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Channel, ChannelModel, ConfirmChannel, Message } from 'amqplib';
import {
  closeQuietly,
  drain,
  Inbox,
  open,
  serverError,
  unique,
  until,
  WAIT_MS,
  watch,
  type ConformanceTarget,
} from './conformance-kit.js';

const options = { timeout: WAIT_MS * 3 };

export function defineConformanceSuite(target: ConformanceTarget): void {
  describe(`AMQP conformance on ${target.name}`, () => {
    let connection: ChannelModel;
    let channel: ConfirmChannel;
    const connections: ChannelModel[] = [];
    const durableQueues: string[] = [];
    const exchanges: string[] = [];

    /** Another connection (closed after the suite, whatever happens to the scenario). */
    async function connect(): Promise<{ connection: ChannelModel; channel: ConfirmChannel }> {
      const opened = await open(target);
      connections.push(opened.connection);
      return opened;
    }

    before(async () => {
      ({ connection, channel } = await connect());
    });

    after(async () => {
      const { channel: ch } = await connect();
      for (const queue of durableQueues) await ch.deleteQueue(queue).catch(() => undefined);
      for (const exchange of exchanges) await ch.deleteExchange(exchange).catch(() => undefined);
      for (const opened of connections) await closeQuietly(opened);
    });

    /** A topic exchange for one scenario (deleted afterwards). */
    async function topicExchange(): Promise<string> {
      const name = unique('exchange');
      await channel.assertExchange(name, 'topic', { durable: false });
      exchanges.push(name);
      return name;
    }

    /** A server-named exclusive queue, gone with the suite's connection. */
    async function privateQueue(options: Parameters<Channel['assertQueue']>[1] = {}): Promise<string> {
      return (await channel.assertQueue('', { exclusive: true, ...options })).queue;
    }

    /** A named durable queue on its own (deleted afterwards). */
    async function namedQueue(options: Parameters<Channel['assertQueue']>[1] = {}): Promise<string> {
      const name = unique('queue');
      await channel.assertQueue(name, { durable: true, ...options });
      durableQueues.push(name);
      return name;
    }

    async function freshChannel(on: ChannelModel = connection): Promise<Channel> {
      const ch = await on.createChannel();
      ch.on('error', () => undefined);
      return ch;
    }

    async function confirmChannel(): Promise<ConfirmChannel> {
      const ch = await connection.createConfirmChannel();
      ch.on('error', () => undefined);
      return ch;
    }

    function send(ch: Channel, queue: string, ...bodies: string[]): void {
      for (const body of bodies) ch.sendToQueue(queue, Buffer.from(body));
    }

    /** Sends on the suite's channel and waits for the confirms: the queue holds them now (counts are exact). */
    async function sendConfirmed(queue: string, ...bodies: string[]): Promise<void> {
      send(channel, queue, ...bodies);
      await channel.waitForConfirms();
    }

    /** A fresh channel consuming `queue` into an inbox with manual acks, at most `prefetch` unacknowledged. */
    async function manualAckConsumer(queue: string, prefetch: number): Promise<{ ch: Channel; inbox: Inbox; consumerTag: string }> {
      const ch = await freshChannel();
      await ch.prefetch(prefetch);
      const inbox = new Inbox();
      const { consumerTag } = await ch.consume(queue, inbox.push);
      return { ch, inbox, consumerTag };
    }

    describe('routing', () => {
      test('topic patterns: * is one word, # is zero or more, empty words count, the empty key has none', options, async () => {
        const exchange = await topicExchange();
        const keys = ['', 'a', 'a.b', 'a..b', 'a.', '.a', '.', '..', 'a.x.b', 'a.b.b', 'b.a'];
        // What RabbitMQ 3.10 delivers for each pattern, in publish order.
        const expected: Record<string, string[]> = {
          '*': ['a'],
          '#': keys,
          'a.*': ['a.b', 'a.'],
          'a.#': ['a', 'a.b', 'a..b', 'a.', 'a.x.b', 'a.b.b'],
          '#.a': ['a', '.a', 'b.a'],
          'a.*.b': ['a..b', 'a.x.b', 'a.b.b'],
          '*.*': ['a.b', 'a.', '.a', '.', 'b.a'],
          'a.#.b': ['a.b', 'a..b', 'a.x.b', 'a.b.b'],
          '#.#': keys,
          '*.#': keys.filter((k) => k !== ''),
          '#.*': keys.filter((k) => k !== ''),
          'a.': ['a.'],
          '..': ['..'],
          'a.b': ['a.b'],
        };
        const queues = new Map<string, string>();
        for (const pattern of Object.keys(expected)) {
          const queue = await privateQueue();
          await channel.bindQueue(queue, exchange, pattern);
          queues.set(pattern, queue);
        }
        for (const key of keys) channel.publish(exchange, key, Buffer.from(JSON.stringify(key)));
        for (const [pattern, queue] of queues) {
          const received = (await drain(channel, queue)).map((body) => JSON.parse(body) as string);
          assert.deepEqual(received, expected[pattern], `pattern ${JSON.stringify(pattern)}`);
        }
      });

      test('CC and BCC add routing keys: one copy per queue, CC visible to consumers, BCC not', options, async () => {
        const exchange = await topicExchange();
        const both = await privateQueue();
        const routeOnly = await privateQueue();
        const bccOnly = await privateQueue();
        const unrelated = await privateQueue();
        await channel.bindQueue(both, exchange, 'primary.*');
        await channel.bindQueue(both, exchange, 'route.#');
        await channel.bindQueue(routeOnly, exchange, 'route.index.x');
        await channel.bindQueue(bccOnly, exchange, 'secret');
        await channel.bindQueue(unrelated, exchange, 'other.#');
        channel.publish(exchange, 'primary.abc', Buffer.from('m'), {
          CC: ['route.index.x', 'route.notify.y'],
          BCC: 'secret',
        });
        const inbox = new Inbox();
        await channel.consume(both, inbox.push, { noAck: true });
        const [message] = await inbox.waitFor(1);
        assert.equal(message!.fields.routingKey, 'primary.abc');
        assert.equal(message!.fields.exchange, exchange);
        assert.deepEqual(message!.properties.headers, { CC: ['route.index.x', 'route.notify.y'] });
        assert.deepEqual(await inbox.settle(channel, both), ['m'], 'one copy, although three keys matched');
        assert.deepEqual(await drain(channel, routeOnly), ['m']);
        assert.deepEqual(await drain(channel, bccOnly), ['m']);
        assert.deepEqual(await drain(channel, unrelated), []);
      });

      test('the default exchange routes by queue name, CC included; unknown names drop the message', options, async () => {
        const first = await privateQueue();
        const second = await privateQueue();
        channel.sendToQueue(first, Buffer.from('direct'), { CC: [second] });
        channel.publish('', unique('nobody'), Buffer.from('lost'));
        channel.publish('', first, Buffer.from('published'));
        assert.deepEqual(await drain(channel, first), ['direct', 'published']);
        assert.deepEqual(await drain(channel, second), ['direct']);
        const ch = await freshChannel();
        const error = await serverError(ch.bindQueue(first, '', 'x'));
        assert.equal(error.code, 403);
        assert.match(error.message, /ACCESS_REFUSED - operation not permitted on the default exchange/);
      });

      test('direct and fanout exchanges, and exchange-to-exchange bindings', options, async () => {
        const direct = unique('direct');
        const fanout = unique('fanout');
        const topic = await topicExchange();
        await channel.assertExchange(direct, 'direct', { durable: false });
        await channel.assertExchange(fanout, 'fanout', { durable: false });
        exchanges.push(direct, fanout);
        const exact = await privateQueue();
        const everything = await privateQueue();
        await channel.bindQueue(exact, direct, 'a.b');
        await channel.bindQueue(everything, fanout, 'ignored');
        await channel.bindExchange(fanout, topic, 'x.#');
        channel.publish(direct, 'a.b', Buffer.from('direct-hit'));
        channel.publish(direct, 'a.*', Buffer.from('direct-miss'));
        channel.publish(fanout, 'anything', Buffer.from('fanout'));
        channel.publish(topic, 'x.y', Buffer.from('via-topic'));
        channel.publish(topic, 'y', Buffer.from('topic-miss'));
        assert.deepEqual(await drain(channel, exact), ['direct-hit']);
        assert.deepEqual(await drain(channel, everything), ['fanout', 'via-topic']);
        await channel.unbindExchange(fanout, topic, 'x.#');
        channel.publish(topic, 'x.y', Buffer.from('unbound'));
        assert.deepEqual(await drain(channel, everything), []);
      });

      test('message properties arrive as published; unset ones are undefined, headers {} by default', options, async () => {
        const queue = await privateQueue();
        channel.sendToQueue(queue, Buffer.from('{"a":1}'), {
          persistent: true,
          contentType: 'application/json',
          contentEncoding: 'utf-8',
          messageId: 'message-1',
          timestamp: 1_700_000_000,
          headers: { int: 7, big: 2 ** 40, float: 1.5, text: 'x', yes: true, none: null, list: [1, 'a'], nested: { b: 2 }, skipped: undefined },
        });
        channel.sendToQueue(queue, Buffer.from('plain'));
        const inbox = new Inbox();
        await channel.consume(queue, inbox.push, { noAck: true });
        const [json, plain] = await inbox.waitFor(2);
        assert.deepEqual(json!.properties, {
          contentType: 'application/json',
          contentEncoding: 'utf-8',
          headers: { int: 7, big: 2 ** 40, float: 1.5, text: 'x', yes: true, none: null, list: [1, 'a'], nested: { b: 2 } },
          deliveryMode: 2,
          priority: undefined,
          correlationId: undefined,
          replyTo: undefined,
          expiration: undefined,
          messageId: 'message-1',
          timestamp: 1_700_000_000,
          type: undefined,
          userId: undefined,
          appId: undefined,
          clusterId: undefined,
        });
        assert.equal(json!.content.toString(), '{"a":1}');
        assert.deepEqual(plain!.properties.headers, {});
        assert.equal(plain!.properties.deliveryMode, undefined);
        assert.deepEqual(Object.keys(json!.fields), ['consumerTag', 'deliveryTag', 'redelivered', 'exchange', 'routingKey']);
      });

      test('an unroutable mandatory message comes back as a return before its confirm', options, async () => {
        const exchange = await topicExchange();
        const ch = await confirmChannel();
        const order: string[] = [];
        ch.on('return', (message: Message) => {
          const fields = message.fields as unknown as { replyCode: number; replyText: string; routingKey: string };
          order.push(`return ${fields.replyCode} ${fields.replyText} ${fields.routingKey} ${message.content.toString()}`);
        });
        ch.publish(exchange, 'nobody.home', Buffer.from('back'), { mandatory: true }, (error) => order.push(`confirm ${error ?? 'ok'}`));
        await ch.waitForConfirms();
        assert.deepEqual(order, ['return 312 NO_ROUTE nobody.home back', 'confirm ok']);
        await ch.close();
      });

      test('publishing to a missing exchange closes the channel: 404, then close', options, async () => {
        const ch = await confirmChannel();
        const seen = watch(ch);
        const missing = unique('missing');
        let confirm: unknown = 'pending';
        ch.publish(missing, 'x', Buffer.from('m'), {}, (error) => (confirm = error));
        await seen.closed;
        assert.deepEqual(seen.events, ['error 404', 'close']);
        assert.match(seen.errors[0]!.message, new RegExp(`Channel closed by server: 404 \\(NOT-FOUND\\) with message "NOT_FOUND - no exchange '${missing}' in vhost '/'"`));
        assert.ok(confirm instanceof Error, 'the unconfirmed publish fails');
        await assert.rejects(ch.waitForConfirms(), /channel closed/);
      });
    });

    describe('queues', () => {
      test('server-named queues are amq.gen-*; names starting amq. are reserved', options, async () => {
        const { queue } = await channel.assertQueue('', { exclusive: true });
        assert.match(queue, /^amq\.gen-[\w-]{22}$/);
        const error = await serverError((await freshChannel()).assertQueue(`amq.${unique('q')}`));
        assert.equal(error.code, 403);
        assert.match(error.message, /ACCESS_REFUSED - queue name 'amq\.conformance-q-\w+' contains reserved prefix 'amq\.\*'/);
      });

      test('redeclaring: same arguments report the counts; different ones fail with 406 and close the channel', options, async () => {
        const queue = await namedQueue({ durable: false, maxLength: 3 });
        await sendConfirmed(queue, 'one', 'two');
        const again = await channel.assertQueue(queue, { durable: false, maxLength: 3, arguments: { 'x-unchecked': 1 } });
        assert.deepEqual(again, { queue, messageCount: 2, consumerCount: 0 });
        const cases: [Parameters<Channel['assertQueue']>[1], RegExp][] = [
          [{ durable: true, maxLength: 3 }, /inequivalent arg 'durable' for queue '[\w-]+' in vhost '\/': received 'true' but current is 'false'/],
          [{ durable: false, maxLength: 4 }, /inequivalent arg 'x-max-length' for queue '[\w-]+' in vhost '\/': received '4' but current is '3'/],
          [{ durable: false }, /inequivalent arg 'x-max-length' .*: received none but current is the value '3' of type 'byte'/],
          [{ durable: false, maxLength: 3, overflow: 'drop-head' }, /inequivalent arg 'x-overflow' .*: received the value 'drop-head' of type 'longstr' but current is none/],
          [{ durable: false, maxLength: 3, autoDelete: true }, /inequivalent arg 'auto_delete'/],
          // Several differences: the dead-letter exchange comes first in RabbitMQ's order, then the length, then overflow.
          [{ durable: false, maxLength: 4, overflow: 'reject-publish', deadLetterExchange: 'elsewhere' }, /inequivalent arg 'x-dead-letter-exchange'/],
          [{ durable: false, maxLength: 4, overflow: 'reject-publish' }, /inequivalent arg 'x-max-length'/],
        ];
        for (const [declaration, message] of cases) {
          const ch = await freshChannel();
          const seen = watch(ch);
          const error = await serverError(ch.assertQueue(queue, declaration));
          assert.equal(error.code, 406);
          assert.match(error.message, /^Operation failed: QueueDeclare; 406 \(PRECONDITION-FAILED\) with message "PRECONDITION_FAILED - /);
          assert.match(error.message, message);
          await seen.closed;
          assert.deepEqual(seen.events, ['error 406', 'close']);
        }
      });

      test('exclusive queues: other connections get 405 RESOURCE_LOCKED; the queue goes with its connection', options, async () => {
        const owner = await connect();
        const queue = unique('exclusive');
        await owner.channel.assertQueue(queue, { exclusive: true });
        const attempts: [string, (ch: Channel) => Promise<unknown>][] = [
          ['checkQueue', (ch) => ch.checkQueue(queue)],
          ['assertQueue', (ch) => ch.assertQueue(queue, { exclusive: true })],
          ['consume', (ch) => ch.consume(queue, () => undefined)],
          ['purgeQueue', (ch) => ch.purgeQueue(queue)],
          ['deleteQueue', (ch) => ch.deleteQueue(queue)],
        ];
        for (const [operation, attempt] of attempts) {
          const error = await serverError(attempt(await freshChannel()));
          assert.equal(error.code, 405, operation);
          assert.match(error.message, /RESOURCE_LOCKED - cannot obtain exclusive access to locked queue/, operation);
        }
        // Publishing to it is fine.
        channel.sendToQueue(queue, Buffer.from('hello'));
        assert.deepEqual(await drain(owner.channel, queue), ['hello']);
        await owner.connection.close();
        const error = await serverError((await freshChannel()).checkQueue(queue));
        assert.equal(error.code, 404);
      });

      test('a durable queue outlives its connection, with its messages', options, async () => {
        const other = await connect();
        const queue = unique('durable');
        durableQueues.push(queue);
        await other.channel.assertQueue(queue, { durable: true });
        send(other.channel, queue, 'kept-1', 'kept-2');
        await other.channel.waitForConfirms();
        await other.connection.close();
        assert.equal((await channel.checkQueue(queue)).messageCount, 2);
        assert.deepEqual(await drain(channel, queue), ['kept-1', 'kept-2']);
      });

      test('an auto-delete queue goes when its last consumer is cancelled', options, async () => {
        const queue = unique('auto-delete');
        await channel.assertQueue(queue, { durable: false, autoDelete: true });
        const first = await channel.consume(queue, () => undefined);
        const second = await channel.consume(queue, () => undefined);
        await channel.cancel(first.consumerTag);
        assert.equal((await channel.checkQueue(queue)).consumerCount, 1);
        await channel.cancel(second.consumerTag);
        const error = await serverError((await freshChannel()).checkQueue(queue));
        assert.equal(error.code, 404);
      });

      test('deleting a queue cancels its consumers: the callback gets null, then a cancel event; the channel stays open', options, async () => {
        const queue = await privateQueue();
        const ch = await freshChannel();
        const order: string[] = [];
        const { consumerTag } = await ch.consume(queue, (message) => order.push(message === null ? 'null' : 'message'), {
          consumerTag: unique('tag'),
        });
        ch.on('cancel', (fields: { consumerTag: string }) => order.push(`cancel ${fields.consumerTag === consumerTag}`));
        await sendConfirmed(queue, 'a', 'b');
        await until('two deliveries', () => order.length >= 2);
        assert.deepEqual(await channel.deleteQueue(queue), { messageCount: 0 });
        await until('the cancel event', () => order.length >= 4);
        assert.deepEqual(order, ['message', 'message', 'null', 'cancel true']);
        const { queue: another } = await ch.assertQueue('', { exclusive: true });
        assert.ok(another, 'the channel still works');
        await ch.close();
      });

      test('missing queues and exchanges: 404 NOT_FOUND closes the channel; deleting or unbinding them is fine', options, async () => {
        const exchange = await topicExchange();
        const queue = await privateQueue();
        const missingQueue = unique('missing-queue');
        const missingExchange = unique('missing-exchange');
        const attempts: [string, (ch: Channel) => Promise<unknown>, string][] = [
          ['checkQueue', (ch) => ch.checkQueue(missingQueue), `QueueDeclare; 404 (NOT-FOUND) with message "NOT_FOUND - no queue '${missingQueue}' in vhost '/'"`],
          ['checkExchange', (ch) => ch.checkExchange(missingExchange), `ExchangeDeclare; 404 (NOT-FOUND) with message "NOT_FOUND - no exchange '${missingExchange}' in vhost '/'"`],
          ['bind to missing exchange', (ch) => ch.bindQueue(queue, missingExchange, '#'), `QueueBind; 404 (NOT-FOUND) with message "NOT_FOUND - no exchange '${missingExchange}'`],
          ['bind missing queue', (ch) => ch.bindQueue(missingQueue, exchange, '#'), `QueueBind; 404 (NOT-FOUND) with message "NOT_FOUND - no queue '${missingQueue}'`],
          ['consume', (ch) => ch.consume(missingQueue, () => undefined), `BasicConsume; 404 (NOT-FOUND) with message "NOT_FOUND - no queue '${missingQueue}'`],
          ['purge', (ch) => ch.purgeQueue(missingQueue), `QueuePurge; 404 (NOT-FOUND) with message "NOT_FOUND - no queue '${missingQueue}'`],
        ];
        for (const [what, attempt, message] of attempts) {
          const ch = await freshChannel();
          const seen = watch(ch);
          const error = (await serverError(attempt(ch))) as Error & { code: number; classId: number; methodId: number };
          assert.equal(error.code, 404, what);
          assert.equal(error.message, `Operation failed: ${message}${message.endsWith('"') ? '' : ` in vhost '/'"`}`, what);
          assert.equal(typeof error.classId, 'number');
          await seen.closed;
          assert.deepEqual(seen.events, ['error 404', 'close'], what);
          assert.match(seen.errors[0]!.message, /^Channel closed by server: 404 \(NOT-FOUND\)/);
        }
        const ch = await freshChannel();
        assert.deepEqual(await ch.deleteQueue(missingQueue), { messageCount: 0 });
        assert.deepEqual(await ch.unbindQueue(queue, missingExchange, '#'), {});
        assert.deepEqual(await ch.unbindQueue(missingQueue, exchange, '#'), {});
        assert.deepEqual(await ch.unbindQueue(queue, exchange, 'never.bound'), {});
        assert.deepEqual(await ch.deleteExchange(missingExchange), {});
        await ch.close();
      });

      test('exchange redeclaration with another type or durability fails with 406', options, async () => {
        const exchange = await topicExchange();
        assert.deepEqual(await channel.assertExchange(exchange, 'topic', { durable: false }), { exchange });
        for (const [type, durable, arg] of [['direct', false, 'type'], ['topic', true, 'durable']] as const) {
          const error = await serverError((await freshChannel()).assertExchange(exchange, type, { durable }));
          assert.equal(error.code, 406);
          assert.match(error.message, new RegExp(`PRECONDITION_FAILED - inequivalent arg '${arg}' for exchange '${exchange}'`));
        }
      });

      test('purge removes the ready messages and says how many', options, async () => {
        const queue = await privateQueue();
        await sendConfirmed(queue, 'a', 'b', 'c');
        assert.deepEqual(await channel.purgeQueue(queue), { messageCount: 3 });
        assert.equal((await channel.checkQueue(queue)).messageCount, 0);
      });

      test('x-max-length drop-head drops the oldest, dead-lettered as maxlen with the dead-letter routing key', options, async () => {
        const deadLetters = await topicExchange();
        const dead = await privateQueue();
        await channel.bindQueue(dead, deadLetters, '#');
        const queue = await privateQueue({ maxLength: 2, deadLetterExchange: deadLetters, deadLetterRoutingKey: 'dead.key' });
        await sendConfirmed(queue, '1', '2', '3', '4');
        assert.equal((await channel.checkQueue(queue)).messageCount, 2);
        const kept = new Inbox();
        await channel.consume(queue, kept.push, { noAck: true });
        await kept.waitFor(2);
        assert.deepEqual(kept.bodies, ['3', '4']);
        const inbox = new Inbox();
        await channel.consume(dead, inbox.push, { noAck: true });
        const [first] = await inbox.waitFor(2);
        assert.deepEqual(inbox.bodies, ['1', '2']);
        assert.equal(first!.fields.routingKey, 'dead.key');
        assert.equal(first!.fields.exchange, deadLetters);
        const headers = first!.properties.headers!;
        assert.equal(headers['x-first-death-reason'], 'maxlen');
        assert.equal(headers['x-first-death-queue'], queue);
        assert.equal(headers['x-first-death-exchange'], '');
        const [death] = headers['x-death'] as unknown as Record<string, unknown>[];
        assert.deepEqual({ ...death, time: undefined }, { count: 1, reason: 'maxlen', queue, exchange: '', 'routing-keys': [queue], time: undefined });
        assert.equal((death!.time as { '!': string })['!'], 'timestamp');
      });

      test('x-overflow reject-publish refuses messages beyond the limit: publisher confirms nack them', options, async () => {
        const queue = await privateQueue({ maxLength: 1, overflow: 'reject-publish' });
        const ch = await confirmChannel();
        const confirms: string[] = [];
        for (const body of ['1', '2', '3']) {
          ch.sendToQueue(queue, Buffer.from(body), {}, (error) => confirms.push(`${body} ${error ? (error as Error).message : 'ok'}`));
        }
        await assert.rejects(ch.waitForConfirms(), /message nacked/);
        assert.deepEqual(confirms, ['1 ok', '2 message nacked', '3 message nacked']);
        assert.equal((await channel.checkQueue(queue)).messageCount, 1);
        await ch.close();
      });

      test('rejected messages are dead-lettered with x-death; without a dead-letter key they keep their routing keys and CC', options, async () => {
        const source = await topicExchange();
        const deadLetters = await topicExchange();
        const dead = await privateQueue();
        await channel.bindQueue(dead, deadLetters, '#');
        const queue = await privateQueue({ deadLetterExchange: deadLetters });
        await channel.bindQueue(queue, source, 'task.*');
        channel.publish(source, 'task.one', Buffer.from('bad'), { CC: ['route.a'], headers: { kept: 'yes' } });
        const ch = await freshChannel();
        const inbox = new Inbox();
        await ch.consume(queue, inbox.push);
        const [message] = await inbox.waitFor(1);
        ch.reject(message!, false);
        const deadInbox = new Inbox();
        await channel.consume(dead, deadInbox.push, { noAck: true });
        // The dead letter is routed with both keys but reaches the queue once.
        const [letter] = await deadInbox.waitFor(1);
        assert.equal(letter!.fields.routingKey, 'task.one');
        assert.equal(letter!.fields.exchange, deadLetters);
        assert.equal(letter!.fields.redelivered, false);
        const headers = letter!.properties.headers!;
        assert.deepEqual(headers.CC, ['route.a']);
        assert.equal(headers.kept, 'yes');
        const deaths = headers['x-death'] as unknown as Record<string, unknown>[];
        assert.equal(deaths.length, 1);
        assert.deepEqual({ ...deaths[0], time: undefined }, {
          count: 1,
          reason: 'rejected',
          queue,
          exchange: source,
          'routing-keys': ['task.one', 'route.a'],
          time: undefined,
        });
        assert.deepEqual(await deadInbox.settle(channel, dead), ['bad'], 'one dead letter');
        await ch.close();
      });

      test('quorum queues: must be durable and shared; count deliveries in x-delivery-count; dead-letter past x-delivery-limit', options, async () => {
        for (const [declaration, property] of [
          [{ durable: false }, 'non-durable'],
          [{ exclusive: true }, 'exclusive-owner'],
          [{ autoDelete: true }, 'auto-delete'],
        ] as const) {
          const error = await serverError((await freshChannel()).assertQueue(unique('quorum'), { ...declaration, arguments: { 'x-queue-type': 'quorum' } }));
          assert.equal(error.code, 406);
          assert.match(error.message, new RegExp(`invalid property '${property}'`));
        }
        const deadLetters = await topicExchange();
        const dead = await privateQueue();
        await channel.bindQueue(dead, deadLetters, '#');
        const queue = await namedQueue({ arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': 2, 'x-dead-letter-exchange': deadLetters } });
        const redeclared = await serverError(
          (await freshChannel()).assertQueue(queue, { arguments: { 'x-delivery-limit': 3, 'x-dead-letter-exchange': deadLetters } }),
        );
        // Of several differences, RabbitMQ names the first in its own order: the queue type before the delivery limit.
        assert.match(redeclared.message, /inequivalent arg 'x-queue-type' .*: received none but current is the value 'quorum' of type 'longstr'/);
        const limit = await serverError(
          (await freshChannel()).assertQueue(queue, { arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': 3, 'x-dead-letter-exchange': deadLetters } }),
        );
        assert.match(limit.message, /inequivalent arg 'x-delivery-limit' .*: received '3' but current is '2'/);

        channel.sendToQueue(queue, Buffer.from('poison'), { CC: ['x.y'] });
        await channel.waitForConfirms();
        // A channel closing with the message unacknowledged counts as a delivery too.
        const first = await freshChannel();
        const firstInbox = new Inbox();
        await first.consume(queue, firstInbox.push);
        await firstInbox.waitFor(1);
        await first.close();
        const ch = await freshChannel();
        await ch.prefetch(1);
        const inbox = new Inbox();
        await ch.consume(queue, (message) => {
          inbox.push(message);
          if (message) ch.nack(message, false, true);
        });
        const deadInbox = new Inbox();
        await channel.consume(dead, deadInbox.push, { noAck: true });
        const [letter] = await deadInbox.waitFor(1);
        const seen = [firstInbox.messages[0]!, ...inbox.messages].map((m) => [m.fields.redelivered, m.properties.headers!['x-delivery-count']]);
        assert.deepEqual(seen, [
          [false, undefined],
          [true, 1],
          [true, 2],
        ]);
        const headers = letter!.properties.headers!;
        assert.equal(headers['x-delivery-count'], undefined, 'the count is not carried to the dead letter');
        assert.equal(headers['x-first-death-reason'], 'delivery_limit');
        assert.deepEqual((headers['x-death'] as unknown as Record<string, unknown>[])[0]!['routing-keys'], [queue, 'x.y']);
        assert.equal(letter!.fields.routingKey, queue);
        assert.equal((await channel.checkQueue(queue)).messageCount, 0);
        await ch.close();
      });
    });

    describe('consuming', () => {
      test('deliveries are asynchronous: never inside publish()', options, async () => {
        const queue = await privateQueue();
        const inbox = new Inbox();
        let published = false;
        const duringPublish: boolean[] = [];
        await channel.consume(queue, (message) => {
          duringPublish.push(!published);
          inbox.push(message);
        }, { noAck: true });
        channel.sendToQueue(queue, Buffer.from('x'));
        published = true;
        await inbox.waitFor(1);
        assert.deepEqual(duringPublish, [false]);
      });

      test('prefetch limits unacknowledged deliveries per consumer; an ack lets the next one through', options, async () => {
        const queue = await privateQueue();
        await sendConfirmed(queue, ...Array.from({ length: 10 }, (_, i) => String(i)));
        const ch = await freshChannel();
        await ch.prefetch(2);
        const a = new Inbox();
        const b = new Inbox();
        await ch.consume(queue, a.push);
        await ch.consume(queue, b.push);
        await a.waitFor(2);
        await b.waitFor(2);
        assert.equal((await ch.checkQueue(queue)).messageCount, 6, 'nothing beyond the prefetch left the queue');
        assert.deepEqual([a.bodies, b.bodies], [['0', '1'], ['2', '3']]);
        ch.ack(a.messages[0]!);
        await a.waitFor(3);
        assert.equal(a.bodies[2], '4');
        assert.equal((await ch.checkQueue(queue)).messageCount, 5);
        await ch.close();
      });

      test('global prefetch is shared by the channel’s consumers; per-consumer prefetch applies within it', options, async () => {
        const queue = await privateQueue();
        await sendConfirmed(queue, ...Array.from({ length: 10 }, (_, i) => String(i)));
        const shared = await freshChannel();
        await shared.prefetch(3, true);
        const a = new Inbox();
        const b = new Inbox();
        await shared.consume(queue, a.push);
        await shared.consume(queue, b.push);
        await until('three deliveries', () => a.messages.length + b.messages.length >= 3);
        assert.equal((await shared.checkQueue(queue)).messageCount, 7);
        assert.deepEqual([...a.bodies, ...b.bodies].sort(), ['0', '1', '2']);
        await shared.close();

        const both = await freshChannel();
        await both.prefetch(3, true);
        await both.prefetch(1, false);
        const c = new Inbox();
        const d = new Inbox();
        await both.consume(queue, c.push);
        await both.consume(queue, d.push);
        await c.waitFor(1);
        await d.waitFor(1);
        assert.equal((await both.checkQueue(queue)).messageCount, 8);
        assert.deepEqual([c.bodies, d.bodies], [['0'], ['1']]);
        await both.close();
      });

      test('noAck consumers ignore prefetch', options, async () => {
        const queue = await privateQueue();
        await sendConfirmed(queue, 'a', 'b', 'c', 'd');
        const ch = await freshChannel();
        await ch.prefetch(1);
        const inbox = new Inbox();
        await ch.consume(queue, inbox.push, { noAck: true });
        await inbox.waitFor(4);
        assert.deepEqual(inbox.bodies, ['a', 'b', 'c', 'd']);
        await ch.close();
      });

      test('consumers on a queue take turns', options, async () => {
        const queue = await privateQueue();
        const ch = await freshChannel();
        const a = new Inbox();
        const b = new Inbox();
        await ch.consume(queue, a.push, { noAck: true });
        await ch.consume(queue, b.push, { noAck: true });
        await sendConfirmed(queue, '1', '2', '3', '4');
        await until('four deliveries', () => a.messages.length + b.messages.length >= 4);
        assert.deepEqual([a.bodies, b.bodies], [['1', '3'], ['2', '4']]);
        await ch.close();
      });

      test('nack with requeue: back at the head in the original order, marked redelivered', options, async () => {
        const queue = await privateQueue();
        await sendConfirmed(queue, '1', '2', '3', '4', '5');
        const { ch, inbox } = await manualAckConsumer(queue, 3);
        const [, second] = await inbox.waitFor(3);
        ch.nack(second!, false, true);
        const again = (await inbox.waitFor(4))[3]!;
        assert.deepEqual([again.content.toString(), again.fields.redelivered], ['2', true]);
        // Requeue everything outstanding (tags of 1, 3 and the redelivered 2): they come back as 1, 2, 3.
        ch.nack(again, true, true);
        const redelivered = (await inbox.waitFor(7)).slice(4);
        assert.deepEqual(redelivered.map((m) => [m.content.toString(), m.fields.redelivered]), [['1', true], ['2', true], ['3', true]]);
        assert.equal((await ch.checkQueue(queue)).messageCount, 2);
        await ch.close();
      });

      test('reject without requeue and no dead-letter exchange drops the message; reject with requeue redelivers it', options, async () => {
        const queue = await privateQueue();
        await sendConfirmed(queue, 'dropped', 'again');
        const { ch, inbox } = await manualAckConsumer(queue, 1);
        const [dropped] = await inbox.waitFor(1);
        ch.reject(dropped!, false);
        const [, again] = await inbox.waitFor(2);
        ch.reject(again!, true);
        const [, , redelivered] = await inbox.waitFor(3);
        assert.deepEqual([redelivered!.content.toString(), redelivered!.fields.redelivered], ['again', true]);
        ch.ack(redelivered!);
        assert.equal((await ch.checkQueue(queue)).messageCount, 0);
        await ch.close();
        assert.deepEqual(await drain(channel, queue), []);
      });

      test('closing a channel returns its unacknowledged messages in order, marked redelivered', options, async () => {
        const queue = await privateQueue();
        await sendConfirmed(queue, '1', '2', '3', '4', '5');
        const { ch, inbox } = await manualAckConsumer(queue, 3);
        await inbox.waitFor(3);
        await ch.close();
        const after = new Inbox();
        await channel.consume(queue, after.push, { noAck: true });
        await after.waitFor(5);
        assert.deepEqual(after.messages.map((m) => [m.content.toString(), m.fields.redelivered]), [
          ['1', true],
          ['2', true],
          ['3', true],
          ['4', false],
          ['5', false],
        ]);
      });

      test('closing a connection returns its unacknowledged messages; its channels close before it does', options, async () => {
        const queue = await namedQueue();
        await sendConfirmed(queue, 'a', 'b');
        const other = await connect();
        const second = await freshChannel(other.connection);
        const order: string[] = [];
        other.channel.on('close', () => order.push('channel'));
        second.on('close', () => order.push('channel'));
        other.connection.on('close', (error?: Error) => order.push(`connection ${error === undefined ? 'clean' : error.message}`));
        const inbox = new Inbox();
        await other.channel.consume(queue, inbox.push);
        await inbox.waitFor(2);
        await other.connection.close();
        assert.deepEqual(order, ['channel', 'channel', 'connection clean']);
        await assert.rejects(other.connection.createChannel(), { name: 'IllegalOperationError' });
        assert.deepEqual(await drain(channel, queue), ['a', 'b']);
      });

      test('an unknown delivery tag (or a second ack) closes the channel with 406; then calls throw IllegalOperationError', options, async () => {
        const queue = await privateQueue();
        await sendConfirmed(queue, 'only');
        const ch = await freshChannel();
        const seen = watch(ch);
        const inbox = new Inbox();
        await ch.consume(queue, inbox.push);
        const [message] = await inbox.waitFor(1);
        ch.ack(message!);
        ch.ack(message!);
        await seen.closed;
        assert.deepEqual(seen.events, ['error 406', 'close']);
        const error = seen.errors[0] as Error & { code: number; classId: number; methodId: number };
        assert.equal(error.message, 'Channel closed by server: 406 (PRECONDITION-FAILED) with message "PRECONDITION_FAILED - unknown delivery tag 1"');
        assert.deepEqual([error.classId, error.methodId], [60, 80]);
        assert.throws(() => ch.ack(message!), { name: 'IllegalOperationError', message: 'Channel closed' });
        assert.throws(() => ch.publish('', queue, Buffer.from('x')), { name: 'IllegalOperationError', message: 'Channel closed' });
        await assert.rejects(ch.checkQueue(queue), { name: 'IllegalOperationError', message: 'Channel closed' });
        await assert.rejects(ch.close(), { name: 'IllegalOperationError' });

        const other = await freshChannel();
        const otherSeen = watch(other);
        other.nack({ fields: { deliveryTag: 99 } } as Message, false, false);
        await otherSeen.closed;
        assert.match(otherSeen.errors[0]!.message, /unknown delivery tag 99/);
        assert.equal((otherSeen.errors[0] as Error & { methodId: number }).methodId, 120);
      });

      test('cancel stops deliveries; messages delivered before can still be acknowledged', options, async () => {
        const queue = await privateQueue();
        await sendConfirmed(queue, '1', '2', '3');
        const { ch, inbox, consumerTag } = await manualAckConsumer(queue, 1);
        const [first] = await inbox.waitFor(1);
        assert.deepEqual(await ch.cancel(consumerTag), { consumerTag });
        ch.ack(first!);
        assert.equal((await ch.checkQueue(queue)).messageCount, 2);
        assert.equal(inbox.messages.length, 1);
        assert.deepEqual(await ch.cancel('never-existed'), { consumerTag: 'never-existed' });
        await ch.close();
      });

      test('consumer tags: an explicit one is used, generated ones are amq.ctag-*; reuse on a channel is a connection error 530', options, async () => {
        const other = await connect();
        const { queue } = await other.channel.assertQueue('', { exclusive: true });
        const seen = watch(other.connection);
        const tag = unique('tag');
        const generated = await other.channel.consume(queue, () => undefined);
        assert.match(generated.consumerTag, /^amq\.ctag-[\w-]{22}$/);
        assert.deepEqual(await other.channel.consume(queue, () => undefined, { consumerTag: tag }), { consumerTag: tag });
        await assert.rejects(other.channel.consume(queue, () => undefined, { consumerTag: tag }));
        await seen.closed;
        assert.deepEqual(seen.events, ['error 530', 'close']);
        assert.equal(seen.errors[0]!.message, `Connection closed: 530 (NOT-ALLOWED) with message "NOT_ALLOWED - attempt to reuse consumer tag '${tag}'"`);
      });

      test('an exclusive consumer keeps others out with 403 ACCESS_REFUSED', options, async () => {
        const queue = await privateQueue();
        await channel.consume(queue, () => undefined, { exclusive: true });
        const error = await serverError((await freshChannel()).consume(queue, () => undefined));
        assert.equal(error.code, 403);
        assert.match(error.message, /ACCESS_REFUSED - queue '[\w.-]+' in vhost '\/' in exclusive use/);
      });

      test('basic.get takes one message or says there is none', options, async () => {
        const queue = await privateQueue();
        const ch = await freshChannel();
        assert.equal(await ch.get(queue), false);
        await sendConfirmed(queue, 'x', 'y');
        const got = await ch.get(queue);
        assert.ok(got);
        assert.deepEqual([got.content.toString(), got.fields.messageCount, got.fields.redelivered], ['x', 1, false]);
        ch.ack(got);
        assert.equal((await ch.checkQueue(queue)).messageCount, 1);
        await ch.close();
      });
    });

    describe('publisher confirms', () => {
      test('each publish is confirmed; waitForConfirms resolves once all are', options, async () => {
        const queue = await privateQueue();
        const ch = await confirmChannel();
        const confirmed: (string | null)[] = [];
        for (const body of ['a', 'b', 'c']) {
          const accepted = ch.sendToQueue(queue, Buffer.from(body), { persistent: true }, (error) => confirmed.push(error ? String(error) : null));
          assert.equal(accepted, true);
        }
        await ch.waitForConfirms();
        assert.deepEqual(confirmed, [null, null, null]);
        assert.equal((await ch.checkQueue(queue)).messageCount, 3);
        await ch.close();
      });
    });

    test('a channel error leaves the connection and its other channels working', options, async () => {
      const broken = await freshChannel();
      const seen = watch(broken);
      await serverError(broken.checkQueue(unique('missing')));
      await seen.closed;
      const queue = await privateQueue();
      await sendConfirmed(queue, 'still fine');
      assert.deepEqual(await drain(channel, queue), ['still fine']);
    });

    test('a connection the server closes: channels close, then the connection with CONNECTION_FORCED, no error event', options, async () => {
      const name = unique('forced');
      const other = await target.connect(name);
      connections.push(other);
      const ch = await other.createChannel();
      const { queue } = await ch.assertQueue('', { exclusive: true });
      const shared = await namedQueue();
      await sendConfirmed(shared, 'unacked');
      const inbox = new Inbox();
      await ch.consume(shared, inbox.push);
      await inbox.waitFor(1);
      const order: string[] = [];
      ch.on('close', () => order.push('channel close'));
      other.on('error', (error: Error) => order.push(`error ${error.message}`));
      const closed = new Promise<Error | undefined>((resolve) => other.on('close', resolve));
      await target.forceClose(other, name, 'conformance test');
      const error = (await closed) as Error & { code: number };
      assert.deepEqual(order, ['channel close']);
      assert.equal(error.code, 320);
      assert.equal(error.message, 'Connection closed: 320 (CONNECTION-FORCED) with message "CONNECTION_FORCED - conformance test"');
      assert.throws(() => ch.ack(inbox.messages[0]!), { name: 'IllegalOperationError' });
      await assert.rejects(other.createChannel(), { name: 'IllegalOperationError' });
      // Its exclusive queue went with it; its unacknowledged message went back.
      const missing = await serverError((await freshChannel()).checkQueue(queue));
      assert.equal(missing.code, 404);
      const back = await drain(channel, shared);
      assert.deepEqual(back, ['unacked']);
    });

    test('a consumer callback that throws: handler-error if someone listens, else its channel closes with 541', options, async () => {
      const queue = await namedQueue({ durable: false });
      const listened = await freshChannel();
      const reported: [string, string][] = [];
      listened.on('handler-error', (error: Error, event: string) => reported.push([error.message, event]));
      await listened.consume(queue, () => {
        throw new Error('handler bug');
      }, { noAck: true });
      await sendConfirmed(queue, 'a');
      await until('a handler-error', () => reported.length === 1);
      assert.deepEqual(reported, [['handler bug', 'delivery']]);
      await listened.close();

      const unlistened = await connection.createChannel();
      const seen = watch(unlistened);
      await unlistened.consume(queue, () => {
        throw new Error('unhandled handler bug');
      });
      await sendConfirmed(queue, 'b');
      await seen.closed;
      assert.deepEqual(seen.events, ['error 541', 'close']);
      assert.equal(seen.errors[0]!.message, 'unhandled handler bug');
      // The connection stays up, and the unacknowledged message went back.
      assert.deepEqual(await drain(channel, queue), ['b']);
    });

    test('a consumer that requeues every delivery does not starve the event loop', options, async () => {
      const queue = await privateQueue();
      await sendConfirmed(queue, 'boomerang');
      const ch = await freshChannel();
      let deliveries = 0;
      await ch.consume(queue, (message) => {
        deliveries += 1;
        if (message) ch.nack(message, false, true);
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(deliveries > 1, `redelivered (${deliveries} deliveries) while timers still ran`);
      await ch.close();
    });

    test('a channel error nobody listens for takes the connection down', options, async () => {
      const other = await target.connect();
      connections.push(other);
      const seen = watch(other);
      const ch = await other.createChannel();
      await ch.checkQueue(unique('missing')).catch(() => undefined);
      await seen.closed;
      assert.equal(seen.events[0], 'error 404');
      assert.equal(seen.events.at(-1), 'close');
    });
  });
}
