/**
 * What the admission webhook checks, per resource, as Skipper's definitions.RouteGroupValidator and
 * IngressV1Validator do: the conversion's own validation (RouteGroup rules, annotation syntax), and with
 * advanced validation every filter, predicate and annotation route compiled by the same registries the
 * proxy uses, so an object is refused exactly when skipjack would mark its routes invalid.
 */
import { parse, parseFilters, parsePredicates, type FilterCall, type PredicateCall, type RouteDef } from '../eskip/index.ts';
import type { InvalidRoute } from '../routing/types.ts';
import {
  decodeRouteGroup, ingressFilterAnnotation, ingressPredicateAnnotation, ingressRoutesAnnotation, loadBalancerAnnotation,
  validateIngressAnnotations, validateRouteGroup, type KubeObject,
} from '../dataclients/kubernetes/convert/index.ts';

/** Compiles route definitions the way the proxy would and returns the ones it refuses. */
export type RouteChecker = (defs: RouteDef[]) => readonly InvalidRoute[];

/** Returns null when the object is admitted, otherwise the reason (lines joined as Go's errors.Join). */
export type ObjectValidator = (obj: KubeObject) => string | null;

/** The LB algorithms of `zalando.org/skipper-loadbalancer` (Skipper's loadbalancer.AlgorithmFromString). */
const LB_ALGORITHMS = ['roundRobin', 'random', 'consistentHash', 'powerOfRandomNChoices'];

type Kind = 'RouteGroup' | 'Ingress';

function validationId(kind: Kind, obj: KubeObject, subject: string, suffix: string): string {
  const md = obj.metadata ?? {};
  return `validation "${kind}" ${md.namespace || 'default'}/${md.name ?? ''} ${subject}${suffix === '' ? '' : ` ${suffix}`}`;
}

function route(id: string, predicates: PredicateCall[], filters: FilterCall[]): RouteDef {
  return { id, predicates, filters, backendType: 'shunt' };
}

function messages(invalid: readonly InvalidRoute[]): string[] {
  return invalid.map((r) => r.message);
}

/** RouteGroup validation; `check` set means -enable-advanced-validation. */
export function routeGroupValidator(check: RouteChecker | null): ObjectValidator {
  return (obj) => {
    const rg = decodeRouteGroup(obj);
    const basic = validateRouteGroup(rg);
    if (basic !== null || check === null || rg.spec === null) return basic;
    const errs: string[] = [];
    for (const r of rg.spec.routes) {
      if (r === null) continue;
      // One definition per filter, as Skipper validates them, so each refusal names its own filter.
      r.filters.forEach((text, i) => {
        const f = r.parsedFilters[i];
        if (f === undefined) return;
        const bad = check([route(validationId('RouteGroup', obj, 'filters', f.name), [], [f])]);
        for (const m of messages(bad)) errs.push(`invalid filter ${JSON.stringify(text)}: ${m}`);
      });
      const preds: PredicateCall[] = [...r.parsedPredicates];
      if (r.path !== '') preds.push({ name: 'Path', args: [r.path] });
      if (r.pathSubtree !== '') preds.push({ name: 'PathSubtree', args: [r.pathSubtree] });
      if (r.pathRegexp !== '') preds.push({ name: 'PathRegexp', args: [r.pathRegexp] });
      if (preds.length > 0) errs.push(...messages(check([route(validationId('RouteGroup', obj, 'predicates', preds.map((p) => p.name).join(',')), preds, [])])));
    }
    return errs.length > 0 ? errs.join('\n') : null;
  };
}

function advancedIngress(obj: KubeObject, annotations: Readonly<Record<string, string>>, check: RouteChecker): string[] {
  const errs: string[] = [];
  const filters = annotations[ingressFilterAnnotation];
  if (filters !== undefined) {
    const calls = parseFilters(filters);
    for (const m of messages(check([route(validationId('Ingress', obj, 'filters', calls.map((f) => f.name).join(',')), [], calls)]))) {
      errs.push(`invalid "${ingressFilterAnnotation}" annotation: ${m}`);
    }
  }
  const predicates = annotations[ingressPredicateAnnotation];
  if (predicates !== undefined) {
    const calls = parsePredicates(predicates);
    for (const m of messages(check([route(validationId('Ingress', obj, 'predicates', calls.map((p) => p.name).join(',')), calls, [])]))) {
      errs.push(`invalid "${ingressPredicateAnnotation}" annotation: ${m}`);
    }
  }
  const routes = annotations[ingressRoutesAnnotation];
  if (routes !== undefined) {
    for (const r of parse(routes)) {
      for (const m of messages(check([{ ...r, id: validationId('Ingress', obj, 'route', r.id) }]))) {
        errs.push(`invalid "${ingressRoutesAnnotation}" annotation: ${m}`);
      }
    }
  }
  return errs;
}

/** Ingress validation (the `zalando.org/…` annotations); `check` set means -enable-advanced-validation. */
export function ingressValidator(check: RouteChecker | null): ObjectValidator {
  return (obj) => {
    const annotations = obj.metadata?.annotations ?? {};
    const errs: string[] = [];
    const syntax = validateIngressAnnotations(annotations);
    if (syntax !== undefined) errs.push(syntax);
    const lb = annotations[loadBalancerAnnotation];
    if (lb !== undefined && !LB_ALGORITHMS.includes(lb)) errs.push(`invalid "${loadBalancerAnnotation}" annotation: unsupported algorithm: ${lb}`);
    // Compiling needs the annotations to parse; a syntax error is reported alone.
    if (syntax === undefined && check !== null) errs.push(...advancedIngress(obj, annotations, check));
    return errs.length > 0 ? errs.join('\n') : null;
  };
}
