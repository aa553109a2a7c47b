/**
 * Bounds the memory of streamed bodies. Every socket read of a relayed body is a fresh ArrayBuffer outside
 * the JS heap; it is garbage as soon as it was written on, but V8 frees it only at a collection, and with
 * little JS allocated per chunk the young generation fills slowly while V8's external-memory trigger waits
 * for ~64 MB of such buffers. So a 1 GiB transfer used to peak at 180–205 MB RSS, and shrinking the young
 * generation for everyone (--max-semi-space-size) cost up to a third more CPU per small request. Asking for
 * a young-generation collection after every RELAY_GC_BYTES relayed keeps the dead buffers at that bound
 * (peak ~125 MB) and costs one scavenge per 16 MB, nothing per small request. Measured in
 * docs/performance-proxy.md.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options: { type: 'minor'; execution: 'async' }) => Promise<void>;

/** Body bytes relayed between two young-generation collections. */
export const RELAY_GC_BYTES = 16 * 1024 * 1024;

// The documented way to reach gc() without a command-line flag; the flag is switched off again so that no
// other code sees a global gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as Gc;
setFlagsFromString('--no-expose-gc');

/** Schedules a young-generation collection as a task of its own; resolves when it ran. */
export function collectYoungGeneration(): Promise<void> {
  return gc({ type: 'minor', execution: 'async' });
}

/** A byte counter that calls `collect` after every `every` bytes. */
export function relayCounter(collect: () => unknown, every: number): (bytes: number) => void {
  let relayed = 0;
  return (bytes) => {
    relayed += bytes;
    if (relayed >= every) {
      relayed = 0;
      collect();
    }
  };
}

/** Counts body bytes that passed through; schedules a young-generation collection every RELAY_GC_BYTES. */
export const noteRelayed = relayCounter(collectYoungGeneration, RELAY_GC_BYTES);
