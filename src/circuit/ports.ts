/**
 * What shared breakers need from the swarm, declared here where it is consumed; swarm/ implements it over
 * gossipsub or Redis pub/sub.
 */

/** A message between the instances of a swarm. Delivery is best-effort and unordered. */
export interface SwarmMessage {
  /** The sending instance's id (its member name). */
  readonly from: string;
  readonly payload: Uint8Array;
}

/** Publish/subscribe between the live instances of a swarm, on named topics. */
export interface SwarmBus {
  /** This instance's member id. */
  readonly self: string;
  /** Ids of the live members, this instance included. */
  members(): readonly string[];
  publish(topic: string, payload: Uint8Array): Promise<void>;
  /** Returns the function that unsubscribes. Own messages are not delivered back. */
  subscribe(topic: string, onMessage: (m: SwarmMessage) => void): () => void;
}
