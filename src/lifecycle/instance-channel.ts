/**
 * A request/response channel from node:cluster workers to the primary, for state the instance owns rather
 * than each worker (local rate-limit buckets now; the gossip limiter, which lives in the primary, later).
 *
 * Requests are batched: everything a worker asks during one turn of its event loop travels in one IPC
 * message and comes back in one, so under load the IPC cost is paid per batch, not per request. Answers
 * keep request order, so a batch needs no per-request ids.
 */
import cluster, { type Worker } from 'node:cluster';

const REQ = 'skj:chan-req';
const RES = 'skj:chan-res';

interface BatchRequest<Q> {
  type: typeof REQ;
  channel: string;
  id: number;
  queries: Q[];
}

interface BatchResponse<A> {
  type: typeof RES;
  channel: string;
  id: number;
  answers?: A[];
  error?: string;
}

// Batch ids are unique per process, not per channel object: two objects on one channel name each see every
// answer on it and must recognise only their own.
let nextBatchId = 1;

interface Pending<A> {
  resolve(a: A): void;
  reject(e: Error): void;
}

/** The worker end: `request()` resolves with the primary's answer. */
export class InstanceChannel<Q, A> {
  readonly name: string;
  readonly #timeoutMs: number;
  readonly #send: (msg: BatchRequest<Q>) => boolean;
  #queries: Q[] = [];
  #waiting: Pending<A>[] = [];
  #scheduled = false;
  readonly #inFlight = new Map<number, { waiting: Pending<A>[]; timer: NodeJS.Timeout }>();

  /**
   * `timeoutMs`: a batch the primary has not answered by then fails (its requests reject), so a stuck
   * primary never holds a request longer than that.
   */
  constructor(name: string, o: { timeoutMs?: number } = {}) {
    if (!cluster.isWorker || process.send === undefined) throw new Error(`instance channel ${name}: only a node:cluster worker has a primary to ask`);
    this.name = name;
    this.#timeoutMs = o.timeoutMs ?? 1000;
    const send = process.send.bind(process);
    this.#send = (msg) => send(msg);
    process.on('message', (msg: BatchResponse<A>) => {
      if (msg?.type === RES && msg.channel === name) this.#answered(msg);
    });
    process.on('disconnect', () => this.#failAll(new Error(`instance channel ${name}: the primary is gone`)));
  }

  request(q: Q): Promise<A> {
    return new Promise<A>((resolve, reject) => {
      this.#queries.push(q);
      this.#waiting.push({ resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // After the I/O phase: every request parsed in this turn joins the batch.
        setImmediate(() => this.#flush());
      }
    });
  }

  /**
   * Like `request`, but the batch (with everything queued so far) leaves now instead of at the end of the
   * turn: for a message that must reach the primary before what this turn writes elsewhere (a breaker failure
   * ahead of the response that carries it).
   */
  requestNow(q: Q): Promise<A> {
    const p = this.request(q);
    this.#flush();
    return p;
  }

  #flush(): void {
    this.#scheduled = false;
    if (this.#queries.length === 0) return;
    const id = nextBatchId++;
    const waiting = this.#waiting;
    const queries = this.#queries;
    this.#waiting = [];
    this.#queries = [];
    const timer = setTimeout(() => {
      this.#inFlight.delete(id);
      const err = new Error(`instance channel ${this.name}: no answer from the primary within ${this.#timeoutMs} ms`);
      for (const w of waiting) w.reject(err);
    }, this.#timeoutMs);
    timer.unref();
    this.#inFlight.set(id, { waiting, timer });
    try {
      this.#send({ type: REQ, channel: this.name, id, queries });
    } catch (err) {
      this.#inFlight.delete(id);
      clearTimeout(timer);
      for (const w of waiting) w.reject(err as Error);
    }
  }

  #answered(msg: BatchResponse<A>): void {
    const b = this.#inFlight.get(msg.id);
    if (b === undefined) return;
    this.#inFlight.delete(msg.id);
    clearTimeout(b.timer);
    if (msg.error !== undefined || msg.answers === undefined || msg.answers.length !== b.waiting.length) {
      const err = new Error(`instance channel ${this.name}: ${msg.error ?? 'malformed answer'}`);
      for (const w of b.waiting) w.reject(err);
      return;
    }
    for (let i = 0; i < b.waiting.length; i++) b.waiting[i]!.resolve(msg.answers[i]!);
  }

  #failAll(err: Error): void {
    for (const [id, b] of this.#inFlight) {
      clearTimeout(b.timer);
      this.#inFlight.delete(id);
      for (const w of b.waiting) w.reject(err);
    }
  }
}

/**
 * The primary end: answers every worker's batches on `channel` with `handler`, one query at a time in
 * order. A handler may answer with a Promise (a store, a gossip node); the batch is sent when all settle.
 * Returns a function that stops serving.
 */
export function serveInstanceChannel<Q, A>(channel: string, handler: (q: Q, worker: Worker) => A | Promise<A>): () => void {
  const onMessage = (worker: Worker, msg: BatchRequest<Q>): void => {
    if (msg?.type !== REQ || msg.channel !== channel) return;
    const reply = (r: Omit<BatchResponse<A>, 'type' | 'channel' | 'id'>): void => {
      if (worker.isConnected()) worker.send({ type: RES, channel, id: msg.id, ...r });
    };
    let answers: (A | Promise<A>)[];
    try {
      answers = msg.queries.map((q) => handler(q, worker));
    } catch (err) {
      reply({ error: (err as Error).message });
      return;
    }
    if (!answers.some((a) => a instanceof Promise)) {
      reply({ answers: answers as A[] });
      return;
    }
    Promise.all(answers).then((all) => reply({ answers: all }), (err: Error) => reply({ error: err.message }));
  };
  cluster.on('message', onMessage);
  return () => cluster.off('message', onMessage);
}
