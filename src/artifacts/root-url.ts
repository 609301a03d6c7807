import type { Queue } from '../generated/clients/queue.js';

/**
 * The deployment's root URL of a queue client (not a proxy's): the object
 * credentials the queue hands out are for the deployment itself, as the
 * official client uses them.
 */
export function rootUrlOf(queue: Queue): string {
  const ping = queue.buildUrl(queue.ping);
  return ping.slice(0, ping.length - '/api/queue/v1/ping'.length);
}
