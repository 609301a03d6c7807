import { readRecording } from '../../recording/read-recording.js';
import { replayRecording } from '../../recording/replay.js';
import type { Command } from '../command.js';
import { checkNoExtraArguments, parseCommandLine } from '../command-line.js';
import { pulseFlags, pulseFlagsHelp, pulseAddressFrom } from '../pulse-connection.js';
import { UsageError } from '../usage-error.js';

export const replayCommand: Command = {
  name: 'replay',
  summary: 'publish a recording (from "listen --record") onto a broker',
  help: `Usage: tc-pulse replay <file> [options]

Publishes every message of a recording, as "tc-pulse listen --record <file>"
wrote it, exactly as recorded: exchange, routing key, CC, properties and body.
Exchanges are declared first (durable topic exchanges, as Taskcluster's). The
whole file is checked before anything is published.

Options:
  --fast             as fast as the broker confirms (default: at the recorded pace,
                     keeping the gaps between the messages' times)
  --speed <x>        at recorded pace, x times faster (e.g. 10)
  -h, --help         this help

${pulseFlagsHelp}

Example:
  tc-pulse replay completed.jsonl --pulse-url amqp://guest:guest@localhost:5672 --speed 10
`,
  async run(args, { stderr, env, signal }) {
    const { values, positionals } = parseCommandLine(args, { fast: { type: 'boolean' }, speed: { type: 'string' }, ...pulseFlags });
    checkNoExtraArguments(positionals, 1, 'replay takes one recording file');
    const file = positionals[0];
    if (file === undefined) throw new UsageError('expected a recording file, as "tc-pulse listen --record <file>" writes');
    const speed = values.speed === undefined ? undefined : Number(values.speed);
    if (speed !== undefined && !(Number.isFinite(speed) && speed > 0)) throw new UsageError(`--speed must be a positive number, got "${String(values.speed)}"`);
    if (speed !== undefined && values.fast === true) throw new UsageError('--speed is for the recorded pace; --fast has no pace to speed up');
    const address = pulseAddressFrom(values, env);
    const records = await readRecording(file);
    stderr.write(`replaying ${records.length} messages from ${file} onto ${address.display}\n`);
    const { published, elapsedMs } = await replayRecording(records, { url: address, pace: values.fast === true ? 'fast' : 'recorded', ...(speed === undefined ? {} : { speed }), signal });
    stderr.write(`published ${published} of ${records.length} messages in ${(elapsedMs / 1000).toFixed(1)} s\n`);
    return published === records.length ? 0 : 1;
  },
};
