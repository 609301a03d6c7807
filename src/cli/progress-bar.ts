/**
 * A one-line transfer progress bar for stderr: drawn only on a terminal
 * (never into a pipe or a log file), at most ten times a second, so a fast
 * transfer spends its time moving bytes, not drawing.
 */

/** Redraws at most this often. */
const REDRAW_INTERVAL_MS = 100;
const BAR_WIDTH = 24;
const MIN_BAR_WIDTH = 8;

export interface TerminalStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export class ProgressBar {
  private readonly started: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private transferred = 0;
  private total: number | undefined;
  private drawn = false;

  /** A bar on `stream` if it is a terminal; undefined (no bar) otherwise. */
  static onTerminal(stream: TerminalStream, label: string, now?: () => number): ProgressBar | undefined {
    return stream.isTTY === true ? new ProgressBar(stream, label, now) : undefined;
  }

  private constructor(
    private readonly stream: TerminalStream,
    private readonly label: string,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = this.now();
  }

  /** Records progress; redraws if the last drawing is old enough. */
  readonly update = (transferred: number, total: number | undefined): void => {
    this.transferred = transferred;
    this.total = total;
    const now = this.now();
    if (now - this.lastDraw < REDRAW_INTERVAL_MS) return;
    this.lastDraw = now;
    this.draw(now);
  };

  /** Draws the final state and ends the line. */
  finish(): void {
    this.draw(this.now());
    this.stream.write('\n');
  }

  /** Erases the bar (before an error message takes the line). */
  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
  }

  private draw(now: number): void {
    const seconds = Math.max(now - this.started, 1) / 1000;
    const rate = `${formatBytes(this.transferred / seconds)}/s`;
    const { transferred, total } = this;
    // A terminal of unknown width (columns 0, as under `script`) gets 80.
    const columns = this.stream.columns || 80;
    let amounts = `${formatBytes(transferred)}  ${rate}`;
    if (total !== undefined && total > 0) {
      const counts = `${percent(transferred, total).padStart(4)} [] ${formatBytes(transferred)} / ${formatBytes(total)}  ${rate}`;
      // The bar gives way to the label first, down to a minimum.
      const width = Math.min(BAR_WIDTH, Math.max(MIN_BAR_WIDTH, columns - counts.length - this.label.length - 3));
      amounts = counts.replace('[]', `[${bar(transferred / total, width)}]`);
    }
    const room = columns - amounts.length - 3;
    const label = room <= 0 ? '' : this.label.length <= room ? this.label : `…${this.label.slice(this.label.length - room + 1)}`;
    this.stream.write(`\r${label}${label ? '  ' : ''}${amounts}\x1b[K`);
    this.drawn = true;
  }
}

function percent(part: number, whole: number): string {
  return `${Math.min(100, Math.floor((part / whole) * 100))}%`;
}

function bar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, fraction) * width);
  return '#'.repeat(filled) + '-'.repeat(width - filled);
}

/** `1.5 KiB`, `200.0 MiB`: binary units, one decimal. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}
