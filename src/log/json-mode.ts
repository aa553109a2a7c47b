/**
 * -application-log-json-enabled makes every line skipjack writes to the log streams JSON, not only the
 * application logger's: flag errors (once the flag itself was read), fatal start-up errors, Node's process
 * warnings and uncaught exceptions. Log pipelines that parse each line as JSON then lose nothing.
 */
import type { Logger } from './app-log.ts';

const TRUE = new Set(['', '1', 't', 'T', 'true', 'TRUE', 'True']);

/**
 * Whether the command line turns JSON logs on, read from argv directly: used when the flags as a whole
 * did not parse, so the error about them is still written in the format asked for.
 */
export function jsonRequestedIn(argv: readonly string[]): boolean {
  let on = false;
  for (const arg of argv) {
    if (arg === '--') break;
    const m = /^--?application-log-json-enabled(?:=(.*))?$/.exec(arg);
    if (m !== null) on = TRUE.has(m[1] ?? '');
  }
  return on;
}

/** One fatal line on stderr: `skipjack: message`, or a logrus-shaped JSON object in JSON mode. */
export function writeFatal(json: boolean, program: string, message: string): void {
  process.stderr.write(json ? `${JSON.stringify({ level: 'fatal', msg: message, time: new Date().toISOString() })}\n` : `${program}: ${message}\n`);
}

/**
 * In JSON mode, Node's own stderr output goes through the logger: process warnings (instead of Node's
 * text printer) and uncaught exceptions (logged as fatal, then the process exits 1 as Node would).
 */
export function captureProcessOutput(json: boolean, logger: Logger): void {
  if (!json) return;
  process.removeAllListeners('warning');
  process.on('warning', (w) => logger.warn(`${w.name}: ${w.message}`));
  process.on('uncaughtException', (err) => {
    writeFatal(true, '', `uncaught exception: ${err.stack ?? String(err)}`);
    process.exit(1);
  });
}
