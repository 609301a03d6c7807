/** Every wait in the bench has a deadline, so a stuck contender fails the run instead of hanging it. */

export class DeadlineError extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: not done within ${ms} ms`);
    this.name = 'DeadlineError';
  }
}

/**
 * Runs `work`, rejecting with a {@link DeadlineError} after `ms`. `work` gets
 * `expired()` so that its own loops stop too once the deadline has passed.
 */
export async function withDeadline<T>(what: string, ms: number, work: (expired: () => boolean) => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let isExpired = false;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      isExpired = true;
      reject(new DeadlineError(what, ms));
    }, ms);
  });
  try {
    return await Promise.race([work(() => isExpired), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
