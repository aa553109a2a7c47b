/**
 * Skipper's wording for eskip syntax errors in RouteGroup filters and predicates.
 *
 * Skipper's yacc parser reports `parse failed after token <last token>, position <offset>: syntax error`,
 * and the route group validation logs that text verbatim; operators grep for it, and the conformance
 * fixtures match it. Our parser reports line:col and a reason instead, so this maps one to the other.
 */
import { EskipParseError } from '../../../eskip/index.ts';
import { tokenize, type Token } from '../../../eskip/index.ts';

function offsetOf(text: string, line: number, col: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return Math.min(text.length, off + col - 1);
}

function tryTokenize(text: string): Token[] | null {
  try {
    return tokenize(text).filter((t) => t.kind !== 'eof');
  } catch {
    return null;
  }
}

/** Source end of token `i`: where the next token starts, less the whitespace before it. */
function tokenEnd(text: string, tokens: Token[], i: number): number {
  let end = i + 1 < tokens.length ? tokens[i + 1]!.offset : text.length;
  while (end > tokens[i]!.offset && /\s/.test(text[end - 1]!)) end--;
  return end;
}

/**
 * The message Skipper would give for `text`, which failed to parse with `err`. Errors that are not eskip
 * parse errors keep their own message.
 */
export function skipperParseErrorText(text: string, err: unknown): string {
  if (!(err instanceof EskipParseError)) return err instanceof Error ? err.message : String(err);
  const at = offsetOf(text, err.line, err.col);
  const all = tryTokenize(text);
  if (all !== null) {
    // A grammar error: Skipper has already read the offending token when it gives up.
    let i = all.findIndex((t) => t.offset >= at);
    if (i < 0) i = all.length - 1;
    if (i < 0) return `parse failed after token , position 0: syntax error`;
    return `parse failed after token ${all[i]!.value}, position ${tokenEnd(text, all, i)}: syntax error`;
  }
  // A lexer error: the last token read is the one before the bad character.
  const before = tryTokenize(text.slice(0, at)) ?? [];
  const last = before.length > 0 ? before[before.length - 1]!.value : '';
  return `parse failed after token ${last}, position ${at}: syntax error`;
}
