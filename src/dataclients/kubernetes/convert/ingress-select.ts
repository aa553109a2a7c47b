/**
 * Which Ingresses are converted, in which order: class filtering (annotation `kubernetes.io/ingress.class`
 * and `spec.ingressClassName` against `-kubernetes-ingress-class`), Skipper's namespace/name order, and
 * annotation validation (an invalid Ingress is dropped with one error line).
 */
import type { KubeLogger, KubeObject } from './types.ts';
import { validateIngressAnnotations } from './ingress-annotations.ts';

export const ingressClassAnnotation = 'kubernetes.io/ingress.class';

/** Go's regexp.MatchString: unanchored. An invalid class regexp matches nothing (Skipper fails at start-up). */
let lastClass: { rx: string; re: RegExp } | undefined;

function classMatcher(rx: string, log: KubeLogger): (s: string) => boolean {
  try {
    // The incremental converter selects one Ingress at a time: compile the class regexp once, not per object.
    if (lastClass?.rx !== rx) lastClass = { rx, re: new RegExp(rx === '' ? 'skipper' : rx) };
    const re = lastClass.re;
    return (s) => re.test(s);
  } catch (err) {
    log({ level: 'error', msg: `invalid ingress class regexp ${JSON.stringify(rx)}: ${(err as Error).message}` });
    return () => false;
  }
}

/**
 * The annotations as strings: a YAML scalar such as `…-redirect-code: 301` arrives as a number, which the
 * API server would have refused; it is read as its text rather than failing the object.
 */
export function stringAnnotations(o: KubeObject): Record<string, string> {
  const a = o.metadata.annotations;
  if (a === null || typeof a !== 'object') return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) out[k] = typeof v === 'string' ? v : String(v);
  return out;
}

/** Orders by namespace, then name (byte order). */
export function byMetadata(a: KubeObject, b: KubeObject): number {
  const x = a.metadata;
  const y = b.metadata;
  if (x.namespace !== y.namespace) return x.namespace < y.namespace ? -1 : 1;
  return x.name < y.name ? -1 : x.name > y.name ? 1 : 0;
}

/**
 * The Ingresses to convert: class-matching, sorted, with valid annotations. `validated` memoises the
 * validation per object across conversions (the failure is still logged every time).
 */
export function selectIngresses(
  ingresses: readonly KubeObject[],
  ingressClass: string,
  log: KubeLogger,
  validated?: WeakMap<KubeObject, string | null>,
  maxRoutes?: number,
): KubeObject[] {
  const matches = classMatcher(ingressClass, log);
  const selected = ingresses.filter((i) => {
    const cls = stringAnnotations(i)[ingressClassAnnotation];
    if (typeof cls === 'string' && cls !== '' && !matches(cls)) return false;
    const specClass = i.spec?.ingressClassName;
    return typeof specClass !== 'string' || specClass === '' || matches(specClass);
  });
  selected.sort(byMetadata);
  return selected.filter((i) => {
    let reason = validated?.get(i);
    if (reason === undefined) {
      reason = validateIngressAnnotations(stringAnnotations(i), maxRoutes) ?? null;
      validated?.set(i, reason);
    }
    if (reason === null) return true;
    log({ level: 'error', msg: `[ingress] ${reason}`, kind: 'Ingress', ns: i.metadata.namespace, name: i.metadata.name });
    return false;
  });
}
