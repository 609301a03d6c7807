import { randomUUID } from 'node:crypto';

/**
 * A random "nice" slugid, as Taskcluster uses for task ids: a v4 UUID in 22
 * characters of URL-safe base64, with the first bit cleared so the slug starts
 * with [A-Za-f] (never `-`, which command lines would take for an option).
 */
export function slugid(): string {
  const bytes = uuidBytes();
  bytes[0]! &= 0x7f;
  return bytes.toString('base64url');
}

/** A random v4 slugid (the first character may be `-` or `_`). */
export function slugidV4(): string {
  return uuidBytes().toString('base64url');
}

function uuidBytes(): Buffer {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex');
}

/** A taskId as the queue's routes and schemas accept it (a v4 slugid). */
export const SLUGID_PATTERN = /^[A-Za-z0-9_-]{8}[Q-T][A-Za-z0-9_-][CGKOSWaeimquy26-][A-Za-z0-9_-]{10}[AQgw]$/;
