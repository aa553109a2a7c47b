/**
 * The per-request abort switch: the client's disconnect (or a deadline) reaches the running backend attempt
 * through one callback slot, with no listener bookkeeping per request. An AbortSignal costs EventTarget
 * listener churn on every request; this costs a field write.
 */
export class Abort {
  isAborted = false;
  reason: Error | undefined = undefined;
  #target: ((reason: Error) => void) | null = null;

  abort(reason: Error): void {
    if (this.isAborted) return;
    this.isAborted = true;
    this.reason = reason;
    const t = this.#target;
    this.#target = null;
    if (t !== null) t(reason);
  }

  /** Sets what abort() stops (the running attempt), or null; called at once when already aborted. */
  bind(target: ((reason: Error) => void) | null): void {
    if (this.isAborted && target !== null) target(this.reason!);
    else this.#target = target;
  }
}
