/**
 * A private RabbitMQ node of a test's own, for fault tests that stop a broker
 * (`stop_app`, `stop`): the shared node on 127.0.0.1:5672 serves every other
 * suite running at the same time, so it is never stopped. The node has its
 * own name, ports and data directory, and goes away with `stop()`.
 *
 * `prepareOwnNode()` is the piece underneath, for helpers that need more than
 * one node or kill and restart one (test/support/own-cluster.ts).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface OwnBroker {
  /** AMQP URL of the node (guest/guest, loopback only). */
  readonly url: string;
  /** Erlang node name, e.g. `tcpulse-3f2a9c1d@localhost`. */
  readonly node: string;
  /** How long the node took to boot (rabbitmq-server to await_startup). */
  readonly startupMs: number;
  /** Runs `rabbitmqctl -n <node> ...args` (never the shared node), returning stdout. */
  ctl(...args: string[]): Promise<string>;
  /** Stops the node (killing it past a deadline) and deletes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

export interface OwnBrokerOptions {
  /** How long the node may take to boot; measured at ~16 s on a 2-core machine. */
  readonly startupDeadlineMs?: number;
}

/**
 * A private node's name, ports and data directory, set up but not running:
 * `launch()` boots it, `kill()` SIGKILLs it (a crash: data kept, so it can be
 * launched again), `remove()` stops it for good and deletes the directory.
 */
export interface OwnNode {
  /** Erlang node name, e.g. `tcpulse-3f2a9c1d@localhost`. */
  readonly node: string;
  readonly amqpPort: number;
  /** AMQP URL of the node (guest/guest, loopback only). */
  readonly url: string;
  /** Runs `rabbitmqctl -n <node> ...args` (never the shared node), returning stdout. */
  ctl(...args: string[]): Promise<string>;
  /** Runs another RabbitMQ CLI (e.g. `rabbitmq-queues`) with `-n <node>`, returning stdout. */
  cli(tool: string, ...args: string[]): Promise<string>;
  /** Boots the node (again, after `kill()`) and resolves with the milliseconds it took; throws with the log's tail past the deadline. */
  launch(startupDeadlineMs?: number): Promise<number>;
  /** SIGKILLs the node's VM, as a crash would, and resolves once the process is gone. */
  kill(): Promise<void>;
  /** Stops the node (killing it past a deadline) and deletes its directory. Safe to call twice. */
  remove(): Promise<void>;
}

const CTL_DEADLINE_MS = 60_000;
const STOP_DEADLINE_MS = 30_000;
const KILL_DEADLINE_MS = 30_000;
const DEFAULT_STARTUP_DEADLINE_MS = 90_000;

export async function startOwnBroker(options: OwnBrokerOptions = {}): Promise<OwnBroker> {
  const own = await prepareOwnNode();
  const startupMs = await own.launch(options.startupDeadlineMs);
  return { url: own.url, node: own.node, startupMs, ctl: own.ctl, stop: own.remove };
}

/** Picks a node name, ports and a data directory with empty plugin and config files; nothing runs yet. */
export async function prepareOwnNode(): Promise<OwnNode> {
  const node = `tcpulse-${randomBytes(4).toString('hex')}@localhost`;
  const [amqpPort, distPort] = (await freePorts(2)) as [number, number];
  const dir = await mkdtemp(join(tmpdir(), 'tcpulse-broker-'));
  const files = {
    plugins: join(dir, 'enabled_plugins'), // empty: no management plugin, so nothing binds 15672
    config: join(dir, 'rabbitmq.conf'), // empty: /etc/rabbitmq/rabbitmq.conf would listen on 5672
    advanced: join(dir, 'advanced.config'),
    pid: join(dir, 'rabbitmq.pid'),
  };
  await writeFile(files.plugins, '');
  await writeFile(files.config, '');
  await writeFile(files.advanced, '[].\n'); // an empty file is a parse error
  await handToRabbitmqUser(dir, Object.values(files).filter((file) => file !== files.pid));

  const cli = async (tool: string, ...args: string[]) => (await run(tool, ['-n', node, ...args], { timeout: CTL_DEADLINE_MS })).stdout;
  const ctl = (...args: string[]) => cli('rabbitmqctl', ...args);
  // A process that dies without its `after` hook must not leave a node running.
  const killOnExit = () => killNode(files.pid);
  process.on('exit', killOnExit);
  let removed: Promise<void> | undefined;
  const remove = () =>
    (removed ??= (async () => {
      process.off('exit', killOnExit);
      // `stop <pid file>` returns once the process has exited.
      await run('rabbitmqctl', ['-n', node, 'stop', files.pid], { timeout: STOP_DEADLINE_MS }).catch(() => killNode(files.pid));
      await rm(dir, { recursive: true, force: true });
    })());

  const launch = async (startupDeadlineMs = DEFAULT_STARTUP_DEADLINE_MS) => {
    const started = performance.now();
    try {
      // As root, the rabbitmq-server wrapper runs the node as the rabbitmq user, whose home has the
      // Erlang cookie of the default node: rabbitmqctl can then talk to both, and the nodes to each other.
      await run('rabbitmq-server', ['-detached'], {
        timeout: CTL_DEADLINE_MS,
        env: {
          ...process.env,
          RABBITMQ_NODENAME: node,
          RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
          RABBITMQ_NODE_PORT: String(amqpPort),
          RABBITMQ_DIST_PORT: String(distPort),
          RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
          RABBITMQ_LOG_BASE: join(dir, 'log'),
          RABBITMQ_PID_FILE: files.pid,
          RABBITMQ_ENABLED_PLUGINS_FILE: files.plugins,
          RABBITMQ_CONFIG_FILE: files.config,
          RABBITMQ_ADVANCED_CONFIG_FILE: files.advanced,
        },
      });
      await awaitStartup(ctl, startupDeadlineMs);
    } catch (error) {
      // The directory goes with remove(), so the log's last lines go into the error.
      const logTail = await readFile(join(dir, 'log', `${node}.log`), 'utf8').then((log) => log.trimEnd().split('\n').slice(-5).join('\n'), () => '(no log)');
      await remove();
      throw new Error(`${(error as Error).message}; ${node}'s log ends:\n${logTail}`, { cause: error });
    }
    return Math.round(performance.now() - started);
  };

  const kill = async () => {
    const pid = readPid(files.pid);
    if (pid === undefined) return;
    killNode(files.pid);
    const deadline = Date.now() + KILL_DEADLINE_MS;
    while (isRunning(pid)) {
      if (Date.now() > deadline) throw new Error(`${node} (pid ${pid}) was still running ${KILL_DEADLINE_MS} ms after SIGKILL`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  return { node, amqpPort, url: `amqp://guest:guest@127.0.0.1:${amqpPort}`, ctl, cli, launch, kill, remove };
}

/**
 * `await_startup` fails at once while the node is not yet registered with
 * epmd, so it is retried until the deadline.
 */
async function awaitStartup(ctl: (...args: string[]) => Promise<string>, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const remainingS = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
    try {
      await ctl('await_startup', '--timeout', String(remainingS));
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`own RabbitMQ node did not start within ${deadlineMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

function readPid(pidFile: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined; // no pid file: the node never started
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILLs the node named by its pid file, if it is still there; synchronous, for an `exit` handler. */
function killNode(pidFile: string): void {
  const pid = readPid(pidFile);
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // the node is already gone
  }
}

/** Loopback ports free right now, all different (each held until all are found). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/**
 * As root, the rabbitmq-server wrapper runs the node as the rabbitmq user,
 * which must be able to write the directory.
 */
async function handToRabbitmqUser(dir: string, files: readonly string[]): Promise<void> {
  await chmod(dir, 0o755);
  if (process.getuid?.() !== 0) return;
  const id = async (flag: string) => Number((await run('id', [flag, 'rabbitmq'], { timeout: 10_000 })).stdout.trim());
  const [uid, gid] = [await id('-u'), await id('-g')];
  for (const path of [dir, ...files]) await chown(path, uid, gid);
}
