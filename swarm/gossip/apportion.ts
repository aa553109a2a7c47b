/**
 * The share of one member in a budget divided among several by weight, so that the shares of all members, each
 * computed by that member alone from the same inputs, add up to ⌊budget⌋ exactly: floors by weight, the odd units
 * by turns (the gossip limiter's hits and the gossip leaky bucket's increments).
 */
import type { MemberId } from './membership.ts';

export interface Weighted {
  readonly id: MemberId;
  readonly weight: number;
}

/**
 * `self`'s whole share of ⌊budget⌋ when the members' views of the weights may differ: each member gets the floor
 * of its weighted part, and the units the floors leave go one each to the members in the order of `hash(id,
 * salt)`, never by the weights. Members that weigh each other slightly differently (demand
 * reported at different moments) still agree on who gets the odd units; the largest-remainder rule would hand
 * them to whoever each view ranks first, which flips with every report when members are equally busy.
 * Members weighing `idleWeight` or less (no demand) get no odd unit while some member weighs more.
 */
export function apportionByTurns(
  budget: number,
  self: MemberId,
  selfWeight: number,
  others: readonly Weighted[],
  salt: number,
  idleWeight = 0,
): number {
  if (budget < 1) return 0;
  let total = selfWeight;
  let busy = selfWeight > idleWeight ? 1 : 0;
  for (const o of others) {
    total += o.weight;
    if (o.weight > idleWeight) busy++;
  }
  // Members of weight `idleWeight` or less take no odd unit (it would sit unused), unless nobody weighs more.
  const all = busy === 0;
  const myFloor = Math.floor((budget * selfWeight) / total);
  let floors = myFloor;
  let ahead = 0;
  for (const o of others) {
    floors += Math.floor((budget * o.weight) / total);
    if ((all || o.weight > idleWeight) && before(o.id, self, salt)) ahead++;
  }
  return myFloor + ((all || selfWeight > idleWeight) && ahead < Math.floor(budget) - floors ? 1 : 0);
}

function before(a: MemberId, b: MemberId, salt: number): boolean {
  const ha = hash(a, salt);
  const hb = hash(b, salt);
  return ha < hb || (ha === hb && a < b);
}

/** FNV-1a of the id, seeded with the salt: the order of turns among members (ties by id). */
export function hash(id: string, salt: number): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
