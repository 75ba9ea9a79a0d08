// schema/011-prereview.sql rebuilds the cases table (SQLite cannot widen a
// CHECK in place) while five tables refer to it with ON DELETE CASCADE. A
// database of the schema before it, holding a case with steps, values,
// ticks, events and a rating, must come through the migration with all of
// them: had the old table been dropped with foreign keys on, the cascade
// would have emptied them. The old schema is made from a migrated database
// by the reverse rebuild, with the sqlite3 shell (foreign keys off there).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startDaemon, makeTmp, stopChecked, addUser, login, setShortcuts } from './helpers.mjs';
import { WINDOW_TREE, residentCase, NAME } from './staff-helpers.mjs';

// Every database made as without tests/api/db-shortcuts.mjs (no template,
// no cached hash): a migration's test: the daemon makes and migrates every database.
setShortcuts({ template: false, hashes: false });

// the cases table as 002, 004, 005 and 008 left it, user_version 10
const DOWNGRADE = `
PRAGMA foreign_keys = OFF;
PRAGMA legacy_alter_table = ON;
BEGIN;
CREATE TABLE cases_old (
    id TEXT PRIMARY KEY, procedure_id TEXT NOT NULL, hash TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('kiosk', 'window', 'web')),
    status TEXT NOT NULL CHECK (status IN
        ('open', 'waiting', 'accepted', 'returned', 'completed', 'abandoned')),
    conditions_confirmed INTEGER NOT NULL DEFAULT 0, ticket_day TEXT, ticket TEXT,
    returned_reason TEXT, outcome TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    submitted_at TEXT, created_by TEXT, called_at TEXT, called_by TEXT,
    calls INTEGER NOT NULL DEFAULT 0, accepted_at TEXT, accepted_by TEXT, completed_at TEXT,
    completed_by TEXT, returned_at TEXT, returned_by TEXT, returned_items TEXT, no_show_at TEXT,
    queue_seq INTEGER, erased_at TEXT,
    needs_erase INTEGER NOT NULL DEFAULT 1 CHECK (needs_erase IN (0, 1)),
    missing_items TEXT,
    FOREIGN KEY (procedure_id, hash) REFERENCES procedure_versions (procedure_id, hash)
) STRICT;
INSERT INTO cases_old SELECT id, procedure_id, hash, channel, status, conditions_confirmed,
    ticket_day, ticket, returned_reason, outcome, created_at, updated_at, submitted_at,
    created_by, called_at, called_by, calls, accepted_at, accepted_by, completed_at,
    completed_by, returned_at, returned_by, returned_items, no_show_at, queue_seq, erased_at,
    needs_erase, missing_items FROM cases;
DROP TABLE cases;
ALTER TABLE cases_old RENAME TO cases;
CREATE UNIQUE INDEX cases_ticket ON cases (ticket_day, ticket) WHERE ticket IS NOT NULL;
CREATE INDEX cases_status ON cases (status, submitted_at);
CREATE INDEX cases_queue ON cases (status, queue_seq);
CREATE INDEX cases_call ON cases (status, calls, queue_seq);
CREATE INDEX cases_activity ON cases (status, updated_at);
CREATE INDEX cases_due ON cases (updated_at, id)
    WHERE status IN ('completed', 'abandoned') AND needs_erase = 1;
CREATE INDEX cases_created ON cases (created_at);
-- what migrations after 011 added: a version-10 database has none of it,
-- and they run again
DROP TABLE IF EXISTS notifications;
ALTER TABLE users DROP COLUMN posts;
DROP TABLE IF EXISTS posts;
DROP TABLE IF EXISTS calendar;
DROP TABLE IF EXISTS case_stages;
DROP INDEX IF EXISTS case_events_at;
DROP INDEX IF EXISTS ratings_at;
DROP TABLE IF EXISTS followups;
DROP TABLE IF EXISTS sp_reports;
DROP TABLE IF EXISTS practice_files;
DROP TABLE IF EXISTS practice_cases;
DROP TABLE IF EXISTS schedule;
ALTER TABLE procedures DROP COLUMN updated_on;
DROP TABLE IF EXISTS procedure_reads;
DROP TABLE IF EXISTS login_devices;
DROP TABLE IF EXISTS search_docs;
DROP INDEX IF EXISTS procedure_versions_reuse;
ALTER TABLE source_files DROP COLUMN stamp;
ALTER TABLE source_files DROP COLUMN chain;
DROP INDEX IF EXISTS procedure_versions_snap;
DROP TABLE IF EXISTS chain_check;
ALTER TABLE procedure_versions DROP COLUMN practice_key;
ALTER TABLE users DROP COLUMN display;
DROP TABLE IF EXISTS health_probe;
DROP TABLE IF EXISTS report_days;
ALTER TABLE procedure_versions DROP COLUMN render_contact;
ALTER TABLE procedure_versions DROP COLUMN notice_key;
DROP TABLE IF EXISTS calendar_backfill;
DROP TABLE IF EXISTS rate_keys;
DROP TABLE IF EXISTS backup_outcomes;
DROP INDEX IF EXISTS procedures_path;
ALTER TABLE ratings DROP COLUMN staff;
ALTER TABLE ratings DROP COLUMN handed_in;
PRAGMA user_version = 10;
COMMIT;
`;

const sql = (db, text) => execFileSync('sqlite3', [db], { input: text, encoding: 'utf8' }).trim();
const counts = (db, id) => sql(db, ['case_steps', 'case_values', 'case_checklist', 'case_events', 'ratings']
  .map((t) => `SELECT '${t}', count(*) FROM ${t} WHERE case_id = '${id}';`).join('\n'));

describe('migration 011 on a database with cases', () => {
  let tmp;
  let db;
  let daemon;
  let c;
  let before10;
  const api = (p, init = {}) => fetch(daemon.url + p, init).then(async (r) => ({ status: r.status, body: await r.json() }));

  before(async () => {
    tmp = makeTmp();
    db = path.join(tmp, 'x.db');
    daemon = await startDaemon({ tree: WINDOW_TREE, db });
    const h = { url: (p) => daemon.url + p };
    h.post = (p, body) => fetch(h.url(p), {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, text: await r.text() })).then((r) => ({ ...r, body: r.text ? JSON.parse(r.text) : null }));
    c = await residentCase(h);
    const r = await h.post(`/api/v1/cases/${c.id}/rating`, { score: 5, comment: '很好' });
    assert.equal(r.status, 204, r.text);
    const info = await daemon.stop();
    assert.equal(info.code, 0, daemon.stderr());
    sql(db, DOWNGRADE);
    assert.equal(sql(db, 'PRAGMA user_version;'), '10');
    before10 = counts(db, c.id);
    assert.match(before10, /case_values\|[1-9]/, 'the case has values to lose');
    daemon = await startDaemon({ tree: WINDOW_TREE, db });
  });
  after(() => stopChecked(daemon, tmp));

  it('keeps every row that refers to a case, and the case itself', async () => {
    // every migration ran again from 011 on: the version is the newest one's
    const newest = fs.readdirSync(path.join(ROOT, 'schema')).filter((n) => /^\d+-.*\.sql$/.test(n)).length;
    assert.equal(sql(db, 'PRAGMA user_version;'), String(newest));
    // and the journal of the start says so (an IT officer's review found no
    // word of a migration, nor of the build, after an upgrade)
    assert.match(daemon.stderr(), new RegExp(`^spkiosk: spkiosk \\S+.* starting$`, 'm'));
    assert.match(daemon.stderr(), new RegExp(`x\\.db migrated from schema 10 to ${newest}$`, 'm'));
    assert.equal(counts(db, c.id), before10);
    assert.equal(sql(db, 'PRAGMA foreign_key_check;'), '');
    const pub = await api(`/api/v1/cases/${c.id}`);
    assert.equal(pub.status, 200);
    assert.equal(pub.body.status, 'waiting');
    assert.equal(pub.body.ticket, c.ticket);
    assert.equal(pub.body.values.name, NAME);
    assert.equal(pub.body.invite, null);
  });

  it('the new statuses are allowed and the old ones still checked; indexes are back', async () => {
    assert.match(sql(db, "SELECT sql FROM sqlite_schema WHERE name = 'cases';"), /'prereview', 'invited'/);
    assert.throws(() => sql(db, `UPDATE cases SET status = 'nonsense' WHERE id = '${c.id}';`), /CHECK constraint failed/);
    const idx = sql(db, "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'cases' AND sql IS NOT NULL ORDER BY name;");
    assert.deepEqual(idx.split('\n'), ['cases_activity', 'cases_call', 'cases_created', 'cases_due', 'cases_gap', 'cases_open_side', 'cases_owner', 'cases_queue', 'cases_seq', 'cases_status', 'cases_ticket', 'cases_visit']);
    // the daemon serves the migrated case to the window
    addUser(db, 'wang', 'staff', 'wang-password-1');
    const s = await login(daemon.url, 'wang', 'wang-password-1');
    const q = await fetch(daemon.url + '/api/v1/staff/queue', { headers: { Cookie: s.cookie } });
    assert.equal(q.status, 200);
    assert.deepEqual((await q.json()).queue.map((e) => e.id), [c.id]);
  });
});
