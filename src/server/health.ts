/** The instance's health as /healthz reports it: healthy until shutdown begins. */
export class Health {
  #draining = false;

  get healthy(): boolean {
    return !this.#draining;
  }

  /** Shutdown began: load balancers in front should stop sending new traffic. */
  markDraining(): void {
    this.#draining = true;
  }
}
