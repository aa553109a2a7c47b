/**
 * Decides whether a translated route expression may run on V8's backtracking engine (irregexp) with a
 * guaranteed linear bound, or must run on the linear-time RE2 engine (re2js, see re2-regexp.ts).
 *
 * The safe class is deliberately small and purely structural, so that it can be argued in a few lines:
 * - groups are never repeated (`(…)?` is allowed, `(…)*`, `(…)+`, `(…){n,m}` are not), so every repetition
 *   ("loop") is of one character-set atom and loops never nest;
 * - if the expression has any loop it is anchored with a leading `^` (and no m flag), so irregexp tries one
 *   start position, not n of them (an unanchored `[0-9]+x` is quadratic on a backtracker);
 * - every loop is deterministic: its character set is disjoint from every character that can follow it,
 *   so backtracking into it fails at once on each step (O(run length) per visit, and each run is visited a
 *   bounded number of times) — except the textually last loop, which may overlap its follower because
 *   nothing repeated comes after it, so each of its O(n) backtracking steps costs a bounded suffix;
 * - the number of alternative paths through `?` and `|` (their product) is at most CHOICE_LIMIT.
 * Under these rules a match costs O(CHOICE_LIMIT × pattern × input). Everything else goes to RE2, which is
 * linear by construction; the price is about 20× per match (docs/performance-routing.md).
 */

/** Characters as a 128-bit ASCII bitmap plus "may contain a non-ASCII character". */
interface CharSet {
  ascii: Uint8Array;
  high: boolean;
}

const CHOICE_LIMIT = 1024;

function emptySet(): CharSet {
  return { ascii: new Uint8Array(128), high: false };
}

function union(a: CharSet, b: CharSet): CharSet {
  const out = emptySet();
  for (let i = 0; i < 128; i++) out.ascii[i] = a.ascii[i]! | b.ascii[i]!;
  out.high = a.high || b.high;
  return out;
}

function disjoint(a: CharSet, b: CharSet): boolean {
  if (a.high && b.high) return false;
  for (let i = 0; i < 128; i++) if (a.ascii[i]! & b.ascii[i]!) return false;
  return true;
}

function addRange(s: CharSet, lo: number, hi: number): void {
  for (let c = lo; c <= hi; c++) {
    if (c < 128) s.ascii[c] = 1;
    else {
      s.high = true;
      break;
    }
  }
  if (hi >= 128) s.high = true;
}

function complement(s: CharSet): CharSet {
  const out = emptySet();
  for (let i = 0; i < 128; i++) out.ascii[i] = s.ascii[i] ? 0 : 1;
  // Conservative: a negated class may contain non-ASCII characters.
  out.high = true;
  return out;
}

const WORD = (s: CharSet): void => { addRange(s, 48, 57); addRange(s, 65, 90); addRange(s, 97, 122); s.ascii[95] = 1; };
const DIGIT = (s: CharSet): void => addRange(s, 48, 57);
// JavaScript's \s includes non-ASCII spaces.
const SPACE = (s: CharSet): void => { for (const c of [9, 10, 11, 12, 13, 32]) s.ascii[c] = 1; s.high = true; };

class Unsafe extends Error {}

type Item =
  | { kind: 'chars'; set: CharSet; min: number; max: number }
  | { kind: 'group'; branches: Item[][]; optional: boolean }
  | { kind: 'assert' }
  | { kind: 'end' };

/** A recursive-descent reader of the JavaScript source translateRe2 produces (no u flag). */
class Reader {
  readonly #src: string;
  readonly #dotAll: boolean;
  #i = 0;
  choices = 1;
  loops = 0;
  anchored = false;

  constructor(src: string, dotAll: boolean) {
    this.#src = src;
    this.#dotAll = dotAll;
  }

  read(): Item[][] {
    if (this.#src.startsWith('^')) {
      this.anchored = true;
      this.#i = 1;
    }
    const branches = this.#alternation(0);
    if (this.#i !== this.#src.length) throw new Unsafe();
    return branches;
  }

  #alternation(depth: number): Item[][] {
    const branches: Item[][] = [this.#sequence(depth)];
    while (this.#src[this.#i] === '|') {
      this.#i++;
      branches.push(this.#sequence(depth));
    }
    this.#choose(branches.length);
    return branches;
  }

  #choose(n: number): void {
    this.choices *= n;
    if (this.choices > CHOICE_LIMIT) throw new Unsafe();
  }

  #sequence(depth: number): Item[] {
    const items: Item[] = [];
    for (;;) {
      const c = this.#src[this.#i];
      if (c === undefined || c === '|' || c === ')') return items;
      if (c === '$') {
        this.#i++;
        // Only a final $ (top level, nothing after it) is understood; anything else is left to RE2.
        if (depth !== 0 || this.#i !== this.#src.length) throw new Unsafe();
        items.push({ kind: 'end' });
        continue;
      }
      if (c === '^') throw new Unsafe();
      if (c === '(') {
        this.#i++;
        if (this.#src[this.#i] === '?') {
          const rest = this.#src.slice(this.#i + 1);
          const named = /^<[A-Za-z_][A-Za-z0-9_]*>/.exec(rest);
          if (rest.startsWith(':')) this.#i += 2;
          else if (named !== null) this.#i += 1 + named[0].length;
          else throw new Unsafe();
        }
        const branches = this.#alternation(depth + 1);
        if (this.#src[this.#i] !== ')') throw new Unsafe();
        this.#i++;
        const q = this.#quantifier();
        if (q === null) items.push({ kind: 'group', branches, optional: false });
        else if (q.min === 0 && q.max === 1) {
          this.#choose(2);
          items.push({ kind: 'group', branches, optional: true });
        } else throw new Unsafe();
        continue;
      }
      if (c === '\\' && (this.#src[this.#i + 1] === 'b' || this.#src[this.#i + 1] === 'B')) {
        this.#i += 2;
        if (this.#quantifier() !== null) throw new Unsafe();
        items.push({ kind: 'assert' });
        continue;
      }
      const set = this.#atom();
      const q = this.#quantifier() ?? { min: 1, max: 1 };
      if (q.max === 1 && q.min === 0) this.#choose(2);
      else if (q.max !== q.min) this.loops++;
      items.push({ kind: 'chars', set, min: q.min, max: q.max });
    }
  }

  #quantifier(): { min: number; max: number } | null {
    const c = this.#src[this.#i];
    let q: { min: number; max: number } | null = null;
    if (c === '*') q = { min: 0, max: Infinity };
    else if (c === '+') q = { min: 1, max: Infinity };
    else if (c === '?') q = { min: 0, max: 1 };
    if (q !== null) this.#i++;
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.#src.slice(this.#i));
      if (m === null) return null;
      this.#i += m[0].length;
      const min = Number(m[1]);
      q = { min, max: m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]) };
    }
    // Lazy quantifiers change the order of the search; not in the safe class.
    if (q !== null && this.#src[this.#i] === '?') throw new Unsafe();
    return q;
  }

  /** One character-set atom: a literal, an escape, `.` or a bracket class. */
  #atom(): CharSet {
    const c = this.#src[this.#i]!;
    const s = emptySet();
    if (c === '.') {
      this.#i++;
      const all = emptySet();
      addRange(all, 0, 127);
      if (!this.#dotAll) all.ascii[10] = 0;
      all.high = true;
      return all;
    }
    if (c === '[') return this.#bracket();
    if (c === '*' || c === '+' || c === '?' || c === '{' && /^\{\d/.test(this.#src.slice(this.#i))) throw new Unsafe();
    if (c === '\\') {
      const code = this.#escape(s);
      if (code !== null) addRange(s, code, code);
      return s;
    }
    this.#i++;
    addRange(s, c.charCodeAt(0), c.charCodeAt(0));
    return s;
  }

  /** Reads an escape at #i; adds class escapes to `s` and returns null, or returns the character code. */
  #escape(s: CharSet): number | null {
    const e = this.#src[this.#i + 1];
    if (e === undefined) throw new Unsafe();
    this.#i += 2;
    switch (e) {
      case 'd': DIGIT(s); return null;
      case 'w': WORD(s); return null;
      case 's': SPACE(s); return null;
      case 'D': case 'W': case 'S': {
        const inner = emptySet();
        (e === 'D' ? DIGIT : e === 'W' ? WORD : SPACE)(inner);
        const c = complement(inner);
        Object.assign(s, union(s, c));
        return null;
      }
      case 'n': return 10;
      case 't': return 9;
      case 'r': return 13;
      case 'f': return 12;
      case 'v': return 11;
      case '0': return 0;
      case 'x': case 'u': {
        const len = e === 'x' ? 2 : 4;
        const hex = this.#src.slice(this.#i, this.#i + len);
        if (!new RegExp(`^[0-9A-Fa-f]{${len}}$`).test(hex)) throw new Unsafe();
        this.#i += len;
        return Number.parseInt(hex, 16);
      }
      default:
        if (/[A-Za-z0-9]/.test(e)) throw new Unsafe();
        return e.charCodeAt(0);
    }
  }

  #bracket(): CharSet {
    this.#i++;
    let negate = false;
    if (this.#src[this.#i] === '^') {
      negate = true;
      this.#i++;
    }
    const s = emptySet();
    for (;;) {
      const c = this.#src[this.#i];
      if (c === undefined) throw new Unsafe();
      if (c === ']') {
        this.#i++;
        break;
      }
      let lo: number | null;
      if (c === '\\') lo = this.#escape(s);
      else if (c === '[') throw new Unsafe();
      else {
        lo = c.charCodeAt(0);
        this.#i++;
      }
      if (lo === null) continue;
      if (this.#src[this.#i] === '-' && this.#src[this.#i + 1] !== ']' && this.#src[this.#i + 1] !== undefined) {
        this.#i++;
        let hi: number | null;
        if (this.#src[this.#i] === '\\') hi = this.#escape(s);
        else {
          hi = this.#src.charCodeAt(this.#i);
          this.#i++;
        }
        if (hi === null || hi < lo) throw new Unsafe();
        addRange(s, lo, hi);
      } else addRange(s, lo, lo);
    }
    return negate ? complement(s) : s;
  }
}

/** What may come next: a character set, and whether the expression may end here. */
interface Follow {
  set: CharSet;
  canEnd: boolean;
}

/**
 * Walks a sequence right to left with what may follow it; returns what may start it. Records in `loops`
 * (textual order) whether each loop is deterministic.
 */
function analyse(items: readonly Item[], next: Follow, loops: boolean[]): Follow {
  let cur = next;
  const mine: boolean[] = [];
  for (let k = items.length - 1; k >= 0; k--) {
    const it = items[k]!;
    if (it.kind === 'end') cur = { set: emptySet(), canEnd: true };
    else if (it.kind === 'assert') continue;
    else if (it.kind === 'chars') {
      if (it.max !== it.min) mine.unshift(disjoint(it.set, cur.set));
      cur = it.min === 0 ? { set: union(it.set, cur.set), canEnd: cur.canEnd } : { set: it.set, canEnd: false };
    } else {
      let acc: Follow = { set: emptySet(), canEnd: false };
      const inner: boolean[] = [];
      for (const b of it.branches) {
        const f = analyse(b, cur, inner);
        acc = { set: union(acc.set, f.set), canEnd: acc.canEnd || f.canEnd };
      }
      mine.unshift(...inner);
      cur = it.optional ? { set: union(acc.set, cur.set), canEnd: acc.canEnd || cur.canEnd } : acc;
    }
  }
  loops.push(...mine);
  return cur;
}

/**
 * Whether irregexp runs `source` (translated by translateRe2, with `flags`) in linear time for sure.
 * False means "not proven", never "known to be slow".
 */
export function backtrackingSafe(source: string, flags: string): boolean {
  if (/[^s]/.test(flags)) return false;
  try {
    const r = new Reader(source, flags.includes('s'));
    const branches = r.read();
    if (r.loops === 0) return true;
    // A leading ^ anchors only the first top-level branch.
    if (!r.anchored || branches.length > 1) return false;
    const loops: boolean[] = [];
    const end: Follow = { set: emptySet(), canEnd: true };
    for (const b of branches) analyse(b, end, loops);
    // All loops deterministic, except possibly the textually last one.
    return loops.slice(0, -1).every((d) => d);
  } catch (e) {
    if (e instanceof Unsafe) return false;
    throw e;
  }
}
