#!/usr/bin/env -S node --max-semi-space-size=8 --no-memory-reducer
/** The `skipjack` command: Skipper's flags in, an HTTP router and reverse proxy out. See docs/reference/flags.md. */
import { applyRuntimeFlags } from '../lifecycle/index.ts';
import { main } from '../main.ts';

// The shebang carries src/lifecycle/node-flags.ts's startFlags (checked by test/cmd/node-flags.test.ts); the runtime flags
// are set here, before the first request.
applyRuntimeFlags();

await main(process.argv.slice(2));
