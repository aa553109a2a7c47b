/** Go RE2 expressions, as eskip routes and filter arguments carry them, compiled to JavaScript RegExps. */
export { compileRegexp, translateRe2 } from './regexp.ts';
export { foldAsciiCase } from './case-fold.ts';
