/** Argument checks shared by the predicate specs. Each throws InvalidArgsError naming the predicate. */
import type { Arg } from '../eskip/index.ts';
import { InvalidArgsError } from '../errors.ts';

/** Throws unless `args` has a length in [min, max]. */
export function expectCount(name: string, args: readonly Arg[], min: number, max: number = min): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new InvalidArgsError(`${name}: expected ${want} argument(s), got ${args.length}`);
  }
}

/** The argument at `i` as a string; numbers are refused, as in Skipper (types matter). */
export function stringArg(name: string, args: readonly Arg[], i: number): string {
  const a = args[i];
  if (typeof a !== 'string') throw new InvalidArgsError(`${name}: argument ${i + 1} must be a string, got ${JSON.stringify(a)}`);
  return a;
}

/** The argument at `i` as a number. */
export function numberArg(name: string, args: readonly Arg[], i: number): number {
  const a = args[i];
  if (typeof a !== 'number' || !Number.isFinite(a)) {
    throw new InvalidArgsError(`${name}: argument ${i + 1} must be a number, got ${JSON.stringify(a)}`);
  }
  return a;
}

/** Every argument as a string; at least one is required. */
export function stringArgs(name: string, args: readonly Arg[]): string[] {
  expectCount(name, args, 1, Infinity);
  return args.map((_, i) => stringArg(name, args, i));
}
