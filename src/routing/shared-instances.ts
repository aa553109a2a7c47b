/**
 * Lists of shared instances (matchers and filter instances that the compile's creation cache handed out to
 * more than one route, src/routing/creation-cache.ts): routes with equal lists hold one frozen list.
 */

/**
 * Frozen lists by their first element, then the next…: equal lists are one object. Kept for one compile
 * only, so that nothing but the lists themselves outlives it.
 */
export interface SharedLists {
  list: readonly object[] | null;
  next: Map<object, SharedLists> | null;
}

export function newSharedLists(): SharedLists {
  return { list: null, next: null };
}

/**
 * `xs` frozen, or, when `repeated` (every element was handed out to an earlier route as well), an equal
 * frozen list made before in `lists`. A list holding an instance seen for the first time is left out of
 * `lists`: most such instances belong to this route alone (a per-route header value), and a trie node per
 * route cost more than the sharing saves; a list that does recur is shared from its second route on.
 * `xs` is taken over: the caller does not change it after.
 */
export function sharedList<T extends object>(xs: T[], repeated: boolean, lists: SharedLists): readonly T[] {
  if (!repeated) return Object.freeze(xs);
  let node = lists;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const next = (node.next ??= new Map());
    let child = next.get(x);
    if (child === undefined) next.set(x, (child = { list: null, next: null }));
    node = child;
  }
  return (node.list ??= Object.freeze(xs)) as readonly T[];
}
