// The command line's output reaching nowhere is a failure, not exit 0: a
// `user list`, `check` or `--example-config` written to a full disk (here
// /dev/full) exits 1 and says why on stderr. Before, each exited 0 with
// nothing written, so a script or a package's postinst took the empty
// output as the answer.
//
//   SPKIOSK_BIN=/work/main/build/spkiosk node --test tests/api/cli-output.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, FIXTURE_TREE, makeTmp, monthAgo, rmTmp, addUser } from './helpers.mjs';

// Runs the binary with its standard output on /dev/full.
function toFull(args) {
  const fd = fs.openSync('/dev/full', 'w');
  try {
    const r = spawnSync(BIN, args, { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', timeout: 30_000 });
    return { status: r.status, stderr: r.stderr };
  } finally { fs.closeSync(fd); }
}

describe('command output that cannot be written', () => {
  let tmp, db;
  before(() => {
    tmp = makeTmp();
    db = path.join(tmp, 'db');
    addUser(db, 'wang', 'staff', 'a-long-enough-password');
  });
  after(() => rmTmp(tmp));

  for (const [name, args] of [
    ['user list', () => ['user', 'list', '--db', db]],
    ['check', () => ['check', FIXTURE_TREE]],
    ['--example-config', () => ['serve', '--example-config']],
    ['--version', () => ['--version']],
  ]) {
    it(`${name} exits 1 and says so`, () => {
      const r = toFull(args());
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /cannot write the output: No space left on device/);
    });
  }

  // export writes as it goes: its first write fails inside the command,
  // stdio drops its buffer, and the last flush has nothing to write, so the
  // errno read at the end was another call's ("Resource temporarily
  // unavailable" for a full disk on an IT officer's server; which errno is
  // left there depends on what ran between, and here it happened to be the
  // right one, so this checks the exit and the words, not that replay)
  it('export, whose first write fails long before the end, says a write failed', () => {
    // a month back: a fixed date would be refused as a range over 366 days
    const r = toFull(['export', '--since', monthAgo(), '--format', 'csv', '--hall', 'h', '--db', db]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /cannot write the output: (No space left on device|a write failed \(a full disk)/);
    assert.doesNotMatch(r.stderr, /temporarily unavailable/);
  });

  it('the same commands exit 0 when their output is written', () => {
    const r = spawnSync(BIN, ['user', 'list', '--db', db], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^wang staff active/m);
  });
});
