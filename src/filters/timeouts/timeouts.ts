/**
 * backendTimeout, readTimeout and writeTimeout override, for one route, the proxy's timeout for the whole
 * backend round trip, for reading the client's request, and for writing the response to the client.
 */
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount, durationArg } from '../args.ts';

type TimeoutField = 'backendTimeoutMs' | 'readTimeoutMs' | 'writeTimeoutMs';

function timeoutSpec(name: string, field: TimeoutField): FilterSpec {
  return {
    name,
    create(args: Arg[]): FilterInstance {
      argCount(name, args, 1);
      const ms = durationArg(name, args, 0, 'timeout');
      if (ms <= 0) throw new InvalidArgsError(`${name}: timeout must be positive, got ${JSON.stringify(args[0])}`);
      return {
        name,
        request(ctx: FilterContext): void {
          ctx.settings[field] = ms;
        },
      };
    },
  };
}

export const backendTimeout = timeoutSpec('backendTimeout', 'backendTimeoutMs');
export const readTimeout = timeoutSpec('readTimeout', 'readTimeoutMs');
export const writeTimeout = timeoutSpec('writeTimeout', 'writeTimeoutMs');
