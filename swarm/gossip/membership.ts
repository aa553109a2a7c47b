/**
 * What the gossip layer needs to know about the swarm: who is listed as a member right now, and when that
 * changes. Declared here where it is consumed; swarm/membership/ implements it (static list, Kubernetes pods).
 */
import type { Service } from '../../src/lifecycle/index.ts';

/** A member is named by the address its gossip node listens on, `host:port`. */
export type MemberId = string;

/** The listed members of a swarm: a static list or the ready pods of a Kubernetes selector. */
export interface Membership extends Service {
  /** This instance's id (`host:port` of its gossip listener). */
  readonly self: MemberId;
  /** The listed members, this instance included, sorted. */
  members(): readonly MemberId[];
  /**
   * Whether a peer that is not listed but announces itself counts as a member while it is live. True for a
   * static list (a joining instance's list names the others, theirs cannot name it yet); false where the
   * source is authoritative (Kubernetes: an unready pod must not count, whatever it says).
   */
  readonly acceptsUnlisted: boolean;
  /** Calls `listener` after every change of members(); returns the function that unsubscribes. */
  onChange(listener: (members: readonly MemberId[]) => void): () => void;
}

/** Splits `host:port` (IPv6 hosts in brackets) and checks the port; throws naming the culprit. */
export function parseMemberAddress(address: string, what: string): { host: string; port: number } {
  const s = address.trim();
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:\s]+):(\d+)$/.exec(s);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port > 0 && port < 65536)) throw new Error(`${what}: "${address}" is not a host:port address`);
  return { host: m[1]!, port };
}

/** The canonical member id of an address (IPv6 hosts in brackets). */
export function memberId(host: string, port: number): MemberId {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
