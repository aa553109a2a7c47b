/**
 * Runs one process role's services: starts them in the order listed, each after the previous one is up;
 * stops them in reverse. When one fails to start, those already started are stopped in reverse and start
 * rejects with a ServiceStartError naming it, so the process can exit non-zero with a message that names
 * the culprit. Stop is idempotent and never throws: a service that fails to stop is reported and the rest
 * still stop.
 */
import { SkipjackError } from '../errors.ts';
import type { Service } from './service.ts';

/** A service did not start; `service` is its name. */
export class ServiceStartError extends SkipjackError {
  readonly service: string;
  constructor(service: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('SKJ_ERR_LIFECYCLE_START', `${service}: ${reason}`, { cause });
    this.name = 'ServiceStartError';
    this.service = service;
  }
}

export interface RunnerOptions {
  /** Told about each service that failed to stop; default: ignored. */
  onStopError?(service: string, err: unknown): void;
}

export class ServiceRunner {
  readonly #services: readonly Service[];
  readonly #o: RunnerOptions;
  /** Started services, in start order. */
  readonly #started: Service[] = [];
  #stopping: Promise<void> | null = null;

  constructor(services: readonly Service[], o: RunnerOptions = {}) {
    const names = new Set<string>();
    for (const s of services) {
      if (names.has(s.name)) throw new Error(`service ${JSON.stringify(s.name)} listed twice`);
      names.add(s.name);
    }
    this.#services = services;
    this.#o = o;
  }

  /** The names, in start order. */
  get names(): string[] {
    return this.#services.map((s) => s.name);
  }

  async start(): Promise<void> {
    for (const s of this.#services) {
      if (this.#stopping !== null) return;
      try {
        await s.start();
      } catch (err) {
        // Stopped in reverse, the failed one included: stop() must be safe after a failed start.
        this.#started.push(s);
        await this.stop();
        throw new ServiceStartError(s.name, err);
      }
      if (this.#stopping !== null) {
        // stop() ran while this one was starting and did not see it.
        await s.stop().catch((err: unknown) => this.#o.onStopError?.(s.name, err));
        return;
      }
      this.#started.push(s);
    }
  }

  /** Ready once every service started and each that reports readiness is ready. */
  ready(): boolean {
    if (this.#stopping !== null || this.#started.length !== this.#services.length) return false;
    for (const s of this.#services) if (s.ready !== undefined && !s.ready()) return false;
    return true;
  }

  /** Stops the started services in reverse order; the same promise for every caller. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      for (let i = this.#started.length - 1; i >= 0; i--) {
        const s = this.#started[i]!;
        try {
          await s.stop();
        } catch (err) {
          this.#o.onStopError?.(s.name, err);
        }
      }
    })();
    return this.#stopping;
  }
}

/** A service from functions, for the composition root's small wiring pieces. */
export function service(name: string, start: () => Promise<void> | void, stop: () => Promise<void> | void, ready?: () => boolean): Service {
  return {
    name,
    start: async () => {
      await start();
    },
    stop: async () => {
      await stop();
    },
    ...(ready === undefined ? {} : { ready }),
  };
}
