/**
 * Per-Ingress HTTPS redirect state (annotations `zalando.org/skipper-ingress-redirect` and
 * `…-redirect-code` against the global `-kubernetes-https-redirect`), and which hosts' catch-all routes
 * need redirect twins.
 */
import type { KubeLogEntry } from './types.ts';

export const redirectAnnotation = 'zalando.org/skipper-ingress-redirect';
export const redirectCodeAnnotation = 'zalando.org/skipper-ingress-redirect-code';

/** Shared by all Ingresses of one conversion; {@link initCurrent} switches it to the next Ingress. */
export class RedirectInfo {
  readonly defaultEnabled: boolean;
  readonly defaultCode: number;
  enable = false;
  disable = false;
  override = false;
  code: number;
  /** Hosts whose catch-all route gets a redirect twin, with the code. */
  readonly setHostCode = new Map<string, number>();
  /** Hosts whose catch-all route gets a disable-redirect twin. */
  readonly disableHost = new Set<string>();

  constructor(defaultEnabled: boolean, defaultCode: number) {
    this.defaultEnabled = defaultEnabled;
    this.defaultCode = defaultCode;
    this.code = defaultCode;
  }

  initCurrent(annotations: Readonly<Record<string, string>>, log: (level: KubeLogEntry['level'], msg: string) => void): void {
    const v = Object.hasOwn(annotations, redirectAnnotation) ? annotations[redirectAnnotation] : undefined;
    this.enable = !this.defaultEnabled && v === 'true';
    this.disable = this.defaultEnabled && v === 'false';
    this.code = this.defaultCode;
    if (Object.hasOwn(annotations, redirectCodeAnnotation)) {
      const text = annotations[redirectCodeAnnotation];
      // Go's strconv.Atoi: optional sign and decimal digits only; 3xx codes only.
      const code = /^[+-]?[0-9]+$/.test(text) ? Number(text) : NaN;
      if (Number.isNaN(code) || code < 300 || code >= 400) {
        // Go's log.Error(a, b) joins with fmt.Sprint, which puts no space after a string operand.
        log('error', `invalid redirect code annotation:${Number.isNaN(code) ? `strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax` : text}`);
      } else {
        this.code = code;
      }
    }
    this.override = this.defaultEnabled && !this.disable && this.code !== this.defaultCode;
  }

  setHost(host: string): void {
    this.setHostCode.set(host, this.code);
  }

  setHostDisabled(host: string): void {
    this.disableHost.add(host);
  }

  /** Extra routes of an Ingress inherit its redirect setting for their host. */
  updateHost(host: string): void {
    if (this.enable || this.override) this.setHost(host);
    if (this.disable) this.setHostDisabled(host);
  }
}
