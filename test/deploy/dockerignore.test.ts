/**
 * The Docker build context: .dockerignore's patterns as Docker reads them, and the repository's
 * context holding every file the Dockerfile's COPY steps name, without local builds or modules.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseDockerfile, splitFlags } from './dockerfile.js';
import { copyContext, excluded, readIgnore } from './dockerignore.js';

describe('.dockerignore patterns', () => {
  const rules = readIgnore('# comment\nnode_modules\n/dist/\n*.log\ndocs/**/*.png\n!docs/keep.png\n');
  const cases: [string, boolean][] = [
    ['node_modules', true],
    ['node_modules/x/index.js', true],
    ['src/node_modules', false],
    ['dist/src/a.js', true],
    ['a.log', true],
    ['logs/a.log', false],
    ['docs/a/b/c.png', true],
    ['docs/c.png', true],
    ['docs/keep.png', false],
    ['docs/keep.md', false],
  ];
  for (const [path, out] of cases)
    it(`${path}: ${out ? 'excluded' : 'sent'}`, () => assert.equal(excluded(rules, path), out));
});

describe("the repository's build context", () => {
  const dest = mkdtempSync(join(tmpdir(), 'keel-context-'));
  after(() => rmSync(dest, { recursive: true, force: true }));
  const files = new Set(copyContext(process.cwd(), dest));

  it('holds every COPY source of the Dockerfile', () => {
    const stages = parseDockerfile(readFileSync('Dockerfile', 'utf8'));
    const sources = stages
      .flatMap((s) => s.steps)
      .filter((s) => s.op === 'COPY')
      .map((s) => splitFlags(s.args))
      .filter((c) => c.flags.from === undefined)
      .flatMap((c) => c.words.slice(0, -1));
    assert.ok(sources.length > 5);
    for (const src of sources) assert.ok(existsSync(join(dest, src)), `COPY ${src}: not in the context`);
  });

  it('leaves out modules, builds, history and the test suites', () => {
    for (const f of files) assert.doesNotMatch(f, /^(node_modules|dist|\.git|test|bench)(\/|$)/, f);
    assert.ok(files.has('src/cli/main.ts'));
    assert.ok(files.has('deploy/docker/keel.yaml'));
  });
});
