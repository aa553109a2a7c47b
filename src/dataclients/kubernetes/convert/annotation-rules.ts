/**
 * Predicates and filters the operator attaches to routes of objects carrying a given annotation value
 * (`-kubernetes-annotation-predicates`, `-kubernetes-annotation-filters-append` and the east-west range
 * pair), and the application annotation filter.
 */
import type { FilterCall, PredicateCall, RouteDef } from '../../../eskip/index.ts';
import type { AnnotationFilters, AnnotationPredicates } from '../options.ts';

function clonePredicates(ps: readonly PredicateCall[]): PredicateCall[] {
  return ps.map((p) => ({ name: p.name, args: [...p.args] }));
}

function cloneFilters(fs: readonly FilterCall[]): FilterCall[] {
  return fs.map((f) => ({ name: f.name, args: [...f.args] }));
}

/** Appends the predicates of every rule whose annotation key is present with exactly the rule's value. */
export function appendAnnotationPredicates(rules: readonly AnnotationPredicates[], annotations: Readonly<Record<string, string>> | undefined, r: RouteDef): void {
  if (annotations === undefined) return;
  for (const rule of rules) {
    if (Object.hasOwn(annotations, rule.key) && annotations[rule.key] === rule.value) r.predicates.push(...clonePredicates(rule.predicates));
  }
}

/** Appends the filters of every rule whose annotation key is present with exactly the rule's value. */
export function appendAnnotationFilters(rules: readonly AnnotationFilters[], annotations: Readonly<Record<string, string>> | undefined, r: RouteDef): void {
  if (annotations === undefined) return;
  for (const rule of rules) {
    if (Object.hasOwn(annotations, rule.key) && annotations[rule.key] === rule.value) r.filters.push(...cloneFilters(rule.filters));
  }
}

/** Annotation key of the `annotate()` filter naming the application (`-kubernetes-application-annotation-label`). */
export const applicationAnnotationKey = 'Application';

/**
 * Prepends `annotate("Application", <label value>)` when the object has a non-empty label under the
 * configured key; nothing when no key is configured.
 */
export function prependApplicationAnnotation(labelKey: string, labels: Readonly<Record<string, string>> | undefined, r: RouteDef): void {
  if (labelKey === '' || labels === undefined) return;
  const app = labels[labelKey];
  if (typeof app !== 'string' || app === '') return;
  r.filters.unshift({ name: 'annotate', args: [applicationAnnotationKey, app] });
}

/** Tag name of the `tracingTag()` filter naming a RouteGroup backend (`-kubernetes-backend-name-tracing-tag`). */
export const backendNameTracingTag = 'skipper.backend_name';

/** `tracingTag("skipper.backend_name", <backend>)`, naming the RouteGroup backend in traces. */
export function backendNameTracingTagFilter(backendName: string): FilterCall {
  return { name: 'tracingTag', args: [backendNameTracingTag, backendName] };
}

/** Appends `tracingTag("skipper.backend_name", <backend>)`. */
export function appendBackendNameTracingTag(backendName: string, r: RouteDef): void {
  r.filters.push(backendNameTracingTagFilter(backendName));
}
