#!/usr/bin/env -S node --max-semi-space-size=2
// A smaller young generation (2 MB semi-spaces) collects the short-lived socket read buffers of streamed bodies
// sooner: the peak RSS while streaming 1 GiB each way drops from 180–205 MB to 171–179 MB, for a few µs of CPU per
// request (1 MB semi-spaces: 138–153 MB but ~35 % more CPU per request; see docs/performance-proxy.md). V8 reads this
// flag only at start-up, so it sits here and in every launcher (npm start, deploy/Dockerfile); workers inherit it.
/** The `skipjack` command: Skipper's flags in, an HTTP router and reverse proxy out. See docs/reference/flags.md. */
import { main } from '../main.ts';

await main(process.argv.slice(2));
