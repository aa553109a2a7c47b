/**
 * The per-request abort switch: the client's disconnect (or a deadline) reaches the running backend attempt
 * through one callback slot, with no listener bookkeeping per request. An AbortSignal costs EventTarget
 * listener churn on every request; this costs a field write.
 */
/** What an Abort stops: the running attempt. An object with a method, so binding allocates no closure. */
export interface Stoppable {
  stop(reason: Error): void;
}

export class Abort {
  isAborted = false;
  reason: Error | undefined = undefined;
  #target: Stoppable | null = null;

  abort(reason: Error): void {
    if (this.isAborted) return;
    this.isAborted = true;
    this.reason = reason;
    const t = this.#target;
    this.#target = null;
    if (t !== null) t.stop(reason);
  }

  /** Sets what abort() stops (the running attempt), or null; called at once when already aborted. */
  bind(target: Stoppable | null): void {
    if (this.isAborted && target !== null) target.stop(this.reason!);
    else this.#target = target;
  }
}
