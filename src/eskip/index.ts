/** The eskip route language: parsing, printing, canonical form and equality. */
export type { Arg, BackendType, FilterCall, LBEndpoint, PredicateCall, RouteDef, SourcePos } from './ast.ts';
export { DocumentStream } from './document-stream.ts';
export { EskipParseError, checkDocument, parse, parseDocument, parseDocumentSliced, parseFilters, parsePredicates, type DocumentCheck, type DocumentParse, type ParseOptions } from './parse.ts';
export { ParseTables } from './tables.ts';
export { formatNumber, print, printBackend, printExpression, printFilters, printPredicates, printRoute, quote } from './print.ts';
export { canonical, diffLists, eqLists, eqRoute, routeDiff } from './eq.ts';
export { tokenize, type Token } from './lexer.ts';
