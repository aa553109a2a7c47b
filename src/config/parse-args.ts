/**
 * Command-line parsing with the rules of Go's flag package, which Skipper uses: one or two leading dashes,
 * `-flag=value` or `-flag value`, booleans as `-flag` or `-flag=false` (never `-flag false`), `--` ends
 * the flags. Unlike Go, a positional argument is an error instead of silently stopping the parse.
 */
import type { FlagDef } from './flag-types.ts';
import { ConfigError, HelpRequested } from './errors.ts';
import { flagsByName, type ConfigKey } from './table.ts';

/** One parsed occurrence, in command-line order. */
export interface FlagOccurrence {
  key: ConfigKey;
  def: FlagDef<unknown>;
  raw: string;
}

export function parseArgs(argv: readonly string[]): FlagOccurrence[] {
  const out: FlagOccurrence[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      if (i + 1 < argv.length) throw new ConfigError(`unexpected argument "${argv[i + 1]}"`);
      break;
    }
    if (!arg.startsWith('-') || arg === '-') throw new ConfigError(`unexpected argument "${arg}"`);
    const body = arg.startsWith('--') ? arg.slice(2) : arg.slice(1);
    if (body === '' || body.startsWith('-') || body.startsWith('=')) throw new ConfigError(`bad flag syntax: ${arg}`);
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const entry = flagsByName.get(name);
    if (entry === undefined && (name === 'h' || name === 'help')) throw new HelpRequested();
    if (entry === undefined) throw new ConfigError(`flag provided but not defined: -${name}`);
    let raw: string;
    if (eq >= 0) raw = body.slice(eq + 1);
    else if (entry.def.kind === 'bool') raw = 'true';
    else if (i + 1 < argv.length) raw = argv[++i]!;
    else throw new ConfigError(`flag needs an argument: -${name}`);
    out.push({ key: entry.key, def: entry.def, raw });
  }
  return out;
}
