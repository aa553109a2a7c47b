/**
 * endpointCreated(address, when): tells fadeIn when an endpoint was created, so an endpoint that restarts
 * under the same address fades in again (Skipper's endpointCreated). `when` is Unix seconds or RFC 3339.
 * No per-request work; the endpoint registry applies it when it observes a route table.
 */
import { InvalidArgsError } from '../../errors.ts';
import { hostPort } from '../../net/index.ts';
import type { FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export const endpointCreated: FilterSpec = {
  name: 'endpointCreated',
  create(args): FilterInstance {
    if (args.length !== 2) throw new InvalidArgsError(`endpointCreated: expected 2 arguments, got ${args.length}`);
    const [address, when] = args;
    if (typeof address !== 'string') throw new InvalidArgsError('endpointCreated: address must be a string');
    let u: URL;
    try {
      // Skipper accepts a bare host:port as well as a URL.
      u = new URL(address.includes('://') ? address : `http://${address}`);
    } catch {
      throw new InvalidArgsError(`endpointCreated: invalid address ${JSON.stringify(address)}`);
    }
    if (u.pathname !== '/' && u.pathname !== '') {
      throw new InvalidArgsError(`endpointCreated: address ${JSON.stringify(address)} must not have a path`);
    }
    let ms: number;
    if (typeof when === 'number' && Number.isFinite(when)) ms = Math.trunc(when) * 1000;
    else if (typeof when === 'string' && RFC3339.test(when)) ms = Date.parse(when);
    else throw new InvalidArgsError(`endpointCreated: time must be Unix seconds or RFC 3339, got ${JSON.stringify(when)}`);
    if (!Number.isFinite(ms)) throw new InvalidArgsError(`endpointCreated: invalid time ${JSON.stringify(when)}`);
    // A creation time in the future means clock skew; Skipper then fades in without it.
    if (ms > Date.now()) ms = 0;
    return Object.freeze({ name: 'endpointCreated', lbSettings: Object.freeze({ endpointCreated: Object.freeze({ host: hostPort(u), createdMs: ms }) }) });
  },
};
