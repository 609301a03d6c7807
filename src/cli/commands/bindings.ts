import { bind } from '../../bindings/bind.js';
import { findExchange } from '../catalog.js';
import type { Command } from '../command.js';
import { parseWithFieldFlags } from '../routing-key-flags.js';

export const bindingsCommand: Command = {
  name: 'bindings',
  summary: 'print the binding (exchange and routing-key pattern) for given fields',
  help: `Usage: tc-pulse bindings <service>.<exchange> [--<field> <value> ...] [--pattern <raw>]

Prints the binding as JSON: {"exchange", "routingKeyPattern"}. Fields left out
match anything. Fields are the exchange's routing-key entries, e.g. for
queue.taskCompleted: --taskId --runId --workerGroup --workerId --provisionerId
--workerType --schedulerId --taskGroupId --reserved.

Options:
  --pattern <raw>   use this routing-key pattern as given (no fields with it)
  -h, --help        this help

Example:
  tc-pulse bindings queue.taskCompleted --taskId abc
`,
  async run(args, { stdout }) {
    const { reference, entry } = findExchange(args[0]);
    const { values, fields } = parseWithFieldFlags(args.slice(1), entry, { pattern: { type: 'string' } });
    const pattern = values.pattern;
    const binding = bind(reference, entry, [typeof pattern === 'string' ? { routingKeyPattern: pattern, ...fields } : fields]);
    stdout.write(JSON.stringify({ exchange: binding.exchange, routingKeyPattern: binding.routingKeyPattern }) + '\n');
    return 0;
  },
};
