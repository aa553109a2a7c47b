/**
 * Go RE2 patterns from `.log` and `.error` files as JavaScript RegExps. The syntaxes agree except where a
 * class opens with `]` (`[]]` is a literal `]` in RE2, an empty class in JS), `(?P<name>` groups and leading
 * `(?flags)`.
 */
export function goRegExp(pattern: string): RegExp {
  let flags = '';
  let src = pattern;
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    src = src.slice(lead[0].length);
    for (const f of lead[1]!) if ((f === 'i' || f === 's' || f === 'm') && !flags.includes(f)) flags += f;
  }
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      out += c + (src[i + 1] ?? '');
      i++;
    } else if (c === '[') {
      out += '[';
      if (src[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (src[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      // Copy the rest of the class; `[` inside a class is literal in both syntaxes.
      while (i + 1 < src.length && src[i + 1] !== ']') {
        i++;
        if (src[i] === '\\') {
          out += src[i]! + (src[i + 1] ?? '');
          i++;
        } else out += src[i] === '[' && src[i + 1] !== ':' ? '\\[' : src[i];
      }
    } else if (src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else out += c;
  }
  return new RegExp(out, flags);
}
