// The command line's bad usage exits 2 (man page, EXIT STATUS), apart from
// the 1 of a refused or failed run: a script or a systemd unit tells "I
// called it wrong" from "it failed" by that number alone. A mutation
// review found these exits unpinned: each could become 1 (or 0) with every
// other test passing. Nothing here touches a database but the ones made in
// the test's own folder.
//
//   SPKIOSK_BIN=/work/main/build/spkiosk node --test tests/api/cli-usage.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, makeTmp, rmTmp, addUser, userCmd } from './helpers.mjs';

// A mutant may serve instead of refusing: every run is bounded.
const run = (args) => spawnSync(BIN, args, { encoding: 'utf8', timeout: 30_000 });

describe('bad usage exits 2, help exits 0', () => {
  let tmp, db;
  before(() => {
    tmp = makeTmp();
    db = path.join(tmp, 'x.db');
    addUser(db, 'wang', 'staff', 'a-long-enough-password');
  });
  after(() => rmTmp(tmp));

  it('no command: the usage on stderr, exit 2; --help: on stdout, exit 0', () => {
    const none = run([]);
    assert.equal(none.status, 2, none.stderr);
    assert.match(none.stderr, /^usage: spkiosk COMMAND/);
    assert.equal(none.stdout, '');
    const help = run(['--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^usage: spkiosk COMMAND/);
    assert.equal(help.stderr, '');
  });

  it('backup, restore and export --help: their usage on stdout, exit 0, nothing done', () => {
    for (const cmd of ['backup', 'restore', 'export']) {
      const r = run([cmd, '--db', db, '--help']);
      assert.equal(r.status, 0, `${cmd}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^usage: spkiosk ${cmd} `));
      assert.equal(r.stderr, '', cmd);
    }
    assert.deepEqual(fs.readdirSync(tmp).sort(), ['x.db']);
  });

  it('an unknown command is named, exit 2', () => {
    const r = run(['frobnicate']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^spkiosk: unknown command frobnicate\n/);
  });

  it('backup without a target, or into a folder without --keep, exits 2 and writes nothing', () => {
    let r = run(['backup', '--db', db]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /where to\?/);
    r = run(['backup', '--db', db, tmp]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /is a folder/);
    assert.deepEqual(fs.readdirSync(tmp).sort(), ['x.db']);
  });

  it('backup and restore name an option they do not know, exit 2', () => {
    for (const cmd of ['backup', 'restore']) {
      const r = run([cmd, '--db', db, '--bogus', path.join(tmp, 'y.db')]);
      assert.equal(r.status, 2, `${cmd}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^spkiosk ${cmd}: unexpected --bogus\n`));
    }
    assert.deepEqual(fs.readdirSync(tmp).sort(), ['x.db']);
  });

  it('restore without a backup exits 2 and leaves the database alone', () => {
    const r = run(['restore', '--db', db]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /which backup\?/);
    assert.equal(userCmd(['list', '--db', db]).stdout.split('\n')[0].split(' ')[0], 'wang');
  });

  it('user passwd, disable and posts without a name exit 2', () => {
    for (const verb of ['passwd', 'disable', 'enable', 'posts', 'display']) {
      const r = userCmd([verb, '--db', db], 'a-long-enough-password\n');
      assert.equal(r.status, 2, `${verb}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`spkiosk user ${verb}: which user\\?`));
    }
  });
});
