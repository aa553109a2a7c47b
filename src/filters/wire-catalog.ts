/** Filters whose effect shows on the wire: timing, bodies, compression, shadow traffic. */
import type { FilterSpec } from '../routing/filter-contract.ts';
import { backendLatency, latency } from './diagnostics/latency.ts';
import { backendBandwidth, bandwidth } from './diagnostics/bandwidth.ts';
import { backendChunks, chunks } from './diagnostics/chunks.ts';
import { randomContent } from './content/random-content.ts';
import { repeatContent } from './content/repeat-content.ts';
import { wrapContent } from './content/wrap-content.ts';
import { tarpit } from './diagnostics/tarpit.ts';
import { compress } from './content/compress.ts';
import { decompress } from './content/decompress.ts';
import { logHeader } from './diagnostics/log-header.ts';
import { logBody } from './diagnostics/log-body.ts';
import { absorb, absorbSilent } from './diagnostics/absorb.ts';
import { tee, teenf } from './shadow/tee.ts';
import { teeLoopback } from './shadow/tee-loopback.ts';

export const wireFilters: readonly FilterSpec[] = [
  latency,
  backendLatency,
  bandwidth,
  backendBandwidth,
  chunks,
  backendChunks,
  randomContent,
  repeatContent,
  wrapContent,
  tarpit,
  compress,
  decompress,
  logHeader,
  logBody,
  absorb,
  absorbSilent,
  tee,
  teenf,
  teeLoopback,
];
