/**
 * Cron("* 7-18 * * 1-5"): matches while the local time fits every one of the five fields
 * (minute, hour, day of month, month, day of week). Unlike crontab's day rule, all fields must hold,
 * as in Skipper's cronmask. cron-parser parses the fields.
 */
import { CronExpressionParser } from 'cron-parser';
import type { PredicateSpec } from '../routing/types.ts';
import { InvalidArgsError } from '../errors.ts';
import { expectCount, stringArg } from './args.ts';
import { systemClock, type Clock } from './clock.ts';

/** The Cron spec reading time from `clock` (injectable for tests); fields are read in the local time zone. */
export function cronSpec(clock: Clock = systemClock): PredicateSpec {
  return {
    name: 'Cron',
    create(args) {
      expectCount('Cron', args, 1);
      const expr = stringArg('Cron', args, 0);
      // Skipper's documented example "* 5-7, * * *" has an empty list item; cronmask skips it.
      const fields = expr.trim().split(/\s+/).map((f) => f.split(',').filter((x) => x !== '').join(','));
      if (fields.length !== 5 || fields.some((f) => f === '')) throw new InvalidArgsError(`Cron: expected 5 fields in ${JSON.stringify(expr)}`);
      let sets: Set<number>[];
      try {
        const f = CronExpressionParser.parse(fields.join(' ')).fields;
        sets = [f.minute, f.hour, f.dayOfMonth, f.month, f.dayOfWeek].map((x) => numbers(x.values as readonly unknown[]));
      } catch (e) {
        throw new InvalidArgsError(`Cron: invalid expression ${JSON.stringify(expr)}: ${(e as Error).message}`);
      }
      const [min, hour, dom, month, dow] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
      return {
        match() {
          const d = new Date(clock());
          const wd = d.getDay();
          return min.has(d.getMinutes()) && hour.has(d.getHours()) && dom.has(d.getDate()) &&
            month.has(d.getMonth() + 1) && (dow.has(wd) || (wd === 0 && dow.has(7)));
        },
      };
    },
  };
}

function numbers(values: readonly unknown[]): Set<number> {
  const out = new Set<number>();
  for (const v of values) if (typeof v === 'number') out.add(v);
  return out;
}
