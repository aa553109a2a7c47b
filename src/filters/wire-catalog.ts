/** Filters whose effect shows on the wire: timing, bodies, compression, shadow traffic. */
import type { FilterSpec } from './types.ts';
import { backendLatency, latency } from './latency.ts';
import { backendBandwidth, bandwidth } from './bandwidth.ts';
import { backendChunks, chunks } from './chunks.ts';
import { randomContent } from './random-content.ts';
import { repeatContent } from './repeat-content.ts';
import { wrapContent } from './wrap-content.ts';
import { tarpit } from './tarpit.ts';
import { compress } from './compress.ts';
import { decompress } from './decompress.ts';
import { logHeader } from './log-header.ts';
import { logBody } from './log-body.ts';
import { absorb, absorbSilent } from './absorb.ts';
import { tee, teenf } from './tee.ts';
import { teeLoopback } from './tee-loopback.ts';

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
