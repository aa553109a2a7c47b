/**
 * The validation webhook flags, with Skipper's names and defaults (config/config.go): when enabled, an HTTPS
 * admission endpoint runs beside the proxy, as `skipper -validation-webhook-enabled` does.
 */
import { flag } from './flag-types.ts';

export const webhookFlags = {
  validationWebhookEnabled: flag.bool('validation-webhook-enabled', false, 'serve the Kubernetes validating admission webhook (/routegroups, /ingresses) beside the proxy; needs -validation-webhook-cert-file and -validation-webhook-key-file'),
  validationWebhookAddress: flag.string('validation-webhook-address', ':9000', 'address of the validation webhook (HTTPS)'),
  validationWebhookCertFile: flag.string('validation-webhook-cert-file', '', 'certificate file (PEM) of the validation webhook'),
  validationWebhookKeyFile: flag.string('validation-webhook-key-file', '', 'private key file (PEM) of the validation webhook'),
  enableAdvancedValidation: flag.bool('enable-advanced-validation', false, 'the validation webhook also compiles the routes: unknown filters or predicates and bad arguments are rejected, not only eskip syntax errors'),
};
