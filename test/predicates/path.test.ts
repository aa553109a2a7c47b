import { pathSpec } from '../../src/predicates/path.ts';
import { pathSubtreeSpec } from '../../src/predicates/path-subtree.ts';
import { pathRegexpSpec } from '../../src/predicates/path-regexp.ts';
import { predicateSuite, req } from './helpers.ts';

predicateSuite(pathSpec, [
  { args: ['/foo/bar'], req: req({ path: '/foo/bar' }), want: true },
  { args: ['/foo/bar'], req: req({ path: '/foo/baz' }), want: false },
  { args: ['/foo/bar'], req: req({ path: '/foo/bar/' }), want: false, name: 'Path keeps the trailing slash significant' },
  { args: ['/foo/bar/'], req: req({ path: '/foo/bar/' }), want: true },
  { args: ['/foo/:id'], req: req({ path: '/foo/42' }), want: true },
  { args: ['/foo/:id'], req: req({ path: '/foo/42/x' }), want: false },
  { args: ['/foo/:id/baz'], req: req({ path: '/foo/x/baz' }), want: true },
  { args: ['/foo/*rest'], req: req({ path: '/foo/bar/baz' }), want: true },
  { args: ['/foo/*rest'], req: req({ path: '/foo' }), want: false, name: 'a free wildcard needs a non-empty rest' },
  { args: ['/foo/**'], req: req({ path: '/foo/a' }), want: true },
  { args: ['/a/./b/../c'], req: req({ path: '/a/c' }), want: true, name: 'patterns are cleaned' },
  { args: ['/a/c'], req: req({ path: '/a//b/../c' }), want: true, name: 'request paths are cleaned' },
], [[], ['/a', '/b'], [1], ['/foo/*rest/x'], ['/fo:o'], ['/a*b']]);

predicateSuite(pathSubtreeSpec, [
  { args: ['/foo'], req: req({ path: '/foo' }), want: true },
  { args: ['/foo'], req: req({ path: '/foo/' }), want: true },
  { args: ['/foo/'], req: req({ path: '/foo' }), want: true, name: 'PathSubtree ignores its trailing slash' },
  { args: ['/foo'], req: req({ path: '/foo/bar/baz' }), want: true },
  { args: ['/foo'], req: req({ path: '/foobar' }), want: false },
  { args: ['/foo'], req: req({ path: '/' }), want: false },
  { args: ['/'], req: req({ path: '/anything/below' }), want: true },
  { args: ['/foo/:id'], req: req({ path: '/foo/1/x' }), want: true },
  { args: ['/foo/*rest'], req: req({ path: '/foo' }), want: true },
], [[], [2], ['/a', '/b']]);

predicateSuite(pathRegexpSpec, [
  { args: ['^/foo/(bar|qux)'], req: req({ path: '/foo/qux/1' }), want: true },
  { args: ['^/foo/(bar|qux)'], req: req({ path: '/foo/quux' }), want: false },
  { args: ['\\.html$'], req: req({ path: '/a/b.html' }), want: true },
  { args: ['(?i)^/ABC'], req: req({ path: '/abc' }), want: true, name: 'RE2 leading flags become JavaScript flags' },
], [[], ['**'], ['(?=x)'], [1], ['a', 'b']]);
