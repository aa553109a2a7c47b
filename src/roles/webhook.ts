/**
 * -validation-webhook-enabled: the admission webhook as a service of the process that builds routes (single
 * process or primary), compiling with the same registries as the proxy (-disabled-filters and the rate-limit
 * filters included) when -enable-advanced-validation is set.
 */
import type { Config } from '../config/table.ts';
import type { Service } from '../lifecycle/index.ts';
import type { Logger } from '../log/app-log.ts';
import type { HttpClients } from '../net/index.ts';
import { routeChecker } from '../webhook/route-checker.ts';
import { ValidationWebhook } from '../webhook/server.ts';
import type { RateLimits } from './rate-limits.ts';
import type { Resilience } from './resilience.ts';
import { compileOptions } from './wiring.ts';

export function webhookService(c: Config, logger: Logger, clients: HttpClients, limits: RateLimits | null, res: Resilience | null = null): Service | null {
  if (!c.validationWebhookEnabled) return null;
  return new ValidationWebhook({
    address: c.validationWebhookAddress, certFile: c.validationWebhookCertFile, keyFile: c.validationWebhookKeyFile,
    // Its compiled routes never serve a request: Shutdown() reads false, and filter instances are released at once.
    check: c.enableAdvancedValidation ? routeChecker(compileOptions(c, () => false, clients, limits, res)) : null,
    log: logger,
  });
}
