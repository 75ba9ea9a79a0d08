// Two daemons (issue #12, item 4): a second `spkiosk serve` on the address
// of a running one must fail with "address in use" (SO_REUSEPORT let it
// share the port and take half the traffic), and one on the same database
// must fail at once naming the database and the first daemon's pid; the
// first keeps serving, and `spkiosk user add` still writes the database.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, FIXTURE_TREE, makeTmp, rmTmp, startDaemon, request, login, setShortcuts } from './helpers.mjs';

// Every database made as without tests/api/db-shortcuts.mjs (no template,
// no cached hash): two processes making and opening one database.
setShortcuts({ template: false, hashes: false });

let tmp;
let first;

before(async () => {
  tmp = makeTmp('spkiosk-two-daemons-');
  first = await startDaemon({ db: path.join(tmp, 'a.db') });
});

after(async () => {
  try {
    if (first) await first.stop('SIGKILL');
  } finally {
    rmTmp(tmp);
  }
});

// Runs the binary to its exit (at most 10 s); stdin gets input.
function run(args, input = '') {
  return new Promise((resolve, reject) => {
    const p = spawn(BIN, args, { cwd: tmp, stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
    p.stderr.setEncoding('utf8');
    p.stderr.on('data', (d) => { err += d; });
    p.stdout.resume();
    p.on('error', reject);
    p.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, err }); });
    // a daemon refused at start may exit before reading its input: EPIPE
    // on stdin is then expected, not a failure (its exit code is checked)
    p.stdin.on('error', () => {});
    p.stdin.end(input);
  });
}

async function firstServes() {
  const r = await request(`${first.url}/healthz`);
  assert.equal(r.status, 200);
}

describe('a second daemon', () => {
  it('on the same address (another database) exits 1 with "address already in use"', async () => {
    const r = await run(['serve', '--listen', `127.0.0.1:${first.port}`,
      '--db', path.join(tmp, 'b.db'), '--procedures', FIXTURE_TREE]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /Address already in use/);
    assert.doesNotMatch(r.err, /listening on/);
    await firstServes();
  });

  it('on the same database (another port) exits 1 naming the database and the pid', async () => {
    const r = await run(['serve', '--listen', '127.0.0.1:0',
      '--db', path.join(tmp, 'a.db'), '--procedures', FIXTURE_TREE]);
    assert.equal(r.code, 1, r.err);
    assert.ok(r.err.includes(`another spkiosk serve is using the database ${path.join(tmp, 'a.db')}`), r.err);
    assert.ok(r.err.includes(`pid ${first.proc.pid}`), r.err);
    assert.doesNotMatch(r.err, /listening on/);
    await firstServes();
  });

  // an IT officer's review: through a link the lock was another file
  it('on the same database through a symbolic link exits 1 too', async () => {
    const link = path.join(tmp, 'link.db');
    fs.symlinkSync(path.join(tmp, 'a.db'), link);
    const r = await run(['serve', '--listen', '127.0.0.1:0', '--db', link, '--procedures', FIXTURE_TREE]);
    assert.equal(r.code, 1, r.err);
    assert.ok(r.err.includes(`another spkiosk serve is using the database ${link}`), r.err);
    assert.ok(r.err.includes(`pid ${first.proc.pid}`), r.err);
    await firstServes();
  });

  // a code review: on a first start through a link to a file not made yet,
  // the link's own name was locked, and the file itself was free
  it('on a database first made through a link: the file itself is locked too', async () => {
    const real = path.join(tmp, 'c.db');
    const link = path.join(tmp, 'link-c.db');
    fs.symlinkSync('c.db', link);
    const viaLink = await startDaemon({ db: link });
    try {
      assert.ok(fs.existsSync(real), 'made through the link');
      const r = await run(['serve', '--listen', '127.0.0.1:0', '--db', real, '--procedures', FIXTURE_TREE]);
      assert.equal(r.code, 1, r.err);
      assert.ok(r.err.includes(`pid ${viaLink.proc.pid}`), r.err);
    } finally {
      await viaLink.stop();
    }
  });

  it('leaves `spkiosk user add` on the running database working', async () => {
    const r = await run(['user', 'add', 'clerk2', '--role', 'staff', '--db', path.join(tmp, 'a.db')],
      'correct horse battery\n');
    assert.equal(r.code, 0, r.err);
    const s = await login(first.url, 'clerk2', 'correct horse battery');
    assert.equal(s.user, 'clerk2');
  });
});
