import type { PulseMessage } from '../pulse/pulse-message.js';
import { formatMessage, type MessageFormat } from './message-format.js';

/**
 * Prints messages one line each (see message-format.ts); on a terminal also
 * a live count at the bottom, rewritten in place.
 */
export class MessagePrinter {
  #count = 0;
  #statusShown = false;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
    private readonly format: MessageFormat,
  ) {}

  get count(): number {
    return this.#count;
  }

  get #tty(): boolean {
    return this.out.isTTY === true;
  }

  print(message: PulseMessage): void {
    this.#count++;
    this.#clearStatus();
    // A terminal gets one screen line per message: longer lines are cut.
    this.out.write(formatMessage(message, this.format, this.#tty ? { width: this.out.columns } : {}) + '\n');
    this.status(`${this.#count} message${this.#count === 1 ? '' : 's'} received; Ctrl-C to stop`);
  }

  /** A status line kept at the bottom of a terminal, rewritten in place. */
  status(text: string): void {
    if (!this.#tty) return;
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
