/**
 * The frame of every gossip message: the sender's member id before the payload. gossipsub names the sender by
 * its libp2p peer id, which static membership cannot know in advance (it lists only `host:port`), so the member
 * id travels inside the message: `[u8 id length][id, UTF-8][payload]`.
 */
const enc = new TextEncoder();
const dec = new TextDecoder();

export function wrap(from: string, payload: Uint8Array): Uint8Array {
  const id = enc.encode(from);
  if (id.length > 255) throw new Error(`member id too long for a gossip frame: ${from}`);
  const out = new Uint8Array(1 + id.length + payload.length);
  out[0] = id.length;
  out.set(id, 1);
  out.set(payload, 1 + id.length);
  return out;
}

/** Undefined for a frame that is too short to hold its id (a foreign or corrupt message). */
export function unwrap(frame: Uint8Array): { from: string; payload: Uint8Array } | undefined {
  if (frame.length < 1) return undefined;
  const n = frame[0]!;
  if (n === 0 || frame.length < 1 + n) return undefined;
  return { from: dec.decode(frame.subarray(1, 1 + n)), payload: frame.subarray(1 + n) };
}
