/**
 * When RouteGroup routes get HTTPS redirect twins (built by https-redirect.ts): per group, by option and
 * annotation, and not for routes that handle X-Forwarded-Proto themselves.
 */
import type { RouteDef } from '../../../eskip/index.ts';
import { forwardedProtoHeader } from './https-redirect.ts';

/** Per-object switch of the HTTPS redirect: "true" enables it, "false" disables it. */
export const redirectAnnotation = 'zalando.org/skipper-ingress-redirect';

/**
 * Whether a RouteGroup's routes get redirect twins: the annotation can enable the redirect when it is off
 * by default, or disable it when it is on.
 */
export function routeGroupRedirectEnabled(defaultEnabled: boolean, annotations: Readonly<Record<string, string>>): boolean {
  const value = Object.hasOwn(annotations, redirectAnnotation) ? annotations[redirectAnnotation] : undefined;
  if (!defaultEnabled) return value === 'true';
  return value !== 'false';
}

/**
 * True when the route already matches on X-Forwarded-Proto. RouteGroup predicates are never moved into
 * Skipper's header map, so unlike Ingress routes the name is compared exactly, not canonicalised.
 */
export function hasProtoPredicate(r: RouteDef): boolean {
  return r.predicates.some((p) => (p.name === 'Header' || p.name === 'HeaderRegexp') && p.args[0] === forwardedProtoHeader);
}
