/** Host matching as Skipper's Kubernetes data client expresses it. */
import type { PredicateCall, RouteDef } from '../../../eskip/index.ts';

/**
 * The Host() regexp for one or more host names: dots literal, an optional trailing dot and port.
 * Kubernetes forbids trailing dots and ports in host rules, so appending the optional parts is safe.
 */
export function createHostRx(...hosts: string[]): string {
  if (hosts.length === 0) return '';
  return '^(' + hosts.map((h) => h.replaceAll('.', '[.]') + '[.]?(:[0-9]+)?').join('|') + ')$';
}

/** True when the host ends with one of the east-west range domains (plain suffix match, as Skipper). */
export function isEastWestHost(host: string, eastWestRangeDomains: readonly string[]): boolean {
  return eastWestRangeDomains.some((d) => host.endsWith(d));
}

/** A `Host(rx)` predicate. */
export function hostPredicate(rx: string): PredicateCall {
  return { name: 'Host', args: [rx] };
}

/**
 * Replaces all Host predicates of a route with the given regexps, as assigning Skipper's legacy
 * `HostRegexps` field does. The new Host predicates come first; only the order among equal names matters.
 */
export function setHostRegexps(r: RouteDef, hostRegexps: readonly string[]): void {
  r.predicates = [...hostRegexps.map(hostPredicate), ...r.predicates.filter((p) => p.name !== 'Host')];
}
