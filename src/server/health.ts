/**
 * The instance's health as /healthz reports it: healthy once every service of the process role is up and
 * until shutdown begins. Draining alone is what the Shutdown() predicate sees.
 */
export class Health {
  #draining = false;
  readonly #ready: () => boolean;

  /** `ready`: the process role's aggregated service readiness; absent means always ready. */
  constructor(ready: () => boolean = () => true) {
    this.#ready = ready;
  }

  get healthy(): boolean {
    return !this.#draining && this.#ready();
  }

  /** True once shutdown began. */
  get draining(): boolean {
    return this.#draining;
  }

  /** Shutdown began: load balancers in front should stop sending new traffic. */
  markDraining(): void {
    this.#draining = true;
  }
}
