// 「本事项已更新」 across a renamed id (docs/http-api.md "What changed in a
// procedure", a renamed id): an admin saves the file of `sub` with front
// matter `id: sub-apply` and a new required material. A staffer who had
// confirmed `sub` was told nothing: the new id's first look became their
// baseline, and the material was never shown to them. Their read of the
// old id now follows the file to the new id: the rename is an update (the
// new name, the new material) that they confirm as any other. Also: a
// staffer who never read the old id (nothing to carry); the id renamed
// back (their read of the new id, not the stale one of the old, is what
// they are shown changes from); a rename and a new file taking the old id
// in the same load (the read goes with the file; the new file is new);
// an old id reused later by an unrelated file in another folder (new, not
// an update of the old item).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  addUser, authHeaders, login, makeTmp, request, startDaemon, stopChecked, writeTree,
} from './helpers.mjs';
import { PW, putSource, readFile, sha256 } from './admin-helpers.mjs';

const SUB = '# 测试补贴\n\n测试补贴的简介。\n\n'
  + '## 第一步：准备材料\n- [ ] 身份证原件\n\n'
  + '## 第二步：窗口审核\n工作人员核对原件。\n';
// the file's id renamed, its name too, and a new required material
const RENAMED = '---\nid: sub-apply\n---\n# 测试补贴申领\n\n测试补贴的简介。\n\n'
  + '## 第一步：准备材料\n- [ ] 身份证原件\n- [ ] 户口簿\n\n'
  + '## 第二步：窗口审核\n工作人员核对原件。\n';
// back to the old id and name, the material kept
const BACK = RENAMED.replace('id: sub-apply', 'id: sub').replace('测试补贴申领', '测试补贴');
const OTHER = '# 另一项\n\n简介。\n\n## 第一步：准备\n- [ ] 身份证\n';
const UNRELATED = (id) => `---\nid: ${id}\n---\n# 无关的新事项\n\n简介。\n\n## 第一步：准备\n- [ ] 照片\n`;

// A daemon over files, with admin boss and the given staffers logged in;
// restart() stops it and starts it again on the same database (one load
// sees every edit made on disk meanwhile). fresh: its database made by the
// daemon, not a copy of the run's template (tests/api/db-shortcuts.mjs).
function useDaemon(files, staff, { fresh = false } = {}) {
  const h = { daemon: null, tmp: null, tree: null, db: null, s: {} };
  before(async () => {
    h.tmp = makeTmp();
    h.tree = writeTree(path.join(h.tmp, 'tree'), files);
    h.db = path.join(h.tmp, 'x.db');
    h.daemon = await startDaemon({ tree: h.tree, db: h.db, fresh });
    addUser(h.db, 'boss', 'admin', PW);
    h.admin = await login(h.daemon.url, 'boss', PW);
    for (const n of staff) {
      addUser(h.db, n, 'staff', PW);
      h.s[n] = await login(h.daemon.url, n, PW);
    }
  });
  after(() => stopChecked(h.daemon, h.tmp));
  h.restart = async () => {
    const info = await h.daemon.stop();
    assert.equal(info.code, 0, h.daemon.stderr());
    h.daemon = await startDaemon({ tree: h.tree, db: h.db });
  };
  h.write = (rel, text) => fs.writeFileSync(path.join(h.tree, rel), text);
  h.remove = (rel) => fs.rmSync(path.join(h.tree, rel));
  h.get = (p, s) => request(`${h.daemon.url}${p}`, { headers: { Cookie: s.cookie } });
  h.view = async (id, s) => {
    const r = await h.get(`/api/v1/staff/procedures/${id}/changes`, s);
    assert.equal(r.status, 200, r.text);
    return r.body;
  };
  h.list = async (s) => {
    const r = await h.get('/api/v1/staff/changes', s);
    assert.equal(r.status, 200, r.text);
    return r.body.procedures;
  };
  h.confirm = async (id, hash, s) => {
    const r = await request(`${h.daemon.url}/api/v1/staff/procedures/${id}/changes/read`, {
      method: 'POST', headers: authHeaders(s), body: JSON.stringify({ hash }),
    });
    assert.equal(r.status, 200, r.text);
    return r.body;
  };
  h.save = async (id, rel, text) => {
    const r = await putSource(h, id, text, { 'If-Match': `"${sha256(readFile(h, rel))}"` });
    assert.equal(r.status, 200, r.text);
  };
  return h;
}

const lines = (b) => b.parts.flatMap((p) => p.lines.filter((l) => l.op !== '=').map((l) => l.op + l.text));

describe('a renamed id is an update to those who read the old one', () => {
  const h = useDaemon({
    'alpha/README.md': '# 甲类\n\n甲。\n',
    'alpha/sub.md': SUB,
    'alpha/other.md': OTHER,
  }, ['clerk', 'clerk2', 'clerk3']);
  let H1 = '';
  let H2 = '';

  it('the rename and its new material are listed and shown, until confirmed', async () => {
    // clerk and clerk2 have seen sub (the staff page's list); clerk3 never looked
    H1 = (await h.view('sub', h.s.clerk)).hash;
    assert.deepEqual(await h.list(h.s.clerk2), []);
    await h.save('sub', 'alpha/sub.md', RENAMED);
    assert.equal((await h.get('/api/v1/staff/procedures/sub/changes', h.s.clerk)).status, 404);
    const l = await h.list(h.s.clerk);
    assert.deepEqual(l.map((p) => [p.id, p.title, p.seen]), [['sub-apply', '测试补贴申领', H1]]);
    const b = await h.view('sub-apply', h.s.clerk);
    H2 = b.hash;
    assert.equal(b.changed, true, JSON.stringify(b));
    assert.equal(b.seen, H1);
    assert.equal(b.from.hash, H1);
    assert.equal(b.from.id, 'sub', 'the id the staffer read it under');
    assert.equal(b.to.hash, H2);
    const ls = lines(b);
    assert.ok(ls.includes('-事项名称：测试补贴'), ls.join('\n'));
    assert.ok(ls.includes('+事项名称：测试补贴申领'), ls.join('\n'));
    assert.ok(ls.includes('+材料：户口簿（必需）'), ls.join('\n'));
    // confirmed as any update
    const c = await h.confirm('sub-apply', H2, h.s.clerk);
    assert.equal(c.changed, false);
    assert.equal(c.seen, H2);
    assert.equal(c.from.id, 'sub-apply');
    assert.deepEqual(await h.list(h.s.clerk), []);
    // clerk2 saw sub through the list only: the same update
    assert.deepEqual((await h.list(h.s.clerk2)).map((p) => [p.id, p.seen]), [['sub-apply', H1]]);
  });

  it('a staffer who never read the old id: the new one is new to them', async () => {
    assert.deepEqual(await h.list(h.s.clerk3), []);
    const b = await h.view('sub-apply', h.s.clerk3);
    assert.equal(b.changed, false);
    assert.equal(b.seen, H2);
  });

  it('renamed back: changes from the version read under the other id', async () => {
    await h.save('sub-apply', 'alpha/sub.md', BACK);
    // clerk confirmed sub-apply: only the name is news (the material was read)
    const b = await h.view('sub', h.s.clerk);
    assert.equal(b.changed, true);
    assert.equal(b.seen, H2);
    assert.equal(b.from.id, 'sub-apply');
    assert.deepEqual(lines(b).sort(), ['+事项名称：测试补贴', '-事项名称：测试补贴申领']);
    // clerk2 never confirmed sub-apply: the material is still news to them
    const b2 = await h.view('sub', h.s.clerk2);
    assert.equal(b2.seen, H1);
    assert.ok(lines(b2).includes('+材料：户口簿（必需）'), lines(b2).join('\n'));
    assert.ok(!lines(b2).some((x) => x.includes('事项名称')), 'sub is its name again');
    // clerk3 knew it as sub-apply only: the name is news
    const b3 = await h.view('sub', h.s.clerk3);
    assert.equal(b3.changed, true);
    assert.deepEqual(lines(b3).sort(), ['+事项名称：测试补贴', '-事项名称：测试补贴申领']);
  });
});

describe('a rename and a new file taking the old id in one load', () => {
  const h = useDaemon({
    'alpha/README.md': '# 甲类\n\n甲。\n',
    'alpha/sub.md': SUB,
  }, ['clerk']);

  it('the read goes with the file; the file that took the id is new', async () => {
    const H1 = (await h.view('sub', h.s.clerk)).hash;
    h.write('alpha/sub.md', RENAMED);
    h.write('alpha/zz-new.md', UNRELATED('sub'));
    await h.restart();
    const got = await h.get('/api/v1/procedures/sub', h.s.clerk);
    assert.equal(got.status, 200, `the new file serves sub: ${got.text}\n${h.daemon.stderr()}`);
    assert.equal(got.body.title, '无关的新事项');
    assert.deepEqual((await h.list(h.s.clerk)).map((p) => [p.id, p.seen]), [['sub-apply', H1]]);
    const b = await h.view('sub', h.s.clerk);
    assert.equal(b.changed, false, 'the new file is not an update of the old item');
    assert.equal(b.from.id, 'sub');
    assert.equal(b.seen, b.hash);
    assert.ok(lines(await h.view('sub-apply', h.s.clerk)).includes('+材料：户口簿（必需）'));
  });
});

describe('a retired id reused later by an unrelated file in another folder', () => {
  const h = useDaemon({
    'alpha/README.md': '# 甲类\n\n甲。\n',
    'alpha/sub.md': SUB,
    'alpha/other.md': OTHER,
    'beta/README.md': '# 乙类\n\n乙。\n',
  }, ['clerk']);

  it('is new, not news carried from the retired item', async () => {
    assert.equal((await h.view('sub', h.s.clerk)).changed, false);
    h.remove('alpha/sub.md');
    await h.restart();
    assert.equal((await h.get('/api/v1/staff/procedures/sub/changes', h.s.clerk)).status, 404);
    assert.deepEqual(await h.list(h.s.clerk), []);
    h.write('beta/later.md', UNRELATED('sub'));
    await h.restart();
    assert.deepEqual(await h.list(h.s.clerk), []);
    const b = await h.view('sub', h.s.clerk);
    assert.equal(b.changed, false);
    assert.equal(b.to.version, null);
    assert.equal(b.title, '无关的新事项');
  });

  it('while a file restored where it was is the item back: an update', async () => {
    const before2 = (await h.view('other', h.s.clerk)).hash;
    const text = readFile(h, 'alpha/other.md');
    h.remove('alpha/other.md');
    await h.restart();
    h.write('alpha/other.md', text.replace('- [ ] 身份证', '- [ ] 身份证\n- [ ] 照片'));
    await h.restart();
    const b = await h.view('other', h.s.clerk);
    assert.equal(b.changed, true);
    assert.equal(b.seen, before2);
    assert.ok(lines(b).includes('+材料：照片（必需）'), lines(b).join('\n'));
  });
});

// Renames that pass an id from one file to another in one load: the old
// carry took only ids not live before, so b (a.md's text now, with a new
// material) dropped the reads of b.md's old text and took none of a's: the
// material was never shown to a staffer who had read a.
const ITEM_A = '# 甲事项\n\n简介。\n\n## 第一步：准备材料\n- [ ] 身份证原件\n';
const ITEM_B = '# 乙事项\n\n简介。\n\n## 第一步：准备材料\n- [ ] 照片\n';
const withId = (id, text) => `---\nid: ${id}\n---\n${text}`;
const plusMaterial = (text) => text.replace('- [ ] 身份证原件', '- [ ] 身份证原件\n- [ ] 户口簿');

describe('ids passed on between files in one load', () => {
  const h = useDaemon({
    'alpha/README.md': '# 甲类\n\n甲。\n',
    'alpha/a.md': ITEM_A,
    'alpha/b.md': ITEM_B,
    'alpha/m.md': withId('other', OTHER),
  }, ['clerk']);

  it('a chain (a.md a → b, b.md b → c): each read follows its file', async () => {
    const HA = (await h.view('a', h.s.clerk)).hash;
    const HB = (await h.view('b', h.s.clerk)).hash;
    h.write('alpha/a.md', withId('b', plusMaterial(ITEM_A)));
    h.write('alpha/b.md', withId('c', ITEM_B));
    await h.restart();
    assert.deepEqual((await h.list(h.s.clerk)).map((p) => [p.id, p.seen]), [['b', HA]]);
    const b = await h.view('b', h.s.clerk);
    assert.equal(b.changed, true, JSON.stringify(b));
    assert.equal(b.from.id, 'a');
    assert.deepEqual(lines(b), ['+材料：户口簿（必需）']);
    const c = await h.view('c', h.s.clerk);
    assert.equal(c.changed, false);
    assert.equal(c.seen, HB);
    assert.equal(c.from.id, 'b');
  });

  it('a swap (a.md b → c, b.md c → b): the reads swap with the files', async () => {
    // now a.md is b (A's text), b.md is c (B's text): swap their ids
    const HB = (await h.confirm('b', (await h.view('b', h.s.clerk)).hash, h.s.clerk)).seen;
    // c's read is the one carried from b above (b.md's text under b)
    const HC = (await h.view('c', h.s.clerk)).seen;
    h.write('alpha/a.md', withId('c', plusMaterial(ITEM_A).replace('原件\n', '原件\n- [ ] 结婚证\n')));
    h.write('alpha/b.md', withId('b', ITEM_B));
    await h.restart();
    assert.deepEqual((await h.list(h.s.clerk)).map((p) => [p.id, p.seen]), [['c', HB]]);
    const c = await h.view('c', h.s.clerk);
    assert.equal(c.from.id, 'b');
    assert.deepEqual(lines(c), ['+材料：结婚证（必需）']);
    const b = await h.view('b', h.s.clerk);
    assert.equal(b.changed, false, JSON.stringify(lines(b)));
    assert.equal(b.seen, HC);
  });

  it('a move (m.md renamed to n.md, the same id): the read stays', async () => {
    const HM = (await h.view('other', h.s.clerk)).hash;
    h.remove('alpha/m.md');
    h.write('alpha/n.md', withId('other', OTHER).replace('- [ ] 身份证', '- [ ] 身份证\n- [ ] 照片'));
    await h.restart();
    const m = await h.view('other', h.s.clerk);
    assert.equal(m.changed, true);
    assert.equal(m.seen, HM);
    assert.deepEqual(lines(m), ['+材料：照片（必需）']);
  });
});

// schema/041-read-carry.sql rebuilds procedure_reads with seen_id: a
// database at schema 40 keeps every staffer's read, each of its own id.
describe('migration 041 keeps the reads', () => {
  const h = useDaemon({
    'alpha/README.md': '# 甲类\n\n甲。\n',
    'alpha/sub.md': SUB,
  }, ['clerk'], { fresh: true });

  it('a read from before is the same read after', async () => {
    const H1 = (await h.view('sub', h.s.clerk)).hash;
    const info = await h.daemon.stop();
    assert.equal(info.code, 0, h.daemon.stderr());
    const sql = (text) => execFileSync('sqlite3', [h.db], { input: text, encoding: 'utf8' }).trim();
    sql(`PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE procedure_reads_old (
    user_id TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    procedure_id TEXT NOT NULL, hash TEXT NOT NULL, read_at TEXT NOT NULL,
    PRIMARY KEY (user_id, procedure_id),
    FOREIGN KEY (procedure_id, hash) REFERENCES procedure_versions (procedure_id, hash)
) STRICT, WITHOUT ROWID;
INSERT INTO procedure_reads_old SELECT user_id, procedure_id, hash, read_at FROM procedure_reads;
DROP TABLE procedure_reads;
ALTER TABLE procedure_reads_old RENAME TO procedure_reads;
DROP INDEX procedures_path;
ALTER TABLE ratings DROP COLUMN staff;
ALTER TABLE ratings DROP COLUMN handed_in;
PRAGMA user_version = 40;
COMMIT;`);
    h.write('alpha/sub.md', SUB.replace('- [ ] 身份证原件', '- [ ] 身份证原件\n- [ ] 照片'));
    h.daemon = await startDaemon({ tree: h.tree, db: h.db });
    assert.equal(sql("SELECT procedure_id, seen_id, hash FROM procedure_reads WHERE user_id = 'clerk'"),
      `sub|sub|${H1}`);
    const b = await h.view('sub', h.s.clerk);
    assert.equal(b.changed, true);
    assert.equal(b.seen, H1);
    assert.ok(lines(b).includes('+材料：照片（必需）'), lines(b).join('\n'));
  });
});
