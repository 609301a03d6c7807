import { readFile } from 'node:fs/promises';
import { describeValue } from '../bindings/describe-value.js';
import { MAX_ROUTING_KEY_BYTES } from '../bindings/routing-key-pattern.js';
import { RECORDED_PROPERTIES, type JsonValue, type PulseRecord, type RecordedProperties } from './record.js';
import { RecordingError } from './recording-error.js';

const RECORD_FIELDS = new Set(['time', 'exchange', 'routingKey', 'cc', 'properties', 'body', 'bodyBase64']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Reads and checks a whole recording file; the first bad line is a {@link RecordingError}. */
export async function readRecording(path: string): Promise<PulseRecord[]> {
  if (typeof path !== 'string' || path === '') throw new TypeError('readRecording: path must be a non-empty string');
  return parseRecording(await readFile(path, 'utf8'), path);
}

/**
 * Parses recording text (JSON lines; blank lines are skipped) and checks
 * every record, so that a replay finds a bad line before publishing anything.
 */
export function parseRecording(text: string, source = 'recording'): PulseRecord[] {
  const records: PulseRecord[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new RecordingError(source, index + 1, undefined, `is not JSON (${(error as Error).message})`);
    }
    records.push(checkRecord(value, source, index + 1));
  });
  return records;
}

type Fail = (field: string | undefined, rule: string) => RecordingError;

/** Checks one record (parsed JSON or an object built in code); `line` 0 when it is not from a file. */
export function checkRecord(value: unknown, source: string, line: number): PulseRecord {
  const fail: Fail = (field, rule) => new RecordingError(source, line, field, rule);
  if (!isPlainObject(value)) throw fail(undefined, `must be a JSON object, got ${describeValue(value)}`);
  const unknown = Object.keys(value).find((key) => !RECORD_FIELDS.has(key));
  if (unknown !== undefined) throw fail(unknown, `is not a record field; known: ${[...RECORD_FIELDS].join(', ')}`);
  const { time, exchange, routingKey, cc, properties } = value;
  if (typeof time !== 'string' || Number.isNaN(Date.parse(time))) throw fail('time', 'must be an ISO 8601 date string');
  checkKey(exchange, 'exchange', fail, true);
  checkKey(routingKey, 'routingKey', fail, false);
  if (!Array.isArray(cc)) throw fail('cc', `must be an array of routing keys, got ${describeValue(cc)}`);
  cc.forEach((key: unknown, i) => checkKey(key, `cc[${i}]`, fail, false));
  const hasBody = Object.hasOwn(value, 'body');
  const bodyBase64 = value.bodyBase64;
  if (hasBody === (bodyBase64 !== undefined)) throw fail('body', 'exactly one of "body" (JSON) and "bodyBase64" must be present');
  if (bodyBase64 !== undefined && (typeof bodyBase64 !== 'string' || bodyBase64.length % 4 !== 0 || !BASE64.test(bodyBase64))) {
    throw fail('bodyBase64', 'must be a base64 string');
  }
  return {
    time,
    exchange: exchange as string,
    routingKey: routingKey as string,
    cc: cc as string[],
    properties: checkProperties(properties, fail),
    ...(hasBody ? { body: value.body as JsonValue } : { bodyBase64: bodyBase64 as string }),
  };
}

function checkKey(key: unknown, field: string, fail: Fail, nonEmpty: boolean): void {
  if (typeof key !== 'string') throw fail(field, `must be a string, got ${describeValue(key)}`);
  if (nonEmpty && key === '') throw fail(field, 'must not be empty');
  if (Buffer.byteLength(key) > MAX_ROUTING_KEY_BYTES) throw fail(field, `must be at most ${MAX_ROUTING_KEY_BYTES} bytes`);
}

function checkProperties(properties: unknown, fail: Fail): RecordedProperties {
  if (!isPlainObject(properties)) throw fail('properties', `must be an object, got ${describeValue(properties)}`);
  for (const [name, given] of Object.entries(properties)) {
    if (name === 'headers') {
      if (!isPlainObject(given)) throw fail('properties.headers', `must be an object, got ${describeValue(given)}`);
      if (Object.hasOwn(given, 'CC')) throw fail('properties.headers.CC', 'belongs in "cc"');
      continue;
    }
    const type = RECORDED_PROPERTIES[name as keyof typeof RECORDED_PROPERTIES];
    if (type === undefined) throw fail(`properties.${name}`, `is not an AMQP property a record keeps; known: ${Object.keys(RECORDED_PROPERTIES).join(', ')}, headers`);
    if (typeof given !== type) throw fail(`properties.${name}`, `must be a ${type}, got ${describeValue(given)}`);
  }
  return properties as RecordedProperties;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
