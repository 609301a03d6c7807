/**
 * A private 3-node RabbitMQ cluster on this machine, for tests that kill
 * nodes under a quorum queue. Each node is an own node (test/support/own-broker.ts:
 * own name, AMQP and distribution ports, data directory; never the shared
 * broker on 5672). They share the rabbitmq user's Erlang cookie, which is what
 * lets them (and rabbitmqctl) talk to each other; the shared node is never
 * named in any command, so it never joins.
 *
 * The nodes boot in parallel; the second and third then join the first with
 * RabbitMQ's own `join_cluster` (stop_app, reset, join_cluster, start_app).
 * `stop()` stops all of them and deletes their directories, and is safe to
 * call from an `after` hook whatever state a test left them in.
 */
import { type OwnNode, prepareOwnNode } from './own-broker.js';

export interface OwnClusterNode extends Pick<OwnNode, 'node' | 'url' | 'amqpPort' | 'ctl' | 'cli'> {
  /** Whether the node is running (false between `kill()` and `restart()`). */
  readonly running: boolean;
  /** SIGKILLs the node (a crash); its data stays, so `restart()` brings it back as a member. */
  kill(): Promise<void>;
  /** Boots a killed node again and waits until the cluster sees it running; resolves with the milliseconds it took. */
  restart(): Promise<number>;
}

export interface OwnCluster {
  readonly nodes: readonly OwnClusterNode[];
  /** The nodes' AMQP URLs, in order: give them all to a client as `urls`. */
  readonly urls: readonly string[];
  /** From the first boot to every node running as a member of one cluster. */
  readonly formedMs: number;
  /** The node whose AMQP port this is (e.g. of a URL a client reports being connected to). */
  nodeByPort(port: number): OwnClusterNode | undefined;
  /** The node a quorum queue's leader runs on, asked of a running node. */
  queueLeader(queue: string): Promise<OwnClusterNode>;
  /** Stops every node and deletes their directories. Safe to call twice. */
  stop(): Promise<void>;
}

export interface OwnClusterOptions {
  /** Default 3. */
  readonly size?: number;
  /** Deadline for the whole formation; generous, as 3 nodes boot at once on 2 cores. */
  readonly formationDeadlineMs?: number;
}

const POLL_MS = 500;

export async function startOwnCluster(options: OwnClusterOptions = {}): Promise<OwnCluster> {
  const size = options.size ?? 3;
  const formationDeadlineMs = options.formationDeadlineMs ?? 300_000;
  const own: OwnNode[] = [];
  const running = new Set<OwnNode>();
  const stop = async () => {
    await Promise.all(own.map((node) => node.remove()));
  };
  const started = performance.now();
  try {
    for (let i = 0; i < size; i++) own.push(await prepareOwnNode());
    await Promise.all(own.map(async (node) => {
      await node.launch(formationDeadlineMs);
      running.add(node);
    }));
    const [seed, ...joiners] = own as [OwnNode, ...OwnNode[]];
    for (const node of joiners) {
      await node.ctl('stop_app');
      await node.ctl('reset');
      await node.ctl('join_cluster', seed.node);
      await node.ctl('start_app');
      await node.ctl('await_startup');
    }
    await untilMembersRun(seed, own.map((node) => node.node), started + formationDeadlineMs);
  } catch (error) {
    await stop();
    throw error;
  }
  const formedMs = Math.round(performance.now() - started);

  const anyRunning = () => {
    const node = own.find((candidate) => running.has(candidate));
    if (!node) throw new Error('no node of the cluster is running');
    return node;
  };
  const nodes = own.map((node): OwnClusterNode => ({
    node: node.node,
    url: node.url,
    amqpPort: node.amqpPort,
    ctl: node.ctl,
    cli: node.cli,
    get running() {
      return running.has(node);
    },
    async kill() {
      running.delete(node);
      await node.kill();
    },
    async restart() {
      const restarted = performance.now();
      await node.launch(formationDeadlineMs);
      running.add(node);
      const others = own.filter((other) => other !== node && running.has(other));
      await untilMembersRun(others[0] ?? node, [...others, node].map((member) => member.node), Date.now() + formationDeadlineMs);
      return Math.round(performance.now() - restarted);
    },
  }));
  const byName = (name: string) => nodes.find((node) => node.node === name);

  return {
    nodes,
    urls: nodes.map((node) => node.url),
    formedMs,
    nodeByPort: (port) => nodes.find((node) => node.amqpPort === port),
    async queueLeader(queue) {
      const rows = JSON.parse(await anyRunning().ctl('list_queues', 'name', 'leader', '--formatter', 'json')) as { name: string; leader: string }[];
      const leader = rows.find((row) => row.name === queue)?.leader;
      const node = leader === undefined ? undefined : byName(leader);
      if (!node) throw new Error(`no leader found for queue ${queue} (rows: ${JSON.stringify(rows)})`);
      return node;
    },
    stop,
  };
}

/** Polls `cluster_status` on `asked` until every one of `members` is listed as running, or the deadline passes. */
async function untilMembersRun(asked: OwnNode | OwnClusterNode, members: readonly string[], deadline: number): Promise<void> {
  let last = '';
  for (;;) {
    try {
      const status = JSON.parse(await asked.ctl('cluster_status', '--formatter', 'json')) as { running_nodes?: string[] };
      const runningNodes = status.running_nodes ?? [];
      last = runningNodes.join(', ');
      if (members.every((member) => runningNodes.includes(member))) return;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`cluster did not have ${members.join(', ')} running by the deadline; last seen: ${last}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
