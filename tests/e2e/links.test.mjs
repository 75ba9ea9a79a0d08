// Links in a procedure's text that the kiosk has no page for. An admin
// writes 详见[另一个事项](other.md) as in any Markdown viewer; the link
// stayed a link, and a tap took the kiosk to /cat/other.md: a bare JSON 404
// with no way back on a kiosk without browser controls. Such a link is
// shown as its text; an office's card and a file in _assets stay links.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useKiosk, kioskPage, atRoute } from './helpers.mjs';

const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'spkiosk-e2e-links-'));
const put = (rel, text) => {
  fs.mkdirSync(path.dirname(path.join(tree, rel)), { recursive: true });
  fs.writeFileSync(path.join(tree, rel), text);
};
put('cat/README.md', '# 测试\n\n测试用的分类。\n');
put('_directory.md', '# 其他办事地点\n\n## 医保站 {#yibao}\n- 地址：健康路 8 号\n');
put('_assets/form.pdf', '%PDF-1.4\n');
put('cat/other.md', '# 另一个事项\n\n简介。\n\n## 第一步：准备\n- [ ] 身份证\n');
put('cat/linker.md', '# 带链接的事项\n\n'
  + '详见[另一个事项](other.md)和[分类说明](../cat/README.md)，'
  + '报销请到[医保站](../_directory.md#yibao)，表格见[样表](../_assets/form.pdf)。\n\n'
  + '## 第一步：准备\n- [ ] 身份证\n');

const k = useKiosk({ tree });

describe('links in a procedure\'s text', () => {
  let kp;
  let page;

  before(async () => {
    kp = await kioskPage(k);
    page = kp.page;
    await atRoute(page, /^#\/p\/linker$/, () => page.goto(k.url + '/?kiosk=1#/p/linker'));
    await page.locator('#main .content', { hasText: '另一个事项' }).first().waitFor();
  });
  after(async () => {
    if (kp) {
      kp.assertClean('links');
      await kp.context.close();
    }
    fs.rmSync(tree, { recursive: true, force: true });
  });

  it('a link to another file of the library is shown as its text, not a link', async () => {
    const hrefs = await page.locator('#main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(!hrefs.includes('other.md'), hrefs.join(' '));
    assert.ok(!hrefs.includes('../cat/README.md'), hrefs.join(' '));
    const text = await page.locator('#main .content', { hasText: '另一个事项' }).first().innerText();
    assert.match(text, /详见另一个事项和分类说明/);
    // tapping the words leaves the kiosk where it is
    await page.locator('#main .content span', { hasText: '另一个事项' }).first().tap();
    assert.match(await page.evaluate(() => location.pathname + location.hash), /^\/#\/p\/linker$/);
  });

  it('an office\'s card and a file in _assets stay links', async () => {
    const hrefs = await page.locator('#main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(hrefs.includes('#/office/yibao'), hrefs.join(' '));
    assert.ok(hrefs.includes('/media/form.pdf'), hrefs.join(' '));
  });
});
