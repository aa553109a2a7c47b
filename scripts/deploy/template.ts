/**
 * A small manifest template language with two back ends, so that the Helm chart and the kustomize manifests
 * come from one source and cannot drift: `render` evaluates a template against values (what the tests and
 * the kustomize generator use), `toHelm` prints it as a Helm (Go text/template) file. Only constructs whose
 * Helm spelling is a well-known idiom exist here: a value, a string with values in it, `if`/`else`,
 * `toYaml | nindent` (optionally under `with`, so empty values drop the key), and splicing a values list or
 * map into a list or mapping.
 */

/** A path into the render context: `Values.image.tag`, `Release.Name`, `Release.Namespace`, `Chart.AppVersion`. */
export type Path = string;

export type Cond =
  | { readonly op: 'truthy'; readonly path: Path }
  | { readonly op: 'eq'; readonly path: Path; readonly value: string }
  | { readonly op: 'not'; readonly cond: Cond }
  | { readonly op: 'and'; readonly conds: readonly Cond[] }
  | { readonly op: 'or'; readonly conds: readonly Cond[] };

export type Scalar = string | number | boolean | null;
export type Node = Scalar | Expr | readonly Node[] | { readonly [key: string]: Node };

/** A value from the context; `fallback` is used when it is empty (Helm's `default`). */
export class Ref {
  readonly path: Path;
  readonly fallback?: Path;
  constructor(path: Path, fallback?: Path) {
    this.path = path;
    this.fallback = fallback;
  }
}
/** A string built from literal parts and values. */
export class Str {
  readonly parts: readonly (string | Ref | IfStr)[];
  constructor(parts: readonly (string | Ref | IfStr)[]) {
    this.parts = parts;
  }
}
/** A string part chosen by a condition. */
export class IfStr {
  readonly cond: Cond;
  readonly then: readonly (string | Ref)[];
  readonly otherwise: readonly (string | Ref)[];
  constructor(cond: Cond, then: readonly (string | Ref)[], otherwise: readonly (string | Ref)[]) {
    this.cond = cond;
    this.then = then;
    this.otherwise = otherwise;
  }
}
/** A node present only when `cond` holds (else `otherwise`, when given). In a mapping the key goes away; in a list, the item. */
export class If {
  readonly cond: Cond;
  readonly then: Node;
  readonly otherwise?: Node;
  constructor(cond: Cond, then: Node, otherwise?: Node) {
    this.cond = cond;
    this.then = then;
    this.otherwise = otherwise;
  }
}
/** A whole subtree taken from the values; with `omitEmpty` the key is left out when the value is empty. */
export class Yaml {
  readonly path: Path;
  readonly omitEmpty: boolean;
  constructor(path: Path, omitEmpty: boolean) {
    this.path = path;
    this.omitEmpty = omitEmpty;
  }
}
/** In a list: the items of a values list, spliced in. In a mapping (under a key starting with `...`): the entries of a values map. */
export class Splice {
  readonly path: Path;
  constructor(path: Path) {
    this.path = path;
  }
}

export type Expr = Ref | Str | IfStr | If | Yaml | Splice;

export const ref = (path: Path, fallback?: Path): Ref => new Ref(path, fallback);
export const when = (cond: Cond | Path, then: Node, otherwise?: Node): If => new If(asCond(cond), then, otherwise);
export const yaml = (path: Path): Yaml => new Yaml(path, false);
export const yamlIfAny = (path: Path): Yaml => new Yaml(path, true);
export const splice = (path: Path): Splice => new Splice(path);
export const truthy = (path: Path): Cond => ({ op: 'truthy', path });
export const eq = (path: Path, value: string): Cond => ({ op: 'eq', path, value });
export const not = (cond: Cond | Path): Cond => ({ op: 'not', cond: asCond(cond) });
export const and = (...conds: (Cond | Path)[]): Cond => ({ op: 'and', conds: conds.map(asCond) });
export const or = (...conds: (Cond | Path)[]): Cond => ({ op: 'or', conds: conds.map(asCond) });
export const ifStr = (cond: Cond | Path, then: (string | Ref)[], otherwise: (string | Ref)[] = []): IfStr => new IfStr(asCond(cond), then, otherwise);

/** Tagged template: str`-address=:${ref('Values.proxyPort')}`. */
export function str(lits: TemplateStringsArray, ...vals: (Ref | IfStr | Str | string)[]): Str {
  const parts: (string | Ref | IfStr)[] = [];
  lits.forEach((l, i) => {
    if (l !== '') parts.push(l);
    const v = vals[i];
    if (v instanceof Str) parts.push(...v.parts);
    else if (typeof v === 'string') parts.push(v);
    else if (v !== undefined) parts.push(v);
  });
  return new Str(parts);
}

function asCond(c: Cond | Path): Cond {
  return typeof c === 'string' ? truthy(c) : c;
}

// ---------------------------------------------------------------- render

export type Context = Record<string, unknown>;

function lookup(ctx: Context, path: Path): unknown {
  let v: unknown = ctx;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** Go template truth: false, 0, "", nil and empty collections are false. */
function isTrue(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

export function test(cond: Cond, ctx: Context): boolean {
  switch (cond.op) {
    case 'truthy': return isTrue(lookup(ctx, cond.path));
    case 'eq': return lookup(ctx, cond.path) === cond.value;
    case 'not': return !test(cond.cond, ctx);
    case 'and': return cond.conds.every((c) => test(c, ctx));
    case 'or': return cond.conds.some((c) => test(c, ctx));
  }
}

const OMIT = Symbol('omit');

function refValue(r: Ref, ctx: Context): unknown {
  const v = lookup(ctx, r.path);
  return !isTrue(v) && r.fallback !== undefined ? lookup(ctx, r.fallback) : v;
}

function strValue(parts: readonly (string | Ref | IfStr)[], ctx: Context): string {
  return parts.map((p) => {
    if (typeof p === 'string') return p;
    if (p instanceof IfStr) return strValue(test(p.cond, ctx) ? p.then : p.otherwise, ctx);
    return String(refValue(p, ctx) ?? '');
  }).join('');
}

function evaluate(node: Node, ctx: Context): unknown {
  if (node instanceof Ref) return structuredClone(refValue(node, ctx) ?? null);
  if (node instanceof Str) return strValue(node.parts, ctx);
  if (node instanceof IfStr) return strValue([node], ctx);
  if (node instanceof If) return test(node.cond, ctx) ? evaluate(node.then, ctx) : node.otherwise === undefined ? OMIT : evaluate(node.otherwise, ctx);
  if (node instanceof Yaml) {
    const v = lookup(ctx, node.path);
    return node.omitEmpty && !isTrue(v) ? OMIT : structuredClone(v ?? null);
  }
  if (node instanceof Splice) throw new Error(`splice of ${node.path} outside a list or mapping`);
  if (Array.isArray(node)) {
    const out: unknown[] = [];
    for (const item of node as Node[]) {
      if (item instanceof Splice) out.push(...structuredClone((lookup(ctx, item.path) as unknown[] | undefined) ?? []));
      else {
        const v = evaluate(item, ctx);
        if (v !== OMIT) out.push(v);
      }
    }
    return out;
  }
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node as Record<string, Node>)) {
      if (v instanceof Splice) Object.assign(out, structuredClone((lookup(ctx, v.path) as object | undefined) ?? {}));
      else {
        const r = evaluate(v, ctx);
        if (r !== OMIT) out[k] = r;
      }
    }
    return out;
  }
  return node;
}

/** The objects a list of documents renders to with this context (documents that are left out are dropped). */
export function render(docs: readonly Node[], ctx: Context): Record<string, unknown>[] {
  return docs.map((d) => evaluate(d, ctx)).filter((d): d is Record<string, unknown> => d !== OMIT && d !== null);
}

// ---------------------------------------------------------------- Helm

function goPath(path: Path): string {
  return `.${path}`;
}

function goCond(c: Cond): string {
  switch (c.op) {
    case 'truthy': return goPath(c.path);
    case 'eq': return `eq ${goPath(c.path)} ${JSON.stringify(c.value)}`;
    case 'not': return `not (${goCond(c.cond)})`;
    case 'and': return `and ${c.conds.map((x) => `(${goCond(x)})`).join(' ')}`;
    case 'or': return `or ${c.conds.map((x) => `(${goCond(x)})`).join(' ')}`;
  }
}

function goRef(r: Ref): string {
  return r.fallback === undefined ? goPath(r.path) : `${goPath(r.path)} | default ${goPath(r.fallback)}`;
}

/** The inside of a double-quoted YAML scalar; values are printed raw, so they must not hold `"` or `\`. */
function goStrParts(parts: readonly (string | Ref | IfStr)[]): string {
  return parts.map((p) => {
    if (typeof p === 'string') return JSON.stringify(p).slice(1, -1);
    if (p instanceof IfStr) {
      const other = p.otherwise.length === 0 ? '' : `{{ else }}${goStrParts(p.otherwise)}`;
      return `{{ if ${goCond(p.cond)} }}${goStrParts(p.then)}${other}{{ end }}`;
    }
    return `{{ ${goRef(p)} }}`;
  }).join('');
}

const PLAIN_KEY = /^[A-Za-z0-9_./-]+$/;

function key(k: string): string {
  return PLAIN_KEY.test(k) ? k : JSON.stringify(k);
}

function scalar(v: Scalar): string {
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

/** A value that fits on the line after `key:` or `- `, or null when it needs lines of its own. */
function inline(node: Node): string | null {
  if (node === null || typeof node !== 'object') return scalar(node as Scalar);
  if (node instanceof Ref) return `{{ ${goRef(node)} | toJson }}`;
  if (node instanceof Str || node instanceof IfStr) return `"${goStrParts(node instanceof Str ? node.parts : [node])}"`;
  if (Array.isArray(node) && node.length === 0) return '[]';
  if (!Array.isArray(node) && !(node instanceof If) && !(node instanceof Yaml) && !(node instanceof Splice) && Object.keys(node).length === 0) return '{}';
  return null;
}

const pad = (n: number): string => ' '.repeat(n);

function directive(indent: number, text: string): string {
  return `${pad(indent)}{{- ${text} }}`;
}

/** Lines of `key: value` at `indent`. */
function entry(k: string, v: Node, indent: number): string[] {
  if (v instanceof If) {
    const out = [directive(indent, `if ${goCond(v.cond)}`), ...entry(k, v.then, indent)];
    if (v.otherwise !== undefined) out.push(directive(indent, 'else'), ...entry(k, v.otherwise, indent));
    return [...out, directive(indent, 'end')];
  }
  if (v instanceof Yaml) {
    if (v.omitEmpty) return [directive(indent, `with ${goPath(v.path)}`), `${pad(indent)}${key(k)}:`, directive(indent + 2, `toYaml . | nindent ${indent + 2}`), directive(indent, 'end')];
    return [`${pad(indent)}${key(k)}:`, directive(indent + 2, `toYaml ${goPath(v.path)} | nindent ${indent + 2}`)];
  }
  const one = inline(v);
  if (one !== null) return [`${pad(indent)}${key(k)}: ${one}`];
  return [`${pad(indent)}${key(k)}:`, ...block(v, Array.isArray(v) ? indent : indent + 2)];
}

/** Lines of a mapping or list whose entries start at `indent`. */
function block(node: Node, indent: number): string[] {
  if (Array.isArray(node)) {
    const out: string[] = [];
    for (const item of node as Node[]) out.push(...listItem(item, indent));
    return joinIfs(out);
  }
  const out: string[] = [];
  for (const [k, v] of Object.entries(node as Record<string, Node>)) {
    if (v instanceof Splice) out.push(directive(indent, `with ${goPath(v.path)}`), directive(indent, `toYaml . | nindent ${indent}`), directive(indent, 'end'));
    else out.push(...entry(k, v, indent));
  }
  return joinIfs(out);
}

/** `end` directly followed by an `if` on the same condition and indentation is one block (easier to read). */
function joinIfs(lines: string[]): string[] {
  const out: string[] = [];
  const open: string[] = [];
  let closed: string | null = null;
  for (const line of lines) {
    const t = line.trim();
    if (t.startsWith('{{- if ') && line === closed && out.at(-1)?.trim() === '{{- end }}') {
      out.pop();
      open.push(line);
      closed = null;
      continue;
    }
    if (t.startsWith('{{- if ') || t.startsWith('{{- with ')) open.push(line);
    closed = t === '{{- end }}' ? (open.pop() ?? null) : null;
    out.push(line);
  }
  return out;
}

function listItem(item: Node, indent: number): string[] {
  if (item instanceof Splice) return [directive(indent, `with ${goPath(item.path)}`), directive(indent, `toYaml . | nindent ${indent}`), directive(indent, 'end')];
  if (item instanceof If) {
    const out = [directive(indent, `if ${goCond(item.cond)}`), ...listItem(item.then, indent)];
    if (item.otherwise !== undefined) out.push(directive(indent, 'else'), ...listItem(item.otherwise, indent));
    return [...out, directive(indent, 'end')];
  }
  if (item instanceof Yaml) return [`${pad(indent)}-`, directive(indent + 2, `toYaml ${goPath(item.path)} | nindent ${indent + 2}`)];
  const one = inline(item);
  if (one !== null) return [`${pad(indent)}- ${one}`];
  const lines = block(item, indent + 2);
  // `- key: v` when the first line is a plain entry; a directive first needs the item's dash on a line of its own.
  if (lines[0]!.trimStart().startsWith('{{')) return [`${pad(indent)}-`, ...lines];
  return [`${pad(indent)}- ${lines[0]!.slice(indent + 2)}`, ...lines.slice(1)];
}

/** A Helm template file of these documents. */
export function toHelm(docs: readonly Node[], header: string): string {
  const out: string[] = header === '' ? [] : header.split('\n').map((l) => `{{- /* ${l} */}}`);
  for (const doc of docs) {
    if (doc instanceof If) {
      if (doc.otherwise !== undefined) throw new Error('a document-level if has no else');
      out.push(`{{- if ${goCond(doc.cond)} }}`, '---', ...block(doc.then, 0), '{{- end }}');
    } else out.push('---', ...block(doc, 0));
  }
  return `${out.join('\n')}\n`;
}
