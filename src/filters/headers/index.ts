/** Header filters: set, append, drop, copy, modify request and response headers; Host, CORS, flow ids, X-Forwarded-*. */
import type { FilterSpec } from '../../routing/filter-contract.ts';
import {
  appendContextRequestHeader, appendContextResponseHeader, setContextRequestHeader, setContextResponseHeader,
} from './context-header.ts';
import { copyRequestHeader, copyResponseHeader } from './copy-header.ts';
import { corsOrigin } from './cors-origin.ts';
import {
  dropRequestHeader, dropRequestHeaderRegexp, dropRequestHeaderValueRegexp, dropResponseHeader,
  dropResponseHeaderRegexp, dropResponseHeaderValueRegexp,
} from './drop-header.ts';
import { flowId } from './flow-id.ts';
import { modRequestHeader, modResponseHeader } from './mod-header.ts';
import { preserveHost } from './preserve-host.ts';
import { appendRequestHeader, appendResponseHeader, setRequestHeader, setResponseHeader } from './set-header.ts';
import { xforward, xforwardFirst } from './xforward.ts';

export { FLOW_ID_HEADER, isValidFlowId, newFlowId } from './flow-id.ts';

/** The header family; it needs nothing from the process. */
export function headerFilters(): FilterSpec[] {
  return [
    setRequestHeader, appendRequestHeader, setResponseHeader, appendResponseHeader,
    dropRequestHeader, dropResponseHeader, dropRequestHeaderValueRegexp, dropResponseHeaderValueRegexp,
    dropRequestHeaderRegexp, dropResponseHeaderRegexp,
    setContextRequestHeader, appendContextRequestHeader, setContextResponseHeader, appendContextResponseHeader,
    copyRequestHeader, copyResponseHeader, modRequestHeader, modResponseHeader,
    preserveHost, corsOrigin, flowId, xforward, xforwardFirst,
  ];
}
