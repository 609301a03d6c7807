import { inspect } from 'node:util';

/**
 * Makes `JSON.stringify(target)` and `util.inspect(target)` show `shown()`
 * instead of the object's fields (which stay as they are), through
 * non-enumerable members: a spread copy of `target` is a plain object again.
 */
export function displayAs<T extends object>(target: T, shown: () => unknown): T {
  Object.defineProperties(target, {
    toJSON: { value: shown, enumerable: false },
    [inspect.custom]: { value: (_depth: number, options: object) => inspect(shown(), options), enumerable: false },
  });
  return target;
}
