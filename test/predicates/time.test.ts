import { afterSpec } from '../../src/predicates/after.ts';
import { beforeSpec } from '../../src/predicates/before.ts';
import { betweenSpec } from '../../src/predicates/between.ts';
import { cronSpec } from '../../src/predicates/cron.ts';
import { predicateSuite, req } from './helpers.ts';

const t0 = Date.parse('2016-01-01T12:00:00+02:00'); // 1451642400 s
const at = (ms: number) => () => ms;

predicateSuite(afterSpec(at(t0)), [
  { args: ['2016-01-01T12:00:00+02:00'], req: req(), want: true, name: 'After includes its instant' },
  { args: [1451642400], req: req(), want: true },
  { args: [1451642400.9], req: req(), want: true, name: 'After truncates fractional Unix seconds' },
  { args: [1451642401], req: req(), want: false },
], [[], ['2016-01-01'], ['2016-02-30T00:00:00Z'], ['x', 'y'], ['2016-01-01 12:00:00Z']]);

predicateSuite(beforeSpec(at(t0)), [
  { args: ['2016-01-01T12:00:00.5+02:00'], req: req(), want: true },
  { args: [1451642400], req: req(), want: false, name: 'Before excludes its instant' },
], [[], [1, 2], ['yesterday']]);

predicateSuite(betweenSpec(at(t0)), [
  { args: ['2016-01-01T12:00:00+02:00', '2016-02-01T12:00:00+02:00'], req: req(), want: true },
  { args: [1451642400, 1454320800], req: req(), want: true },
  { args: [1451000000, 1451642400], req: req(), want: false, name: 'Between excludes its end' },
], [[1], [1454320800, 1451642400], [5, 5], ['x', 1]]);

// Local time: Monday 2024-01-15 06:30.
const monday0630 = new Date(2024, 0, 15, 6, 30).getTime();
predicateSuite(cronSpec(at(monday0630)), [
  { args: ['* * * * *'], req: req(), want: true },
  { args: ['* 5-7, * * *'], req: req(), want: true, name: "Skipper's documented example with a dangling comma" },
  { args: ['* 7-18 * * 1-5'], req: req(), want: false },
  { args: ['30 6 15 1 1'], req: req(), want: true },
  { args: ['* * * * 0,6'], req: req(), want: false },
  { args: ['* * 16 * 1'], req: req(), want: false, name: 'day of month and day of week must both hold' },
], [[], ['* * * *'], ['61 * * * *'], [5], ['* * * * * *']]);
