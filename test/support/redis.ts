/**
 * The real Redis on 127.0.0.1:6379 for the deduplication tests, shared with
 * other suites: every test works under a key prefix of its own and deletes
 * its keys afterwards (never FLUSHDB).
 */
import type { TestContext } from 'node:test';
import { Redis } from 'ioredis';
import { uniqueName } from './rabbit.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A client on the test Redis, and a fresh key prefix whose keys `cleanup()` deletes before closing it. */
export function testRedis(prefix = 'dedup-test'): { readonly redis: Redis; readonly prefix: string; cleanup(): Promise<void> } {
  const redis = new Redis(REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const keyPrefix = `${uniqueName(prefix)}:`;
  return {
    redis,
    prefix: keyPrefix,
    async cleanup() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}

/**
 * A client on the test Redis through a proxy of its own, so that the test can
 * make Redis hang (`proxy.pause()`); connected, and both closed after the test.
 * Its commands wait out a pause rather than fail (no retry limit).
 */
export async function redisBehindProxy(t: TestContext): Promise<{ readonly proxy: TcpProxy; readonly client: Redis }> {
  const proxy = await startTcpProxy('forward', REDIS_URL);
  const client = new Redis(proxy.url, { maxRetriesPerRequest: null });
  client.on('error', () => undefined);
  t.after(async () => {
    client.disconnect();
    await proxy.close();
  });
  await client.ping();
  return { proxy, client };
}
