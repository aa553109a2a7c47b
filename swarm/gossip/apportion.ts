/**
 * The share of one member in a budget divided among several by weight, apportioned by largest remainders (ties
 * by member id) so that the shares of all members, each computed by that member alone from the same inputs,
 * add up to ⌊budget⌋ exactly. Shared by the gossip limiter (hits) and the gossip leaky bucket (units).
 */
import type { MemberId } from './membership.ts';

export interface Weighted {
  readonly id: MemberId;
  readonly weight: number;
}

/** `self`'s whole share of ⌊budget⌋ among itself (weight `selfWeight`) and `others` (weights > 0). */
export function apportion(budget: number, self: MemberId, selfWeight: number, others: readonly Weighted[]): number {
  if (budget < 1) return 0;
  let total = selfWeight;
  for (const o of others) total += o.weight;
  const whole = Math.floor(budget);
  const mine = (budget * selfWeight) / total;
  const myFloor = Math.floor(mine);
  const myFrac = mine - myFloor;
  let floors = myFloor;
  let ahead = 0;
  for (const o of others) {
    const sh = (budget * o.weight) / total;
    const f = Math.floor(sh);
    floors += f;
    const fr = sh - f;
    if (fr > myFrac || (fr === myFrac && o.id < self)) ahead++;
  }
  return myFloor + (ahead < whole - floors ? 1 : 0);
}
