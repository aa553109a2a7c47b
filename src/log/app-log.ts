/**
 * The application log, in logrus's text format (`[APP]time="…" level=info msg="…"`) as Skipper prints it,
 * or as JSON with -application-log-json-enabled. Written to stderr.
 */
import { createLineWriter, type LineWriter, type LogSink } from './line-writer.ts';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'panic';

const SEVERITY: Record<LogLevel, number> = { trace: 6, debug: 5, info: 4, warn: 3, error: 2, fatal: 1, panic: 0 };

export type LogFields = Record<string, string | number | boolean | undefined>;

/** What every part of skipjack logs through. */
export interface Logger {
  enabled(level: LogLevel): boolean;
  log(level: LogLevel, msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export interface AppLogOptions {
  /** Skipper's level names, any case: PANIC, FATAL, ERROR, WARN (WARNING), INFO, DEBUG, TRACE. */
  level: string;
  json: boolean;
  prefix?: string;
  out?: LogSink;
}

/** Parses a level name; unknown names are rejected by config validation before this runs. */
export function parseLevel(name: string): LogLevel {
  const l = name.toLowerCase();
  return l === 'warning' ? 'warn' : (l in SEVERITY ? (l as LogLevel) : 'info');
}

function quoteText(v: string): string {
  return /^[A-Za-z0-9_.\-/:@]+$/.test(v) ? v : JSON.stringify(v);
}

function textLine(prefix: string, level: LogLevel, msg: string, fields: LogFields | undefined): string {
  let line = `${prefix}time="${new Date().toISOString()}" level=${level === 'warn' ? 'warning' : level} msg=${JSON.stringify(msg)}`;
  if (fields !== undefined) {
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) line += ` ${k}=${typeof v === 'string' ? quoteText(v) : v}`;
  }
  return `${line}\n`;
}

function jsonLine(level: LogLevel, msg: string, fields: LogFields | undefined): string {
  return `${JSON.stringify({ ...fields, level: level === 'warn' ? 'warning' : level, msg, time: new Date().toISOString() })}\n`;
}

export function createAppLogger(o: AppLogOptions): Logger {
  const max = SEVERITY[parseLevel(o.level)];
  const prefix = o.prefix ?? '[APP]';
  const writer: LineWriter = createLineWriter(o.out ?? process.stderr);
  const logger: Logger = {
    enabled: (level) => SEVERITY[level] <= max,
    log(level, msg, fields) {
      if (SEVERITY[level] > max) return;
      writer.write(o.json ? jsonLine(level, msg, fields) : textLine(prefix, level, msg, fields));
      // Errors reach the terminal before a possible exit.
      if (SEVERITY[level] <= SEVERITY.error) writer.flush();
    },
    debug: (msg, fields) => logger.log('debug', msg, fields),
    info: (msg, fields) => logger.log('info', msg, fields),
    warn: (msg, fields) => logger.log('warn', msg, fields),
    error: (msg, fields) => logger.log('error', msg, fields),
  };
  return logger;
}
