// An admin's save while the database cannot be written (a full disk), the
// file itself still small enough to be written (prlimit --fsize=4096: a
// procedure of a few hundred bytes fits, the database's next WAL frame does
// not). Found by a review: the file was renamed into place, the load that
// should store it failed, and the answer was 200 — `live` false, which the
// console words as "the file changed again", or for a README `live` true,
// 已保存并生效, while the kiosk showed the old text. Once space was back
// (/healthz green, "腾出后不用重启，会自动恢复") nothing loaded the folder
// again, since nothing on disk changed: the edit stayed off the kiosk until
// the next edit or restart, with the console's list showing the old hash.
// Now the answer says `"stored":false`, and the daemon loads again until
// the files are stored.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import { makeTmp, rmTmp, startDaemon, request, login, authHeaders, adminPassword } from './helpers.mjs';
import { WINDOW_TREE } from './staff-helpers.mjs';
import { sha256 } from './admin-helpers.mjs';

const havePrlimit = spawnSync('prlimit', ['--version']).status === 0;

describe('an admin save while the database is full', { skip: havePrlimit ? false : 'prlimit (util-linux) is not installed' }, () => {
  let tmp;
  let daemon;
  let hard;
  let admin;
  const prlimit = (args) => {
    const r = spawnSync('prlimit', ['--pid', String(daemon.proc.pid), ...args], { encoding: 'utf8' });
    assert.equal(r.status, 0, `prlimit ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  const get = (p) => request(`${daemon.url}${p}`, { headers: authHeaders(admin) });
  const put = (p, body, etag) => request(`${daemon.url}${p}`, {
    method: 'PUT', headers: authHeaders(admin, { 'If-Match': etag }), body });
  // waits (a deadline, not a measure) for a log line after `from`
  const waitLog = async (from, re) => {
    for (let i = 0; i < 300 && !re.test(daemon.stderr().slice(from)); i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.match(daemon.stderr().slice(from), re);
  };

  before(async () => {
    tmp = makeTmp('spkiosk-admin-full-');
    const tree = path.join(tmp, 'tree');
    fs.cpSync(WINDOW_TREE, tree, { recursive: true });
    daemon = await startDaemon({ db: path.join(tmp, 'x.db'), tree });
    admin = await login(daemon.url, 'admin', adminPassword(daemon));
    hard = prlimit(['--fsize', '--raw', '--noheadings', '--output', 'HARD']);
  });

  after(async () => {
    try {
      if (daemon) await daemon.stop('SIGKILL');
    } finally {
      rmTmp(tmp);
    }
  });

  it('says the edit is not live, and puts it live by itself once space is back', async () => {
    const p = await get('/api/v1/admin/procedures/simple/source');
    assert.equal(p.status, 200, p.text);
    const readme = await get('/api/v1/admin/files/hall/source');
    assert.equal(readme.status, 200, readme.text);
    assert.ok(p.text.length < 2048 && readme.text.length < 2048, 'both fit under the limit');
    const from = daemon.stderr().length;
    prlimit(['--fsize=4096:']);
    const saved = await put('/api/v1/admin/procedures/simple/source',
      p.text.replace(/^# (.*)$/m, '# $1（新版）'), p.headers.get('etag'));
    assert.equal(saved.status, 200, saved.text);
    assert.equal(saved.body.live, false);
    assert.equal(saved.body.stored, false, 'the answer says the database did not take it');
    assert.equal(saved.body.scheduled, undefined);
    const special = await put('/api/v1/admin/files/hall/source',
      readme.text.replace(/^# (.*)$/m, '# $1（新名）'), readme.headers.get('etag'));
    assert.equal(special.status, 200, special.text);
    assert.equal(special.body.live, false, 'a README not stored is not live');
    assert.equal(special.body.stored, false);
    // the kiosk goes on with the last good texts meanwhile
    assert.equal((await request(`${daemon.url}/api/v1/procedures/simple`)).body.title, '简易事项');
    // the watcher's own load of the renames fails too, while still full
    await waitLog(from, /files changed: reloading[^\n]*\n(?:[^\n]*\n)*?[^\n]*loaded [^\n]*\(files not stored\)/);
    // the console's list is the last stored load's: it says so first,
    // or the admin sees the old state and saves again or calls for help
    const behind = await get('/api/v1/admin/procedures');
    assert.equal(behind.status, 200, behind.text);
    assert.deepEqual({ ...behind.body.problems[0], message: undefined },
      { file: '.', line: 0, severity: 'error', message: undefined });
    assert.match(behind.body.problems[0].message, /还没有上线.*会自动上线，不必重新保存/);
    prlimit([`--fsize=${hard}:`]);
    const lifted = daemon.stderr().length;
    // nothing changes on disk from here: only the daemon's own retry
    // stores the edits (before the fix: the old title for good)
    let title;
    let cat;
    for (let i = 0; i < 300; i++) {
      title = (await request(`${daemon.url}/api/v1/procedures/simple`)).body.title;
      cat = (await request(`${daemon.url}/api/v1/categories`)).body.categories[0].title;
      if (title === '简易事项（新版）' && cat === '综合事项（新名）') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(title, '简易事项（新版）');
    assert.equal(cat, '综合事项（新名）');
    // the retry, or (on a loaded machine) the watcher's own look at the
    // renames, its stamps not stored either, coming after the space did:
    // either is a load of the same files, once space is back
    assert.match(daemon.stderr().slice(lifted),
      /the last load could not store the files: loading .* again|files changed: reloading/);
    const list = await get('/api/v1/admin/procedures');
    const e = list.body.procedures.find((x) => x.id === 'simple');
    assert.equal(e.state, 'ok');
    assert.equal(e.live.hash, saved.body.hash);
    assert.equal(list.body.problems.some((x) => /还没有上线/.test(x.message)), false, 'stored: the note is gone');
  });

  it('a save with the disk writable again answers as before, without stored', async () => {
    const p = await get('/api/v1/admin/procedures/simple/source');
    const saved = await put('/api/v1/admin/procedures/simple/source', `${p.text}\n再改一次。\n`, p.headers.get('etag'));
    assert.equal(saved.status, 200, saved.text);
    assert.equal(saved.body.live, true);
    assert.equal(saved.body.stored, undefined);
  });

  // 只改在用版本 (PUT …/live-source) writes the fix, loads it, then writes
  // the waiting text back. With the database full, the fix's load stored
  // nothing and the waiting text then replaced the fix in the file: the fix
  // was gone for good, yet the answer was 200 and the console said
  // 在用的版本已改好并上线. Now: 503, the waiting text back, nothing live changed.
  it('a fix of the live version the database cannot take is said to be not made', async () => {
    const p = await get('/api/v1/admin/procedures/simple/source');
    const live = p.text;
    assert.ok(live.startsWith('---\n'), 'a front matter to add the date to');
    const waiting = live.replace('---\n', '---\neffective: 2099-01-01\n').replace(/^# (.*)$/m, '# $1（新政策）');
    const s = await put('/api/v1/admin/procedures/simple/source', waiting, p.headers.get('etag'));
    assert.equal(s.status, 200, s.text);
    assert.equal(s.body.scheduled, '2099-01-01');
    const title = (await request(`${daemon.url}/api/v1/procedures/simple`)).body.title;
    const file = path.join(tmp, 'tree', s.body.file);
    const from = daemon.stderr().length;
    prlimit(['--fsize=4096:']);
    const r = await request(`${daemon.url}/api/v1/admin/procedures/simple/live-source?waiting=${sha256(waiting)}`, {
      method: 'PUT', body: live.replace(/^# (.*)$/m, '# $1（改字）'),
      headers: authHeaders(admin, { 'If-Match': `"${sha256(live)}"`, 'Content-Type': 'text/markdown; charset=utf-8' }),
    });
    prlimit([`--fsize=${hard}:`]);
    assert.equal(r.status, 503, r.text);
    assert.equal(r.body.error.code, 'storage_full');
    assert.match(r.body.error.message, /在用的版本没有改成/);
    assert.equal(fs.readFileSync(file, 'utf8'), waiting, 'the waiting text is the file again');
    await waitLog(from, /live version not fixed \(not stored\), the waiting text kept/);
    // the watcher's load of the write-back, or the daemon's retry, stores
    // the files once there is room: the waiting text, nothing else
    for (let i = 0; i < 100 && (await get('/api/v1/admin/procedures')).body.problems.some((x) => /还没有上线/.test(x.message)); i++)
      await new Promise((ok) => setTimeout(ok, 100));
    assert.equal((await request(`${daemon.url}/api/v1/procedures/simple`)).body.title, title, 'the live text as it was');
    const e = (await get('/api/v1/admin/procedures')).body.procedures.find((x) => x.id === 'simple');
    assert.equal(e.scheduled?.hash, sha256(waiting), 'still waiting for its date');
  });
});
