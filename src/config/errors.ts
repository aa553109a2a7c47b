/** The configuration error: one line naming the flag (or config file key) and what is wrong with it. */
import { SkipjackError } from '../errors.ts';

/** Exit status for bad flags, as Go's flag package uses. */
export const EXIT_USAGE = 2;

export class ConfigError extends SkipjackError {
  constructor(message: string) {
    super('SKJ_ERR_CONFIG_FLAG', message);
    this.name = 'ConfigError';
  }
}

/** `-h`, `-help` or `--help` was given: print the usage and exit 0, as Go's flag package does. */
export class HelpRequested extends Error {
  constructor() {
    super('help requested');
    this.name = 'HelpRequested';
  }
}
