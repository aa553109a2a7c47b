/**
 * The matchers and filter instances that specs share between routes (src/predicates/memo.ts and
 * src/filters/memo.ts mark them here): route compilation then shares lists of them between routes too
 * (compiled-route.ts).
 */

const sharedInstances = new WeakSet<object>();

/**
 * Marks `x` as one instance used by every route with its arguments: it keeps no per-route state and has
 * nothing to close.
 */
export function markShared(x: object): void {
  sharedInstances.add(x);
}

/** Whether `x` was marked by markShared. */
export function isShared(x: object): boolean {
  return sharedInstances.has(x);
}

/**
 * Frozen lists of shared instances by their first element, then the next…: equal lists are one object.
 * Kept for one compile only, so that nothing but the lists themselves outlives it.
 */
export interface SharedLists {
  list: readonly object[] | null;
  next: Map<object, SharedLists> | null;
}

export function newSharedLists(): SharedLists {
  return { list: null, next: null };
}

/**
 * `xs` frozen, or an equal frozen list made before in `lists` when every element is shared (a list holding
 * a route's own instance is that route's own). `xs` is taken over: the caller does not change it after.
 */
export function sharedList<T extends object>(xs: T[], lists: SharedLists): readonly T[] {
  for (const x of xs) if (!isShared(x)) return Object.freeze(xs);
  let node = lists;
  for (const x of xs) {
    const next = (node.next ??= new Map());
    let child = next.get(x);
    if (child === undefined) next.set(x, (child = { list: null, next: null }));
    node = child;
  }
  return (node.list ??= Object.freeze(xs)) as readonly T[];
}
