// The admin console's word on the backups (GET /api/v1/admin/backups,
// docs/http-api.md "Admin: the backups"): a hall with no monitoring still
// learns that its nightly `spkiosk backup` stopped. What `spkiosk backup`
// recorded in the database is answered with what to warn of: none ever
// made ("never"), the last good copy older than a day and a half ("old"),
// the last one failed ("failed", with the command's reason), and nothing
// once a copy is made. Admins only.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, FIXTURE_TREE, startDaemon, makeTmp, stopChecked, request, adminPassword, addUser, login,
  assertError } from './helpers.mjs';

describe('the backups in the admin console', () => {
  let tmp, db, d, admin, staff;
  const get = (s) => request(`${d.url}/api/v1/admin/backups`, { headers: s ? { Cookie: s.cookie } : {} });
  const backup = (...args) => spawnSync(BIN, ['backup', '--db', db, ...args], { encoding: 'utf8' });
  const sql = (q) => spawnSync('sqlite3', [db, q], { encoding: 'utf8' });
  before(async () => {
    tmp = makeTmp();
    db = path.join(tmp, 'x.db');
    d = await startDaemon({ tree: FIXTURE_TREE, db });
    admin = await login(d.url, 'admin', adminPassword(d));
    addUser(db, 'wang', 'staff', 'wang-password-1');
    staff = await login(d.url, 'wang', 'wang-password-1');
  });
  after(() => stopChecked(d, tmp));

  it('says none was ever made, to admins only', async () => {
    const r = await get(admin);
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('cache-control') ?? '', /no-store/);
    assert.deepEqual(r.body, { last_success: null, last_failure: null, failures: 0, attention: 'never' });
    assert.equal((await get(staff)).status, 403);
    assertError(await get(null), 401, 'not_logged_in');
  });

  it('says nothing once a copy is made, and "old" a day and a half later', async () => {
    const copy = path.join(tmp, 'one.db');
    const r = backup(copy);
    assert.equal(r.status, 0, r.stderr);
    let v = (await get(admin)).body;
    assert.equal(v.attention, null, JSON.stringify(v));
    assert.equal(v.last_success.bytes, fs.statSync(copy).size);
    assert.ok(Math.abs(Date.parse(v.last_success.at) - Date.now()) < 3600e3, v.last_success.at);
    assert.equal(v.last_failure, null);
    // the timer missed a night and a half
    assert.equal(sql("UPDATE backup_outcomes SET at = at - 37 * 3600 WHERE outcome = 'ok'").status, 0);
    v = (await get(admin)).body;
    assert.equal(v.attention, 'old', JSON.stringify(v));
  });

  it('says the last one failed, with why, until a copy is made again', async () => {
    fs.writeFileSync(path.join(tmp, 'disk'), 'not a folder');
    const r = backup('--keep', '3', path.join(tmp, 'disk', 'nightly'));
    assert.equal(r.status, 1);
    let v = (await get(admin)).body;
    assert.equal(v.attention, 'failed', JSON.stringify(v));
    assert.equal(v.failures, 1);
    assert.match(v.last_failure.reason, /disk\/nightly/);
    assert.ok(v.last_success, 'the last good copy is still told');
    // a failure in the same second as a success reads as a failed prune
    // (both recorded by one run): the next copy comes a second later
    while (Date.now() < Date.parse(v.last_failure.at) + 1000) await new Promise((r) => setTimeout(r, 100));
    assert.equal(backup(path.join(tmp, 'two.db')).status, 0);
    v = (await get(admin)).body;
    assert.equal(v.attention, null, JSON.stringify(v));
    assert.equal(v.failures, 1, 'the count stays');
  });

  // The copy is made but an older one cannot be deleted (here a folder
  // under a copy's dated name; on a hall's disk, a USB stick gone read-only):
  // the command fails, so the timer's unit does, and the console says so,
  // or the disk fills unseen. The copy made stays and is the last success.
  it('says a prune that failed, with the copy made kept', async () => {
    const dir = path.join(tmp, 'nightly');
    const stuck = path.join(dir, 'spkiosk-20200101T000000Z.db');
    fs.mkdirSync(stuck, { recursive: true });
    fs.writeFileSync(path.join(stuck, 'inside'), 'x');
    while (Date.now() < Date.parse((await get(admin)).body.last_success.at) + 1000)
      await new Promise((r) => setTimeout(r, 100));
    const r = backup('--keep', '1', dir);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /the copy is made, but pruning failed: cannot delete .*spkiosk-20200101T000000Z\.db/);
    const made = path.basename(r.stdout.trim());
    assert.match(made, /^spkiosk-\d{8}T\d{6}Z\.db$/);
    assert.deepEqual(fs.readdirSync(dir).sort(), [made, 'spkiosk-20200101T000000Z.db'].sort());
    assert.equal(spawnSync('sqlite3', [path.join(dir, made), 'PRAGMA integrity_check'], { encoding: 'utf8' }).stdout, 'ok\n');
    const v = (await get(admin)).body;
    assert.equal(v.attention, 'failed', JSON.stringify(v));
    assert.equal(v.failures, 2);
    assert.match(v.last_failure.reason, /pruning failed/);
    assert.equal(v.last_success.bytes, fs.statSync(path.join(dir, made)).size);
  });
});
