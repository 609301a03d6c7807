/** The pure parts of stale-binding removal: which bindings are stale, the binding-set name, where the listing is. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bindingSetHash, staleBindingsOf } from '../src/pulse/stale-bindings/binding-set.js';
import { bindingsUrlFor } from '../src/pulse/stale-bindings/bindings-reader.js';
import { resolveStaleBindings } from '../src/pulse/stale-bindings/options.js';

const Q = 'queue/bot/q';
const declared = [{ exchange: 'exchange/x/b', routingKeyPattern: 'primary.#' }];

describe('staleBindingsOf', () => {
  test('keeps only exchange bindings to this queue that are not declared now', () => {
    const rows = [
      { source: '', routing_key: Q, destination: Q, destination_type: 'queue' }, // the default exchange's
      { source: 'exchange/x/b', routing_key: 'primary.#', destination: Q, destination_type: 'queue' }, // declared
      { source: 'exchange/x/a', routing_key: 'primary.#', destination: Q, destination_type: 'queue' }, // stale
      { source: 'exchange/x/b', routing_key: 'route.#', destination: Q }, // stale: same exchange, other pattern
      { source: 'exchange/x/a', routing_key: 'primary.#', destination: 'queue/bot/other', destination_type: 'queue' }, // another queue's
      { source: 'exchange/x/a', routing_key: 'primary.#', destination: Q, destination_type: 'exchange' }, // not a queue binding
      { source: 'exchange/x/a', routing_key: 'primary.#', destination: Q, destination_type: 'queue' }, // repeated
    ];
    assert.deepEqual(
      staleBindingsOf(rows, declared, Q).map((r) => `${r.source} ${r.routing_key}`),
      ['exchange/x/a primary.#', 'exchange/x/b route.#'],
    );
  });

  test('nothing stale: nothing to unbind', () => {
    assert.deepEqual(staleBindingsOf([{ source: 'exchange/x/b', routing_key: 'primary.#' }], declared, Q), []);
  });
});

describe('bindingSetHash', () => {
  const a = { exchange: 'exchange/x/a', routingKeyPattern: 'primary.#' };
  const b = { exchange: 'exchange/x/b', routingKeyPattern: 'primary.#' };
  test('the same set in any order, with repeats, gives the same 12 hex digits; another set another name', () => {
    assert.match(bindingSetHash([a, b]), /^[0-9a-f]{12}$/);
    assert.equal(bindingSetHash([a, b]), bindingSetHash([b, a, b]));
    assert.notEqual(bindingSetHash([a, b]), bindingSetHash([a]));
    // The separator cannot be forged by names: exchange "x" + pattern "y.z" differs from exchange "x.y" + pattern "z".
    assert.notEqual(bindingSetHash([{ exchange: 'x', routingKeyPattern: 'y.z' }]), bindingSetHash([{ exchange: 'x.y', routingKeyPattern: 'z' }]));
  });
});

describe('where the bindings are listed', () => {
  test('the management API: vhost and queue URL-encoded', () => {
    assert.equal(bindingsUrlFor({ kind: 'management', url: 'http://h:15672' }, '/', Q), 'http://h:15672/api/queues/%2F/queue%2Fbot%2Fq/bindings');
  });

  test('a deployment URL: {queue} and {vhost} filled in, also once the URL parser has encoded the braces', () => {
    const source = resolveStaleBindings({ staleBindings: 'remove', bindingsUrl: 'https://u:pw@deploy.example/queues/{vhost}/{queue}/bindings' }, Q);
    assert.ok(source?.policy === 'remove');
    assert.equal(bindingsUrlFor(source.source, '/', Q), 'https://deploy.example/queues/%2F/queue%2Fbot%2Fq/bindings');
    assert.deepEqual([source.source.username, source.source.password], ['u', 'pw']);
  });

  test('credentials are taken out of the URL, which is what errors quote', () => {
    const plan = resolveStaleBindings({ staleBindings: 'remove', managementUrl: 'http://admin:p%40ss@h:15672/' }, Q);
    assert.ok(plan?.policy === 'remove');
    assert.deepEqual(plan.source, { kind: 'management', url: 'http://h:15672', username: 'admin', password: 'p@ss' });
  });

  test('keep (the default) needs nothing', () => {
    assert.equal(resolveStaleBindings({}, Q), undefined);
    assert.equal(resolveStaleBindings({ staleBindings: 'keep' }, undefined), undefined);
  });
});
