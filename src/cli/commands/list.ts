import { findServiceName, knownApiReferences, knownExchangeReferences, knownServices } from '../catalog.js';
import type { Command } from '../command.js';
import { checkNoExtraArguments, parseCommandLine } from '../command-line.js';

export const listCommand: Command = {
  name: 'list',
  summary: 'list services, or one service\'s exchanges (with routing keys) and API methods',
  help: `Usage: tc-pulse list [<service>]

Without a service: every service and how many exchanges and methods it has.
With one: its exchanges with their routing-key layout, and its API methods
with their arguments.
`,
  async run(args, { stdout }) {
    const { positionals } = parseCommandLine(args, {});
    checkNoExtraArguments(positionals, 1, 'tc-pulse list takes at most one <service>');
    const service = positionals[0];
    if (service === undefined) {
      for (const name of knownServices) {
        const exchanges = knownExchangeReferences.find((r) => r.serviceName === name)?.entries.length ?? 0;
        const methods = knownApiReferences.find((r) => r.serviceName === name)?.entries.length ?? 0;
        stdout.write(`${name.padEnd(16)} ${String(exchanges).padStart(3)} exchanges ${String(methods).padStart(4)} methods\n`);
      }
      return 0;
    }
    const name = findServiceName(service);
    for (const entry of knownExchangeReferences.find((r) => r.serviceName === name)?.entries ?? []) {
      const layout = entry.routingKey.map((k) => k.constant ?? `<${k.name}${k.multipleWords ? '…' : ''}>`).join('.');
      stdout.write(`exchange ${name}.${entry.name}  ${layout}\n`);
    }
    for (const entry of knownApiReferences.find((r) => r.serviceName === name)?.entries ?? []) {
      const args = entry.args.map((a) => `<${a}>`).join(' ');
      stdout.write(`method   ${name}.${entry.name}${args ? ' ' + args : ''}${entry.input ? ' <payload>' : ''}  ${entry.method.toUpperCase()} ${entry.route}\n`);
    }
    return 0;
  },
};
