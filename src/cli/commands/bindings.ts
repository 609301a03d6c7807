import { bind } from '../../bindings/bind.js';
import { findExchange } from '../catalog.js';
import type { Command } from '../command.js';
import { exchangePrefixFlag, exchangePrefixFrom } from '../exchange-prefix.js';
import { patternFlags, patternFrom } from '../pattern-flag.js';
import { fieldsFor, parseWithFieldFlags } from '../routing-key-flags.js';

export const bindingsCommand: Command = {
  name: 'bindings',
  summary: 'print the binding (exchange and routing-key pattern) for given fields',
  help: `Usage: tc-pulse bindings <service>.<exchange> [<value> ...] [--<field> <value> ...] [options]

Prints the binding as JSON: {"exchange", "routingKeyPattern"}. Fields left out
match anything. Fields are the exchange's routing-key entries, e.g. for
queue.taskCompleted: --taskId --runId --workerGroup --workerId --provisionerId
--workerType --schedulerId --taskGroupId --reserved. Values given without a
flag fill those fields in order, as in the library: "queue.taskCompleted abc"
is queueEvents.taskCompleted('abc'), taskId abc.

Options:
  --routing-key-pattern <raw>  use this routing-key pattern as given (no fields
                               with it); --pattern for short
  --exchange-prefix <p>        bind under this prefix instead of the service's;
                               must end with "/", e.g. exchange/<user>/test/
  -h, --help                   this help

Example:
  tc-pulse bindings queue.taskCompleted --taskId abc
  tc-pulse bindings queue.taskCompleted abc 0
`,
  async run(args, { stdout }) {
    const { reference, entry } = findExchange(args[0]);
    const { values, flagFields, positionals } = parseWithFieldFlags(args.slice(1), entry, { ...patternFlags, ...exchangePrefixFlag });
    const fields = fieldsFor(`${reference.serviceName}.${entry.name}`, entry, positionals, flagFields);
    const pattern = patternFrom(values);
    const binding = bind(reference, entry, [pattern === undefined ? fields : { routingKeyPattern: pattern, ...fields }], exchangePrefixFrom(values));
    stdout.write(JSON.stringify({ exchange: binding.exchange, routingKeyPattern: binding.routingKeyPattern }) + '\n');
    return 0;
  },
};
