import type { Balancer } from './balancer.ts';
import type { LbEndpoint } from './endpoint.ts';

/** Skipper's N: two random picks, the one with fewer in-flight requests wins. */
const CHOICES = 2;

/** Power of random N choices: sample N candidates, take the least loaded. */
export function powerOfRandomNChoices(endpoints: readonly string[], parsed: readonly LbEndpoint[]): Balancer {
  return {
    algorithm: 'powerOfRandomNChoices',
    endpoints,
    parsed,
    choose(candidates, req) {
      const n = candidates.length;
      let best = candidates[Math.floor(Math.random() * n)]!;
      let bestLoad = req.inflight(best);
      for (let i = 1; i < CHOICES; i++) {
        const c = candidates[Math.floor(Math.random() * n)]!;
        const load = req.inflight(c);
        if (load < bestLoad) {
          best = c;
          bestLoad = load;
        }
      }
      return best;
    },
  };
}
