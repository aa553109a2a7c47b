/** The registry of every built-in predicate. */
import { Registry } from '../registry.ts';
import type { PredicateSpec } from '../routing/types.ts';
import { systemClock, systemRandom, type Clock, type Random } from './clock.ts';
import { afterSpec } from './after.ts';
import { beforeSpec } from './before.ts';
import { betweenSpec } from './between.ts';
import { clientIPSpec } from './client-ip.ts';
import { contentLengthBetweenSpec } from './content-length-between.ts';
import { cookieSpec } from './cookie.ts';
import { cronSpec } from './cron.ts';
import { falseSpec } from './false.ts';
import { forwardedHostSpec } from './forwarded-host.ts';
import { forwardedProtocolSpec } from './forwarded-protocol.ts';
import { headerSpec } from './header.ts';
import { headerRegexpSpec } from './header-regexp.ts';
import { headerSHA256Spec } from './header-sha256.ts';
import { hostSpec } from './host.ts';
import { hostAnySpec } from './host-any.ts';
import { jwtPayloadAllKVSpec } from './jwt-payload-all-kv.ts';
import { jwtPayloadAllKVRegexpSpec } from './jwt-payload-all-kv-regexp.ts';
import { jwtPayloadAnyKVSpec } from './jwt-payload-any-kv.ts';
import { jwtPayloadAnyKVRegexpSpec } from './jwt-payload-any-kv-regexp.ts';
import { methodSpec } from './method.ts';
import { methodsSpec } from './methods.ts';
import { pathSpec } from './path.ts';
import { pathRegexpSpec } from './path-regexp.ts';
import { pathSubtreeSpec } from './path-subtree.ts';
import { queryParamSpec } from './query-param.ts';
import { notShuttingDown, shutdownSpec, type ShutdownState } from './shutdown.ts';
import { reversedSourceSpec, sourceSpec } from './source.ts';
import { sourceFromLastSpec } from './source-from-last.ts';
import { teeSpec } from './tee.ts';
import { trafficSpec } from './traffic.ts';
import { trafficSegmentSpec } from './traffic-segment.ts';
import { trueSpec } from './true.ts';
import { weightSpec } from '../routing/weight.ts';

/** Sources of time, chance and process state; tests inject fixed ones. */
export interface PredicateEnv {
  clock?: Clock;
  random?: Random;
  /** Whether the process is shutting down, for Shutdown(); false when omitted. */
  shuttingDown?: ShutdownState;
  /** Source() takes the last X-Forwarded-For entry (`-reverse-source-predicate`); false when omitted. */
  reverseSource?: boolean;
}

/** Every built-in predicate spec, with time, chance and shutdown state taken from `env`. */
export function builtinPredicateSpecs(env: PredicateEnv = {}): PredicateSpec[] {
  const clock = env.clock ?? systemClock;
  const random = env.random ?? systemRandom;
  return [
    pathSpec, pathSubtreeSpec, pathRegexpSpec, hostSpec, hostAnySpec, methodSpec, methodsSpec, headerSpec,
    headerRegexpSpec, cookieSpec, queryParamSpec, env.reverseSource === true ? reversedSourceSpec : sourceSpec, sourceFromLastSpec, clientIPSpec, weightSpec,
    trueSpec, falseSpec, trafficSpec(random), trafficSegmentSpec(random), teeSpec, contentLengthBetweenSpec,
    afterSpec(clock), beforeSpec(clock), betweenSpec(clock), cronSpec(clock), forwardedHostSpec,
    forwardedProtocolSpec, jwtPayloadAnyKVSpec, jwtPayloadAllKVSpec, jwtPayloadAnyKVRegexpSpec,
    jwtPayloadAllKVRegexpSpec, headerSHA256Spec, shutdownSpec(env.shuttingDown ?? notShuttingDown),
  ];
}

/** A fresh registry holding every built-in predicate; `extra` adds custom ones. */
export function builtinPredicates(env: PredicateEnv = {}, extra: Iterable<PredicateSpec> = []): Registry<PredicateSpec> {
  return new Registry<PredicateSpec>('predicate', [...builtinPredicateSpecs(env), ...extra]);
}
