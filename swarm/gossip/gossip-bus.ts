/**
 * SwarmBus over gossipsub: each bus topic is a gossipsub topic of the node, messages name their sender by
 * member id, and members() is the node's live set. Own messages are never delivered back (gossipsub's
 * emitSelf is off and the node drops frames carrying its own id).
 */
import type { SwarmBus, SwarmMessage } from '../../src/circuit/ports.ts';
import type { GossipNode } from './gossip-node.ts';

const BUS_PREFIX = 'bus/';

export class GossipBus implements SwarmBus {
  readonly #node: GossipNode;

  constructor(node: GossipNode) {
    this.#node = node;
  }

  get self(): string {
    return this.#node.self;
  }

  members(): readonly string[] {
    return this.#node.live();
  }

  publish(topic: string, payload: Uint8Array): Promise<void> {
    return this.#node.publish(BUS_PREFIX + topic, payload);
  }

  subscribe(topic: string, onMessage: (m: SwarmMessage) => void): () => void {
    return this.#node.subscribe(BUS_PREFIX + topic, (from, payload) => onMessage({ from, payload }));
  }
}
