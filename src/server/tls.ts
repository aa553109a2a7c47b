/**
 * HTTPS settings from -tls-cert/-tls-key. With several pairs the certificate is chosen by SNI: the first pair
 * whose certificate names the requested host (exact or one-label wildcard) wins, the first pair otherwise.
 */
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';
import { SkipjackError } from '../errors.ts';

export interface TlsSettings {
  cert: Buffer;
  key: Buffer;
  SNICallback?: (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void) => void;
}

interface Pair {
  names: string[];
  ctx: SecureContext;
}

function dnsNames(cert: Buffer): string[] {
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

export function loadTls(certFiles: readonly string[], keyFiles: readonly string[]): TlsSettings {
  const read = (f: string, flag: string): Buffer => {
    try {
      return readFileSync(f);
    } catch (err) {
      throw new SkipjackError('SKJ_ERR_CONFIG_FLAG', `-${flag}: cannot read ${f}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
  };
  const pairs = certFiles.map((certFile, i) => {
    const cert = read(certFile, 'tls-cert');
    const key = read(keyFiles[i]!, 'tls-key');
    let ctx: SecureContext;
    try {
      ctx = createSecureContext({ cert, key });
    } catch (err) {
      throw new SkipjackError('SKJ_ERR_CONFIG_FLAG', `-tls-cert/-tls-key: ${certFile} and ${keyFiles[i]} do not form a usable pair: ${(err as Error).message}`);
    }
    return { cert, key, pair: { names: dnsNames(cert), ctx } satisfies Pair };
  });
  const first = pairs[0]!;
  if (pairs.length === 1) return { cert: first.cert, key: first.key };
  return {
    cert: first.cert,
    key: first.key,
    SNICallback(servername, cb) {
      const host = servername.toLowerCase();
      const hit = pairs.find((p) => p.pair.names.some((n) => matchesName(n, host))) ?? first;
      cb(null, hit.pair.ctx);
    },
  };
}
