import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

/** The import specifiers of a source file, and whether each is type-only. */
function importsOf(file: string): Array<{ spec: string; typeOnly: boolean }> {
  const text = readFileSync(file, 'utf8');
  const re = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;
  return [...text.matchAll(re)].map((m) => ({ spec: (m[3] ?? m[4])!, typeOnly: Boolean(m[2]) }));
}

/**
 * contracts.ts is what every file of the request path may import, exchange.ts included
 * (docs/architecture.md, "The exchange: who writes, who reads"): the moment it imports a file of
 * the proxy room, an import circle through the exchange is one edit away.
 */
describe('contracts.ts', () => {
  it('imports nothing but types from src/core', () => {
    const imports = importsOf('src/proxy/contracts.ts');
    assert.ok(imports.length > 0, 'the file was read');
    for (const { spec, typeOnly } of imports) {
      assert.match(spec, /^\.\.\/core\//, `${spec}: contracts.ts imports only from src/core`);
      assert.ok(typeOnly, `${spec}: contracts.ts imports types only`);
    }
  });
});
