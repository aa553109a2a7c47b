/**
 * RouteGroup validation, with Skipper's rules and messages (definitions/routegroupvalidator.go): an
 * invalid RouteGroup is dropped as a whole and logged once, and the messages are the ones Skipper users
 * and Skipper's fixtures know, e.g. `error in route group default/app: invalid backend reference: x`.
 */
import { parseFilters, parsePredicates } from '../../../eskip/index.ts';
import { skipperParseErrorText } from './routegroup-eskip-error.ts';
import type { RgBackend, RgBackendRef, RgRouteSpec, RgSpec, RouteGroup } from './routegroup-spec.ts';

/** Go's %q for the strings that appear here (JSON escaping agrees with it for printable text). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

function validateBackend(b: RgBackend | null): string | null {
  if (b !== null && b.parseError !== null) return b.parseError;
  if (b === null || b.name === '') return 'unnamed backend';
  if (b.type === 'network' && b.address === '') return `address missing in backend: ${b.name}`;
  if (b.type === 'service' && b.serviceName === '') return `service name missing in backend: ${b.name}`;
  if (b.type === 'service' && (b.servicePort <= 0 || b.servicePort > 65535)) {
    return `invalid service port in backend: ${b.name}, ${b.servicePort}`;
  }
  if (b.type === 'lb' && b.endpoints.length === 0) return `missing LB endpoints in backend: ${b.name}`;
  return null;
}

function validateRefs(refs: (RgBackendRef | null)[] | null, known: Set<string>): string | null {
  if (refs === null) return null;
  const seen = new Set<string>();
  for (const r of refs) {
    const name = r?.backendName ?? '';
    if (seen.has(name)) return `duplicate backend reference: ${name}`;
    seen.add(name);
    if (r === null || name === '') return 'unnamed backend reference';
    if (!known.has(name)) return `invalid backend reference: ${name}`;
    if (r.weight < 0) return `invalid weight in backend: ${name}, ${r.weight}`;
  }
  return null;
}

function validateRoute(r: RgRouteSpec | null, hasDefault: boolean, known: Set<string>): string | null {
  if (r === null) return 'invalid route spec';
  if (!hasDefault && (r.backends === null || r.backends.length === 0)) return 'missing backend reference';
  const refErr = validateRefs(r.backends, known);
  if (refErr !== null) return refErr;
  if (r.path !== '' && r.pathSubtree !== '') return 'path and path subtree in the same route';
  if (r.methods.includes('')) return 'invalid method';
  return null;
}

function validateSpec(spec: RgSpec): string | null {
  if (spec.backends.length === 0) return 'route group without backend';
  const known = new Set<string>();
  for (const b of spec.backends) {
    const name = b?.name ?? '';
    if (known.has(name)) return `backends with duplicate name: ${name}`;
    known.add(name);
    const err = validateBackend(b);
    if (err !== null) return `invalid backend: ${name}, ${err}`;
  }
  const hasDefault = spec.defaultBackends !== null && spec.defaultBackends.length > 0;
  const defErr = validateRefs(spec.defaultBackends, known);
  if (defErr !== null) return defErr;
  if (!hasDefault && spec.routes.length === 0) return 'missing backend reference';
  for (let i = 0; i < spec.routes.length; i++) {
    const err = validateRoute(spec.routes[i]!, hasDefault, known);
    if (err !== null) return `invalid route at ${i}, ${err}`;
  }
  return null;
}

/** Go's url.Parse, as far as Skipper's `scheme://host` check needs it. */
function addressProblem(address: string): boolean {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(address);
  if (m === null) return true; // no scheme
  let rest = m[2]!;
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  if (q >= 0) {
    if (q + 1 < rest.length) return true; // RawQuery set
    rest = rest.slice(0, q);
  }
  if (!rest.startsWith('//')) return true; // opaque: no host
  const authority = rest.slice(2);
  const slash = authority.indexOf('/');
  const host = slash >= 0 ? authority.slice(0, slash) : authority;
  const path = slash >= 0 ? authority.slice(slash) : '';
  const at = host.lastIndexOf('@');
  return path !== '' || host.slice(at + 1) === '';
}

/** Parses each filter and predicate item (keeping the results on the route), collecting Skipper's errors. */
function eskipErrors(spec: RgSpec): string[] {
  const errs: string[] = [];
  for (const r of spec.routes) {
    if (r === null) continue;
    r.parsedFilters = [];
    r.parsedPredicates = [];
    for (const f of r.filters) {
      try {
        const parsed = parseFilters(f);
        if (parsed.length === 1) r.parsedFilters.push(parsed[0]!);
        else errs.push(`single filter expected at ${goQuote(f)}`);
      } catch (e) {
        errs.push(skipperParseErrorText(f, e));
      }
    }
  }
  for (const r of spec.routes) {
    if (r === null) continue;
    for (const p of r.predicates) {
      try {
        const parsed = parsePredicates(p);
        if (parsed.length === 1) r.parsedPredicates.push(parsed[0]!);
        else errs.push(`single predicate expected at ${goQuote(p)}`);
      } catch (e) {
        errs.push(skipperParseErrorText(p, e));
      }
    }
  }
  return errs;
}

/**
 * Validates a decoded RouteGroup. Returns null when it is valid, otherwise Skipper's error text; several
 * independent problems (filters, predicates, backend addresses, hosts) are joined by newlines as Go's
 * errors.Join does.
 */
export function validateRouteGroup(rg: RouteGroup): string | null {
  if (rg.name === '') return 'route group without name';
  const prefix = `error in route group ${rg.namespace}/${rg.name}: `;
  if (rg.spec === null) return `${prefix}route group without spec`;
  const specErr = validateSpec(rg.spec);
  if (specErr !== null) return prefix + specErr;

  const errs = eskipErrors(rg.spec);
  for (const b of rg.spec.backends) {
    if (b !== null && b.type === 'network' && addressProblem(b.address)) {
      errs.push(`backend address ${goQuote(b.address)} does not match scheme://host format`);
    }
  }
  const seen = new Set<string>();
  for (const h of rg.spec.hosts) {
    if (seen.has(h)) errs.push(`duplicate host ${goQuote(h)}`);
    seen.add(h);
  }
  return errs.length > 0 ? errs.join('\n') : null;
}
