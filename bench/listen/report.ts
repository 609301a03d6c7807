/** Medians, spreads and the ratios the targets are stated in; pure, so they are tested without a broker. */
import type { DrainResult } from './contender.js';
import type { Latency } from './latency.js';

export interface Summary {
  /** Messages per second of each round, in round order. */
  readonly rates: readonly number[];
  /** Client CPU per message of each round, µs, in round order. */
  readonly cpus: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Median client CPU per message, µs. */
  readonly cpu: number;
}

export function summarize(runs: readonly DrainResult[]): Summary {
  const rates = runs.map((run) => run.messagesPerSecond);
  const cpus = runs.map((run) => run.cpuMicrosPerMessage);
  return { rates, cpus, median: median(rates), min: Math.min(...rates), max: Math.max(...rates), cpu: median(cpus) };
}

export interface Target {
  readonly what: string;
  /**
   * Ours over the baseline: higher is better for throughput, lower for
   * latency. Throughput ratios are the median of each round's ratio, so that
   * a round the whole machine ran slow in weighs on both sides alike.
   */
  readonly ratio: number;
  /** The same from client CPU per message (baseline CPU / ours), steadier on a shared machine. */
  readonly cpuRatio?: number;
  readonly goal: string;
  readonly met: boolean;
}

export interface Goals {
  readonly consumeOverPeer: number;
  readonly listenOverPeer: number;
  readonly listenOverCeiling: number;
  readonly listenP99OverRaw: number;
  /** With the OpenTelemetry SDK recording, over without (issue 12: within 10%). */
  readonly instrumentedOverPlain: number;
}

/** The goals of issue item 17. */
export const GOALS: Goals = { consumeOverPeer: 1.2, listenOverPeer: 1.3, listenOverCeiling: 0.9, listenP99OverRaw: 1.5, instrumentedOverPlain: 0.9 };

/** The targets that the contenders present in `summaries` allow computing. */
export function targets(summaries: Readonly<Record<string, Summary>>, peers: readonly string[], latency?: { amqplib: Latency; listen: Latency }, goals = GOALS): Target[] {
  const rows: Target[] = [];
  const present = peers.filter((name) => summaries[name]);
  const fasterPeer = present.sort((a, b) => summaries[b]!.median - summaries[a]!.median)[0];
  // Per round, the leanest peer's CPU per message: what ours is compared with.
  const leanerPeerCpus = present.length === 0 ? [] : rounds(present.map((name) => summaries[name]!.cpus)).map((cpus) => Math.min(...cpus));
  const over = (ours: string, base: string | undefined, baseCpus: readonly number[] | undefined, goal: number, what: string) => {
    const mine = summaries[ours];
    if (!mine || !base || !summaries[base]) return;
    const ratio = pairedMedian(mine.rates, summaries[base]!.rates, (m, b) => m / b);
    const cpuRatio = pairedMedian(mine.cpus, baseCpus ?? summaries[base]!.cpus, (m, b) => b / m);
    rows.push({ what, ratio, cpuRatio, goal: `≥ ${goal}`, met: ratio >= goal });
  };
  over('consume', fasterPeer, leanerPeerCpus, goals.consumeOverPeer, `consume() / faster peer (${fasterPeer})`);
  over('listen', fasterPeer, leanerPeerCpus, goals.listenOverPeer, `listen() / faster peer (${fasterPeer})`);
  over('listen', 'ceiling', undefined, goals.listenOverCeiling, 'listen() / broker ceiling');
  over('listen-otel', 'listen', undefined, goals.instrumentedOverPlain, 'listen() with OTel SDK / without');
  over('consume-otel', 'consume', undefined, goals.instrumentedOverPlain, 'consume() with OTel SDK / without');
  if (latency) {
    const ratio = latency.listen.p99 / latency.amqplib.p99;
    rows.push({ what: 'listen() p99 / raw amqplib p99', ratio, goal: `≤ ${goals.listenP99OverRaw}`, met: ratio <= goals.listenP99OverRaw });
  }
  return rows;
}

/** The median over rounds of `ratio(ours[round], base[round])`, for the rounds both ran. */
export function pairedMedian(ours: readonly number[], base: readonly number[], ratio: (ours: number, base: number) => number): number {
  const count = Math.min(ours.length, base.length);
  return median(Array.from({ length: count }, (_, round) => ratio(ours[round]!, base[round]!)));
}

/** Columns to rows: the values of each round that every series ran. */
function rounds(series: readonly (readonly number[])[]): number[][] {
  const count = Math.min(...series.map((values) => values.length));
  return Array.from({ length: count }, (_, round) => series.map((values) => values[round]!));
}

export function throughputLines(summaries: Readonly<Record<string, Summary>>, labels: Readonly<Record<string, string>>): string[] {
  const width = Math.max(...Object.keys(summaries).map((name) => labels[name]!.length));
  return Object.entries(summaries).map(
    ([name, s]) => `  ${labels[name]!.padEnd(width)}  ${fmt(s.median).padStart(7)} msg/s  (${fmt(s.min)}–${fmt(s.max)})  ${s.cpu.toFixed(1).padStart(5)} µs CPU/msg`,
  );
}

export function targetLines(rows: readonly Target[]): string[] {
  const width = Math.max(...rows.map((row) => row.what.length));
  return rows.map(
    (row) =>
      `  ${row.what.padEnd(width)}  ${row.ratio.toFixed(2).padStart(5)}${row.cpuRatio === undefined ? '           ' : `  (CPU ${row.cpuRatio.toFixed(2)})`}  target ${row.goal}: ${row.met ? 'met' : 'MISSED'}`,
  );
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
