// schema/027-practice-key.sql's first text (landed at 5f9e058, replaced by
// f09d567 before the next landing) made a view practice_keys where the
// final text adds the column procedure_versions.practice_key. A database
// migrated by it is at schema 27 or later without the column: the current
// binary then failed every load ("no column named practice_key") while
// /healthz stayed 200, so no edit went live again (an IT officer's review
// replayed it with the build of 5f9e058). The daemon now repairs such a
// database at its start (schema/repair/027-practice-key.sql, db.c). The
// old shape is made from a current database with the sqlite3 shell.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startDaemon, makeTmp, stopChecked, writeTree, request, setShortcuts } from './helpers.mjs';

// Every database made as without tests/api/db-shortcuts.mjs (no template,
// no cached hash): a migration's test: the daemon makes and migrates every database.
setShortcuts({ template: false, hashes: false });

const proc = (summary) => `# 演示事项\n\n${summary}\n\n## 办理条件\n- 本市户籍\n\n## 第一步：材料\n- [ ] 身份证 {#id_card}\n`;
const PRACTICE = '# 练习\n\n## 齐全\n王某带了身份证。\n\n```case\nconditions = 是\nbrought = id_card\nexpect = accept\n```\n';

// the view of 027's first text, over a table that never got the column
const BREAK = `
DROP VIEW IF EXISTS practice_keys;
ALTER TABLE procedure_versions DROP COLUMN practice_key;
CREATE VIEW practice_keys AS SELECT procedure_id, hash, json_extract(detail_json, '$.conditions') AS practice_key
  FROM procedure_versions;
UPDATE procedure_versions SET render_version = 8;
`;

describe('a database migrated by 027\'s first text', () => {
  let tmp, db, tree, d = null;
  const sql = (text) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', db], { input: text, encoding: 'utf8' }).trim();
  before(async () => {
    tmp = makeTmp();
    db = path.join(tmp, 'x.db');
    tree = writeTree(path.join(tmp, 'tree'), {
      'hall/README.md': '# 大厅\n\n大厅事项。\n',
      'hall/demo.md': proc('第一版。'),
      'hall/demo.practice.md': PRACTICE,
    });
    d = await startDaemon({ tree, db });
    const info = await d.stop();
    assert.deepEqual([info.code, info.signal], [0, null], d.stderr());
    d = null;
    sql(BREAK);
    assert.equal(sql("SELECT count(*) FROM pragma_table_info('procedure_versions') WHERE name = 'practice_key'"), '0');
  });
  after(() => stopChecked(d, tmp));

  it('is repaired at start: the column back, the view gone, edits go live again', async () => {
    d = await startDaemon({ tree, db });
    assert.match(d.stderr(), /database repaired \(schema\/repair\/027-practice-key\.sql\)/);
    assert.doesNotMatch(d.stderr(), /no column named practice_key/);
    assert.equal(sql("SELECT count(*) FROM pragma_table_info('procedure_versions') WHERE name = 'practice_key'"), '1');
    assert.equal(sql("SELECT count(*) FROM sqlite_schema WHERE name = 'practice_keys'"), '0');
    // the live version stored again (its render version was older): its key filled
    assert.equal(sql("SELECT count(*) FROM procedures p JOIN procedure_versions v ON v.procedure_id = p.id"
      + " AND v.hash = p.hash WHERE v.practice_key IS NULL"), '0');
    fs.writeFileSync(path.join(tree, 'hall/demo.md'), proc('第二版。'));
    const t0 = Date.now();
    let body = '';
    while (Date.now() - t0 < 10_000 && !body.includes('第二版')) {
      body = (await request(`${d.url}/api/v1/procedures/demo`)).text;
      if (!body.includes('第二版')) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(body, /第二版/, 'the edit went live');
    const info = await d.stop();
    assert.deepEqual([info.code, info.signal], [0, null], d.stderr());
    // repaired once: the next start finds nothing to repair
    d = await startDaemon({ tree, db });
    assert.doesNotMatch(d.stderr(), /database repaired/);
  });

  // what hid it: a load whose files could not be stored served the last
  // load, and spkiosk_load_failures_total stayed 0
  it('a load whose files cannot be stored counts as a failed load', async () => {
    const failures = async () => {
      const m = (await request(`${d.url}/metrics`)).text;
      return Number(/^spkiosk_load_failures_total (\d+)$/m.exec(m)[1]);
    };
    const before = await failures();
    sql("CREATE TRIGGER no_versions BEFORE INSERT ON procedure_versions BEGIN SELECT RAISE(ABORT, 'broken'); END;");
    try {
      fs.writeFileSync(path.join(tree, 'hall/demo.md'), proc('第三版。'));
      const t0 = Date.now();
      while (Date.now() - t0 < 10_000 && !/files not stored/.test(d.stderr()))
        await new Promise((r) => setTimeout(r, 100));
      assert.match(d.stderr(), /files not stored/);
      // the load line is printed before the load is counted (loader.c):
      // the counter may lag the line by a moment
      let now = await failures();
      while (Date.now() - t0 < 10_000 && now === before) {
        await new Promise((r) => setTimeout(r, 50));
        now = await failures();
      }
      assert.equal(now, before + 1);
    } finally {
      sql('DROP TRIGGER no_versions;');
    }
  });
});
