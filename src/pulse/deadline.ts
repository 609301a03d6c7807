import { withTimeout } from './sleep.js';

/**
 * One point in time shared by several waits, each getting what is left of it:
 * a sequence of steps bounded as a whole, not step by step.
 */
export class Deadline {
  private constructor(readonly at: number) {}

  /** The deadline `ms` from now. */
  static after(ms: number): Deadline {
    return new Deadline(Date.now() + ms);
  }

  get remainingMs(): number {
    return Math.max(0, this.at - Date.now());
  }

  get passed(): boolean {
    return this.remainingMs === 0;
  }

  /** `promise`'s outcome, or `undefined` once the deadline passes. */
  within<T>(promise: Promise<T>): Promise<T | undefined> {
    return withTimeout(promise, this.remainingMs);
  }

  /** Whether `promise` settled (either way) before the deadline. */
  async settles(promise: Promise<unknown>): Promise<boolean> {
    return (await this.within(promise.then(done, done))) === true;
  }
}

const done = () => true;
