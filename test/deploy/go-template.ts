/**
 * Just enough of Go's text/template and Helm's functions to execute the chart templates scripts/deploy
 * prints, without a helm binary: actions with trim markers, comments, if/else/end, with/end, pipelines,
 * `.`-paths, string and number literals, parenthesised pipelines, and the functions toJson, toYaml, nindent,
 * default, eq, not, and, or, lower, quote, printf (%s). Anything else throws, so a template the generator starts to
 * print in a construct this does not know fails the test instead of rendering wrongly.
 */
import { stringify } from 'yaml';

type Tree = (string | Action | IfNode | WithNode)[];
interface Action { t: 'action'; pipe: string }
interface IfNode { t: 'if'; pipe: string; then: Tree; otherwise: Tree }
interface WithNode { t: 'with'; pipe: string; body: Tree }

function tokenize(src: string): (string | { action: string })[] {
  const out: (string | { action: string })[] = [];
  const re = /\{\{(-\s)?([\s\S]*?)(\s-)?\}\}/g;
  let last = 0;
  let trimNext = false;
  for (let m = re.exec(src); m !== null; m = re.exec(src)) {
    let text = src.slice(last, m.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (m[1] !== undefined) text = text.replace(/\s+$/, '');
    out.push(text);
    const body = m[2]!.trim();
    if (!body.startsWith('/*')) out.push({ action: body });
    trimNext = m[3] !== undefined;
    last = re.lastIndex;
  }
  let rest = src.slice(last);
  if (trimNext) rest = rest.replace(/^\s+/, '');
  out.push(rest);
  return out;
}

function parse(tokens: (string | { action: string })[]): Tree {
  let i = 0;
  function block(stops: string[]): { tree: Tree; stop: string } {
    const tree: Tree = [];
    while (i < tokens.length) {
      const tok = tokens[i++]!;
      if (typeof tok === 'string') {
        if (tok !== '') tree.push(tok);
        continue;
      }
      const a = tok.action;
      if (stops.includes(a)) return { tree, stop: a };
      if (a.startsWith('if ')) {
        const then = block(['else', 'end']);
        const otherwise = then.stop === 'else' ? block(['end']).tree : [];
        tree.push({ t: 'if', pipe: a.slice(3), then: then.tree, otherwise });
      } else if (a.startsWith('with ')) tree.push({ t: 'with', pipe: a.slice(5), body: block(['end']).tree });
      else if (/^(range|define|template|include|block|else|end)\b/.test(a)) throw new Error(`unsupported action {{ ${a} }}`);
      else tree.push({ t: 'action', pipe: a });
    }
    if (stops.length > 0) throw new Error(`missing {{ ${stops.join(' or ')} }}`);
    return { tree, stop: '' };
  }
  return block([]).tree;
}

function truth(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

const FUNCS: Record<string, (...a: unknown[]) => unknown> = {
  toJson: (v) => JSON.stringify(v ?? null),
  toYaml: (v) => stringify(v, { lineWidth: 0 }).replace(/\n$/, ''),
  nindent: (n, s) => `\n${String(s).split('\n').map((l) => ' '.repeat(Number(n)) + l).join('\n')}`,
  default: (d, v) => (truth(v) ? v : d),
  eq: (a, b) => a === b,
  not: (a) => !truth(a),
  and: (...a) => a.find((x) => !truth(x)) ?? a.at(-1),
  or: (...a) => a.find((x) => truth(x)) ?? a.at(-1),
  lower: (s) => String(s).toLowerCase(),
  quote: (s) => JSON.stringify(String(s ?? '')),
  printf: (f, ...a) => { let i = 0; return String(f).replace(/%s/g, () => String(a[i++] ?? '')); },
};

/** Splits on a separator outside quotes and parentheses. */
function split(s: string, sep: RegExp): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let cur = '';
  for (const ch of s) {
    if (ch === '"') quote = !quote;
    if (!quote && ch === '(') depth++;
    if (!quote && ch === ')') depth--;
    if (!quote && depth === 0 && sep.test(ch)) {
      if (cur.trim() !== '') out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

function term(t: string, root: unknown, dot: unknown): unknown {
  if (t.startsWith('(')) return pipeline(t.slice(1, -1), root, dot);
  if (t.startsWith('"')) return JSON.parse(t);
  if (/^-?\d+$/.test(t)) return Number(t);
  if (t === '.') return dot;
  if (t.startsWith('.')) {
    let v: unknown = root;
    for (const p of t.slice(1).split('.')) v = v === null || typeof v !== 'object' ? undefined : (v as Record<string, unknown>)[p];
    return v;
  }
  throw new Error(`unsupported term ${t}`);
}

function command(cmd: string, root: unknown, dot: unknown, piped: unknown[]): unknown {
  const words = split(cmd, /\s/);
  const f = FUNCS[words[0]!];
  if (f === undefined) {
    if (words.length !== 1 || piped.length > 0) throw new Error(`unsupported function in ${cmd}`);
    return term(words[0]!, root, dot);
  }
  return f(...words.slice(1).map((w) => term(w, root, dot)), ...piped);
}

function pipeline(p: string, root: unknown, dot: unknown): unknown {
  let v: unknown[] = [];
  for (const cmd of split(p, /\|/)) v = [command(cmd, root, dot, v)];
  return v[0];
}

function exec(tree: Tree, root: unknown, dot: unknown): string {
  let out = '';
  for (const n of tree) {
    if (typeof n === 'string') out += n;
    else if (n.t === 'action') {
      const v = pipeline(n.pipe, root, dot);
      out += v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    } else if (n.t === 'if') out += exec(truth(pipeline(n.pipe, root, dot)) ? n.then : n.otherwise, root, dot);
    else {
      const v = pipeline(n.pipe, root, dot);
      if (truth(v)) out += exec(n.body, root, v);
    }
  }
  return out;
}

/** Executes a template with this root context (`.Values`, `.Release`, `.Chart`). */
export function executeTemplate(src: string, root: Record<string, unknown>): string {
  return exec(parse(tokenize(src)), root, root);
}
