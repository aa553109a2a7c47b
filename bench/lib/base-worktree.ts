/**
 * The named alternative of a side-by-side benchmark: another commit of this repository checked out into a
 * temporary git worktree (node_modules linked from this checkout), removed when the process exits.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Checks `ref` of the repository at `root` out into a fresh temporary directory; returns its path. */
export function baseWorktree(root: string, ref: string, prefix = 'skj-base-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  rmSync(dir, { recursive: true });
  execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', dir, ref], { stdio: 'ignore' });
  process.on('exit', () => {
    try {
      execFileSync('git', ['-C', root, 'worktree', 'remove', '--force', dir], { stdio: 'ignore' });
    } catch {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}
