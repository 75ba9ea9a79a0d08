// `spkiosk check` and practice files: a practice file gets the same report
// whether it is checked alone, with its procedure, with its folder or with
// the whole tree (practice-tree.expected is the tree's report), and a
// procedure change that breaks a scenario of the sample library is an
// error on the scenario file, not on the procedure.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, ROOT } from './helpers.mjs';

const TREE = 'tests/fixtures/check/practice-tree';
const check = (args) => spawnSync(BIN, ['check', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
const expected = fs.readFileSync(path.join(ROOT, `${TREE}.expected`), 'utf8');
const linesOf = (prefix) => expected.split('\n').filter((l) => l.startsWith(prefix)).map((l) => `${l}\n`).join('');
const names = fs.readdirSync(path.join(ROOT, TREE, 'practice')).filter((n) => n.endsWith('.practice.md')).sort();

describe('practice files: the same report however they are checked', () => {
  it('the fixture has every kind of practice file', () => {
    assert.deepEqual(names, ['broken.practice.md', 'demo.practice.md', 'empty.practice.md',
      'orphan.practice.md', 'policy-doc.practice.md', 'syntax.practice.md', 'untold.practice.md']);
  });
  for (const n of names) {
    it(`${n} checked alone`, () => {
      const p = `${TREE}/practice/${n}`;
      const r = check([p]);
      assert.equal(r.stdout, linesOf(`${p}:`), r.stdout);
    });
  }
  it('a procedure checked alone brings its practice file\'s lines', () => {
    const r = check([`${TREE}/practice/demo.md`]);
    assert.equal(r.stdout, linesOf(`${TREE}/practice/demo.`));
    assert.equal(r.status, 1);
  });
  it('the category folder checked alone gives the tree\'s report', () => {
    const r = check([`${TREE}/practice`]);
    assert.equal(r.stdout, expected.split('\n').filter((l) => l && !l.includes('/README.md:')).map((l) => `${l}\n`).join(''));
  });
});

describe('the sample library\'s scenarios are its regression tests', () => {
  it('a procedure change that breaks a scenario is an error on the scenario file', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spkiosk-practice-'));
    try {
      fs.cpSync(path.join(ROOT, 'procedures'), tmp, { recursive: true });
      const f = path.join(tmp, 'employment', 'labour-handbook.md');
      // the residence permit's id changes: the scenario of the expired permit names the old one
      fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('{#residence_permit}', '{#permit}'));
      const r = check([tmp]);
      assert.equal(r.status, 1, r.stdout);
      const errs = r.stdout.split('\n').filter((l) => l && !/: warning: /.test(l));
      const pf = path.join(tmp, 'employment', 'labour-handbook.practice.md');
      assert.ok(errs.length > 0 && errs.every((l) => l.startsWith(`${pf}:`)), r.stdout);
      assert.ok(errs.some((l) => /residence_permit/.test(l)), r.stdout);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
