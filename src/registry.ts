/** A name-keyed registry of specs (predicates, filters). Throws on duplicate names; frozen once built. */
export class Registry<T extends { readonly name: string }> {
  readonly #specs = new Map<string, T>();
  readonly kind: string;

  constructor(kind: string, specs: Iterable<T> = []) {
    this.kind = kind;
    for (const s of specs) this.register(s);
  }

  register(spec: T): void {
    if (this.#specs.has(spec.name)) throw new Error(`duplicate ${this.kind} name: ${spec.name}`);
    this.#specs.set(spec.name, spec);
  }

  get(name: string): T | undefined {
    return this.#specs.get(name);
  }

  names(): string[] {
    return [...this.#specs.keys()].sort();
  }
}
