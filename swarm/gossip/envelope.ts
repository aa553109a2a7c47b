/**
 * The frame of every gossip message: the sender's member id before the payload. gossipsub names the sender by
 * its libp2p peer id, which static membership cannot know in advance (it lists only `host:port`), so the member
 * id travels inside the message: `[u8 id length][id, UTF-8][u32 sequence][payload]`. Messages are not signed
 * (the noise channel already authenticates each hop, and ed25519 verification per message was most of the
 * CPU of an idle swarm), so gossipsub names a message by a hash of its bytes; the sender's sequence number
 * keeps two equal payloads (two hellos) from being taken for one.
 */
const enc = new TextEncoder();
const dec = new TextDecoder();

export function wrap(from: string, seq: number, payload: Uint8Array): Uint8Array {
  const id = enc.encode(from);
  if (id.length > 255) throw new Error(`member id too long for a gossip frame: ${from}`);
  const out = new Uint8Array(5 + id.length + payload.length);
  out[0] = id.length;
  out.set(id, 1);
  new DataView(out.buffer).setUint32(1 + id.length, seq >>> 0);
  out.set(payload, 5 + id.length);
  return out;
}

/** Undefined for a frame that is too short to hold its id (a foreign or corrupt message). */
export function unwrap(frame: Uint8Array): { from: string; payload: Uint8Array } | undefined {
  if (frame.length < 1) return undefined;
  const n = frame[0]!;
  if (n === 0 || frame.length < 5 + n) return undefined;
  return { from: dec.decode(frame.subarray(1, 1 + n)), payload: frame.subarray(5 + n) };
}
