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
export interface ListNode {
  list: readonly object[] | null;
  key: object | null;
  child: ListNode | null;
  /** Children other than the inline one; null until a node has two. */
  next: Map<object, ListNode> | null;
}

/**
 * The lists of one compile: the trie's root, and the lists whose instances all have an ordinal of the
 * compile's creation cache, by a hash of the ordinals (`listHash`). The hashed lists skip the trie: at a
 * million routes its root map (one child per first instance, e.g. one per hostname) was a Map lookup that
 * missed the cache per list, four lists a route, 9 % of the compile's CPU. Lists in the table are compared
 * element by element, so ordinals only spread them.
 */
export interface SharedLists extends ListNode {
  readonly hashed: ListTable;
}

function newNode(): ListNode {
  return { list: null, key: null, child: null, next: null };
}

export function newSharedLists(): SharedLists {
  return { list: null, key: null, child: null, next: null, hashed: newListTable() };
}

/** The hash of a list with no element yet. */
export const emptyListHash = 0x2545f491;

/** `h` (a listHash so far) with one more element of ordinal `ordinal`; 0 when the element has none (0). */
export function listHash(h: number, ordinal: number): number {
  if (h === 0 || ordinal === 0) return 0;
  h = Math.imul(h ^ ordinal, 0x9e3779b1);
  h ^= h >>> 15;
  return h === 0 ? 1 : h;
}

const tableShardBits = 6;
const tableShardMask = (1 << tableShardBits) - 1;

interface ListShard {
  hashes: Int32Array;
  lists: (readonly object[] | undefined)[];
  mask: number;
  size: number;
}

/** Open addressing over Int32Arrays of hashes, spread over shards that grow on their own (no long rehash). */
interface ListTable {
  readonly shards: (ListShard | undefined)[];
}

function newListTable(): ListTable {
  return { shards: new Array<undefined>(tableShardMask + 1).fill(undefined) };
}

function newListShard(capacity: number): ListShard {
  return { hashes: new Int32Array(capacity), lists: new Array<undefined>(capacity).fill(undefined), mask: capacity - 1, size: 0 };
}

function sameList(a: readonly object[], b: readonly object[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function hashedList<T extends object>(xs: T[], h: number, table: ListTable): readonly T[] {
  const at = h & tableShardMask;
  let s = table.shards[at] ?? (table.shards[at] = newListShard(32));
  if (2 * (s.size + 1) > s.hashes.length) s = growListShard(table, at, s);
  const { hashes, lists, mask } = s;
  for (let k = (h >>> tableShardBits) & mask; ; k = (k + 1) & mask) {
    const x = hashes[k]!;
    if (x === 0) {
      hashes[k] = h;
      s.size++;
      return (lists[k] = Object.freeze(xs)) as readonly T[];
    }
    if (x === h && sameList(lists[k]!, xs)) return lists[k] as readonly T[];
  }
}

function growListShard(table: ListTable, at: number, old: ListShard): ListShard {
  const s = newListShard(2 * old.hashes.length);
  for (let k = 0; k < old.hashes.length; k++) {
    const h = old.hashes[k]!;
    if (h === 0) continue;
    let j = (h >>> tableShardBits) & s.mask;
    while (s.hashes[j] !== 0) j = (j + 1) & s.mask;
    s.hashes[j] = h;
    s.lists[j] = old.lists[k];
  }
  s.size = old.size;
  table.shards[at] = s;
  return s;
}

/**
 * `xs` frozen, or, when `repeated` (every element was handed out to an earlier route as well), an equal
 * frozen list made before in `lists`. A list holding an instance seen for the first time is left out of
 * `lists`: most such instances belong to this route alone (a per-route header value), and a trie node per
 * route cost more than the sharing saves; a list that does recur is shared from its second route on.
 * `xs` is taken over: the caller does not change it after. `hash`: listHash over the
 * elements' ordinals from emptyListHash, or 0 (some element has none, or not known): the list goes to the trie.
 */
export function sharedList<T extends object>(xs: T[], repeated: boolean, lists: SharedLists, hash = 0): readonly T[] {
  if (!repeated) return Object.freeze(xs);
  if (hash !== 0) return hashedList(xs, hash, lists.hashed);
  let node: ListNode = lists;
  for (let i = 0; i < xs.length; i++) node = childOf(node, xs[i]!);
  return (node.list ??= Object.freeze(xs)) as readonly T[];
}

function childOf(node: ListNode, x: object): ListNode {
  if (node.key === x) return node.child!;
  if (node.key === null) {
    node.key = x;
    return (node.child = newNode());
  }
  const next = (node.next ??= new Map());
  let child = next.get(x);
  if (child === undefined) next.set(x, (child = newNode()));
  return child;
}

/** How many maps the trie below `lists` holds (for tests: a node with one child holds none). */
export function trieMaps(lists: ListNode): number {
  let n = 0;
  const stack: ListNode[] = [lists];
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
