/**
 * The one place where request-time failures become HTTP responses. Everything the proxy cannot answer
 * normally is a ProxyError carrying a catalogue code; `errorStatus` and `errorBody` turn it into a status and
 * a short text body, and `classifyUpstreamError` turns undici/socket errors into ProxyErrors.
 */
import { ErrorCodes, SkipjackError, type ErrorCode } from '../errors.ts';

/** Why a request failed, and whether another endpoint may be tried. */
export class ProxyError extends SkipjackError {
  /**
   * 'connect': nothing reached the backend (refused, DNS, TLS, connect timeout); always safe to retry.
   * 'reset': the connection broke after it was established; safe to retry only for idempotent requests.
   */
  readonly phase: 'connect' | 'reset' | 'other';
  /** Set when the client went away; nothing can be answered. */
  readonly clientGone: boolean;
  /** The status chosen by whoever refused (a backend guard); absent: the catalogue's status for the code. */
  readonly status: number | undefined;
  /** Extra response headers (X-Circuit-Open, Retry-After). */
  readonly headers: Readonly<Record<string, string>> | undefined;
  constructor(code: ErrorCode, message: string, opts: {
    phase?: ProxyError['phase']; clientGone?: boolean; cause?: unknown; status?: number; headers?: Readonly<Record<string, string>>;
  } = {}) {
    super(code, message, { cause: opts.cause });
    this.name = 'ProxyError';
    this.phase = opts.phase ?? 'other';
    this.clientGone = opts.clientGone ?? false;
    this.status = opts.status;
    this.headers = opts.headers;
  }
}

const STATUS: Readonly<Partial<Record<ErrorCode, number>>> = {
  SKJ_ERR_PROXY_NO_ROUTE: 404,
  SKJ_ERR_PROXY_BAD_REQUEST: 400,
  SKJ_ERR_PROXY_NOT_IMPLEMENTED: 501,
  SKJ_ERR_PROXY_HTTP_VERSION: 505,
  SKJ_ERR_PROXY_FILTER_FAILED: 500,
  SKJ_ERR_PROXY_MAX_LOOPBACKS: 500,
  SKJ_ERR_ROUTE_INVALID_BACKEND: 500,
  SKJ_ERR_PROXY_BACKEND_CONNECT: 502,
  SKJ_ERR_PROXY_NO_ENDPOINTS: 503,
  SKJ_ERR_PROXY_BREAKER_OPEN: 503,
  SKJ_ERR_PROXY_BACKEND_RATELIMITED: 503,
  SKJ_ERR_PROXY_GUARD_FAILED: 500,
  SKJ_ERR_PROXY_BACKEND_TIMEOUT: 504,
};

const TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  404: 'Not Found',
  429: 'Too Many Requests',
  499: 'Client Closed Request',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
};

/** The status a failure is answered with; 499 (nginx's, as Skipper logs it) when the client went away. */
export function errorStatus(err: unknown): number {
  if (err instanceof ProxyError) {
    if (err.clientGone) return 499;
    if (err.status !== undefined) return err.status;
  }
  if (err instanceof SkipjackError) return STATUS[err.code] ?? 500;
  return 500;
}

/** The short text body for a status, newline-terminated as Skipper's. */
export function errorBody(status: number): string {
  return `${TEXT[status] ?? 'Error'}\n`;
}

/** The catalogue code of a failure, for logs and the backend observer. */
export function errorCode(err: unknown): ErrorCode {
  return err instanceof SkipjackError ? err.code : ErrorCodes.SKJ_ERR_PROXY_FILTER_FAILED;
}

// Errors raised before any byte of the request could reach the backend.
const CONNECT_CODES = new Set([
  'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT', 'EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** Maps an upstream round-trip failure to a ProxyError. */
export function classifyUpstreamError(err: unknown, backend: string): ProxyError {
  if (err instanceof ProxyError) return err;
  const code = (err as { code?: string } | null)?.code ?? '';
  const msg = (err as Error | null)?.message ?? String(err);
  if (CONNECT_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return new ProxyError('SKJ_ERR_PROXY_BACKEND_CONNECT', `cannot connect to ${backend}: ${code} ${msg}`, { phase: 'connect', cause: err });
  }
  if (TIMEOUT_CODES.has(code)) {
    return new ProxyError('SKJ_ERR_PROXY_BACKEND_TIMEOUT', `backend ${backend} timed out: ${code}`, { cause: err });
  }
  if (code === 'UND_ERR_INVALID_ARG') {
    // node:http validated what the client sent, so an invalid upstream request comes from a filter.
    return new ProxyError('SKJ_ERR_PROXY_FILTER_FAILED', `invalid request for ${backend}: ${msg}`, { cause: err });
  }
  if (RESET_CODES.has(code)) {
    return new ProxyError('SKJ_ERR_PROXY_BACKEND_CONNECT', `connection to ${backend} broke: ${code} ${msg}`, { phase: 'reset', cause: err });
  }
  return new ProxyError('SKJ_ERR_PROXY_BACKEND_CONNECT', `error calling ${backend}: ${code} ${msg}`, { cause: err });
}

/** The backend deadline (backendTimeout filter) passed. */
export function backendTimeout(backend: string, ms: number): ProxyError {
  return new ProxyError('SKJ_ERR_PROXY_BACKEND_TIMEOUT', `backend ${backend} did not answer within ${ms} ms`);
}

/** The listener's write timeout cut the response before the backend answered: the backend's failure. */
export function writeTimedOut(ms: number): ProxyError {
  return new ProxyError('SKJ_ERR_PROXY_BACKEND_TIMEOUT', `no response within the server write timeout (${ms} ms)`);
}

/** The client closed the connection; used as the abort reason of the upstream request. */
export function clientGone(): ProxyError {
  return new ProxyError('SKJ_ERR_PROXY_BAD_REQUEST', 'client closed the connection', { clientGone: true });
}

/** The answer to a refusal by a backend guard; a code outside the catalogue is reported as GUARD_FAILED. */
export function refused(r: { code: string; status: number; reason: string; headers?: Readonly<Record<string, string>> }, backend: string): ProxyError {
  const code = (r.code in ErrorCodes ? r.code : 'SKJ_ERR_PROXY_GUARD_FAILED') as ErrorCode;
  return new ProxyError(code, `attempt to ${backend} refused: ${r.reason}`, { status: r.status, headers: r.headers });
}
