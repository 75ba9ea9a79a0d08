// Disk full (issue #12, item 7): a write that fails because the storage is
// full used to answer a silent 500 (nothing in the log). Now SQLite's error
// is logged (code and text, never a value), the answer is 503 storage_full
// with Retry-After and a message staff understand, and the daemon recovers
// by itself when space returns. The full disk is a file size limit set on
// the running daemon (prlimit --fsize: every write to a file then fails
// with EFBIG, as on a full disk; the daemon ignores SIGXFSZ), then lifted.
// bench/attack/disk-full.sh shows the same on a real full tmpfs.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import { makeTmp, rmTmp, startDaemon, request, addUser, login, authHeaders, FIXTURE_TREE } from './helpers.mjs';

const havePrlimit = spawnSync('prlimit', ['--version']).status === 0;
const SECRET_NAME = 'clerkfull';
const SECRET_PW = 'a-password-never-logged';

let tmp;
let daemon;
let hard;

function prlimit(args) {
  const r = spawnSync('prlimit', ['--pid', String(daemon.proc.pid), ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `prlimit ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

async function createCase() {
  return request(`${daemon.url}/api/v1/cases`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ procedure: 'labour-handbook' }),
  });
}

async function loginRaw() {
  return request(`${daemon.url}/api/v1/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: SECRET_NAME, password: SECRET_PW }),
  });
}

describe('disk full', { skip: havePrlimit ? false : 'prlimit (util-linux) is not installed' }, () => {
  before(async () => {
    tmp = makeTmp('spkiosk-disk-full-');
    const db = path.join(tmp, 'x.db');
    // a copy: an admin's save below must not reach the shared fixture
    const tree = path.join(tmp, 'tree');
    fs.cpSync(FIXTURE_TREE, tree, { recursive: true });
    daemon = await startDaemon({ db, tree });
    addUser(db, SECRET_NAME, 'staff', SECRET_PW);
    addUser(db, 'boss', 'admin', 'boss-pass-123');
    hard = prlimit(['--fsize', '--raw', '--noheadings', '--output', 'HARD']);
  });

  after(async () => {
    try {
      if (daemon) await daemon.stop('SIGKILL');
    } finally {
      rmTmp(tmp);
    }
  });

  let earlier;
  let live;
  let admin;
  it('writes succeed before', async () => {
    const r = await createCase();
    assert.equal(r.status, 201, r.text);
    earlier = r.body.id;
    live = await login(daemon.url, SECRET_NAME, SECRET_PW);
    admin = await login(daemon.url, 'boss', 'boss-pass-123');
  });

  const storageErrors = async () => Number(/^spkiosk_storage_errors_total (\d+)$/m
    .exec((await request(`${daemon.url}/metrics`)).text)[1]);
  let faultsBefore;
  it('a write while full answers 503 storage_full, logged with SQLite\'s code', async () => {
    faultsBefore = await storageErrors();
    prlimit(['--fsize=0:']);
    const logBefore = daemon.stderr().length;
    const r = await createCase();
    assert.equal(r.status, 503, r.text);
    assert.equal(r.body.error.code, 'storage_full');
    assert.match(r.body.error.message, /存储空间已满/);
    assert.equal(r.headers.get('retry-after'), '60');
    assert.equal(r.headers.get('connection'), null);
    // staff get the message for staff (a login writes its session)
    const l = await loginRaw();
    assert.equal(l.status, 503, l.text);
    assert.equal(l.body.error.code, 'storage_full');
    assert.match(l.body.error.message, /存储空间已满.*请联系管理员/);
    // a logout that could not end the session says so: a 204 would tell
    // the staffer leaving a shared PC that a session still live was gone
    const out = await request(`${daemon.url}/api/v1/logout`, { method: 'POST', headers: { Cookie: live.cookie } });
    assert.equal(out.status, 503, out.text);
    assert.equal(out.body.error.code, 'storage_full');
    assert.equal(out.headers.get('set-cookie'), null);
    // an admin's save that cannot write: 500 save_failed, the file as it was
    const f = path.join(tmp, 'tree', 'employment', 'labour-handbook.md');
    const text = fs.readFileSync(f, 'utf8');
    const save = await request(`${daemon.url}/api/v1/admin/procedures/labour-handbook/source`, {
      method: 'PUT', headers: authHeaders(admin, { 'If-Match': '*' }), body: `${text}\n改动。\n` });
    assert.equal(save.status, 500, save.text);
    assert.equal(save.body.error.code, 'save_failed');
    assert.equal(fs.readFileSync(f, 'utf8'), text);
    // reads still work
    const g = await request(`${daemon.url}/api/v1/cases/${earlier}`);
    assert.equal(g.status, 200, g.text);
    const log = daemon.stderr().slice(logBefore);
    assert.match(log, /spkiosk: db: storage error \d+ \(/);
    assert.match(log, / method=POST route=\/api\/v1\/cases path=\/api\/v1\/cases status=503 /);
    assert.ok(!log.includes(SECRET_PW) && !log.includes(SECRET_NAME), log);
    // and the metrics say it: before, only the 503s' count rose
    assert.ok(await storageErrors() > faultsBefore, 'spkiosk_storage_errors_total rose');
    // and so does /healthz: it stayed 200 while every write was refused
    const h = await request(`${daemon.url}/healthz`);
    assert.equal(h.status, 503, h.text);
    assert.equal(h.body.error.code, 'storage_full');
    assert.match(h.body.error.message, /磁盘已满.*自动恢复/);
  });

  it('/healthz turns green by itself once space returns, with no other write', async () => {
    // still full: each probe (at most one a second) fails again
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await request(`${daemon.url}/healthz`)).status, 503);
    prlimit([`--fsize=${hard}:`]);
    await new Promise((r) => setTimeout(r, 1100));
    const h = await request(`${daemon.url}/healthz`);
    assert.equal(h.status, 200, h.text);
    assert.deepEqual(h.body, { ok: true });
    prlimit(['--fsize=0:']);
  });

  it('recovers by itself when space returns: the same connections write again', async () => {
    prlimit([`--fsize=${hard}:`]);
    for (let i = 0; i < 8; i++) {
      const r = await createCase();
      assert.equal(r.status, 201, r.text);
      const g = await request(`${daemon.url}/api/v1/cases/${r.body.id}`);
      assert.equal(g.status, 200, g.text);
    }
    const s = await login(daemon.url, SECRET_NAME, SECRET_PW);
    assert.equal(s.user, SECRET_NAME);
    assert.doesNotMatch(daemon.stderr(), /transaction was left open|statement left open/);
  });
});
