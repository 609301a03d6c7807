import { PulseConfigError } from '../../pulse/pulse-errors.js';
import { storeFailure, type DedupStoreOperation } from './dedup-errors.js';
import type { ClaimResult, DedupStore } from './store.js';

/**
 * The part of a Redis client the store uses: `EVAL` with the keys and
 * arguments flattened, as ioredis's `eval(script, numKeys, ...keysAndArgs)`
 * takes them. node-redis (v4+) takes them as an object instead; adapt it with
 * `{ eval: (script, numKeys, ...rest) => client.eval(script, { keys: rest.slice(0, numKeys).map(String), arguments: rest.slice(numKeys).map(String) }) }`.
 */
export interface RedisEvalClient {
  eval(script: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
}

export interface RedisDedupStoreOptions {
  /** Put before every key, so that several bots (and tests) can share one Redis. Default `tc-pulse:dedup:`. */
  readonly prefix?: string;
  /**
   * Each Redis call fails after this long without an answer (a client
   * queueing commands while Redis is away would otherwise wait forever); the
   * message is then retried, never skipped. Default 2000.
   */
  readonly timeoutMs?: number;
}

const DEFAULT_PREFIX = 'tc-pulse:dedup:';
const DEFAULT_TIMEOUT_MS = 2_000;

// A key holds `p:<token>` while claimed (expiring with its lease) and `d` once done (expiring after the TTL).
// Each script reads and writes one key atomically: no other client's command runs in between.
const CLAIM = `local v = redis.call('GET', KEYS[1])
if not v then redis.call('SET', KEYS[1], 'p:' .. ARGV[1], 'PX', ARGV[2]) return {1, 0} end
if v == 'd' then return {2, 0} end
return {3, redis.call('PTTL', KEYS[1])}`;
const RENEW = `if redis.call('GET', KEYS[1]) == 'p:' .. ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const COMPLETE = `local v = redis.call('GET', KEYS[1])
if v and v ~= 'd' and v ~= 'p:' .. ARGV[1] then return 0 end
redis.call('SET', KEYS[1], 'd', 'PX', ARGV[2])
return 1`;
const RELEASE = `if redis.call('GET', KEYS[1]) == 'p:' .. ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Deduplication keys in Redis, for replicas sharing one queue. Takes your
 * client (ioredis as is, node-redis through a small adapter, see
 * `RedisEvalClient`); the store never sees its URL or password, and does not
 * close it. Claims are `SET … PX` leases inside Lua scripts, so completing or
 * releasing touches a key only while this run's token holds it.
 */
export class RedisDedupStore implements DedupStore {
  readonly prefix: string;
  readonly timeoutMs: number;
  // Private, so that logging the store never prints the client (and its password).
  readonly #client: RedisEvalClient;

  constructor(client: RedisEvalClient, options: RedisDedupStoreOptions = {}) {
    if (typeof (client as Partial<RedisEvalClient> | undefined)?.eval !== 'function') {
      throw new PulseConfigError('client', 'must be a Redis client with eval(script, numKeys, ...keysAndArgs) (ioredis, or an adapter for node-redis)');
    }
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    if (typeof prefix !== 'string') throw new PulseConfigError('prefix', `must be a string, got ${typeof prefix}`);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (typeof timeoutMs !== 'number' || !(timeoutMs >= 1 && timeoutMs <= 2 ** 31 - 1)) {
      throw new PulseConfigError('timeoutMs', `must be a number of milliseconds 1-${2 ** 31 - 1}, got ${String(timeoutMs)}`);
    }
    this.#client = client;
    this.prefix = prefix;
    this.timeoutMs = timeoutMs;
  }

  async claim(key: string, token: string, leaseMs: number): Promise<ClaimResult> {
    const reply = await this.#eval('claim', CLAIM, key, token, leaseMs);
    const [code, pttl] = Array.isArray(reply) ? (reply as unknown[]) : [];
    if (code === 1) return { state: 'claimed' };
    if (code === 2) return { state: 'done' };
    if (code === 3) return { state: 'in-progress', remainingMs: typeof pttl === 'number' && pttl > 0 ? pttl : 0 };
    throw storeFailure('claim', key, `unexpected reply from Redis: ${JSON.stringify(reply)}`);
  }

  async renew(key: string, token: string, leaseMs: number): Promise<boolean> {
    return (await this.#eval('renew', RENEW, key, token, leaseMs)) === 1;
  }

  async complete(key: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.#eval('complete', COMPLETE, key, token, ttlMs)) === 1;
  }

  async release(key: string, token: string): Promise<void> {
    await this.#eval('release', RELEASE, key, token);
  }

  toJSON(): { readonly prefix: string; readonly timeoutMs: number } {
    return { prefix: this.prefix, timeoutMs: this.timeoutMs };
  }

  /** Runs `script` on the prefixed key, failing with a `DedupStoreError` after `timeoutMs`. */
  async #eval(operation: DedupStoreOperation, script: string, key: string, ...args: (string | number)[]): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const call = Promise.resolve().then(() => this.#client.eval(script, 1, this.prefix + key, ...args));
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([call, deadline]);
    } catch (error) {
      call.catch(() => undefined); // an answer after the deadline is ignored
      throw storeFailure(operation, key, error);
    } finally {
      clearTimeout(timer);
    }
  }
}
