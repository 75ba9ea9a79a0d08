// The console's 其他文件 lists the optional files (_posts.md, _calendar.md,
// _directory.md) and every category folder's README.md whether they exist
// or not. One the hall has not written yet opens on a starter text that
// 保存 creates (If-None-Match: *); it said 这个文件已经不在了（可能刚被删除
// 或改名），请刷新事项列表 with no way on, though the API creates it.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useKiosk, kioskPage, shot, poll, axeSerious, LANDSCAPE } from './helpers.mjs';
import { addUser, makeTmp, rmTmp, writeTree } from '../api/helpers.mjs';

const proc = (title) => `# ${title}\n\n${title}的简介。\n\n## 第一步:准备\n- [ ] 身份证\n`;
const tmp = makeTmp('spkiosk-e2e-tree-');
const tree = writeTree(path.join(tmp, 'tree'), {
  'jobs/README.md': '# 就业\n\n就业创业。\n',
  'jobs/reg.md': proc('就业登记'),
  'newcat/a.md': proc('新类事项'),
});
const k = useKiosk({ tree });
after(() => rmTmp(tmp));

describe('a file of 其他文件 that does not exist yet', () => {
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
