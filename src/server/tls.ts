/**
 * HTTPS certificates for -address: the -tls-cert/-tls-key pairs and, with -kubernetes-enable-tls, the
 * certificates from Secrets named in Ingress/RouteGroup tls sections (replaced on every conversion). The
 * certificate is chosen by SNI: Kubernetes certificates by their tls hosts first, then the first static pair
 * whose certificate names the host (exact or one-label wildcard), then the first static pair.
 */
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';
import { SkipjackError } from '../errors.ts';

/** A certificate with the host names it serves. PEM text or bytes. */
export interface NamedCertificate {
  hosts: string[];
  cert: string | Buffer;
  key: string | Buffer;
}

export interface TlsSettings {
  cert?: Buffer;
  key?: Buffer;
  SNICallback: (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void) => void;
}

interface Entry {
  names: string[];
  ctx: SecureContext;
}

function dnsNames(cert: string | Buffer): string[] {
  const x = new X509Certificate(cert);
  const names = (x.subjectAltName ?? '').split(',').map((s) => s.trim()).filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4).toLowerCase());
  const cn = /CN=([^\n,]+)/.exec(x.subject)?.[1];
  return names.length > 0 ? names : cn !== undefined ? [cn.toLowerCase()] : [];
}

export function matchesName(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  if (!pattern.startsWith('*.')) return false;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === pattern.slice(2);
}

function find(entries: readonly Entry[], host: string): Entry | undefined {
  return entries.find((e) => e.names.some((n) => matchesName(n, host)));
}

export class CertificateStore {
  readonly #static: Entry[] = [];
  #dynamic: Entry[] = [];
  #default: { cert: Buffer; key: Buffer } | undefined;

  /** Throws a SkipjackError naming the file when a -tls-cert/-tls-key pair cannot be used. */
  constructor(certFiles: readonly string[] = [], keyFiles: readonly string[] = []) {
    const read = (f: string, flag: string): Buffer => {
      try {
        return readFileSync(f);
      } catch (err) {
        throw new SkipjackError('SKJ_ERR_CONFIG_FLAG', `-${flag}: cannot read ${f}: ${(err as NodeJS.ErrnoException).code ?? err}`);
      }
    };
    certFiles.forEach((certFile, i) => {
      const cert = read(certFile, 'tls-cert');
      const key = read(keyFiles[i]!, 'tls-key');
      try {
        this.#static.push({ names: dnsNames(cert), ctx: createSecureContext({ cert, key }) });
      } catch (err) {
        throw new SkipjackError('SKJ_ERR_CONFIG_FLAG', `-tls-cert/-tls-key: ${certFile} and ${keyFiles[i]} do not form a usable pair: ${(err as Error).message}`);
      }
      this.#default ??= { cert, key };
    });
  }

  /** Replaces the dynamic certificates; an unusable one is skipped and reported through onError. */
  setDynamic(certs: readonly NamedCertificate[], onError: (err: Error, c: NamedCertificate) => void = () => {}): void {
    const next: Entry[] = [];
    for (const c of certs) {
      try {
        next.push({ names: c.hosts.map((h) => h.toLowerCase()), ctx: createSecureContext({ cert: c.cert, key: c.key }) });
      } catch (err) {
        onError(err as Error, c);
      }
    }
    this.#dynamic = next;
  }

  settings(): TlsSettings {
    return {
      ...this.#default,
      SNICallback: (servername, cb) => {
        const host = servername.toLowerCase();
        const hit = find(this.#dynamic, host) ?? find(this.#static, host) ?? this.#static[0];
        if (hit === undefined) cb(new Error(`no certificate for ${servername}`));
        else cb(null, hit.ctx);
      },
    };
  }
}
