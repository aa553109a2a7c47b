/**
 * Kubernetes manifests as Skipper's test API reads them: multi-document YAML decoded with YAML 1.1 semantics
 * (yaml.v2), `kind: List` flattened, a missing namespace defaulted to "default", decoding stopped at the first
 * empty document. Shared by the test API server, `kube-render`, the conformance runner and conversion tests.
 */
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import type { KubeObject } from './convert/index.ts';

/** A path of map keys and sequence indexes from the document root. */
export type YamlPath = readonly (string | number)[];

/**
 * Decides whether the scalar at `path` decodes into a Go string. yaml.v2 then keeps the scalar's source
 * text (`True` stays "True", `010` stays "010") where a YAML 1.1 reading would give a boolean or number.
 */
export type StringField = (path: YamlPath) => boolean;

const noStrings: StringField = () => false;

/** Labels and annotations are map[string]string in every Kubernetes type, also inside a `kind: List`. */
const objectStringFields: StringField = (p) => {
  const n = p.length;
  if (n !== 3 && !(n === 5 && p[0] === 'items')) return false;
  return p[n - 3] === 'metadata' && (p[n - 2] === 'labels' || p[n - 2] === 'annotations');
};

/**
 * Parses every document of a YAML 1.1 stream into plain values, stopping (as yaml.v2's decoder loop does) at
 * the first empty document. Throws an Error naming `source` and the line on a syntax error.
 */
export function parseYaml11(text: string, source = '<yaml>', stringField: StringField = noStrings): unknown[] {
  // yaml.v2 decodes timestamps into interface{} as their text; the yaml package's 1.1 schema would give Dates.
  const docs = parseAllDocuments(text, {
    version: '1.1',
    // yaml.v2 lets a repeated key overwrite the earlier value.
    uniqueKeys: false,
    customTags: (tags) => tags.filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:timestamp'),
  });
  if (!Array.isArray(docs)) return [];
  const out: unknown[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      const line = e.linePos?.[0]?.line;
      throw new Error(`${source}${line !== undefined ? `:${line}` : ''}: invalid YAML: ${e.message.split('\n')[0]}`);
    }
    const value = toValue(doc, doc.contents, [], stringField);
    if (value === null || value === undefined || (typeof value === 'object' && Object.keys(value).length === 0)) break;
    out.push(value);
  }
  return out;
}

function toValue(doc: Document, node: unknown, path: (string | number)[], stringField: StringField): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return toValue(doc, node.resolve(doc), path, stringField);
  if (isScalar(node)) {
    const v = node.value;
    if (v !== null && typeof v !== 'string' && stringField(path)) return node.source ?? String(v);
    if (typeof v === 'bigint') return Number(v);
    return v;
  }
  if (isSeq(node)) return node.items.map((it, i) => toValue(doc, it, [...path, i], stringField));
  if (isMap(node)) {
    const obj: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = toValue(doc, pair.key as Node, [], noStrings);
      const k = key === null ? 'null' : typeof key === 'object' ? JSON.stringify(key) : String(key);
      obj[k] = toValue(doc, pair.value, [...path, k], stringField);
    }
    return obj;
  }
  return null;
}

/**
 * Loads the Kubernetes objects of a manifest stream. Every object must have a string `kind` and a `metadata`
 * map; `kind: List` contributes its `items`. Labels and annotations are strings, as the API would serve them.
 */
export function loadManifests(text: string, source = '<yaml>'): KubeObject[] {
  const out: KubeObject[] = [];
  for (const [i, doc] of parseYaml11(text, source, objectStringFields).entries()) {
    const where = `${source}: document ${i + 1}`;
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error(`${where}: not a mapping`);
    const o = doc as Record<string, unknown>;
    if (o.kind === 'List' && Array.isArray(o.items)) {
      for (const [j, item] of o.items.entries()) out.push(normalizeObject(item, `${where}, item ${j + 1}`));
    } else {
      out.push(normalizeObject(o, where));
    }
  }
  return out;
}

function normalizeObject(doc: unknown, where: string): KubeObject {
  if (typeof doc !== 'object' || doc === null) throw new Error(`${where}: not a mapping`);
  const o = doc as Record<string, any>;
  if (typeof o.kind !== 'string') throw new Error(`${where}: missing string "kind"`);
  const meta = o.metadata;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
    throw new Error(`${where}: ${o.kind} has no "metadata" map`);
  }
  if (meta.namespace === undefined || meta.namespace === null || meta.namespace === '') meta.namespace = 'default';
  else if (typeof meta.namespace !== 'string') throw new Error(`${where}: metadata.namespace is not a string`);
  if (meta.name !== undefined && typeof meta.name !== 'string') meta.name = String(meta.name);
  // Non-scalar label values (a nested map) cannot come from a real API; make them visible rather than crash.
  for (const field of ['labels', 'annotations']) {
    const m = meta[field];
    if (m && typeof m === 'object') for (const k of Object.keys(m)) if (typeof m[k] !== 'string' && m[k] !== null) m[k] = String(m[k]);
  }
  return o as KubeObject;
}

/** The kinds the Kubernetes data client reads; everything else in a manifest is ignored. */
export const SERVED_KINDS = ['Service', 'Ingress', 'RouteGroup', 'Endpoints', 'EndpointSlice', 'Secret'] as const;
