import { checkNoExtraArguments } from './command-line.js';
import { UsageError } from './usage-error.js';

/**
 * The positional arguments of `call` and `signed-url`: exactly the method's
 * route arguments, in order. An extra or missing one is a usage error naming it.
 */
export function checkRouteArguments(method: string, argNames: readonly string[], positionals: readonly string[]): void {
  const takes = argNames.length === 0 ? 'takes no arguments' : `takes ${argNames.map((a) => `<${a}>`).join(' ')}`;
  checkNoExtraArguments(positionals, argNames.length, `${method} ${takes}`);
  if (positionals.length < argNames.length) throw new UsageError(`missing <${argNames[positionals.length]}>; ${method} ${takes}`);
}
