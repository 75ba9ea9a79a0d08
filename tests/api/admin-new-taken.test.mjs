// The console's new-item editor previews with ?id=ID&category=CAT. With an
// id another file already has, the text was checked as that file: no error,
// the other item's practice file run against it (dozens of warnings about
// fields the admin never wrote), and then 保存 refused with file_exists. The preview now
// checks the text where 保存 would create it and says at once that the id is
// taken.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { file, preview, proc, readFile, useAdminDaemon } from './admin-helpers.mjs';

const RELIEF = '# 临时救助\n\n简介。\n\n## 办理条件\n- 本市户籍\n\n## 第一步:准备\n- [ ] 身份证 {#id_card}\n';
const h = useAdminDaemon({
  'assistance/README.md': '# 社会救助\n\n救助。\n',
  'assistance/relief.md': RELIEF,
  'assistance/relief.practice.md':
    '# 练习\n\n## 带齐了\n居民带齐了。\n\n```case\nconditions = 是\nbrought = id_card\nexpect = accept\n```\n',
  'elderly/README.md': '# 老年人\n\n老人。\n',
});

describe('previewing a new item whose id is taken', () => {
  it('in another category: one error at line 1 naming the file, none of its practice warnings', async () => {
    const r = await preview(h, '?id=relief&category=elderly', proc('老人救助'));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.ok, false, r.text);
    assert.equal(r.body.file, 'elderly/relief.md');
    assert.equal(r.body.errors.length, 1, r.text);
    assert.equal(r.body.errors[0].severity, 'error');
    assert.equal(r.body.errors[0].line, 1);
    // the library's own words for a second file with an id
    assert.match(r.body.errors[0].message, /编号 relief 已被 assistance\/relief\.md 使用/);
    assert.equal(fs.existsSync(file(h, 'elderly/relief.md')), false);
  });

  // the same path as the existing file: the library sees an edit of it, so
  // the preview says itself that 保存 will not create it
  it('in its own category: an error at line 1 that the file exists', async () => {
    const r = await preview(h, '?id=relief&category=assistance', proc('又一个救助'));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.ok, false, r.text);
    assert.ok(r.body.errors.some((e) => e.severity === 'error' && e.line === 1 &&
      /编号 relief 已经有文件了（assistance\/relief\.md）/.test(e.message)), r.text);
    assert.equal(readFile(h, 'assistance/relief.md'), RELIEF);
  });

  // the id is the front matter's here, not the file name's: the error is
  // at that `id:` line (at line 1 it sent the admin to the `---`)
  it('an id taken through the front matter\'s id: is an error at that line', async () => {
    const r = await preview(h, '?id=fresh&category=elderly', proc('老人救助', { front: 'version: 1\nid: relief\n' }));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.ok, false, r.text);
    const taken = r.body.errors.filter((e) => /编号 relief 已被 assistance\/relief\.md 使用/.test(e.message));
    assert.equal(taken.length, 1, r.text);
    assert.equal(taken[0].line, 3, r.text);
  });

  it('an id nobody has is still a clean new file', async () => {
    const r = await preview(h, '?id=fresh&category=elderly', proc('新事项'));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.ok, true, r.text);
    assert.deepEqual(r.body.errors, []);
    assert.equal(r.body.file, 'elderly/fresh.md');
  });

  it('editing the existing file (?file=) is unchanged', async () => {
    const r = await preview(h, '?id=relief&file=assistance/relief.md', RELIEF);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.ok, true, r.text);
    assert.equal(r.body.file, 'assistance/relief.md');
  });
});
