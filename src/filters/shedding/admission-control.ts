/**
 * admissionControl (Skipper's filters/shedder): rejects a share of requests, growing with the backend's
 * failure rate, so an overloaded backend gets room to recover (client-side throttling from the Google SRE
 * book). Over the last `windowSize` intervals of `d`, with `total` requests and `success` of them below 499:
 *
 *   p = min(maxRejectProbability, ((total - success / successThreshold) / (total + 1)) ^ exponent)
 *
 * and nothing is rejected while the average rate is below `minRequests` per second or
 * total < success / successThreshold. Rejected requests get 503 with `Admission-Control: true`.
 *
 *   admissionControl(metricSuffix, mode, d, windowSize, minRequests, successThreshold, maxRejectProbability, exponent)
 *
 * mode: "active" rejects; "inactive" only counts; "logInactive" counts and logs what it would do.
 * The window is kept per route outside the route table, so route updates do not reset it (Skipper starts
 * a fresh window with every new filter instance).
 */
import { parseDuration } from '../../net/index.ts';
import { InvalidArgsError } from '../../errors.ts';
import type { Arg } from '../../eskip/index.ts';
import { argCount } from '../args.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../types.ts';
import type { SheddingRegistry } from './shedding-registry.ts';

type Mode = 'active' | 'inactive' | 'logInactive';

const STATE_KEY = 'shedder:admission_control';
const SIGNAL_HEADER = 'admission-control';

/** Request counts in `size` buckets of `bucketMs`, rotated lazily from the clock (no timer). */
export class AdmissionWindow {
  readonly #totals: Float64Array;
  readonly #success: Float64Array;
  readonly #bucketMs: number;
  #bucket: number;
  #total = 0;
  #ok = 0;
  readonly now: () => number;

  constructor(size: number, bucketMs: number, now: () => number = Date.now) {
    this.#totals = new Float64Array(size);
    this.#success = new Float64Array(size);
    this.#bucketMs = bucketMs;
    this.now = now;
    this.#bucket = Math.floor(now() / bucketMs);
  }

  #advance(): number {
    const b = Math.floor(this.now() / this.#bucketMs);
    const size = this.#totals.length;
    for (let n = Math.min(b - this.#bucket, size); n > 0; n--) {
      const i = (b - n + 1) % size;
      this.#total -= this.#totals[i]!;
      this.#ok -= this.#success[i]!;
      this.#totals[i] = 0;
      this.#success[i] = 0;
    }
    this.#bucket = b;
    return b % size;
  }

  count(success: boolean): void {
    const i = this.#advance();
    this.#totals[i]!++;
    this.#total++;
    if (success) {
      this.#success[i]!++;
      this.#ok++;
    }
  }

  /** [total, success] over the window. */
  sums(): [number, number] {
    this.#advance();
    return [this.#total, this.#ok];
  }
}

export interface AdmissionSettings {
  readonly mode: Mode;
  readonly windowMs: number;
  readonly windowSize: number;
  readonly minRps: number;
  readonly successThreshold: number;
  readonly maxRejectProbability: number;
  readonly exponent: number;
}

/** The rejection probability for the counts, or -1 when admission control does not act (Skipper's pReject). */
export function rejectProbability(s: AdmissionSettings, total: number, success: number): number {
  const avgRps = total * (1000 / (s.windowMs * s.windowSize));
  if (avgRps < s.minRps) return -1;
  const sc = success / s.successThreshold;
  if (total < sc) return -1;
  const p = Math.pow((total - sc) / (total + 1), s.exponent);
  return Math.max(0, Math.min(p, s.maxRejectProbability));
}

function num(name: string, args: readonly Arg[], i: number, what: string): number {
  const a = args[i];
  if (typeof a !== 'number' || !Number.isFinite(a)) throw new InvalidArgsError(`${name}: ${what} must be a number, got ${JSON.stringify(a)}`);
  return a;
}

export function admissionControlSpec(registry: SheddingRegistry, log: (m: string) => void = () => {}, random: () => number = Math.random): FilterSpec {
  const name = 'admissionControl';
  return {
    name,
    create(args) {
      argCount(name, args, 8);
      if (typeof args[0] !== 'string') throw new InvalidArgsError(`${name}: metricSuffix must be a string`);
      const mode = args[1];
      if (mode !== 'active' && mode !== 'inactive' && mode !== 'logInactive') {
        throw new InvalidArgsError(`${name}: mode must be "active", "inactive" or "logInactive", got ${JSON.stringify(mode)}`);
      }
      if (typeof args[2] !== 'string') throw new InvalidArgsError(`${name}: d must be a duration string such as "1s"`);
      let windowMs: number;
      try {
        windowMs = parseDuration(args[2]);
      } catch {
        throw new InvalidArgsError(`${name}: invalid duration ${JSON.stringify(args[2])}`);
      }
      if (windowMs <= 0) throw new InvalidArgsError(`${name}: d must be positive`);
      const windowSize = Math.trunc(num(name, args, 3, 'windowSize'));
      if (windowSize < 1 || windowSize > 100) throw new InvalidArgsError(`${name}: windowSize must be within [1,100], got ${windowSize}`);
      const s: AdmissionSettings = Object.freeze({
        mode,
        windowMs,
        windowSize,
        minRps: Math.trunc(num(name, args, 4, 'minRequests')),
        successThreshold: num(name, args, 5, 'successThreshold'),
        maxRejectProbability: num(name, args, 6, 'maxRejectProbability'),
        exponent: num(name, args, 7, 'exponent'),
      });
      if (s.exponent <= 0) throw new InvalidArgsError(`${name}: exponent must be > 0`);
      if (s.successThreshold <= 0 || s.successThreshold > 1) throw new InvalidArgsError(`${name}: successThreshold must be within (0,1]`);
      if (s.maxRejectProbability <= 0 || s.maxRejectProbability > 1) throw new InvalidArgsError(`${name}: maxRejectProbability must be within (0,1]`);
      const argsKey = JSON.stringify(args.slice(1));
      let win: AdmissionWindow | null = null;
      let attachedAs = '';
      const windowOf = (ctx: FilterContext): AdmissionWindow => {
        if (win === null) {
          attachedAs = `admissionControl:${ctx.routeId}:${argsKey}`;
          win = registry.attach(attachedAs, () => new AdmissionWindow(windowSize, windowMs));
        }
        return win;
      };
      const instance: FilterInstance = {
        name,
        handlesErrors: true,
        request(ctx) {
          const w = windowOf(ctx);
          const [total, success] = w.sums();
          const p = rejectProbability(s, total, success);
          const r = random();
          if (s.mode === 'logInactive') log(`admissionControl ${ctx.routeId}: total ${total}, success ${success}, p ${p.toFixed(2)}, r ${r.toFixed(2)}`);
          if (!(p > r)) return;
          ctx.stateBag.set(STATE_KEY, 'reject');
          registry.observer?.admissionRejected(ctx.routeId);
          if (s.mode !== 'active') return;
          ctx.serve({ status: 503, headers: { [SIGNAL_HEADER]: 'true' }, body: null });
        },
        response(ctx) {
          if (ctx.stateBag.get(STATE_KEY) === 'reject') return;
          const res = ctx.response;
          if (res === null || res.headers[SIGNAL_HEADER] === 'true') return;
          windowOf(ctx).count(res.status < 499);
        },
        close() {
          if (win !== null) registry.detach(attachedAs);
          win = null;
        },
      };
      return instance;
    },
  };
}
