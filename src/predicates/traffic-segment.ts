/**
 * TrafficSegment(min, max): matches when the request's random number r, drawn once per request and shared
 * by every TrafficSegment of that request, lies in [min, max). Adjacent segments therefore split traffic
 * exactly: [0, .5), [.5, .8), [.8, 1). Its weight of -1 cancels its own predicate count.
 */
import type { PredicateSpec, RoutingRequest } from '../routing/types.ts';
import { InvalidArgsError } from '../errors.ts';
import { expectCount, numberArg } from './args.ts';
import { systemRandom, type Random } from './clock.ts';

/** The TrafficSegment spec drawing from `random` (injectable for tests). */
export function trafficSegmentSpec(random: Random = systemRandom): PredicateSpec {
  return {
    name: 'TrafficSegment',
    create(args) {
      expectCount('TrafficSegment', args, 2);
      const min = numberArg('TrafficSegment', args, 0);
      const max = numberArg('TrafficSegment', args, 1);
      if (min < 0 || min > 1 || max < 0 || max > 1) throw new InvalidArgsError(`TrafficSegment: bounds must be within [0, 1], got ${min}, ${max}`);
      if (min > max) throw new InvalidArgsError(`TrafficSegment: min ${min} is greater than max ${max}`);
      return {
        match(req: RoutingRequest) {
          let r = req.trafficSegmentRandom;
          if (r === undefined) {
            r = random();
            req.trafficSegmentRandom = r;
          }
          return min <= r && r < max;
        },
      };
    },
    weight: () => -1,
  };
}
