import * as apiReferences from '../generated/apis.js';
import * as exchangeReferences from '../generated/exchanges.js';
import type { ApiEntry, ApiReference, ExchangeEntry, ExchangeReference } from '../references/types.js';
import { UsageError } from './usage-error.js';

/**
 * The services the CLI knows, from the generated references. Services and
 * entries may be named as in the references (`worker-manager`, `taskCompleted`)
 * or in the other common spelling (`workerManager`, `task-completed`).
 */
const exchanges: readonly ExchangeReference[] = Object.entries(exchangeReferences)
  .filter(([name]) => name.endsWith('ExchangeReference'))
  .map(([, value]) => value as ExchangeReference);
const apis: readonly ApiReference[] = Object.entries(apiReferences)
  .filter(([name]) => name.endsWith('ApiReference'))
  .map(([, value]) => value as ApiReference);

const normalize = (name: string) => name.replace(/[-_]/g, '').toLowerCase();

function splitTarget(target: string | undefined, what: string, example: string): [string, string] {
  const match = /^([^.]+)\.([^.]+)$/.exec(target ?? '');
  if (!match) throw new UsageError(`expected <service>.<${what}>, e.g. ${example}; got ${target === undefined ? 'nothing' : `"${target}"`}`);
  return [match[1]!, match[2]!];
}

function findService<R extends { serviceName: string }>(refs: readonly R[], service: string, kind: string): R {
  const found = refs.find((r) => normalize(r.serviceName) === normalize(service));
  if (!found) {
    throw new UsageError(`no service "${service}" with ${kind}; known: ${refs.map((r) => r.serviceName).join(', ')}`);
  }
  return found;
}

export function findExchange(target: string | undefined): { reference: ExchangeReference; entry: ExchangeEntry } {
  const [service, name] = splitTarget(target, 'exchange', 'queue.taskCompleted');
  const reference = findService(exchanges, service, 'exchanges');
  const entry = reference.entries.find((e) => normalize(e.name) === normalize(name) || e.exchange === name);
  if (!entry) {
    throw new UsageError(`${reference.serviceName} has no exchange "${name}"; known: ${reference.entries.map((e) => e.name).join(', ')}`);
  }
  return { reference, entry };
}

/**
 * Whether a command-line argument names an exchange, as `<service>.<exchange>`
 * of a service with exchanges (the exchange itself may be misspelt: findExchange
 * says so) or as a full exchange name (`exchange/...`).
 */
export function isExchangeArgument(arg: string): boolean {
  if (arg.startsWith('exchange/')) return true;
  const match = /^([^.]+)\.[^.]+$/.exec(arg);
  return !!match && exchanges.some((r) => normalize(r.serviceName) === normalize(match[1]!));
}

/** The catalog exchange with this full name (`exchange/taskcluster-queue/v1/task-completed`), if any. */
export function findExchangeByName(exchange: string): { reference: ExchangeReference; entry: ExchangeEntry } | undefined {
  for (const reference of exchanges) {
    const entry = reference.entries.find((e) => reference.exchangePrefix + e.exchange === exchange);
    if (entry) return { reference, entry };
  }
  return undefined;
}

export function findMethod(target: string | undefined): { reference: ApiReference; entry: ApiEntry } {
  const [service, name] = splitTarget(target, 'method', 'queue.task');
  const reference = findService(apis, service, 'an API');
  const entry = reference.entries.find((e) => normalize(e.name) === normalize(name));
  if (!entry) {
    throw new UsageError(`${reference.serviceName} has no method "${name}"; known: ${reference.entries.map((e) => e.name).join(', ')}`);
  }
  return { reference, entry };
}

/** Every service with exchanges or an API, sorted. */
export const knownServices: readonly string[] = [...new Set([...exchanges, ...apis].map((r) => r.serviceName))].sort();

/** A service's canonical name (`worker-manager`) from either spelling, or a usage error listing the known ones. */
export function findServiceName(service: string): string {
  const name = knownServices.find((s) => normalize(s) === normalize(service));
  if (!name) throw new UsageError(`no service "${service}"; known: ${knownServices.join(', ')}`);
  return name;
}

export const knownExchangeReferences = exchanges;
export const knownApiReferences = apis;
