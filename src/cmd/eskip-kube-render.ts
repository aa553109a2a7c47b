/**
 * `skipjack-eskip kube-render [-kubernetes-… flags] FILE.yaml…`: prints the routes that skipjack, started
 * with the same flags, would serve for these manifests (same conversion as the live data client; the flags'
 * defaults apply, so the health-check and HTTPS-redirect routes appear unless switched off). `-` reads stdin.
 * Conversion problems are logged to stderr as logrus lines. Exit codes: 0 rendered, 1 unreadable input,
 * 2 usage errors.
 */
import { readFile } from 'node:fs/promises';
import { loadConfig } from '../config/load.ts';
import { flagsByName } from '../config/table.ts';
import { convertClusterState } from '../dataclients/kubernetes/convert/index.ts';
import type { KubeObject } from '../dataclients/kubernetes/convert/index.ts';
import { kubeOptionsFromConfig } from '../dataclients/kubernetes/from-config.ts';
import { convertState } from '../dataclients/kubernetes/load.ts';
import { formatLogrus } from '../dataclients/kubernetes/log.ts';
import { loadManifests } from '../dataclients/kubernetes/manifests.ts';
import { stateFromObjects } from '../dataclients/kubernetes/static-state.ts';
import { print } from '../eskip/index.ts';

export interface RenderIO {
  out: (s: string) => void;
  err: (s: string) => void;
  readStdin?: () => Promise<string>;
}

/** Splits flags (Go flag syntax, values possibly in the next argument) from the manifest files. */
function splitArgs(argv: string[]): { flags: string[]; files: string[] } {
  const flags: string[] = [];
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      files.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-' || !a.startsWith('-')) {
      files.push(a);
      continue;
    }
    flags.push(a);
    const name = a.replace(/^--?/, '');
    const def = flagsByName.get(name)?.def;
    if (def && def.kind !== 'bool' && i + 1 < argv.length) flags.push(argv[++i]!);
  }
  return { flags, files };
}

async function stdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Runs the subcommand; returns the exit code. */
export async function kubeRender(argv: string[], io: RenderIO = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }): Promise<number> {
  const { flags, files } = splitArgs(argv);
  if (files.length === 0) {
    io.err('usage: skipjack-eskip kube-render [-kubernetes-… flags] FILE.yaml…\n');
    return 2;
  }
  let opts;
  try {
    opts = kubeOptionsFromConfig(loadConfig(flags));
  } catch (err) {
    io.err(`skipjack-eskip kube-render: ${(err as Error).message}\n`);
    return 2;
  }
  const objects: KubeObject[] = [];
  for (const f of files) {
    try {
      const text = f === '-' ? await (io.readStdin ?? stdin)() : await readFile(f, 'utf8');
      objects.push(...loadManifests(text, f === '-' ? '<stdin>' : f));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      io.err(`skipjack-eskip kube-render: ${e.code === 'ENOENT' ? `${f}: no such file` : e.message}\n`);
      return 1;
    }
  }
  const { routes } = convertState(stateFromObjects(objects, opts), opts, (e) => io.err(formatLogrus(e) + '\n'), convertClusterState);
  const text = print(routes, { pretty: true });
  io.out(text.endsWith('\n') || text === '' ? text : text + '\n');
  return 0;
}
