/**
 * Static membership: the swarm is the list given by -swarm-static-self and -swarm-static-other. It never
 * changes by itself; peers that are not listed but announce themselves are handled by the gossip layer.
 */
import { memberId, parseMemberAddress, type MemberId, type Membership } from '../gossip/membership.ts';

/** Options named after Skipper's flags. */
export interface StaticMembershipOptions {
  /** -swarm-static-self: this instance's gossip address, `host:port`. */
  staticSelf: string;
  /** -swarm-static-other: the other members, `host:port` each (a comma separated flag value is split too). */
  staticOther: readonly string[] | string;
}

export class StaticMembership implements Membership {
  readonly name = 'swarm-membership-static';
  readonly self: MemberId;
  readonly acceptsUnlisted = true;
  readonly #members: readonly MemberId[];

  /** Throws naming the flag when an address is not `host:port`. */
  constructor(o: StaticMembershipOptions) {
    const self = parseMemberAddress(o.staticSelf, '-swarm-static-self');
    this.self = memberId(self.host, self.port);
    const others = typeof o.staticOther === 'string' ? o.staticOther.split(',') : o.staticOther;
    const ids = new Set<MemberId>([this.self]);
    for (const a of others) {
      if (a.trim() === '') continue;
      const p = parseMemberAddress(a, '-swarm-static-other');
      ids.add(memberId(p.host, p.port));
    }
    this.#members = Object.freeze([...ids].sort());
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  members(): readonly MemberId[] {
    return this.#members;
  }

  onChange(): () => void {
    return () => {};
  }
}
