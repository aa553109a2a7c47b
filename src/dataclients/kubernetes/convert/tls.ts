/**
 * TLS certificates from `kubernetes.io/tls` Secrets referenced by Ingress/RouteGroup `tls` sections
 * (`-kubernetes-enable-tls`): validated as Skipper's certificate registry does, served by SNI.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { KubeObject, TLSCertificate } from './types.ts';

const tlsSecretType = 'kubernetes.io/tls';

/** Go's strict base64.StdEncoding (line breaks are ignored, nothing else is). */
function decodeBase64Strict(s: string): string | undefined {
  const t = s.replace(/[\r\n]/g, '');
  if (t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(t)) return undefined;
  return Buffer.from(t, 'base64').toString('utf8');
}

/**
 * The PEM pair of a TLS Secret for the given hosts, or an Error with Skipper's message when the Secret lacks
 * data, does not decode, does not hold a matching certificate and key, or has the wrong type.
 */
export function certificateFromSecret(secret: KubeObject, hosts: string[]): TLSCertificate | Error {
  const name = secret.metadata.name;
  const data = secret.data !== null && typeof secret.data === 'object' ? secret.data : {};
  const crtText = typeof data['tls.crt'] === 'string' ? data['tls.crt'] : '';
  const keyText = typeof data['tls.key'] === 'string' ? data['tls.key'] : '';
  if (crtText === '' || keyText === '') return new Error('secret must contain tls.crt and tls.key in data field');
  const cert = decodeBase64Strict(crtText);
  if (cert === undefined) return new Error(`failed to decode tls.crt from secret ${name}`);
  const key = decodeBase64Strict(keyText);
  if (key === undefined) return new Error(`failed to decode tls.key from secret ${name}`);
  try {
    const x509 = new X509Certificate(cert);
    if (!x509.checkPrivateKey(createPrivateKey(key))) throw new Error('key does not match certificate');
  } catch {
    return new Error(`failed to create tls certificate from secret ${name}`);
  }
  if (secret.type !== tlsSecretType) return new Error(`secret ${name} is not of type ${tlsSecretType}`);
  return { hosts, secretNamespace: secret.metadata.namespace, secretName: name, cert, key };
}

/** Go's `%s` of a []string: `[a b]`. */
export function goStringList(l: readonly string[]): string {
  return `[${l.join(' ')}]`;
}

/** The TLS hosts that also appear among the rule hosts, in Skipper's (reversed) order. */
export function matchingTLSHosts(tlsHosts: readonly string[], ruleHosts: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = tlsHosts.length - 1; i >= 0; i--) if (ruleHosts.includes(tlsHosts[i])) out.push(tlsHosts[i]);
  return out;
}
