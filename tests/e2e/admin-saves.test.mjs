// Saves in the admin console that were answered wrongly: on a full disk
// (the file saved, the database not: not live yet, not someone else's
// edit), and of an optional file not written yet (其他文件: a starter
// text that 保存 creates). Each describe was a file of its own (named at
// its head) and keeps its own daemon and library; folded into one file to
// spare a test process per file (~1 s of a core each, CI's browser suite
// being CPU-bound).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { addUser, makeTmp, rmTmp, writeTree, ROOT } from '../api/helpers.mjs';
import { useKiosk, kioskPage, shot, poll, axeSerious, LANDSCAPE } from './helpers.mjs';

// admin-full's skip, read where its describe is declared
const havePrlimit = spawnSync('prlimit', ['--version']).status === 0;

// ── was admin-full.test.mjs
// The admin console's save while the database cannot be written but the
// file can (a full disk: prlimit --fsize=4096 on the daemon, the window
// fixture's files being a few hundred bytes). Before, the answer's `live`
// false read as 已保存；但文件刚刚又被改动过 — someone else's edit — while
// the kiosk kept the old text. Now the console says the file is saved but
// not live, to free space, and that it goes live by itself.
describe('the console on a full disk', { skip: havePrlimit ? false : 'prlimit (util-linux) is not installed' }, () => {
  const PW = 'admin-pass-42';

  // the limit goes with the daemon's process, which useKiosk stops
  const h = useKiosk({ tree: path.join(ROOT, 'tests', 'fixtures', 'cases', 'window'), copy: true });
  before(() => addUser(path.join(h.tmp, 'e2e.db'), 'boss', 'admin', PW));

  const prlimit = (args) => {
    const r = spawnSync('prlimit', ['--pid', String(h.daemon.proc.pid), ...args], { encoding: 'utf8' });
    assert.equal(r.status, 0, `prlimit ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };

  it('says the file is saved but not live yet, not that someone changed it', async () => {
    const kp = await kioskPage(h, { viewport: LANDSCAPE, hasTouch: false });
    const { page } = kp;
    await page.goto(`${h.url}/admin#/edit?id=simple&file=${encodeURIComponent('hall/simple.md')}`);
    await page.locator('#login-name').fill('boss');
    await page.locator('#login-pass').fill(PW);
    await page.locator('form.login-form button[type=submit]').click();
    const src = page.locator('#src');
    await poll(async () => assert.match(await src.inputValue(), /简易事项/));
    await src.fill((await src.inputValue()).replace(/^# (.*)$/m, '# $1（新版）'));
    const hard = prlimit(['--fsize', '--raw', '--noheadings', '--output', 'HARD']);
    prlimit(['--fsize=4096:']);
    try {
      await page.locator('#save').click();
      const msg = page.locator('#save-msg');
      await poll(async () => assert.match(await msg.innerText(), /文件已经保存.*自助机上还是原来的内容/s));
      assert.doesNotMatch(await msg.innerText(), /刚刚又被改动过|已保存并上线/);
    } finally {
      prlimit([`--fsize=${hard}:`]);
    }
    await kp.context.close();
  });
});

// ── was admin-new-special.test.mjs
// The console's 其他文件 lists the optional files (_posts.md, _calendar.md,
// _directory.md) and every category folder's README.md whether they exist
// or not. One the hall has not written yet opens on a starter text that
// 保存 creates (If-None-Match: *); it said 这个文件已经不在了（可能刚被删除
// 或改名），请刷新事项列表 with no way on, though the API creates it.
describe('a file of 其他文件 that does not exist yet', () => {
  const proc = (title) => `# ${title}\n\n${title}的简介。\n\n## 第一步:准备\n- [ ] 身份证\n`;
  const tmp = makeTmp('spkiosk-e2e-tree-');
  const tree = writeTree(path.join(tmp, 'tree'), {
    'jobs/README.md': '# 就业\n\n就业创业。\n',
    'jobs/reg.md': proc('就业登记'),
    'newcat/a.md': proc('新类事项'),
  });
  const k = useKiosk({ tree });
  after(() => rmTmp(tmp));

  it('opens on a starter text, and 保存 creates it', async () => {
    const PW = 'admin-pass-42';
    addUser(path.join(k.tmp, 'e2e.db'), 'boss', 'admin', PW);
    const kp = await kioskPage(k, { viewport: LANDSCAPE, hasTouch: false });
    try {
      const { page } = kp;
      await page.goto(`${k.url}/admin`);
      await page.locator('#login-name').fill('boss');
      await page.locator('#login-pass').fill(PW);
      await page.locator('form.login-form button[type=submit]').click();
      for (const [name, file, edit] of [
        ['newcat', 'newcat/README.md', (t) => t.replace('# newcat', '# 新的分类')],
        ['_calendar', '_calendar.md', (t) => `${t}- ${new Date().getFullYear()}-10-01 休\n`],
        ['_directory', '_directory.md', (t) => t.replace('请写上电话', '0535-1100000')],
      ]) {
        await page.goto(`${k.url}/admin#/`);
        await page.locator(`#other-files a[data-special="${name}"]`).click();
        const src = page.locator('#src');
        await src.waitFor();
        assert.match(await page.locator('h1').innerText(), /还没有，保存后建立/);
        await poll(async () => assert.match(await page.locator('#checks').innerText(), /没有发现问题|没有错误/));
        assert.deepEqual(await axeSerious(page), []);
        await src.fill(edit(await src.inputValue()));
        await page.locator('#save').click();
        await poll(async () => assert.match(await page.locator('#save-msg').innerText(), /已保存并生效/));
        assert.ok(fs.existsSync(path.join(tree, file)), `${file} made`);
        assert.equal(await page.locator('h1').innerText(), `编辑 ${file}`);
        await shot(page, `admin-new-special-${name}`, { fullPage: false });
      }
      const cats = await (await fetch(`${k.url}/api/v1/categories`)).json();
      assert.ok(cats.categories.some((c) => c.id === 'newcat' && c.title === '新的分类'), JSON.stringify(cats));
      kp.assertClean('creating the optional files');
    } finally {
      await kp.context.close();
    }
  });
});
