import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRoutingKeyCheck, compileRoutingKeyDecoder } from '../src/bindings/decode-routing-key.js';
import { buildRoutingKey, createEvents, decodeRoutingKey, QueueEvents, RoutingKeyDecodeError } from '../src/index.js';
import type { ExchangeEntry } from '../src/references/types.js';
import { loadExchangeReferences } from './support/project-references.js';

/** Concrete fields for an entry: every non-constant field, multi-word ones with dots. */
function fullFields(entry: ExchangeEntry, variant: number): Record<string, string> {
  return Object.fromEntries(
    entry.routingKey
      .filter((k) => k.constant === undefined)
      .map((k, i) => [k.name, k.multipleWords ? `m${variant}.n${i}.o` : `f${variant}-${i}`]),
  );
}

describe('routing-key round trip (fields → key → fields) for all 36 exchanges', () => {
  const references = loadExchangeReferences();
  let exchanges = 0;
  for (const reference of references) {
    for (const entry of reference.entries) {
      exchanges++;
      const exchange = reference.exchangePrefix + entry.exchange;
      it(`${reference.serviceName}.${entry.name}`, () => {
        const constants = Object.fromEntries(entry.routingKey.filter((k) => k.constant !== undefined).map((k) => [k.name, k.constant!]));
        // Every field given.
        const fields = fullFields(entry, 1);
        const key = buildRoutingKey(exchange, entry.routingKey, fields);
        assert.deepEqual(decodeRoutingKey(entry, key), { ...constants, ...fields });
        // Optional fields left out become `_`, as Taskcluster publishes them.
        const requiredOnly = Object.fromEntries(
          Object.entries(fields).filter(([name]) => entry.routingKey.find((k) => k.name === name)!.required),
        );
        const sparseKey = buildRoutingKey(exchange, entry.routingKey, requiredOnly);
        const expected = Object.fromEntries(entry.routingKey.map((k) => [k.name, k.constant ?? requiredOnly[k.name] ?? '_']));
        assert.deepEqual(decodeRoutingKey(entry, sparseKey), expected);
        // The binding decodes the same way.
        const binding = (createEvents(reference) as Record<string, () => Parameters<typeof decodeRoutingKey>[0]>)[entry.name]!();
        assert.deepEqual(decodeRoutingKey(binding, key), { ...constants, ...fields });
      });
    }
  }
  it('covered 36 exchanges', () => assert.equal(exchanges, 36));
});

describe('decoding', () => {
  const binding = new QueueEvents().taskCompleted();

  it('gives the multi-word entry everything between the single-word entries', () => {
    const fields = decodeRoutingKey(binding, 'primary.T.0.wg.wi.prov.wt.sched.group.a.b.c');
    assert.equal(fields.taskId, 'T');
    assert.equal(fields.taskGroupId, 'group');
    assert.equal(fields.reserved, 'a.b.c');
  });

  it('takes single-word entries from the back after a middle multi-word entry', () => {
    const entry: ExchangeEntry = {
      type: 'topic-exchange',
      name: 'x',
      exchange: 'x',
      schema: 'x',
      routingKey: [
        { name: 'kind', constant: 'primary', required: true, multipleWords: false },
        { name: 'path', required: true, multipleWords: true },
        { name: 'last', required: true, multipleWords: false },
      ],
    };
    assert.deepEqual(decodeRoutingKey(entry, 'primary.a.b.c.z'), { kind: 'primary', path: 'a.b.c', last: 'z' });
    assert.equal(buildRoutingKey('ex', entry.routingKey, { path: 'a.b.c', last: 'z' }), 'primary.a.b.c.z');
  });

  it('refuses keys that do not fit the reference', () => {
    assert.throws(() => decodeRoutingKey(binding, 'primary.T.0'), RoutingKeyDecodeError);
    assert.throws(() => decodeRoutingKey(binding, 'primary.T.0'), /has 3 words; the exchange's routing key has at least 9/);
    assert.throws(() => decodeRoutingKey(binding, 'route.T.0.wg.wi.prov.wt.sched.group._'), /"routingKeyKind" must be "primary", got "route"/);
  });
});

describe('concrete routing keys for publishing', () => {
  const entry = new QueueEvents().taskCompleted();
  const exchange = entry.exchange;

  it('requires required fields and refuses wildcards', () => {
    assert.throws(() => buildRoutingKey(exchange, entry.routingKeyReference, {}), /field "taskId"\): is required to publish a message/);
    const all = { taskId: 'T', runId: 0, workerGroup: 'g', workerId: 'w', provisionerId: 'p', workerType: 't', schedulerId: 's', taskGroupId: 'G' };
    assert.equal(buildRoutingKey(exchange, entry.routingKeyReference, all), 'primary.T.0.g.w.p.t.s.G._');
    assert.throws(() => buildRoutingKey(exchange, entry.routingKeyReference, { ...all, taskId: '*' }), /is a wildcard/);
    assert.throws(() => buildRoutingKey(exchange, entry.routingKeyReference, { ...all, reserved: 'a.#' }), /is a wildcard/);
  });

  it('limits the key to 255 bytes', () => {
    const all = { taskId: 'T'.repeat(200), runId: 0, workerGroup: 'g', workerId: 'w', provisionerId: 'p', workerType: 't', schedulerId: 's', taskGroupId: 'G'.repeat(40) };
    assert.throws(() => buildRoutingKey(exchange, entry.routingKeyReference, all), /routing key is 26\d bytes; AMQP allows at most 255/);
  });
});

describe('checking a key in place (what the client does per delivery) agrees with decoding it', () => {
  const decodes = (decode: (key: string) => unknown, key: string) => {
    try {
      decode(key);
      return true;
    } catch (error) {
      assert.ok(error instanceof RoutingKeyDecodeError);
      return false;
    }
  };
  /** Keys near `key`: words added, dropped, emptied, each word replaced, and a few degenerate ones. */
  const variantsOf = (key: string): string[] => {
    const words = key.split('.');
    const variants = [key, '', '.', '..', `${key}.`, `.${key}`, `${key}.extra`, `extra.${key}`, words.slice(1).join('.'), words.slice(0, -1).join('.')];
    for (let i = 0; i < words.length; i++) {
      for (const replacement of ['', 'x', 'primary', 'route', `${words[i]}x`, 'a.b']) variants.push([...words.slice(0, i), replacement, ...words.slice(i + 1)].join('.'));
    }
    return variants;
  };
  const agree = (source: Parameters<typeof compileRoutingKeyCheck>[0], keys: readonly string[]) => {
    const decode = compileRoutingKeyDecoder(source);
    const fits = compileRoutingKeyCheck(source);
    let both = 0;
    for (const key of keys) {
      assert.equal(fits(key), decodes(decode, key), `key ${JSON.stringify(key)}`);
      if (fits(key)) both++;
    }
    return both;
  };

  it('on every key near valid keys of all 36 exchanges', () => {
    let valid = 0;
    for (const reference of loadExchangeReferences()) {
      for (const entry of reference.entries) {
        const key = buildRoutingKey(reference.exchangePrefix + entry.exchange, entry.routingKey, fullFields(entry, 1));
        valid += agree(entry, variantsOf(key));
      }
    }
    assert.ok(valid >= 36, `${valid} keys decoded`);
  });

  it('with constants after, on and around a multi-word entry, and an empty one', () => {
    const entry = (name: string, extra: { multipleWords?: boolean; constant?: string } = {}) => ({ name, summary: '', required: true, multipleWords: false, ...extra });
    const layouts = [
      [entry('a'), entry('rest', { multipleWords: true }), entry('end', { constant: 'z' })],
      [entry('head', { constant: 'p' }), entry('rest', { multipleWords: true, constant: 'm.n' }), entry('b')],
      [entry('rest', { multipleWords: true, constant: '' }), entry('end', { constant: 'z' })],
      [entry('only', { multipleWords: true, constant: 'q' })],
      [entry('c', { constant: 'c' }), entry('d')],
    ];
    const keys = ['', 'z', 'p.z', 'a.z', 'a.b.z', 'p.m.n.b', 'p.m.n.o.b', 'p.b', 'p..b', 'p.m.b', 'q', 'q.q', '.z', 'c.d', 'c.', 'c.d.e', 'x.d', 'm.n', 'p.m.n'];
    for (const routingKey of layouts) agree({ routingKey }, keys.flatMap(variantsOf));
  });
});
