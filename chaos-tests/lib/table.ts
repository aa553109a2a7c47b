/** Tables of measured values against targets, printed by every scenario; a missed target fails the run. */

export interface Row {
  scenario: string;
  measure: string;
  measured: string;
  target: string;
  /** undefined: informational (no target to hold). */
  ok?: boolean;
}

/** Rows collected in this process, for the summary and for docs/performance.md. */
export const allRows: Row[] = [];

export function row(scenario: string, measure: string, measured: string | number, target: string, ok?: boolean): Row {
  const r: Row = { scenario, measure, measured: String(measured), target, ok };
  allRows.push(r);
  return r;
}

function mark(ok: boolean | undefined): string {
  return ok === undefined ? '' : ok ? 'ok' : 'MISSED';
}

/** A Markdown table (renders as text in a terminal and pastes into docs unchanged). */
export function formatTable(rows: readonly Row[]): string {
  const head = ['scenario', 'measure', 'measured', 'target', ''];
  const body = rows.map((r) => [r.scenario, r.measure, r.measured, r.target, mark(r.ok)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

export function printTable(title: string, rows: readonly Row[]): void {
  console.log(`\n### ${title}\n\n${formatTable(rows)}\n`);
}

/** Nearest-rank percentile of `xs` (0 when empty). */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
