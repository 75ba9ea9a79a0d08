// The database file deleted (or replaced) while the daemon runs, as a
// review did with rm: every later case was acknowledged (A002…A006, 200)
// into the unlinked file, and all of them, with every earlier case and
// user, were gone at the next start; /healthz stayed green. Now the first
// write after it sees the file is not the one opened: writes answer 503
// storage_failed (logged once), /healthz answers 503, reads of what the
// daemon already serves go on, and a restart opens the database that is
// there.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, makeTmp, request, rmTmp, startDaemon, setShortcuts } from './helpers.mjs';

// Every database made as without tests/api/db-shortcuts.mjs (no template,
// no cached hash): the database file is taken away and made again under the daemon.
setShortcuts({ template: false, hashes: false });

const TREE = path.join(ROOT, 'tests', 'fixtures', 'cases', 'situations');
const json = { 'content-type': 'application/json' };
const start = (d) => request(`${d.url}/api/v1/cases`, { method: 'POST', headers: json, body: JSON.stringify({ procedure: 'permit' }) });

describe('the database deleted under the daemon', () => {
  const tmp = makeTmp();
  let d;
  after(async () => { if (d) await d.stop(); rmTmp(tmp); });

  it('refuses writes and says so on /healthz, instead of acknowledging into a lost file', async () => {
    const db = path.join(tmp, 'x.db');
    d = await startDaemon({ tree: TREE, db });
    assert.equal((await start(d)).status, 201);
    assert.equal((await request(`${d.url}/healthz`)).status, 200);
    for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
    for (let i = 0; i < 3; i++) {
      const r = await start(d);
      assert.equal(r.status, 503, r.text);
      assert.equal(r.body.error.code, 'storage_failed');
      assert.match(r.body.error.message, /没有保存/);
      // a resident is sent to the window; restarting the service is the staff's words
      assert.match(r.body.error.message, /请到窗口办理/);
      assert.doesNotMatch(r.body.error.message, /重启/);
    }
    const h = await request(`${d.url}/healthz`);
    assert.equal(h.status, 503);
    assert.equal(h.body.error.code, 'storage_failed');
    // the public library is still served from memory
    assert.equal((await request(`${d.url}/api/v1/procedures/permit`)).status, 200);
    const log = d.stderr();
    assert.equal(log.split('was deleted or replaced while spkiosk ran').length - 1, 1, 'logged once');
    await d.stop();
    // a restart opens the (new, empty) database: writable again
    d = await startDaemon({ tree: TREE, db });
    assert.equal((await request(`${d.url}/healthz`)).status, 200);
    assert.equal((await start(d)).status, 201);
  });

  // an IT officer's review deleted it right after the start: workers that
  // had not opened their connection yet made a new, empty file there and
  // answered 500, with /healthz 200
  it('deleted before the workers opened it: 503 on every worker, and no empty file made', async () => {
    const db = path.join(tmp, 'y.db');
    if (d) await d.stop();
    d = await startDaemon({ tree: TREE, db, args: ['--threads', '4'] });
    for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
    // new connections, several at once, so that each worker meets it
    const close = { ...json, connection: 'close' };
    const rs = await Promise.all(Array.from({ length: 12 }, () => request(`${d.url}/api/v1/cases`,
      { method: 'POST', headers: close, body: JSON.stringify({ procedure: 'permit' }) })));
    for (const r of rs) {
      assert.equal(r.status, 503, r.text);
      assert.equal(r.body.error.code, 'storage_failed');
    }
    const hs = await Promise.all(Array.from({ length: 8 }, () => request(`${d.url}/healthz`, { headers: { connection: 'close' } })));
    assert.deepEqual([...new Set(hs.map((h) => h.status))], [503]);
    // a slip's page on a worker with no connection freed a case never
    // loaded, and the whole daemon died (a code review, under ASan)
    const slips = await Promise.all(Array.from({ length: 8 }, () =>
      request(`${d.url}/print/cases/0123456789abcdef0123456789abcdef`, { headers: { connection: 'close' } })));
    for (const r of slips) assert.ok(r.status === 503 || r.status === 500, `${r.status} ${r.text}`);
    assert.equal((await request(`${d.url}/healthz`)).status, 503, 'still running');
    assert.equal(fs.existsSync(db), false, 'no empty database made in its place');
  });
});

// /metrics from a worker that cannot read the database: still answered,
// spkiosk_database_up 0 and no database figures, for an alert to fire on
describe('/metrics with the database gone before its worker opened it', () => {
  const tmp = makeTmp();
  let d;
  after(async () => { if (d) await d.stop(); rmTmp(tmp); });

  it('says spkiosk_database_up 0, without the gauges read from it', async () => {
    const db = path.join(tmp, 'z.db');
    d = await startDaemon({ tree: TREE, db, args: ['--threads', '1'] });
    for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
    const m = await request(`${d.url}/metrics`);
    assert.equal(m.status, 200, m.text);
    assert.match(m.text, /^spkiosk_database_up 0$/m);
    assert.doesNotMatch(m.text, /^spkiosk_(cases|queue_waiting|cases_overdue)[ {]/m);
    assert.match(m.text, /^spkiosk_database_bytes 0$/m);
    assert.match(m.text, /^spkiosk_http_requests_in_flight 1$/m, 'the families after the database\'s');
  });
});

// A damaged database at the start (an IT officer's review): the log said
// "file is not a database" and nothing on what to do, and under the unit
// the daemon started again every five seconds.
describe('a damaged database at the start', () => {
  const tmp = makeTmp();
  after(() => rmTmp(tmp));

  it('says it is damaged and how to restore, exits 1; so do the commands', async () => {
    const { spawnSync } = await import('node:child_process');
    const { BIN } = await import('./helpers.mjs');
    const db = path.join(tmp, 'bad.db');
    fs.writeFileSync(db, Buffer.alloc(8192, 0x5a));
    const serve = spawnSync(BIN, ['serve', '--listen', '127.0.0.1:0', '--db', db, '--procedures', TREE],
      { encoding: 'utf8', timeout: 30_000 });
    assert.equal(serve.status, 1, serve.stderr);
    assert.match(serve.stderr, /file is not a database \(the file is damaged .*spkiosk restore --db FILE BACKUP\)/);
    const list = spawnSync(BIN, ['user', 'list', '--db', db], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(list.status, 1);
    assert.match(list.stderr, /restore a backup/);
  });
});
