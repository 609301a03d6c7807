import type { PulseMessage } from '../pulse/pulse-message.js';

/** What `listen` prints for one message, as one JSON object. */
export function messageRecord(message: PulseMessage) {
  return {
    exchange: message.exchange,
    routingKey: message.routingKey,
    fields: message.fields,
    routes: message.routes,
    payload: message.payload,
    redelivered: message.redelivered,
  };
}

/**
 * Prints messages: JSON lines when piped (for jq and scripts), a readable block
 * and a live count on a terminal.
 */
export class MessagePrinter {
  #count = 0;
  #statusShown = false;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly tty: boolean,
  ) {}

  get count(): number {
    return this.#count;
  }

  print(message: PulseMessage): void {
    this.#count++;
    if (!this.tty) {
      this.out.write(JSON.stringify(messageRecord(message)) + '\n');
      return;
    }
    this.#clearStatus();
    const time = new Date().toISOString().slice(11, 19);
    const fields = Object.entries(message.fields)
      .filter(([, value]) => value !== '_' && value !== '')
      .map(([name, value]) => `${name}=${value}`)
      .join(' ');
    const routes = message.routes.length ? `\n  routes: ${message.routes.join(', ')}` : '';
    const payload = JSON.stringify(message.payload, null, 2).replace(/\n/g, '\n  ');
    this.out.write(`${time} ${message.binding.serviceName}.${message.binding.name}${message.redelivered ? ' (redelivered)' : ''}\n  ${fields}${routes}\n  ${payload}\n`);
    this.status(`${this.#count} message${this.#count === 1 ? '' : 's'} received; Ctrl-C to stop`);
  }

  /** A status line kept at the bottom of a terminal, rewritten in place. */
  status(text: string): void {
    if (!this.tty) return;
    this.#clearStatus();
    this.out.write(`\x1b[2m${text}\x1b[0m`);
    this.#statusShown = true;
  }

  end(): void {
    if (this.#statusShown) this.out.write('\n');
    this.#statusShown = false;
  }

  #clearStatus(): void {
    if (this.#statusShown) this.out.write('\r\x1b[2K');
    this.#statusShown = false;
  }
}
