/**
 * The JSON Schema (draft-07) keywords values.schema.json uses - type, enum, minimum, properties,
 * additionalProperties: false - checked the way Helm checks values before rendering. An unknown keyword throws.
 */
type Schema = Record<string, unknown>;

const KNOWN = new Set(['$schema', 'title', 'description', 'type', 'enum', 'minimum', 'properties', 'additionalProperties']);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** One line per violation, naming the value path. */
export function schemaErrors(schema: Schema, value: unknown, path = 'values'): string[] {
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) throw new Error(`schema keyword ${k} at ${path} is not supported by this checker`);
  const out: string[] = [];
  const t = typeOf(value);
  if (schema.type !== undefined && schema.type !== t && !(schema.type === 'number' && t === 'integer')) return [`${path}: expected ${String(schema.type)}, got ${t}`];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof schema.minimum === 'number' && typeof value === 'number' && value < schema.minimum) out.push(`${path}: below ${schema.minimum}`);
  if (t === 'object') {
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const [k, v] of Object.entries(value as object)) {
      if (props[k] !== undefined) out.push(...schemaErrors(props[k], v, `${path}.${k}`));
      else if (schema.additionalProperties === false) out.push(`${path}.${k}: not a known value`);
    }
  }
  return out;
}
