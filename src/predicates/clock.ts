/** Time and randomness sources, injectable so that time- and chance-based predicates are testable. */

/** Returns the current time in milliseconds since the epoch. */
export type Clock = () => number;

/** Returns a uniformly distributed number in [0, 1). */
export type Random = () => number;

export const systemClock: Clock = Date.now;
export const systemRandom: Random = Math.random;
