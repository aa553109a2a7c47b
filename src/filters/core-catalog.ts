/** Filters that work on headers, paths, queries, cookies, redirects and static content. */
import type { FilterSpec } from './types.ts';
import { status } from './status.ts';
import { comment } from './comment.ts';
import { annotate } from './annotate.ts';
import { appendRequestHeader, appendResponseHeader, setRequestHeader, setResponseHeader } from './set-header.ts';
import {
  dropRequestHeader, dropRequestHeaderRegexp, dropRequestHeaderValueRegexp, dropResponseHeader,
  dropResponseHeaderRegexp, dropResponseHeaderValueRegexp,
} from './drop-header.ts';
import {
  appendContextRequestHeader, appendContextResponseHeader, setContextRequestHeader, setContextResponseHeader,
} from './context-header.ts';
import { copyRequestHeader, copyResponseHeader } from './copy-header.ts';
import { modRequestHeader, modResponseHeader } from './mod-header.ts';
import { preserveHost } from './preserve-host.ts';
import { modPath, setPath } from './mod-path.ts';
import { redirectTo, redirectToLower } from './redirect.ts';
import { dropQuery, setQuery } from './query.ts';
import { stripQuery } from './strip-query.ts';
import { headerToQuery, queryToHeader } from './query-header.ts';
import { inlineContent, inlineContentIfStatus } from './inline-content.ts';
import { staticFilter } from './static.ts';
import { corsOrigin } from './cors-origin.ts';
import { jsCookie, requestCookie, responseCookie } from './cookie.ts';
import { dropRequestCookie, dropResponseCookie } from './drop-cookie.ts';
import { flowId } from './flow-id.ts';
import { xforward, xforwardFirst } from './xforward.ts';
import {
  setDynamicBackendHost, setDynamicBackendHostFromHeader, setDynamicBackendScheme, setDynamicBackendSchemeFromHeader,
  setDynamicBackendUrl, setDynamicBackendUrlFromHeader,
} from './dynamic-backend.ts';
import { consistentHashBalanceFactor, consistentHashKey } from './consistent-hash.ts';
import { backendTimeout, readTimeout, writeTimeout } from './timeouts.ts';
import { disableAccessLog, enableAccessLog } from './access-log.ts';

export const coreFilters: readonly FilterSpec[] = [
  status, comment, annotate,
  setRequestHeader, appendRequestHeader, setResponseHeader, appendResponseHeader,
  dropRequestHeader, dropResponseHeader, dropRequestHeaderValueRegexp, dropResponseHeaderValueRegexp,
  dropRequestHeaderRegexp, dropResponseHeaderRegexp,
  setContextRequestHeader, appendContextRequestHeader, setContextResponseHeader, appendContextResponseHeader,
  copyRequestHeader, copyResponseHeader,
  modRequestHeader, modResponseHeader,
  preserveHost, modPath, setPath, redirectTo, redirectToLower,
  setQuery, dropQuery, stripQuery, queryToHeader, headerToQuery,
  inlineContent, inlineContentIfStatus, staticFilter, corsOrigin,
  requestCookie, responseCookie, jsCookie, dropRequestCookie, dropResponseCookie,
  flowId, xforward, xforwardFirst,
  setDynamicBackendUrl, setDynamicBackendHost, setDynamicBackendScheme,
  setDynamicBackendUrlFromHeader, setDynamicBackendHostFromHeader, setDynamicBackendSchemeFromHeader,
  consistentHashKey, consistentHashBalanceFactor, backendTimeout, readTimeout, writeTimeout,
  disableAccessLog, enableAccessLog,
];
