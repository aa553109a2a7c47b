/**
 * RFC 6902 patch from one object to another, for the kustomize overlays: maps are compared key by key, lists
 * of the same length item by item, items appended to a list are added, other lists are replaced whole.
 */
export type Op =
  | { op: 'add' | 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string };

const escape = (k: string): string => k.replaceAll('~', '~0').replaceAll('/', '~1');

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function diff(from: unknown, to: unknown, path = ''): Op[] {
  if (same(from, to)) return [];
  if (isMap(from) && isMap(to)) {
    const ops: Op[] = [];
    for (const k of Object.keys(from)) if (!(k in to)) ops.push({ op: 'remove', path: `${path}/${escape(k)}` });
    for (const [k, v] of Object.entries(to)) {
      if (!(k in from)) ops.push({ op: 'add', path: `${path}/${escape(k)}`, value: v });
      else ops.push(...diff(from[k], v, `${path}/${escape(k)}`));
    }
    return ops;
  }
  if (Array.isArray(from) && Array.isArray(to) && from.length === to.length && from.some((x, i) => isMap(x) && isMap(to[i]))) {
    return from.flatMap((x, i) => diff(x, to[i], `${path}/${i}`));
  }
  // Items appended to a list (args, rules) read best as additions.
  if (Array.isArray(from) && Array.isArray(to) && to.length > from.length && from.every((x, i) => same(x, to[i]))) {
    return to.slice(from.length).map((value) => ({ op: 'add', path: `${path}/-`, value }));
  }
  return [{ op: 'replace', path, value: to }];
}

/** Applies a patch made by `diff` (enough of RFC 6902 for it; tests check diff and apply round-trip). */
export function apply(doc: unknown, ops: readonly Op[]): unknown {
  const out = structuredClone(doc);
  for (const op of ops) {
    const parts = op.path.split('/').slice(1).map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = parts.pop()!;
    let parent = out as Record<string, unknown>;
    for (const p of parts) parent = parent[p] as Record<string, unknown>;
    if (op.op === 'remove') delete parent[last];
    else if (last === '-' && Array.isArray(parent)) parent.push(structuredClone(op.value));
    else parent[last] = structuredClone(op.value);
  }
  return out;
}
