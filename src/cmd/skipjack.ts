#!/usr/bin/env -S node --max-semi-space-size=1
// The small young generation (1 MB semi-spaces) collects the short-lived socket read buffers of streamed bodies
// sooner: the peak RSS while streaming 1 GiB each way drops from about 182 MB to about 153 MB. V8 reads this flag
// only at start-up, so it sits here and in every launcher (npm start, deploy/Dockerfile); workers inherit it.
/** The `skipjack` command: Skipper's flags in, an HTTP router and reverse proxy out. See docs/reference/flags.md. */
import { main } from '../main.ts';

await main(process.argv.slice(2));
