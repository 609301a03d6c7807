import { startInspector } from '../inspector/inspector-server.js';
import type { Command } from '../command.js';
import { parseCommandLine, type OptionValues, type Options } from '../command-line.js';
import { bindingsFromArguments } from '../listen-bindings.js';
import { pulseFlags, pulseFlagsHelp, pulseAddressFrom } from '../pulse-connection.js';
import { UsageError } from '../usage-error.js';

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'a live message inspector in the browser, on this machine',
  help: `Usage: tc-pulse inspect [<exchange> [<value> ...] ...] [--<field> <value> ...] [options]

Starts a web page on 127.0.0.1 that shows messages live as they arrive: add
and remove bindings, see which binding matched a message and whether its payload
fits the exchange's schema, test a routing key against the bindings, watch the
rates, export what was seen (as "listen --record" writes it). Prints the page's
URL, which carries a random token: only that URL opens it. Opens no browser.

Bindings given here (as for "tc-pulse listen") are in the printed URL; the page
keeps its bindings in its URL, so a view can be reloaded or bookmarked.

Options:
  --port <n>         listen on this port (default: a free one)
  --routing-key-pattern <raw>, --exchange-prefix <p>, --<field> <value>
                     as for "tc-pulse listen"
  -h, --help         this help

${pulseFlagsHelp}

Example:
  tc-pulse inspect queue.taskFailed queue.taskException --provisionerId proj-x
  tc-pulse inspect --pulse-url memory://
`,
  async run(args, { stdout, stderr, env, signal }) {
    const flags = { port: { type: 'string' }, ...pulseFlags } as const;
    // Bindings are optional here (the page adds them), unlike for listen.
    const withoutBindings = parsedWithoutBindings(args, flags);
    const { values, bindings } = withoutBindings ? { values: withoutBindings, bindings: [] } : bindingsFromArguments(args, flags);
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got "${String(values.port)}"`);
    const address = pulseAddressFrom(values, env);
    const specs = bindings.map((binding) => `${binding.exchange} ${binding.routingKeyPattern}`);
    const inspector = await startInspector({ url: address, port, bindings: specs });
    stderr.write(`inspecting ${address.display}; Ctrl-C to stop\n`);
    stdout.write(`${inspector.url}\n`);
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    await inspector.close();
    return 0;
  },
};

/** The option values when the arguments are only this command's own flags, else undefined (they name bindings). */
function parsedWithoutBindings(args: readonly string[], flags: Options): OptionValues | undefined {
  try {
    const { values, positionals } = parseCommandLine(args, flags);
    return positionals.length === 0 ? values : undefined;
  } catch {
    return undefined;
  }
}
