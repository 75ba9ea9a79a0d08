// The upgrade of a hall's database from schema 41 to 44 in one start: 042
// (the lost link) and 044 (办结告知) each copy the notifications table
// whole to widen its kinds, 043 (ratings kept apart) adds two columns and
// marks the ratings already given. The three were written apart and
// renumbered at the merge, so this walks them in order over a database with
// rows in both tables: every notification kept as it was (ids too: the staff
// page's 已通知 names a row by its id), its indexes made again, both new
// kinds accepted, and the ratings marked by the case's hand-ins.
//
// The schema-41 database is this build's, taken back to 41 where 042–044
// changed it (the table of schema/012 and the ratings without their two
// columns); with SPKIOSK_OLD_BIN set to a build of 42fed1a1 (schema 41) the
// rows are made by that build instead, a real upgrade.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  makeTmp, rmTmp, startDaemon, adminPassword, login, authHeaders, request,
  setShortcuts,
} from './helpers.mjs';
import { residentCase, WINDOW_TREE } from './staff-helpers.mjs';

// Every database made as without tests/api/db-shortcuts.mjs (no template,
// no cached hash): a migration's test: the daemon makes and migrates every database.
setShortcuts({ template: false, hashes: false });

const OLD = process.env.SPKIOSK_OLD_BIN;
// startDaemon runs its BIN; a wrapper swaps in the old build for the rows
const OLD_WRAP = OLD ? ['/bin/sh', '-c', 'shift; exec "$0" "$@"', OLD] : undefined;

// schema/012's table: the three kinds of the contract
const NOTIFY_41 = `
CREATE TABLE notifications_41 (
    id         INTEGER PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    ticket     TEXT,
    title      TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('ready', 'returned', 'rejected')),
    phone      TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    done_at    TEXT,
    done_by    TEXT,
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_try   INTEGER,
    last_error TEXT,
    erased_at  TEXT
) STRICT;
INSERT INTO notifications_41 SELECT id, case_id, ticket, title, kind, phone, text, created_at,
    done_at, done_by, attempts, next_try, last_error, erased_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_41 RENAME TO notifications;
CREATE INDEX notifications_due ON notifications (next_try) WHERE done_at IS NULL;
CREATE INDEX notifications_case ON notifications (case_id);
CREATE INDEX notifications_created ON notifications (created_at);
ALTER TABLE ratings DROP COLUMN staff;
ALTER TABLE ratings DROP COLUMN handed_in;
PRAGMA user_version = 41;
`;

describe('schema 41 → 44 with notifications and ratings', () => {
  const t = { d: null, tmp: makeTmp() };
  t.db = path.join(t.tmp, 'x.db');
  after(async () => {
    if (t.d) await t.d.stop();
    rmTmp(t.tmp);
  });
  const sql = (text) => execFileSync('sqlite3', ['-batch', t.db], { input: text, encoding: 'utf8' }).trim();
  const client = (d, s) => {
    const w = { url: (p) => `${d.url}${p}` };
    w.post = (p, body, headers = {}) => request(w.url(p), {
      method: 'POST', headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    w.spost = (p, body = {}) => request(w.url(p), {
      method: 'POST', headers: authHeaders(s), body: JSON.stringify(body),
    });
    w.sget = (p) => request(w.url(p), { headers: { Cookie: s.cookie } });
    return w;
  };
  const ok = (r, what) => assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${r.text}`);

  it('keeps every row, widens the kinds and marks the ratings', async () => {
    // --- the hall at schema 41: notifications of the three kinds, and ratings
    t.d = await startDaemon({ tree: WINDOW_TREE, db: t.db, wrap: OLD_WRAP });
    const password = adminPassword(t.d);
    let w = client(t.d, await login(t.d.url, 'admin', password));
    const returned = await residentCase(w);
    ok(await w.spost(`/api/v1/staff/cases/${returned.id}/accept`), 'accept');
    ok(await w.spost(`/api/v1/staff/cases/${returned.id}/return`,
      { reason: '户口簿缺少本人页', fields: ['id_number'] }), 'return');
    const phoned = await residentCase(w);
    ok(await w.spost(`/api/v1/staff/cases/${phoned.id}/accept`), 'accept');
    ok(await w.spost(`/api/v1/staff/cases/${phoned.id}/return`,
      { reason: '户口簿缺少本人页', fields: ['id_number'] }), 'return');
    const rejected = await residentCase(w);
    ok(await w.spost(`/api/v1/staff/cases/${rejected.id}/accept`), 'accept');
    ok(await w.spost(`/api/v1/staff/cases/${rejected.id}/reject`, { reason: '不符合条件' }), 'reject');
    const list = (await w.sget('/api/v1/staff/notifications')).body.notifications;
    assert.equal(list.length, 3, JSON.stringify(list));
    const phonedRow = list.find((n) => n.case === phoned.id);
    ok(await w.spost(`/api/v1/staff/notifications/${phonedRow.id}/done`), 'done');
    // a served case rated 4, and a case never handed in rated 1
    const served = await residentCase(w);
    ok(await w.spost(`/api/v1/staff/cases/${served.id}/accept`), 'accept');
    ok(await w.spost(`/api/v1/staff/cases/${served.id}/complete`, { outcome: '已办结' }), 'complete');
    assert.equal((await w.post(`/api/v1/cases/${served.id}/rating`, { score: 4 })).status, 204);
    const unserved = await w.post('/api/v1/cases', { procedure: 'residence', channel: 'kiosk' });
    ok(unserved, 'create');
    assert.equal((await w.post(`/api/v1/cases/${unserved.body.id}/rating`, { score: 1 })).status, 204);
    let info = await t.d.stop();
    t.d = null;
    assert.equal(info.code, 0);
    if (!OLD) sql(NOTIFY_41);
    // what the sender left in the rows: tries, an error, a gap in the ids
    sql(`UPDATE notifications SET attempts = 3, next_try = 4102444800, last_error = 'exit 2'
           WHERE case_id = '${returned.id}';
         UPDATE notifications SET id = 40 WHERE case_id = '${rejected.id}';`);
    assert.equal(sql('PRAGMA user_version'), '41');
    assert.doesNotMatch(sql("SELECT sql FROM sqlite_master WHERE name = 'notifications'"), /'link'/);
    const before = sql('SELECT * FROM notifications ORDER BY id');
    assert.equal(before.split('\n').length, 3);

    // --- the upgrade: 042, 043 and 044 in one start
    t.d = await startDaemon({ tree: WINDOW_TREE, db: t.db, args: ['--notify-completed'] });
    // 044, and any later one (045 …)
    assert.ok(Number(sql('PRAGMA user_version')) >= 44);
    assert.equal(sql('SELECT * FROM notifications ORDER BY id'), before, 'every row as it was, ids too');
    assert.equal(sql("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'notifications'"
      + ' ORDER BY name'), 'notifications_case\nnotifications_created\nnotifications_due');
    assert.equal(sql('PRAGMA foreign_key_check'), '');
    assert.equal(sql('PRAGMA integrity_check'), 'ok');
    assert.equal(sql('SELECT case_id, handed_in, staff IS NULL FROM ratings ORDER BY score'),
      `${unserved.body.id}|0|1\n${served.id}|1|1`);

    // the daemon reads the rows it kept, and takes both new kinds
    w = client(t.d, await login(t.d.url, 'admin', password));
    let got = (await w.sget('/api/v1/staff/notifications')).body.notifications;
    assert.deepEqual(got.map((n) => [n.id, n.case, n.kind, n.done !== null]).sort((a, b) => a[0] - b[0]),
      [[phonedRow.id, phoned.id, 'returned', true],
        [list.find((n) => n.case === returned.id).id, returned.id, 'returned', false],
        [40, rejected.id, 'rejected', false]].sort((a, b) => a[0] - b[0]));
    ok(await w.spost(`/api/v1/staff/notifications/${got.find((n) => n.case === returned.id).id}/done`),
      '已通知 of a row kept');
    const finished = await residentCase(w);
    ok(await w.spost(`/api/v1/staff/cases/${finished.id}/accept`), 'accept');
    ok(await w.spost(`/api/v1/staff/cases/${finished.id}/complete`, { outcome: '已办结' }), 'complete');
    got = (await w.sget('/api/v1/staff/notifications')).body.notifications;
    const done = got.find((n) => n.case === finished.id);
    assert.ok(done && done.kind === 'completed' && done.id > 40, JSON.stringify(got));
    // 'link' passes the CHECK too (the route needs a sender and a public URL)
    sql(`INSERT INTO notifications (case_id, title, kind, phone, text, created_at)
           VALUES ('${finished.id}', 't', 'link', '13800138000', 'x', '2026-01-01T00:00:00Z')`);
    info = await t.d.stop();
    t.d = null;
    assert.equal(info.code, 0);
  });
});
