// A database the daemon's user may not write: a restore by hand with cp as
// root leaves the file root's, 0644. SQLite then opens it read-only without
// a word; the daemon served, every case and login was 500 with /healthz 200,
// and nothing in the log said why (an IT officer's review). It now refuses
// to start, saying whose the file is, who runs the daemon and the chown
// that fixes it; a file it may not even read is "cannot open", not "cannot
// create". As root (CI) permission bits do not stop a write, so there the
// daemon runs as nobody (setpriv) over a tree nobody owns.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, addUser, makeTmp, rmTmp, writeTree } from './helpers.mjs';

const ROOT = process.getuid && process.getuid() === 0;
const NOBODY = 65534;

function serve(tmp) {
  const wrap = ROOT ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'] : [];
  const argv = [...wrap, BIN, 'serve', '--listen', '127.0.0.1:0', '--db', path.join(tmp, 'x.db'),
    '--procedures', path.join(tmp, 'tree')];
  return spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 20_000 });
}

describe('a database the daemon may not write', () => {
  const tmp = makeTmp();
  after(() => rmTmp(tmp));

  it('is refused at start with the owner, the user and the chown; one it may not read is "cannot open"', () => {
    writeTree(path.join(tmp, 'tree'), { 'a/README.md': '# 甲类\n\n说明。\n', 'a/one.md': '# 甲事项\n\n简介。\n' });
    const db = path.join(tmp, 'x.db');
    addUser(db, 'wang', 'staff', 'wang-password-1');   // made by root (or the test's user)
    fs.chmodSync(tmp, 0o755);
    if (ROOT) {
      // the tree and the folder are the daemon's; the file alone is not
      fs.chownSync(tmp, NOBODY, NOBODY);
      for (const p of ['tree', 'tree/a', 'tree/a/README.md', 'tree/a/one.md'])
        fs.chownSync(path.join(tmp, p), NOBODY, NOBODY);
    }
    for (const f of fs.readdirSync(tmp).filter((n) => n.startsWith('x.db-'))) fs.rmSync(path.join(tmp, f));

    fs.chmodSync(db, ROOT ? 0o644 : 0o444);
    let r = serve(tmp);
    assert.notEqual(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /listening on/);
    assert.match(r.stderr, /spkiosk: database: cannot write .*x\.db \(the file belongs to uid \d+, mode [46]44, and this process runs as uid \d+: .*chown spkiosk:spkiosk .*x\.db\*\)/, r.stderr);

    fs.chmodSync(db, 0o000);
    r = serve(tmp);
    assert.notEqual(r.status, 0, r.stderr);
    if (ROOT) {
      assert.match(r.stderr, /cannot open .*x\.db: Permission denied \(the file belongs to uid 0, mode 000/, r.stderr);
      assert.doesNotMatch(r.stderr, /cannot create/);
    }
  });
});

// The same review: a disk full at the start said only "disk I/O error"
// (errno 28 in SQLite's own line), which reads like failing hardware. The
// full disk is a file size limit here (prlimit --fsize=0: every write fails
// with EFBIG, as tests/api/disk-full.test.mjs plays it while serving).
describe('a disk full at the start', () => {
  const tmp = makeTmp();
  after(() => rmTmp(tmp));
  const havePrlimit = spawnSync('prlimit', ['--version']).status === 0;

  it('says there is no room to write, and what to do', { skip: !havePrlimit && 'prlimit is not installed' }, () => {
    writeTree(path.join(tmp, 'tree'), { 'a/README.md': '# 甲类\n\n说明。\n' });
    const db = path.join(tmp, 'x.db');
    addUser(db, 'wang', 'staff', 'wang-password-1');
    for (const f of fs.readdirSync(tmp).filter((n) => n.startsWith('x.db-'))) fs.rmSync(path.join(tmp, f));
    const r = spawnSync('prlimit', ['--fsize=0', BIN, 'serve', '--listen', '127.0.0.1:0', '--db', db,
      '--procedures', path.join(tmp, 'tree')], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /spkiosk: database: cannot configure .*x\.db: disk I\/O error \(no room to write: the disk is full, see df -h/, r.stderr);
  });
});
