/** Diagnostics filters: comments and annotations, access-log switches, logging, and slowing or shaping traffic. */
import type { FilterSpec } from '../../routing/filter-contract.ts';
import { absorb, absorbSilent } from './absorb.ts';
import { disableAccessLog, enableAccessLog } from './access-log.ts';
import { annotate } from './annotate.ts';
import { backendBandwidth, bandwidth } from './bandwidth.ts';
import { backendChunks, chunks } from './chunks.ts';
import { comment } from './comment.ts';
import { backendLatency, latency } from './latency.ts';
import { logBody } from './log-body.ts';
import { logHeader } from './log-header.ts';
import { tarpit } from './tarpit.ts';

export { ACCESS_LOG_STATE_KEY, accessLogWanted } from './access-log.ts';

/** The diagnostics family; it needs nothing from the process. */
export function diagnosticsFilters(): FilterSpec[] {
  return [
    comment, annotate, disableAccessLog, enableAccessLog,
    latency, backendLatency, bandwidth, backendBandwidth, chunks, backendChunks, tarpit,
    logHeader, logBody, absorb, absorbSilent,
  ];
}
