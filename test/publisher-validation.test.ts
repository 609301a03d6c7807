/**
 * PulsePublisher refuses bad input with a clear error before any network I/O:
 * the publishers here point at a port nobody listens on, so reaching the
 * network would fail differently (and with a redacted URL).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import {
  AuthEvents,
  BindingError,
  GithubEvents,
  HooksEvents,
  NotifyEvents,
  QueueEvents,
  slugid,
  WorkerManagerEvents,
  type ExchangeReference,
  type JsonSchemaDocument,
} from '../src/index.js';
import { queueExchangeReference } from '../src/bindings/index.js';
import { MessageValidationError, PublishError, PulsePublisher } from '../src/testing/index.js';
import { completedFields, completedPayload } from './support/conformance-publisher.js';
import { REPO } from './support/project-references.js';

const NOWHERE = 'amqp://guest:s3cret-pw@127.0.0.1:1';

function publisher(options: Partial<ConstructorParameters<typeof PulsePublisher>[0]> = {}): PulsePublisher {
  return new PulsePublisher({ url: NOWHERE, ...options });
}

const taskId = slugid();

describe('PulsePublisher: bad input is refused before any I/O', () => {
  test('a payload that breaks the schema: MessageValidationError naming the exchange, schema, paths and rules', async () => {
    const payload = { ...completedPayload(taskId), runId: -1, extra: true, status: { ...completedPayload(taskId).status, taskId: 'not-a-slug', state: 'done' } };
    const error = await publisher()
      .publish(QueueEvents, 'taskCompleted', { fields: completedFields(taskId), payload: payload as never })
      .then(
        () => assert.fail('published'),
        (e: unknown) => e,
      );
    assert.ok(error instanceof MessageValidationError);
    assert.ok(error instanceof PublishError);
    assert.equal(error.exchange, 'exchange/taskcluster-queue/v1/task-completed');
    assert.equal(error.schema, '/schemas/queue/v1/task-completed-message.json');
    assert.deepEqual(
      error.violations.map((v) => v.path),
      ['', '/runId', '/status/state', '/status/taskId'],
    );
    assert.equal(
      error.message,
      'exchange/taskcluster-queue/v1/task-completed: payload does not match /schemas/queue/v1/task-completed-message.json: ' +
        '(payload) must not have property "extra" (additionalProperties); /runId must be >= 0 (minimum); ' +
        '/status/state must be one of ["unscheduled","pending","running","completed","failed","exception"] (enum); ' +
        '/status/taskId must match pattern "^[A-Za-z0-9_-]{8}[Q-T][A-Za-z0-9_-][CGKOSWaeimquy26-][A-Za-z0-9_-]{10}[AQgw]$" (pattern)',
    );
  });

  test('a missing required property is named', async () => {
    const { workerId: _gone, ...payload } = completedPayload(taskId);
    await assert.rejects(publisher().publish(QueueEvents, 'taskCompleted', { fields: completedFields(taskId), payload: payload as never }), {
      name: 'MessageValidationError',
      message: /: \(payload\) must have required property 'workerId' \(required\)$/,
    });
  });

  test('the payload is checked as consumers will see it: after the JSON round trip', async () => {
    const payload = { ...completedPayload(taskId), status: { ...completedPayload(taskId).status, deadline: new Date('2030-01-01T00:00:00Z') } };
    // A Date becomes an ISO string on the wire, which the schema accepts: the publish gets as far as connecting.
    await assert.rejects(
      publisher().publish(QueueEvents, 'taskCompleted', { fields: completedFields(taskId), payload: payload as never }),
      /PulsePublisher: cannot connect to/,
    );
  });

  test('routing-key fields: required, known, single words, concrete', async () => {
    const { workerGroup: _missing, ...withoutWorkerGroup } = completedFields(taskId);
    const cases: [Record<string, unknown>, RegExp][] = [
      [withoutWorkerGroup, /\(field "workerGroup"\): is required to publish a message$/],
      [{ ...completedFields(taskId), taskid: 'typo' }, /\(field "taskid"\): is not a routing-key field of this exchange/],
      [{ ...completedFields(taskId), workerType: 'a.b' }, /\(field "workerType"\): "a.b" contains a dot, but this entry is a single word/],
      [{ ...completedFields(taskId), workerId: '*' }, /\(field "workerId"\): "\*" is a wildcard; a published routing key must be concrete/],
      [{ ...completedFields(taskId), reserved: 'x'.repeat(300) }, /routing key is \d+ bytes; AMQP allows at most 255/],
    ];
    for (const [fields, message] of cases) {
      const error = await publisher()
        .publish(QueueEvents, 'taskCompleted', { fields: fields as never, payload: completedPayload(taskId) })
        .then(
          () => assert.fail('published'),
          (e: unknown) => e,
        );
      assert.ok(error instanceof BindingError, String(error));
      assert.match(error.message, /^exchange\/taskcluster-queue\/v1\/task-completed[ :]/);
      assert.match(error.message, message);
    }
  });

  test('routes: strings that fit a routing key as route.<route>, at most 64', async () => {
    const cases: [unknown, RegExp][] = [
      ['index.x', /routes must be an array of strings/],
      [['ok', ''], /routes\[1\] must be a non-empty string/],
      [['ok', 7], /routes\[1\] must be a non-empty string/],
      [['r'.repeat(250)], /routes\[0\] is over 249 bytes, so "route.<route>" would not fit a routing key/],
      [Array.from({ length: 65 }, (_, i) => `r${i}`), /routes has 65 entries; a task has at most 64/],
    ];
    for (const [routes, message] of cases) {
      await assert.rejects(
        publisher().publish(QueueEvents, 'taskCompleted', { fields: completedFields(taskId), payload: completedPayload(taskId), routes: routes as never }),
        (error: Error) => error instanceof PublishError && message.test(error.message),
      );
    }
  });

  test('messages over 8 KiB are refused unless maxMessageBytes allows them', async () => {
    const big = { ...completedPayload(taskId), status: { ...completedPayload(taskId).status, runs: Array.from({ length: 40 }, (_, runId) => ({ ...completedPayload(taskId).status.runs[0]!, runId })) } };
    await assert.rejects(publisher().publish(QueueEvents, 'taskCompleted', { fields: completedFields(taskId), payload: big }), {
      name: 'PublishError',
      message: /^exchange\/taskcluster-queue\/v1\/task-completed: message is \d{5} bytes; Pulse messages should stay under 8192 bytes \(raise maxMessageBytes to allow it\)$/,
    });
    await assert.rejects(
      publisher({ maxMessageBytes: Infinity }).publish(QueueEvents, 'taskCompleted', { fields: completedFields(taskId), payload: big }),
      /cannot connect/,
    );
  });

  test('an exchange name the reference does not have, and input that is not an object', async () => {
    await assert.rejects(
      publisher().publish(queueExchangeReference as ExchangeReference, 'taskCompletd', { fields: {}, payload: {} }),
      { name: 'PublishError', message: /^queue exchanges: no exchange named "taskCompletd"; known: taskDefined, taskPending, .*taskCompleted/ },
    );
    await assert.rejects(publisher().publish(QueueEvents, 'taskCompleted', null as never), /publish needs \{fields, payload, routes\?\}/);
    await assert.rejects(publisher().publish(QueueEvents, 'taskCompleted', { fields: completedFields(taskId) } as never), /payload is required/);
  });

  test('reaching the network fails with the URL redacted', async () => {
    const error = await publisher({ validate: false })
      .publish(QueueEvents, 'taskCompleted', { fields: completedFields(taskId), payload: {} as never })
      .then(
        () => assert.fail('published'),
        (e: Error) => e,
      );
    assert.match(error.message, /^PulsePublisher: cannot connect to amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1: .*ECONNREFUSED/);
    assert.doesNotMatch(error.message, /s3cret/);
  });

  test('options are checked when the publisher is made', () => {
    assert.throws(() => new PulsePublisher({ url: 'localhost:5672' }), { name: 'PulseConfigError', message: /^url: must be a URL like amqps:\/\// });
    assert.throws(() => new PulsePublisher({ url: NOWHERE, maxMessageBytes: 0 }), /maxMessageBytes must be a positive number/);
  });
});

describe('PulsePublisher: schemas', () => {
  test('the built package finds its schemas (dist/testing/ → schemas/), run by plain node as users run it', () => {
    const script = [
      "import { QueueEvents } from 'taskcluster-pulse';",
      "import { PulsePublisher } from 'taskcluster-pulse/testing';",
      "const publisher = new PulsePublisher({ url: 'memory://built' });",
      "const fields = { taskId: 'a', runId: 0, workerGroup: 'g', workerId: 'w', provisionerId: 'p', workerType: 't', schedulerId: 's', taskGroupId: 'g' };",
      "await publisher.publish(QueueEvents, 'taskCompleted', { fields, payload: { version: 1 } }).catch((e) => console.log(e.name, e.schema));",
    ].join('\n');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8' });
    assert.equal(out.trim(), 'MessageValidationError /schemas/queue/v1/task-completed-message.json');
  });

  test('every exchange of every service has a message schema that loads and compiles from the package', async () => {
    const validator = publisher();
    let exchanges = 0;
    for (const events of [AuthEvents, GithubEvents, HooksEvents, NotifyEvents, QueueEvents, WorkerManagerEvents]) {
      for (const entry of (events.reference as ExchangeReference).entries) {
        exchanges += 1;
        const fields = Object.fromEntries(entry.routingKey.filter((key) => key.required && key.constant === undefined).map((key) => [key.name, 'x']));
        // An empty payload violates every message schema: the schema was found, compiled and applied.
        await assert.rejects(
          validator.publish(events.reference as ExchangeReference, entry.name, { fields, payload: {} }),
          (error: Error) => error instanceof MessageValidationError && error.violations.length > 0,
          `${events.reference.serviceName}.${entry.name}`,
        );
      }
    }
    assert.equal(exchanges, 36);
  });

  test('another deployment’s schemas can be given as a map (e.g. from fetchReferences)', async () => {
    const reference: ExchangeReference = {
      serviceName: 'custom',
      apiVersion: 'v1',
      exchangePrefix: 'exchange/custom/v1/',
      entries: [{ type: 'topic-exchange', name: 'thing', exchange: 'thing', schema: 'v1/thing.json#', routingKey: [{ name: 'id', required: true, multipleWords: false }] }],
    };
    const schemas = new Map<string, JsonSchemaDocument>([
      ['/schemas/custom/v1/thing.json', { $id: '/schemas/custom/v1/thing.json#', type: 'object', required: ['size'], properties: { size: { $ref: 'size.json#' } } }],
      ['/schemas/custom/v1/size.json', { $id: '/schemas/custom/v1/size.json#', type: 'integer', minimum: 1 }],
    ]);
    await assert.rejects(publisher({ schemas }).publish(reference, 'thing', { fields: { id: 'a' }, payload: { size: 0 } }), {
      name: 'MessageValidationError',
      message: 'exchange/custom/v1/thing: payload does not match /schemas/custom/v1/thing.json: /size must be >= 1 (minimum)',
    });
    await assert.rejects(publisher({ schemas }).publish(reference, 'thing', { fields: { id: 'a' }, payload: { size: 3 } }), /cannot connect/);
    await assert.rejects(publisher().publish(reference, 'thing', { fields: { id: 'a' }, payload: { size: 3 } }), {
      name: 'PublishError',
      message: /no schema \/schemas\/custom\/v1\/thing.json to validate the message with; give the publisher `schemas`/,
    });
  });
});
