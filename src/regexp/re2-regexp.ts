/**
 * A RegExp whose matching runs on re2js, a pure-JavaScript port of RE2: linear in the input by construction,
 * and speaking Go's regexp syntax exactly (the syntax eskip expressions are written in). It subclasses RegExp
 * and overrides `exec`, so String.prototype.replace / matchAll and RegExp.prototype.test, which call `exec`
 * per the ECMAScript RegExpExec protocol, run on RE2 too; callers keep using the RegExp interface.
 */
import { RE2JS } from 're2js';

/** Go's flags from a leading group are part of the RE2 pattern itself; only JavaScript's g is taken here. */
export class Re2RegExp extends RegExp {
  readonly #re: RE2JS;
  readonly #names: readonly [string, number][];

  /**
   * `pattern` is an RE2 expression (throws RE2JSSyntaxException when invalid), a compiled one, or another Re2RegExp, which is
   * what RegExp.prototype[Symbol.matchAll] passes when it copies the expression. `shownSource` is the
   * JavaScript spelling shown by `.source`; V8 never runs it.
   */
  constructor(pattern: string | RE2JS | Re2RegExp, flags = '', shownSource?: string) {
    const from = pattern instanceof Re2RegExp ? pattern : null;
    if (/[^g]/.test(flags)) throw new SyntaxError(`Re2RegExp supports only the g flag, not ${JSON.stringify(flags)}`);
    super(from !== null ? from.source : (shownSource ?? '(?:)'), flags);
    this.#re = from !== null ? from.#re : pattern instanceof RE2JS ? pattern : RE2JS.compile(pattern as string);
    this.#names = from !== null ? from.#names : Object.entries(this.#re.namedGroups());
  }

  /** The RE2 expression. */
  get re2Source(): string {
    return this.#re.pattern();
  }

  override test(input: string): boolean {
    if (!this.global) return this.#re.test(String(input));
    return this.exec(input) !== null;
  }

  override exec(input: string): RegExpExecArray | null {
    const s = String(input);
    const from = this.global ? this.lastIndex : 0;
    if (from > s.length) {
      this.lastIndex = 0;
      return null;
    }
    const m = this.#re.matcher(s);
    if (!m.find(from)) {
      if (this.global) this.lastIndex = 0;
      return null;
    }
    const n = m.groupCount();
    const out = [] as unknown as RegExpExecArray;
    for (let g = 0; g <= n; g++) out.push((m.group(g) ?? undefined) as string);
    out.index = m.start();
    out.input = s;
    if (this.#names.length > 0) {
      const groups: Record<string, string | undefined> = Object.create(null) as Record<string, string | undefined>;
      for (const [name, idx] of this.#names) groups[name] = out[idx];
      out.groups = groups as Record<string, string>;
    } else out.groups = undefined;
    if (this.global) this.lastIndex = m.end();
    return out;
  }
}
