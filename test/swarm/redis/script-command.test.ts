import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'ioredis';
import { encodeEvalsha } from '../../../swarm/redis/script-command.ts';
import { slidingWindow } from '../../../swarm/redis/scripts.ts';

test('encodes EVALSHA byte for byte as ioredis does', () => {
  const cases: [string, (string | number)[]][] = [
    ['skj:sw:1000:5:bench:10.1.0.1', [1000, 50, 1]],
    ['k', []],
    ['skj:lb:10:250:ключ-ü', [10, 250_000, 0]],
    ['x', [3_600_000, 9_007_199_254_740_991, 1234567890]],
    ['y', [-1, 2.5, 'a b', '']],
  ];
  for (const [key, args] of cases) {
    const ours = encodeEvalsha(slidingWindow, key, args);
    const theirs = new Command('evalsha', [slidingWindow.sha, 1, key, ...args]).toWritable({} as never);
    assert.equal(ours.toString('utf8'), String(theirs), `${key} ${args.join(',')}`);
  }
});
