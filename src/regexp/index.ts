/** Go RE2 expressions, as eskip routes and filter arguments carry them, compiled to linear-time RegExps. */
export { compileRegexp, linearRegexp, translateRe2 } from './regexp.ts';
export { Re2RegExp } from './re2-regexp.ts';
export { backtrackingSafe } from './regexp-safety.ts';
export { foldAsciiCase } from './case-fold.ts';
