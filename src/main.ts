/**
 * The composition root's entry: reads the configuration and runs this process's role — one process
 * (`-workers 1`, src/roles/single.ts), or the primary (src/roles/primary.ts) with N node:cluster workers
 * (src/roles/worker.ts). Each role lists its services once; docs/design/architecture.md says which runs where.
 * Only the composition root (this file, src/roles/, src/cmd/) imports swarm/.
 */
import cluster from 'node:cluster';
import { type Config } from './config/table.ts';
import { loadConfigDetailed } from './config/load.ts';
import { acceptedFlagWarnings } from './config/accepted-flags.ts';
import { ConfigError, EXIT_USAGE, HelpRequested } from './config/errors.ts';
import { renderUsage } from './config/flags-doc.ts';
import { readVersion } from './version.ts';
import { ServiceStartError } from './lifecycle/index.ts';
import { createAppLogger, type Logger } from './log/app-log.ts';
import { runPrimary } from './roles/primary.ts';
import { runSingle } from './roles/single.ts';
import { runWorker } from './roles/worker.ts';
import { logFile } from './roles/wiring.ts';
import { captureProcessOutput, jsonRequestedIn, writeFatal } from './log/json-mode.ts';

/** Runs skipjack with the given arguments (without node and script). Never returns on fatal errors. */
export async function main(argv: readonly string[]): Promise<void> {
  let config: Config;
  let warnings: string[];
  try {
    const loaded = loadConfigDetailed(argv);
    config = loaded.config;
    warnings = acceptedFlagWarnings(loaded.explicit);
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stdout.write(renderUsage());
      process.exit(0);
    }
    if (!(err instanceof ConfigError)) throw err;
    writeFatal(jsonRequestedIn(argv), 'skipjack', err.message);
    process.exit(EXIT_USAGE);
  }
  if (config.version) {
    process.stdout.write(`skipjack ${readVersion()}\n`);
    return;
  }
  let logger: Logger;
  try {
    logger = createAppLogger({ level: config.applicationLogLevel, json: config.applicationLogJsonEnabled, prefix: config.applicationLogPrefix, out: logFile(config.applicationLog) });
  } catch (err) {
    writeFatal(config.applicationLogJsonEnabled, 'skipjack', `-application-log: ${(err as Error).message}`);
    process.exit(EXIT_USAGE);
  }
  captureProcessOutput(config.applicationLogJsonEnabled, logger);
  // Workers parse the same arguments; the primary speaks for them.
  if (!cluster.isWorker) for (const w of warnings) logger.warn(w);
  try {
    if (cluster.isWorker) await runWorker(config, logger);
    else if (config.workers > 1) await runPrimary(config, logger);
    else await runSingle(config, logger);
  } catch (err) {
    // Start-up failures (a broken routes file, a port in use) name their culprit in the message; a service
    // that failed to start is named in front of it.
    writeFatal(config.applicationLogJsonEnabled, 'skipjack', (err as Error).message);
    const cause = err instanceof ServiceStartError ? err.cause : err;
    process.exit(cause instanceof ConfigError ? EXIT_USAGE : 1);
  }
}
