#!/usr/bin/env node
/** The `skipjack` command: Skipper's flags in, an HTTP router and reverse proxy out. See docs/reference/flags.md. */
import { setFlagsFromString } from 'node:v8';
import { main } from '../main.ts';

// V8 moves an allocation site to the old generation when its objects survived the first scavenges, which
// under load at start-up are tiny and full of in-flight requests. A pretenured per-request object then keeps
// every young object it points to alive through the next scavenges: in about one start of three, 15-20 MB
// survived each scavenge, with 12-20 ms pauses and twice the p99 latency for the whole life of the process
// (docs/performance-proxy.md). Set before the first request, so before any such decision; workers run this too.
setFlagsFromString('--no-allocation-site-pretenuring');
// Route regexps come from route authors, the strings they run on from clients. Route and annotation
// expressions are linear by construction (src/predicates/regexp.ts: V8 only for a provably safe class, RE2
// otherwise); this flag is a second line for the few operator-given expressions that still run on V8 (e.g.
// -kubernetes-ingress-class): a match exceeding 50,000 backtracks is re-run on V8's linear-time engine.
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

await main(process.argv.slice(2));
