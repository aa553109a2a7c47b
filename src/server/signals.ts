/**
 * SIGTERM/SIGINT: run the graceful shutdown once and exit 0 when it completes; a second signal exits at
 * once (an operator who presses Ctrl-C twice means it).
 */
import type { Logger } from '../log/app-log.ts';

export function onShutdownSignals(logger: Logger, shutdown: (signal: string) => Promise<void>): void {
  let stopping = false;
  const handle = (signal: string): void => {
    if (stopping) {
      logger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    shutdown(signal).then(() => process.exit(0), (err: Error) => {
      logger.error(`shutdown failed: ${err.message}`);
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => handle('SIGTERM'));
  process.on('SIGINT', () => handle('SIGINT'));
}
