#!/usr/bin/env node
/**
 * skipjack-webhook: the validation webhook as its own process, with the flags of Skipper's `webhook` binary
 * (cmd/webhook): -address (default :9443, or :9080 without certificates), -tls-cert-file / -tls-key-file
 * (defaults from $CERT_FILE / $KEY_FILE), -debug. Like Skipper's, it checks eskip syntax and the RouteGroup
 * rules only; `skipjack -validation-webhook-enabled -enable-advanced-validation` also compiles the routes.
 */
import { readVersion } from '../version.ts';
import { createAppLogger } from '../log/app-log.ts';
import { ValidationWebhook } from '../webhook/server.ts';

const HTTPS_ADDRESS = ':9443';
const HTTP_ADDRESS = ':9080';

const USAGE = `Usage: skipjack-webhook [flags]

Kubernetes validating admission webhook for RouteGroups (/routegroups) and Ingresses (/ingresses), with /healthz.

  -address string        address to listen on (default ${HTTPS_ADDRESS}; ${HTTP_ADDRESS} without certificates)
  -tls-cert-file string  certificate file for HTTPS (default $CERT_FILE)
  -tls-key-file string   private key file for HTTPS (default $KEY_FILE)
  -debug                 log every admitted object too
  -version               print the version and exit
`;

interface Flags {
  address: string | null;
  certFile: string;
  keyFile: string;
  debug: boolean;
  version: boolean;
  help: boolean;
}

function parse(argv: readonly string[]): Flags {
  const f: Flags = { address: null, certFile: process.env.CERT_FILE ?? '', keyFile: process.env.KEY_FILE ?? '', debug: false, version: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--?([a-z-]+)(?:=(.*))?$/.exec(argv[i]!);
    if (m === null) throw new Error(`unexpected argument "${argv[i]}"`);
    const [, name, inline] = m;
    if (name === 'debug' || name === 'version' || name === 'help' || name === 'h') {
      const on = inline === undefined || /^(1|t|true)$/i.test(inline);
      if (name === 'debug') f.debug = on;
      else if (name === 'version') f.version = on;
      else f.help = on;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`flag needs an argument: -${name}`);
    if (name === 'address') f.address = value;
    else if (name === 'tls-cert-file') f.certFile = value;
    else if (name === 'tls-key-file') f.keyFile = value;
    else throw new Error(`flag provided but not defined: -${name}`);
  }
  if ((f.certFile === '') !== (f.keyFile === '')) throw new Error('both of -tls-cert-file and -tls-key-file must be given, or neither (plain HTTP, for testing)');
  return f;
}

export async function main(argv: readonly string[]): Promise<number> {
  let f: Flags;
  try {
    f = parse(argv);
  } catch (err) {
    process.stderr.write(`skipjack-webhook: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (f.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (f.version) {
    process.stdout.write(`skipjack-webhook ${readVersion()}\n`);
    return 0;
  }
  const logger = createAppLogger({ level: f.debug ? 'DEBUG' : 'INFO', json: false });
  const webhook = new ValidationWebhook({
    address: f.address ?? (f.certFile === '' ? HTTP_ADDRESS : HTTPS_ADDRESS),
    certFile: f.certFile, keyFile: f.keyFile, check: null, log: logger,
  });
  try {
    await webhook.start();
  } catch (err) {
    process.stderr.write(`skipjack-webhook: ${(err as Error).message}\n`);
    return 1;
  }
  const stop = (): void => {
    logger.info('shutting down');
    void webhook.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return 0;
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2));
  if (code !== 0) process.exit(code);
}
