/**
 * The validation webhook server: HTTPS on -validation-webhook-address with Skipper's paths (/routegroups,
 * /ingresses, /healthz), run as a Service beside the proxy. Certificate and key are read at start, so a
 * bad file fails start-up naming the flag.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Service } from '../lifecycle/index.ts';
import { ConfigError } from '../config/errors.ts';
import { listenOn, urlOf } from '../server/address.ts';
import { admissionHandler, type AdmissionOutcome } from './admission.ts';
import { ingressValidator, routeGroupValidator, type RouteChecker } from './object-validators.ts';

export interface WebhookOptions {
  address: string;
  /** Both empty: plain HTTP, for local testing only (skipjack-webhook without certificates, as Skipper's). */
  certFile: string;
  keyFile: string;
  /** Set with -enable-advanced-validation: compiles routes as the proxy would. */
  check: RouteChecker | null;
  log: { info(m: string): void; warn(m: string): void; debug(m: string): void };
}

function readPem(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ConfigError(`-${flag}: cannot read ${file}: ${(err as Error).message}`);
  }
}

function report(log: WebhookOptions['log']) {
  return (o: AdmissionOutcome): void => {
    const who = `${o.admitter} ${o.operation ?? ''} ${o.namespace ?? ''}/${o.name ?? '<unknown>'}`.replace(/\s+/g, ' ');
    if (o.allowed === null) log.warn(`validation webhook: bad ${o.admitter} admission request: ${o.reason}`);
    else if (o.allowed) log.debug(`validation webhook: allowed ${who}`);
    else log.info(`validation webhook: rejected ${who}: ${o.reason}`);
  };
}

/** The webhook as a Service; `url` is set once it listens. */
export class ValidationWebhook implements Service {
  readonly name = 'validation-webhook';
  url = '';
  private server: Server | null = null;
  private readonly o: WebhookOptions;
  constructor(o: WebhookOptions) {
    this.o = o;
  }

  async start(): Promise<void> {
    const plain = this.o.certFile === '' && this.o.keyFile === '';
    const cert = plain ? undefined : readPem('validation-webhook-cert-file', this.o.certFile);
    const key = plain ? undefined : readPem('validation-webhook-key-file', this.o.keyFile);
    const done = report(this.o.log);
    const routes = {
      '/routegroups': admissionHandler('routegroup', routeGroupValidator(this.o.check), done),
      '/ingresses': admissionHandler('ingress', ingressValidator(this.o.check), done),
    } as Record<string, ReturnType<typeof admissionHandler> | undefined>;
    let server: Server;
    try {
      // Skipper's read timeouts for the webhook: a minute for headers and for the whole request.
      const options = { cert, key, requestTimeout: 60_000, headersTimeout: 60_000 };
      const serve = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void => {
        const path = (req.url ?? '/').split('?')[0]!;
        const handle = routes[path];
        if (handle !== undefined) {
          handle(req, res).catch(() => res.headersSent ? res.destroy() : res.writeHead(500).end());
        } else if (path === '/healthz') {
          res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        } else {
          res.writeHead(404).end();
        }
      };
      // node:https's Server extends node:tls's, node:http's net's; both are net.Servers with the same surface here.
      server = plain ? (createHttpServer(options, serve) as unknown as Server) : createServer(options, serve);
    } catch (err) {
      throw new ConfigError(`-validation-webhook-cert-file/-validation-webhook-key-file: not a usable certificate and key: ${(err as Error).message}`);
    }
    server.on('clientError', (_err, socket) => socket.destroy());
    const bound = await listenOn(server, this.o.address);
    this.server = server;
    this.url = urlOf(bound, plain ? 'http' : 'https', this.o.address);
    this.o.log.info(`validation webhook listening on ${this.url}${this.o.check === null ? '' : ' with advanced validation'}`);
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (s === null) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeIdleConnections();
    });
  }

  ready(): boolean {
    return this.server !== null;
  }
}
