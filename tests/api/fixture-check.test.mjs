// `spkiosk check` on the fixture tree: exactly the two deliberately broken
// files have errors (so every other fixture file is valid, which the HTTP
// tests rely on), and the unknown front-matter key is only a warning.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { BIN, FIXTURE_TREE } from './helpers.mjs';

describe('spkiosk check tests/fixtures/tree', () => {
  let r;
  const run = () => {
    r ??= spawnSync(BIN, ['check', FIXTURE_TREE], { encoding: 'utf8', timeout: 60_000 });
    if (r.error) throw r.error;
    return r;
  };
  const lines = () => run().stdout.split('\n').concat(run().stderr.split('\n'))
    .filter((l) => /^.+\.md:\d+: /.test(l));

  it('exits 1 (there are errors)', () => {
    assert.equal(run().status, 1, `${r.stdout}\n${r.stderr}`);
  });

  it('reports errors only in broken-date.md and broken-nostep.md, as FILE:LINE: message', () => {
    const errs = lines().filter((l) => !/\.md:\d+: warning: /.test(l));
    const files = [...new Set(errs.map((l) => path.basename(l.replace(/:\d+: .*$/, ''))))].sort();
    assert.deepEqual(files, ['broken-date.md', 'broken-nostep.md'], errs.join('\n'));
    assert.ok(errs.some((l) => /broken-date\.md:2: /.test(l)), `no error on broken-date.md:2\n${errs.join('\n')}`);
  });

  it('the unknown front-matter key is a warning with its line', () => {
    const warns = lines().filter((l) => /\.md:\d+: warning: /.test(l));
    assert.ok(warns.some((l) => /labour-handbook\.md:15: warning: /.test(l)), warns.join('\n'));
  });
});
