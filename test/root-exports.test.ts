/**
 * What `import ... from 'taskcluster-pulse'` offers is a decision, written
 * down here: what a bot needs (bindings, REST clients, listening), and not
 * the test kit (`taskcluster-pulse/testing`) or plumbing (connectors, default
 * options, reference constants: on `/pulse`, `/rest`, `/bindings`). A name
 * added to the root without adding it here fails this test.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import ts from 'typescript';
import * as root from '../src/index.js';
import { REPO } from './support/project-references.js';

const ROOT_VALUES = {
  references: ['fetchReferences'],
  bindings: [
    'AuthEvents', 'GithubEvents', 'HooksEvents', 'NotifyEvents', 'QueueEvents', 'WorkerManagerEvents',
    'createEvents', 'BindingError', 'decodeRoutingKey', 'RoutingKeyDecodeError', 'buildRoutingKey', 'buildRoutingKeyPattern',
  ],
  rest: [
    'Auth', 'Github', 'Hooks', 'Index', 'Notify', 'ObjectService', 'PurgeCache', 'Queue', 'Secrets', 'WebServer', 'WorkerManager',
    'TaskclusterClient', 'clientClass', 'createClient', 'createClients', 'fetchClients', 'closeConnections',
    'fromEnv', 'createTemporaryCredentials', 'ApiArgumentError', 'TaskclusterError', 'fromNow', 'slugid', 'slugidV4',
    'credentialInformation', 'satisfiesExpression', 'scopeMatch', 'TaskCache',
    'renewingCredentials', 'temporaryCredentialsProvider',
  ],
  // What a bot does after "task failed": read its artifacts (downloads refuse reference artifacts unless asked).
  artifacts: ['ArtifactError', 'closeTransferConnections', 'downloadArtifact', 'downloadObject', 'uploadArtifact', 'uploadObject'],
  watchTaskGroup: ['TaskGroupSnapshotError', 'watchTaskGroup'],
  listening: [
    'PulseClient', 'listen', 'consume', 'defaultPulseClient', 'setDefaultPulseClient', 'jsonLineLogger',
    'ChannelClosedError', 'ClientClosedError', 'ConnectionFailedError', 'ConnectTimeoutError', 'ConsumerCancelledError',
    'DeliveryLimitError', 'HandlerTimeoutError', 'HeartbeatTimeoutError', 'MalformedMessageError', 'MessageReleasedError',
    'PulseConfigError', 'QueueSetupError', 'RetryDelayError', 'StaleDeliveryError', 'UnboundMessageError', 'UnsupportedSchemeError',
    'PermanentError', 'PermanentFailureError', 'FailureClassifierError', 'RetryQueueError',
    // A long run's message could not be moved to (or released from) its holding queue (consumerTimeoutMs).
    'HoldingQueueError',
    'StaleBindingsError',
    // Credentials that change (a provider asked before every connection); a queue deleted under its consumer.
    'CredentialsProviderError', 'QueueDeletedError',
  ],
  // Catching up after downtime: what the queue published, rebuilt, for the same handler.
  backfill: ['backfill', 'runBackfill', 'BackfillNotFoundError'],
  // Exactly-once effects: the handler wrapper, its default key, its two stores and what it throws.
  dedup: ['deduplicate', 'eventKey', 'MemoryDedupStore', 'RedisDedupStore', 'DedupInProgressError', 'DedupStoreError'],
  // A bot's probes: client.health() behind /healthz and /readyz.
  health: ['startHealthServer'],
};

const ROOT_TYPES = {
  references: ['ApiEntry', 'ApiReference', 'ExchangeEntry', 'ExchangeReference', 'HttpMethod', 'JsonSchemaDocument', 'ReferenceSet', 'RoutingKeyEntry', 'ScopeExpression', 'FetchReferencesOptions'],
  bindings: [
    'Binding', 'DecodedRoutingKey', 'Events', 'EventsOptions', 'ExchangeMethod', 'FieldsOf', 'PayloadOf', 'PositionalValues',
    'RawRoutingKeyPattern', 'RoutingKeyFields', 'RoutingKeyFilter', 'RoutingKeySource', 'RoutingKeyValue',
    ...['Auth', 'Github', 'Hooks', 'Notify', 'Queue', 'WorkerManager'].flatMap((service) => [`${service}Messages`, `${service}RoutingKeys`, `${service}RoutingKeyFilters`]),
  ],
  rest: [
    'ApiMethod', 'CallArgs', 'ItemOf', 'DynamicClient', 'DynamicClientClass', 'FetchClientsOptions', 'Query', 'QueryValue', 'RouteArg',
    'EntrySpec', 'ServiceSpec', 'SignedUrlOptions', 'Certificate', 'ClientOptions', 'Credentials', 'CredentialsProvider',
    'TemporaryCredentials', 'TemporaryCredentialsOptions', 'NetworkErrorCode',
    'CredentialInformation', 'EvaluatedScopeExpression', 'TaskCacheOptions',
    'ExpiringCredentials', 'RenewingCredentialsOptions', 'TemporaryCredentialsProviderOptions',
  ],
  artifacts: [
    'ArtifactErrorCode', 'BufferDownload', 'CompletedDownload', 'ContentHashes', 'DownloadArtifactOptions', 'DownloadInfo',
    'DownloadObjectOptions', 'DownloadResult', 'DownloadTarget', 'FileDownload', 'JsonDownload', 'LinesDownload', 'StreamDownload',
    'TextDownload', 'TransferOptions', 'UploadArtifactOptions', 'UploadData', 'UploadObjectOptions', 'UploadResult',
  ],
  listening: [
    'PulseClientEvents', 'PulseClientOptions', 'QueueStatus', 'LogLevel', 'PulseLogger', 'BackoffOptions', 'ListenOptions',
    'ConsumeHandler', 'ConsumeOptions', 'ConsumeOutcome', 'GivenUpOutcome', 'HandledOutcome', 'HandlerEnding', 'ReleasedOutcome',
    'StaleBindingsPolicy',
    'RetryingOutcome', 'SettledByHandlerOutcome', 'QueueOptions', 'QueueOverflow', 'BindingIn', 'Bindings', 'MessageOf',
    'PulseMessage', 'PulseMessageJson', 'SettleResult', 'CauseJson', 'PulseErrorJson', 'DecodeOptions', 'ConnectionFailure',
    'DeliveryInfo', 'ReleaseReason',
    'FailureClassifier', 'FailureVerdict', 'GiveUpReason',
    'PulseCredentials', 'PulseCredentialsProvider',
  ],
  backfill: ['BackfilledMessage', 'BackfilledMessageOf', 'BackfillOptions', 'BackfillOutcome', 'BackfillWindow', 'RunBackfillOptions'],
  dedup: ['Deduplicated', 'DeduplicateOptions', 'DedupStore', 'ClaimResult', 'DedupStoreOperation', 'KeyedEvent', 'MemoryDedupStoreOptions', 'RedisDedupStoreOptions', 'RedisEvalClient'],
  // Following a task group until it resolves (workflows).
  watchTaskGroup: ['ArtifactEvent', 'GroupResolvedEvent', 'TaskGroupEvent', 'TaskGroupEventSource', 'TaskState', 'TaskStateEvent', 'WatchTaskGroupOptions'],
  health: ['HealthServer', 'HealthServerOptions', 'PulseHealth', 'QueueDepthEvent', 'QueueDepthHealth', 'QueueDepthLevel', 'QueueDepthOptions', 'SubscriptionHealth'],
};

/** Re-exported whole: the generated payload types (`QueueTypes`, ...), types only. */
const ROOT_STAR_EXPORTS = ['./generated/types.js'];

const sorted = (groups: Record<string, readonly string[]>) => Object.values(groups).flat().sort();

/** The names src/index.ts exports, read from its syntax, and the modules it re-exports whole. */
function declaredExports(): { names: string[]; starModules: string[] } {
  const file = join(REPO, 'src/index.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  const names: string[] = [];
  const starModules: string[] = [];
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      const from = statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : '';
      if (!statement.exportClause || ts.isNamespaceExport(statement.exportClause)) starModules.push(from);
      else names.push(...statement.exportClause.elements.map((element) => element.name.text));
    } else if (ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) {
      names.push(`(declared in index.ts) ${statement.getText(source).slice(0, 60)}`);
    }
  }
  return { names: names.sort(), starModules };
}

describe("the root entry point 'taskcluster-pulse'", () => {
  test('exports at run time exactly the names decided on', () => {
    assert.deepEqual(Object.keys(root).sort(), sorted(ROOT_VALUES));
  });

  test('exports exactly the names and types decided on, and re-exports no module whole but the payload types', () => {
    const { names, starModules } = declaredExports();
    assert.deepEqual(starModules, ROOT_STAR_EXPORTS);
    assert.deepEqual(names, [...sorted(ROOT_VALUES), ...sorted(ROOT_TYPES)].sort());
  });

  test('leaves the test kit to /testing and the plumbing to /pulse, /rest and /bindings', async () => {
    const homes = {
      testing: ['PulsePublisher', 'startFakeTaskcluster', 'FakeQueue', 'queueMessages', 'connectMemoryBroker', 'getMemoryBroker', 'discardMemoryBroker'],
      pulse: ['registerConnector', 'BrokerAddress', 'redactUrl', 'optionsFromEnv', 'LOCAL_BROKER_URL'],
      rest: ['DEFAULT_OPTIONS'],
      bindings: ['queueExchangeReference', 'ExchangeBindings', 'MAX_ROUTING_KEY_BYTES'],
      workflows: ['BACKFILL_EXCHANGES', 'BACKFILL_QUEUE', 'statusAt'],
    };
    for (const [part, names] of Object.entries(homes)) {
      const entry = (await import(`../src/${part}/index.js`)) as Record<string, unknown>;
      for (const name of names) {
        assert.ok(!(name in root), `${name} is on the root`);
        assert.ok(name in entry, `${name} is not on taskcluster-pulse/${part}`);
      }
    }
  });
});

describe('memory:// URLs', () => {
  /** Runs `code` in a fresh process (tsx, from the repository): nothing registered but what it imports. */
  const runFresh = (code: string): unknown =>
    JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: REPO, encoding: 'utf8', timeout: 60_000 }));

  test('without the test kit, are refused when the client is made, saying what to import', () => {
    const result = runFresh(`
      const { PulseClient } = await import('./src/index.ts');
      try {
        new PulseClient({ url: 'memory://unregistered' });
        console.log(JSON.stringify('accepted'));
      } catch (error) {
        console.log(JSON.stringify({ name: error.name, message: error.message }));
      }
    `);
    assert.deepEqual(result, {
      name: 'PulseConfigError',
      message: "url: memory:// URLs need the embedded broker: import 'taskcluster-pulse/testing' (or the memory broker module) first, which registers its connector",
    });
  });

  test('work once the test kit is imported, and the memory broker module alone is enough too', () => {
    for (const module of ['./src/testing/index.ts', './src/memory-broker/index.ts']) {
      const result = runFresh(`
        const { PulseClient } = await import('./src/index.ts');
        await import('${module}');
        const client = new PulseClient({ url: 'memory://registered', namespace: 'bot' });
        const deleted = await client.deleteQueue('nothing-here');
        await client.close();
        console.log(JSON.stringify(deleted));
      `);
      assert.deepEqual(result, { messageCount: 0 }, module);
    }
  });
});
