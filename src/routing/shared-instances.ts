/**
 * Lists of shared instances (matchers and filter instances that the compile's creation cache handed out to
 * more than one route, src/routing/creation-cache.ts): routes with equal lists hold one frozen list.
 */

/**
 * Frozen lists by their first element, then the next…: equal lists are one object. Kept for one compile
 * only, so that nothing but the lists themselves outlives it. A node's first child is held inline (`key`,
 * `child`) and a map is made only for a second one: below the root nearly every node has one child, and a
 * Map per node was most of the trie's cost (a million routes made hundreds of thousands of them).
 */
export interface SharedLists {
  list: readonly object[] | null;
  key: object | null;
  child: SharedLists | null;
  /** Children other than the inline one; null until a node has two. */
  next: Map<object, SharedLists> | null;
}

export function newSharedLists(): SharedLists {
  return { list: null, key: null, child: null, next: null };
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
  for (let i = 0; i < xs.length; i++) node = childOf(node, xs[i]!);
  return (node.list ??= Object.freeze(xs)) as readonly T[];
}

function childOf(node: SharedLists, x: object): SharedLists {
  if (node.key === x) return node.child!;
  if (node.key === null) {
    node.key = x;
    return (node.child = newSharedLists());
  }
  const next = (node.next ??= new Map());
  let child = next.get(x);
  if (child === undefined) next.set(x, (child = newSharedLists()));
  return child;
}

/** How many maps the trie below `lists` holds (for tests: a node with one child holds none). */
export function trieMaps(lists: SharedLists): number {
  let n = 0;
  const stack = [lists];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.child !== null) stack.push(node.child);
    if (node.next !== null) {
      n++;
      for (const c of node.next.values()) stack.push(c);
    }
  }
  return n;
}
