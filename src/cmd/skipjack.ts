#!/usr/bin/env node
/** The `skipjack` command: Skipper's flags in, an HTTP router and reverse proxy out. See docs/reference/flags.md. */
import { main } from '../main.ts';

await main(process.argv.slice(2));
