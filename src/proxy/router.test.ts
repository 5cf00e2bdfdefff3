import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { RouteMatch } from '../config/types.js';
import { normaliseHost, prefixMatches, Router } from './router.js';

interface R {
  name: string;
  match: RouteMatch;
}
const route = (name: string, path_prefix: string, hosts: string[] = [], methods: string[] = []): R => ({
  name,
  match: { hosts, path_prefix, methods },
});
const name = (r: R | undefined) => r?.name;

describe('Router', () => {
  it('prefers the longest prefix and matches only at segment boundaries', () => {
    const router = new Router([route('root', '/'), route('api', '/api'), route('v1', '/api/v1/')]);
    assert.equal(name(router.match('x', '/api', 'GET')), 'api');
    assert.equal(name(router.match('x', '/api/users', 'GET')), 'api');
    assert.equal(name(router.match('x', '/apix', 'GET')), 'root');
    assert.equal(name(router.match('x', '/api/v1/users', 'GET')), 'v1');
    assert.equal(name(router.match('x', '/api/v1', 'GET')), 'api');
    assert.equal(name(router.match('x', '/', 'GET')), 'root');
  });

  it('returns undefined when nothing matches', () => {
    const router = new Router([route('api', '/api')]);
    assert.equal(router.match('x', '/other', 'GET'), undefined);
  });

  it('filters by method and falls through to a less specific route', () => {
    const router = new Router([route('read', '/data', [], ['GET', 'HEAD']), route('any', '/')]);
    assert.equal(name(router.match('x', '/data/1', 'GET')), 'read');
    assert.equal(name(router.match('x', '/data/1', 'POST')), 'any');
    const only = new Router([route('read', '/data', [], ['GET'])]);
    assert.equal(only.match('x', '/data', 'DELETE'), undefined);
  });

  it('matches hosts exactly, by wildcard suffix, case-insensitively and without the port', () => {
    const router = new Router([
      route('exact', '/', ['api.example.com']),
      route('wild', '/', ['*.example.com']),
      route('deeper', '/', ['*.eu.example.com']),
      route('fallback', '/'),
    ]);
    assert.equal(name(router.match('API.Example.com:8080', '/', 'GET')), 'exact');
    assert.equal(name(router.match('www.example.com', '/', 'GET')), 'wild');
    assert.equal(name(router.match('a.eu.example.com', '/', 'GET')), 'deeper');
    assert.equal(name(router.match('example.com', '/', 'GET')), 'fallback'); // the apex is not *.example.com
    assert.equal(name(router.match('other.org', '/', 'GET')), 'fallback');
  });

  it('matches a route host that names a port only on that port', () => {
    const router = new Router([route('p', '/', ['10.0.0.1:8080']), route('any', '/')]);
    assert.equal(name(router.match('10.0.0.1:8080', '/', 'GET')), 'p');
    assert.equal(name(router.match('10.0.0.1:9090', '/', 'GET')), 'any');
  });

  it('falls through from a host group whose paths do not match', () => {
    const router = new Router([route('h', '/v1', ['a.test']), route('any', '/')]);
    assert.equal(name(router.match('a.test', '/v1/x', 'GET')), 'h');
    assert.equal(name(router.match('a.test', '/v2', 'GET')), 'any');
  });

  it('normalises hosts', () => {
    assert.equal(normaliseHost('[::1]:8080'), '[::1]');
    assert.equal(normaliseHost('Example.COM'), 'example.com');
    assert.equal(normaliseHost('example.com:80'), 'example.com');
  });

  it('property: the chosen route is the longest prefix matching at a boundary', () => {
    const segment = fc.constantFrom('a', 'b', 'ab', 'api', 'v1');
    const pathArb = fc.array(segment, { maxLength: 4 }).map((s) => `/${s.join('/')}`);
    const prefixArb = fc.oneof(
      pathArb,
      pathArb.map((p) => (p === '/' ? p : `${p}/`)),
    );
    fc.assert(
      fc.property(fc.uniqueArray(prefixArb, { minLength: 1, maxLength: 8 }), pathArb, (prefixes, path) => {
        const routes = prefixes.map((p, i) => route(`r${i}`, p));
        const got = new Router(routes).match('h', path, 'GET');
        const oracle = routes
          .filter((r) => {
            const p = r.match.path_prefix;
            if (!path.startsWith(p)) return false;
            return path.length === p.length || p.endsWith('/') || path[p.length] === '/';
          })
          .sort((a, b) => b.match.path_prefix.length - a.match.path_prefix.length);
        if (oracle.length === 0) return got === undefined;
        if (got === undefined) return false;
        // The winner's prefix is as long as the longest matching one, and it matches.
        return (
          got.match.path_prefix.length === oracle[0]!.match.path_prefix.length &&
          prefixMatches(got.match.path_prefix, path)
        );
      }),
    );
  });

  it('property: a prefix never matches a path that merely extends its last segment', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\/[a-z]{1,6}$/), fc.stringMatching(/^[a-z]{1,4}$/), (prefix, extra) => {
        return !prefixMatches(prefix, prefix + extra) && prefixMatches(prefix, `${prefix}/${extra}`);
      }),
    );
  });
});
