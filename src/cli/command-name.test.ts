import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { keelCommandFor } from './command-name.js';

// A real directory tree: the program, a global bin linking to it (what `npm install -g` makes),
// another program called keel, and a project's node_modules/.bin linking to ours.
const root = mkdtempSync(join(tmpdir(), 'keel-cmd-'));
after(() => rmSync(root, { recursive: true, force: true }));
const self = join(root, 'pkg', 'main.js');
mkdirSync(join(root, 'pkg'));
writeFileSync(self, '#!/usr/bin/env node\n');
chmodSync(self, 0o755);
const dir = (name: string) => {
  const d = join(root, name);
  mkdirSync(d, { recursive: true });
  return d;
};
const globalBin = dir('prefix/bin');
symlinkSync(self, join(globalBin, 'keel'));
const otherBin = dir('other/bin');
writeFileSync(join(otherBin, 'keel'), '#!/bin/sh\n');
chmodSync(join(otherBin, 'keel'), 0o755);
const projectBin = dir('project/node_modules/.bin');
symlinkSync(self, join(projectBin, 'keel'));
const notExecutable = dir('noexec/bin');
writeFileSync(join(notExecutable, 'keel'), '');
const empty = dir('empty/bin');
const PATH = (...dirs: string[]) => dirs.join(delimiter);

describe('keelCommandFor: the spelling that works as typed', () => {
  it('keel when the first keel on PATH is this program (a global install)', () => {
    assert.equal(keelCommandFor(PATH(empty, globalBin, otherBin), self), 'keel');
  });
  it('npx keel when the first keel on PATH is another program', () => {
    assert.equal(keelCommandFor(PATH(otherBin, globalBin), self), 'npx keel');
  });
  it('npx keel when keel is only in a node_modules/.bin npm put on PATH (npx, npm start)', () => {
    assert.equal(keelCommandFor(PATH(projectBin, empty), self), 'npx keel');
    assert.equal(keelCommandFor(PATH(`${projectBin}/`), self), 'npx keel');
    assert.equal(keelCommandFor(PATH(projectBin, globalBin), self), 'keel');
  });
  it('skips a keel that is not executable, as the shell does', () => {
    assert.equal(keelCommandFor(PATH(notExecutable, globalBin), self), 'keel');
    assert.equal(keelCommandFor(PATH(notExecutable), self), 'npx keel');
  });
  it('npx keel with no keel on PATH, an empty PATH or none', () => {
    assert.equal(keelCommandFor(PATH(empty), self), 'npx keel');
    assert.equal(keelCommandFor('', self), 'npx keel');
    assert.equal(keelCommandFor(undefined, self), 'npx keel');
  });
});
