/**
 * Scale-out on RabbitMQ's own clustering: a 3-node cluster of this test's own
 * (test/support/own-cluster.ts; never the shared broker), a quorum queue, a
 * consumer given all three URLs, and a publisher with confirms at a steady
 * rate that fails over between nodes too. Two crashes (SIGKILL) while
 * messages flow: (1) the node the consumer is connected to, (2) the node that
 * leads the queue. Nothing confirmed may be lost; duplicates are counted (the
 * publisher's republished copies apart from the broker's redeliveries) and
 * the seconds to resume per kill are reported, not asserted.
 *
 * Opt-in (`TC_PULSE_CLUSTER_TEST=1`): booting three nodes takes minutes on a
 * 2-core machine. `.ci/run` runs it as its own step.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { PulseClient } from '../src/pulse/index.js';
import { resolveQueueOptions } from '../src/pulse/queue-options.js';
import { FailoverPublisher } from './support/failover-publisher.js';
import { type OwnCluster, type OwnClusterNode, startOwnCluster } from './support/own-cluster.js';
import { privateQueueEvents, routingKeyFor, taskCompletedBody, taskFields } from './support/rabbit-fixtures.js';
import { consumingOn, eventually, TestPublisher, uniqueName } from './support/rabbit.js';

const enabled = process.env.TC_PULSE_CLUSTER_TEST === '1';
const RESUME_DEADLINE_MS = 180_000;
const PUBLISH_INTERVAL_MS = 20;
/** Each message takes this long to handle, like a bot making one REST call: some are always in flight when a node dies. */
const HANDLER_MS = 50;

let cluster: OwnCluster | undefined;
let client: PulseClient | undefined;
let publisher: FailoverPublisher | undefined;

after(
  async () => {
    await publisher?.close();
    await client?.close();
    await cluster?.stop(); // the queue and exchange go with the nodes
  },
  { timeout: 180_000 },
);

/** One handled delivery: which message, which of the publisher's copies, and when. */
interface Handled {
  readonly id: number;
  readonly copy: number;
  readonly redelivered: boolean;
  /** The broker's count (`x-delivery-count`), which `maxDeliveries` is checked against. */
  readonly deliveryCount: number | undefined;
  readonly at: number;
}

test(
  'cluster: a quorum queue consumed across 3 nodes loses nothing when the consumer\'s node and then the leader are killed',
  { skip: enabled ? false : 'starts a 3-node RabbitMQ cluster (minutes): set TC_PULSE_CLUSTER_TEST=1', timeout: 1_200_000 },
  async (t) => {
    cluster = await startOwnCluster();
    const [first, second, third] = cluster.nodes as [OwnClusterNode, OwnClusterNode, OwnClusterNode];
    t.diagnostic(`cluster of ${cluster.nodes.map((node) => node.node).join(', ')} formed in ${cluster.formedMs} ms`);

    const binding = privateQueueEvents().taskCompleted();
    const queueName = uniqueName('cluster');
    // The client's own declaration (namespace `guest`, from the URLs' user), so both declarations match.
    const declaration = resolveQueueOptions('guest', { queueName });
    const queue = declaration.nameFor();
    // The queue is declared through the third node first, so its leader is not
    // where the consumer connects (the first URL): each kill then hits one role.
    const setup = await TestPublisher.open(third.url);
    await setup.exchange(binding.exchange);
    const side = await setup.sideChannel();
    await side.assertQueue(queue, declaration.assertOptions);
    await setup.disconnect();

    client = new PulseClient({ urls: cluster.urls, connectionName: uniqueName('cluster-consumer') });
    const consumerNodes: { readonly at: number; readonly node: OwnClusterNode | undefined }[] = [];
    client.on('connected', ({ url }) => consumerNodes.push({ at: Date.now(), node: cluster!.nodeByPort(Number(new URL(url).port)) }));
    client.on('error', (error) => t.diagnostic(`client error: ${error.message}`));
    const handled: Handled[] = [];
    const handledIds = new Set<number>();
    const consuming = consumingOn(client);
    client
      .consume(binding, async (message) => {
        await sleep(HANDLER_MS);
        const id = Number(message.fields.taskId.slice(1));
        handled.push({ id, copy: Number(message.fields.runId), redelivered: message.redelivered, deliveryCount: message.deliveryCount, at: Date.now() });
        handledIds.add(id);
      }, { queueName })
      .subscribe({ error: (error: Error) => t.diagnostic(`consume() ended: ${error.message}`) });

    // Until the queue is bound, messages would be confirmed but routed nowhere.
    await consuming;
    // The publisher starts on the third node (the leader), so the second kill hits it too.
    publisher = new FailoverPublisher([third.url, first.url, second.url]);
    const publishedAt: number[] = []; // by message id: when its first copy was sent
    const confirmed: number[] = [];
    let republished = 0;
    let publishing = true;
    const publishLoop = (async () => {
      for (let id = 0; publishing; id++) {
        publishedAt[id] = Date.now();
        // The copy number rides in runId, so the consumer can tell the publisher's copies from redeliveries.
        const receipt = await publisher!.publish(
          binding.exchange,
          (copy) => routingKeyFor(binding, taskFields(`m${id}`, copy)),
          (copy) => Buffer.from(JSON.stringify(taskCompletedBody(`m${id}`, copy))),
        );
        republished += receipt.attempts - 1;
        confirmed.push(id);
        await sleep(PUBLISH_INTERVAL_MS);
      }
    })();
    publishLoop.catch(() => undefined); // awaited below; a failure must not be unhandled meanwhile

    await eventually(() => handled.length >= 100, '100 messages handled before the first kill', RESUME_DEADLINE_MS);
    const killAndResume = async (role: string, victim: OwnClusterNode) => {
      const leader = await cluster!.queueLeader(queue);
      const consumerNode = consumerNodes.at(-1)?.node;
      const killedAt = Date.now();
      await victim.kill();
      // Resumed: a message first sent after the kill has reached the handler.
      await eventually(() => handled.some((h) => (publishedAt[h.id] ?? 0) > killedAt), `a message sent after killing ${role} to be handled`, RESUME_DEADLINE_MS);
      const resumedAt = Math.min(...handled.filter((h) => (publishedAt[h.id] ?? 0) > killedAt).map((h) => h.at));
      const reconnect = consumerNodes.find((c) => c.at > killedAt);
      const newLeader = await cluster!.queueLeader(queue);
      const figure =
        `kill ${role} (${victim.node}; leader ${victim === leader ? 'yes' : 'no'}, consumer's node ${victim === consumerNode ? 'yes' : 'no'}): ` +
        `resumed in ${((resumedAt - killedAt) / 1000).toFixed(2)} s` +
        (reconnect ? `, consumer reconnected to ${reconnect.node?.node ?? '?'} in ${((reconnect.at - killedAt) / 1000).toFixed(2)} s` : ', consumer kept its connection') +
        `; leader now ${newLeader.node}`;
      t.diagnostic(figure);
      return { leader, newLeader, consumerNode, reconnectedTo: reconnect?.node };
    };

    const consumerNode = consumerNodes.at(-1)?.node;
    assert.ok(consumerNode, 'the consumer reported the node it connected to');
    const firstKill = await killAndResume("the consumer's node", consumerNode);
    assert.notEqual(firstKill.leader, consumerNode, 'the first kill hits the consumer\'s node only, not the leader');
    assert.ok(firstKill.reconnectedTo && firstKill.reconnectedTo !== consumerNode, 'the consumer moved to another node');
    await sleep(3_000);
    // A quorum queue needs 2 of its 3 members: bring the first node back before killing the leader.
    const restartMs = await consumerNode.restart();
    t.diagnostic(`${consumerNode.node} restarted and rejoined in ${restartMs} ms`);
    await sleep(3_000);
    const secondKill = await killAndResume("the queue's leader", await cluster.queueLeader(queue));
    assert.notEqual(secondKill.newLeader, secondKill.leader, 'a new leader was elected');
    await sleep(3_000);

    publishing = false;
    await publishLoop;
    const published = confirmed.length;
    // Missing ones are reported as lost below rather than as a timeout.
    await eventually(() => confirmed.every((id) => handledIds.has(id)), 'every confirmed message handled', RESUME_DEADLINE_MS).catch(() => undefined);
    const lost = confirmed.filter((id) => !handledIds.has(id));
    const copiesHandled = new Set(handled.map((h) => `${h.id}/${h.copy}`)).size;
    const uniqueHandled = handledIds.size;
    const figures =
      `published ${published} (confirmed; ${republished} republished after a missing confirm), lost ${lost.length}, ` +
      `duplicates ${handled.length - uniqueHandled} (${copiesHandled - uniqueHandled} publisher copies, ${handled.length - copiesHandled} redeliveries); ` +
      `redelivered flag on ${handled.filter((h) => h.redelivered).length}, highest delivery count ${Math.max(...handled.map((h) => h.deliveryCount ?? 1))}`;
    t.diagnostic(figures);
    for (const failure of publisher.failures) t.diagnostic(`publisher failover from URL ${failure.urlIndex}: ${failure.reason}`);

    assert.ok(published > 100, 'messages flowed through both kills');
    assert.deepEqual(lost, [], 'every confirmed message was handled at least once');
  },
);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
