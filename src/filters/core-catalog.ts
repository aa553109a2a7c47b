/** Filters that work on headers, paths, queries, cookies, redirects and static content. */
import type { FilterSpec } from '../routing/filter-contract.ts';
import { status } from './content/status.ts';
import { comment } from './diagnostics/comment.ts';
import { annotate } from './diagnostics/annotate.ts';
import { appendRequestHeader, appendResponseHeader, setRequestHeader, setResponseHeader } from './headers/set-header.ts';
import {
  dropRequestHeader, dropRequestHeaderRegexp, dropRequestHeaderValueRegexp, dropResponseHeader,
  dropResponseHeaderRegexp, dropResponseHeaderValueRegexp,
} from './headers/drop-header.ts';
import {
  appendContextRequestHeader, appendContextResponseHeader, setContextRequestHeader, setContextResponseHeader,
} from './headers/context-header.ts';
import { copyRequestHeader, copyResponseHeader } from './headers/copy-header.ts';
import { modRequestHeader, modResponseHeader } from './headers/mod-header.ts';
import { preserveHost } from './headers/preserve-host.ts';
import { modPath, setPath } from './path/mod-path.ts';
import { redirectTo, redirectToLower } from './path/redirect.ts';
import { dropQuery, setQuery } from './path/query.ts';
import { stripQuery } from './path/strip-query.ts';
import { headerToQuery, queryToHeader } from './path/query-header.ts';
import { inlineContent, inlineContentIfStatus } from './content/inline-content.ts';
import { staticFilter } from './content/static.ts';
import { corsOrigin } from './headers/cors-origin.ts';
import { jsCookie, requestCookie, responseCookie } from './cookies/cookie.ts';
import { dropRequestCookie, dropResponseCookie } from './cookies/drop-cookie.ts';
import { flowId } from './headers/flow-id.ts';
import { xforward, xforwardFirst } from './headers/xforward.ts';
import {
  setDynamicBackendHost, setDynamicBackendHostFromHeader, setDynamicBackendScheme, setDynamicBackendSchemeFromHeader,
  setDynamicBackendUrl, setDynamicBackendUrlFromHeader,
} from './backend/dynamic-backend.ts';
import { consistentHashBalanceFactor, consistentHashKey } from './lb/consistent-hash.ts';
import { backendTimeout, readTimeout, writeTimeout } from './timeouts/timeouts.ts';
import { disableAccessLog, enableAccessLog } from './diagnostics/access-log.ts';

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
