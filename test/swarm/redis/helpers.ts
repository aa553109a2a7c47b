/** Shared pieces of the Redis swarm tests: a logger that records lines, store options for local shards. */
import type { LogFields, Logger, LogLevel } from '../../../src/log/app-log.ts';
import { DEFAULT_REDIS_STORE_OPTIONS, type RedisStoreOptions } from '../../../swarm/redis/redis-options.ts';

export interface RecordingLogger extends Logger {
  readonly lines: { level: LogLevel; msg: string; fields?: LogFields }[];
}

export function recordingLogger(): RecordingLogger {
  const lines: RecordingLogger['lines'] = [];
  const log = (level: LogLevel, msg: string, fields?: LogFields) => void lines.push({ level, msg, fields });
  return {
    lines,
    enabled: () => true,
    log,
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
  };
}

/** Skipper's defaults, with timeouts that a loaded 2-core test machine meets. */
export function storeOptions(urls: string[], more: Partial<RedisStoreOptions> = {}): RedisStoreOptions {
  return { ...DEFAULT_REDIS_STORE_OPTIONS, urls, dialTimeoutMs: 500, readTimeoutMs: 500, writeTimeoutMs: 500, heartbeatMs: 100, ...more };
}
