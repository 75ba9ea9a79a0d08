// schema/036-case-answers-keyed.sql rebuilds case_steps, case_values and
// case_checklist as WITHOUT ROWID tables (one b-tree each instead of two:
// a step writes two pages fewer, issue #13 item 2). A database at schema
// 35 holding a handed-in case and one half-way through must come through
// with every answer row as it was, the tables keyed, their cascade from
// cases kept, and the half-way case still able to go on and hand in. The
// schema-35 shape is made from a migrated database with the sqlite3 shell.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startDaemon, makeTmp, stopChecked, setShortcuts } from './helpers.mjs';
import { WINDOW_TREE, residentCase, NAME, ID, MOBILE } from './staff-helpers.mjs';

// Every database made as without tests/api/db-shortcuts.mjs (no template,
// no cached hash): a migration's test: the daemon makes and migrates every database.
setShortcuts({ template: false, hashes: false });

// the three tables as 002 made them (rowid tables), user_version 35
const DOWNGRADE = `
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE case_steps_old (
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    step INTEGER NOT NULL, at TEXT NOT NULL, PRIMARY KEY (case_id, step)) STRICT;
INSERT INTO case_steps_old SELECT case_id, step, at FROM case_steps;
DROP TABLE case_steps;
ALTER TABLE case_steps_old RENAME TO case_steps;
CREATE TABLE case_values_old (
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    key TEXT NOT NULL, step INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY (case_id, key)) STRICT;
INSERT INTO case_values_old SELECT case_id, key, step, value FROM case_values;
DROP TABLE case_values;
ALTER TABLE case_values_old RENAME TO case_values;
CREATE TABLE case_checklist_old (
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL, step INTEGER NOT NULL, PRIMARY KEY (case_id, item_id)) STRICT;
INSERT INTO case_checklist_old SELECT case_id, item_id, step FROM case_checklist;
DROP TABLE case_checklist;
ALTER TABLE case_checklist_old RENAME TO case_checklist;
-- what migrations after 036 added: they run again
DROP INDEX cases_open_side;
ALTER TABLE cases DROP COLUMN outside;
DROP TABLE IF EXISTS rate_keys;
DROP TABLE backup_outcomes;
CREATE TABLE procedure_reads_old (
    user_id TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    procedure_id TEXT NOT NULL, hash TEXT NOT NULL, read_at TEXT NOT NULL,
    PRIMARY KEY (user_id, procedure_id),
    FOREIGN KEY (procedure_id, hash) REFERENCES procedure_versions (procedure_id, hash)
) STRICT, WITHOUT ROWID;
INSERT INTO procedure_reads_old SELECT user_id, procedure_id, hash, read_at FROM procedure_reads
    WHERE seen_id = procedure_id;
DROP TABLE procedure_reads;
ALTER TABLE procedure_reads_old RENAME TO procedure_reads;
DROP INDEX procedures_path;
ALTER TABLE cases DROP COLUMN handed_in_by;
ALTER TABLE ratings DROP COLUMN staff;
ALTER TABLE ratings DROP COLUMN handed_in;
PRAGMA user_version = 35;
COMMIT;
`;

const TABLES = ['case_steps', 'case_values', 'case_checklist'];
const sql = (db, text) => execFileSync('sqlite3', [db], { input: text, encoding: 'utf8' }).trim();
// every row of the three tables, in key order
const dump = (db) => sql(db, TABLES.map((t) => `SELECT '${t}', * FROM ${t} ORDER BY 2, 3;`).join('\n'));
const keyed = (db) => sql(db, TABLES.map((t) =>
  `SELECT name, sql LIKE '%WITHOUT ROWID' FROM sqlite_schema WHERE name = '${t}';`).join('\n'));
// the primary keys' second b-trees, which rowid tables have
const autoindexes = (db) => sql(db, `SELECT name FROM sqlite_schema WHERE name IN (${
  TABLES.map((t) => `'sqlite_autoindex_${t}_1'`).join(', ')}) ORDER BY name;`);

describe('migration 036 on a database with answers', () => {
  let tmp;
  let db;
  let daemon;
  let done;
  let half;
  let before35;
  const h = {};
  h.post = (p, body) => fetch(daemon.url + p, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, text: await r.text() }))
    .then((r) => ({ ...r, body: r.text ? JSON.parse(r.text) : null }));
  const get = (p) => fetch(daemon.url + p).then(async (r) => ({ status: r.status, body: await r.json() }));

  before(async () => {
    tmp = makeTmp();
    db = path.join(tmp, 'x.db');
    daemon = await startDaemon({ tree: WINDOW_TREE, db });
    done = await residentCase(h);
    const c = await h.post('/api/v1/cases', { procedure: 'residence' });
    assert.equal(c.status, 201, c.text);
    half = c.body.id;
    assert.equal((await h.post(`/api/v1/cases/${half}/conditions`, { confirmed: [true] })).status, 200);
    const s0 = await h.post(`/api/v1/cases/${half}/steps/0`, { checklist: { 's0-0': true, 's0-1': true } });
    assert.equal(s0.status, 200, s0.text);
    const info = await daemon.stop();
    assert.equal(info.code, 0, daemon.stderr());
    sql(db, DOWNGRADE);
    assert.equal(sql(db, 'PRAGMA user_version;'), '35');
    assert.deepEqual(autoindexes(db).split('\n'),
      ['sqlite_autoindex_case_checklist_1', 'sqlite_autoindex_case_steps_1', 'sqlite_autoindex_case_values_1'],
      'the downgrade made rowid tables, each with its key in a second b-tree');
    before35 = dump(db);
    assert.match(before35, /^case_values\|/m, 'there are values to lose');
    assert.match(before35, new RegExp(`^case_checklist\\|${half}\\|s0-1\\|0$`, 'm'), 'and the half-way case\'s ticks');
    daemon = await startDaemon({ tree: WINDOW_TREE, db });
  });
  after(() => stopChecked(daemon, tmp));

  it('keeps every answer row as it was, in keyed tables that still cascade', async () => {
    const newest = fs.readdirSync(path.join(ROOT, 'schema')).filter((n) => /^\d+-.*\.sql$/.test(n)).length;
    assert.match(daemon.stderr(), new RegExp(`x\\.db migrated from schema 35 to ${newest}$`, 'm'));
    assert.equal(dump(db), before35);
    assert.equal(keyed(db), TABLES.map((t) => `${t}|1`).join('\n'));
    assert.equal(autoindexes(db), '');
    assert.equal(sql(db, 'PRAGMA foreign_key_check;'), '');
    // the handed-in case reads back whole
    const pub = await get(`/api/v1/cases/${done.id}`);
    assert.equal(pub.status, 200);
    assert.equal(pub.body.status, 'waiting');
    assert.equal(pub.body.ticket, done.ticket);
    assert.equal(pub.body.values.name, NAME);
    // the cascade from cases survived the rebuild (retention's erase relies on it)
    const copy = path.join(tmp, 'copy.db');
    sql(db, `VACUUM INTO '${copy}';`);
    sql(copy, `PRAGMA foreign_keys = ON; DELETE FROM cases WHERE id = '${done.id}';`);
    assert.equal(sql(copy, TABLES.map((t) => `SELECT count(*) FROM ${t} WHERE case_id = '${done.id}';`).join('\n')),
      '0\n0\n0');
  });

  it('the case half-way through goes on from its ticks to a ticket', async () => {
    const s1 = await h.post(`/api/v1/cases/${half}/steps/1`,
      { fields: { name: NAME, id_number: ID, phone: MOBILE, proxy: 'no' } });
    assert.equal(s1.status, 200, s1.text);
    const sub = await h.post(`/api/v1/cases/${half}/submit`);
    assert.equal(sub.status, 200, sub.text);
    assert.match(sub.body.ticket, /\d/);
    const pub = await get(`/api/v1/cases/${half}`);
    assert.equal(pub.body.values.phone, MOBILE);
    assert.equal(sql(db, `SELECT count(*) FROM case_checklist WHERE case_id = '${half}';`), '2');
  });
});
