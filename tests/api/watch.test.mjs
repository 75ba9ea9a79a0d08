// Files changed on disk are loaded without a signal (inotify): an edit goes
// live, a broken edit keeps the last good version, a new category folder
// and its files appear, a deleted file retires its procedure.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { request, sleep, useDaemon } from './helpers.mjs';

const proc = (title) => `# ${title}\n\n${title}的简介。\n\n## 第一步:准备\n- [ ] 身份证\n`;
const ctx = useDaemon({
  files: { 'alpha/README.md': '# 甲类\n\n甲。\n', 'alpha/one.md': proc('第一版') },
});
const tree = () => path.join(ctx.tmp, 'tree');

// Polls until fn() is true; a bound, not a timing claim (the daemon aims
// at well under a second).
async function eventually(fn, what) {
  for (let i = 0; i < 100; i++) {
    if (await fn()) return;
    await sleep(50);
  }
  assert.fail(`not seen within 5 s: ${what}\n${ctx.daemon.stderr()}`);
}
const get = (p) => request(`${ctx.daemon.url}${p}`);

describe('procedure files watched on disk', () => {
  it('an edit goes live without a signal', async () => {
    fs.writeFileSync(path.join(tree(), 'alpha/one.md'), proc('第二版'));
    await eventually(async () => (await get('/api/v1/procedures/one')).body?.title === '第二版', 'the edit');
  });

  it('a broken edit keeps the last good version and is reported', async () => {
    const before = (await get('/api/v1/procedures/one')).body.hash;
    fs.writeFileSync(path.join(tree(), 'alpha/one.md'), '# 坏的\n\n没有步骤。\n');
    await eventually(() => /alpha\/one\.md:\d+: 没有任何步骤/.test(ctx.daemon.stderr()), 'the error in the log');
    const r = await get('/api/v1/procedures/one');
    assert.equal(r.status, 200);
    assert.equal(r.body.hash, before);
    assert.equal(r.body.title, '第二版');
  });

  it('a new category folder and its files appear', async () => {
    fs.mkdirSync(path.join(tree(), 'beta'));
    fs.writeFileSync(path.join(tree(), 'beta/README.md'), '# 乙类\n\n乙。\n');
    fs.writeFileSync(path.join(tree(), 'beta/two.md'), proc('新事项'));
    await eventually(async () => (await get('/api/v1/procedures/two')).status === 200, 'the new file');
    const cats = (await get('/api/v1/categories')).body.categories.map((c) => c.id);
    assert.deepEqual(cats, ['alpha', 'beta']);
  });

  // An editor that truncates the file and writes it in two writes, the file
  // open between them (a review: the half file went live for a moment, and
  // a case started then was pinned to a two-step version). Read once closed.
  it('a file written in place in two writes is not loaded half-written', async () => {
    const f = path.join(tree(), 'alpha/one.md');
    const before = (await get('/api/v1/procedures/one')).body;
    const whole = proc('第三版') + '\n## 第二步:填表\n- [ ] 户口簿\n';
    const cut = whole.indexOf('## 第二步');
    const fd = fs.openSync(f, 'r+');
    fs.ftruncateSync(fd, 0);
    fs.writeSync(fd, whole.slice(0, cut), 0);
    // longer than the settle time: the half file must not be read meanwhile
    for (let i = 0; i < 12; i++) {
      await sleep(50);
      const r = (await get('/api/v1/procedures/one')).body;
      assert.equal(r.hash, before.hash, 'a half-written version went live');
    }
    fs.writeSync(fd, whole.slice(cut), Buffer.byteLength(whole.slice(0, cut)));
    fs.closeSync(fd);
    await eventually(async () => (await get('/api/v1/procedures/one')).body?.title === '第三版', 'the whole file');
    assert.equal((await get('/api/v1/procedures/one')).body.steps.length, 2);
  });

  it('a deleted file retires its procedure', async () => {
    fs.rmSync(path.join(tree(), 'beta/two.md'));
    await eventually(async () => (await get('/api/v1/procedures/two')).status === 404, 'the retirement');
  });

  it('editors\' swap files alone do not reload', async () => {
    const loads = () => (ctx.daemon.stderr().match(/spkiosk: loaded /g) || []).length;
    await sleep(400); // let earlier changes settle
    const n = loads();
    fs.writeFileSync(path.join(tree(), 'alpha/.one.md.swp'), 'x');
    fs.writeFileSync(path.join(tree(), 'alpha/one.md~'), 'x');
    await sleep(600);
    assert.equal(loads(), n, 'no load for .swp and ~ files');
  });

  // A library replaced whole: the root's watch went with the old folder and
  // nothing watched the new one, so no later edit loaded, not even after
  // SIGHUP, and the console kept showing errors already fixed (an admin's
  // review). Its name is watched from its parent folder.
  it('a library deleted and copied again is watched again', async () => {
    const copy = path.join(ctx.tmp, 'tree-copy');
    fs.cpSync(tree(), copy, { recursive: true });
    fs.rmSync(tree(), { recursive: true });
    fs.cpSync(copy, tree(), { recursive: true });
    await sleep(300);
    fs.writeFileSync(path.join(tree(), 'alpha/one.md'), proc('复制回来以后'));
    await eventually(async () => (await get('/api/v1/procedures/one')).body?.title === '复制回来以后',
      'an edit in the copied library');
    fs.writeFileSync(path.join(tree(), 'alpha/one.md'), proc('再改一次'));
    await eventually(async () => (await get('/api/v1/procedures/one')).body?.title === '再改一次', 'a second edit');
  });

  it('a new library moved into place of the old one is watched, not the old one moved away', async () => {
    const old = path.join(ctx.tmp, 'tree-old');
    const fresh = path.join(ctx.tmp, 'tree-new');
    fs.renameSync(tree(), old);
    fs.cpSync(old, fresh, { recursive: true });
    fs.writeFileSync(path.join(fresh, 'alpha/one.md'), proc('新的一套'));
    fs.renameSync(fresh, tree());
    await eventually(async () => (await get('/api/v1/procedures/one')).body?.title === '新的一套', 'the new library');
    fs.writeFileSync(path.join(tree(), 'alpha/one.md'), proc('新的一套改了'));
    await eventually(async () => (await get('/api/v1/procedures/one')).body?.title === '新的一套改了',
      'an edit in the new library');
    // and an edit in a category folder of the new library made after the move
    fs.mkdirSync(path.join(tree(), 'gamma'));
    fs.writeFileSync(path.join(tree(), 'gamma/README.md'), '# 丙类\n\n丙。\n');
    fs.writeFileSync(path.join(tree(), 'gamma/three.md'), proc('第三个'));
    await eventually(async () => (await get('/api/v1/procedures/three')).status === 200, 'a new folder in it');
  });
});
