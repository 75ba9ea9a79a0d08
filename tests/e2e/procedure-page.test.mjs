// A procedure's page at the kiosk: the review chain's stages in 办理流程,
// and links in its text that the kiosk has no page for. Each describe was
// a file of its own (named at its head) and keeps its own daemon and
// library; folded into one file to spare a test process per file (~1 s of
// a core each, CI's browser suite being CPU-bound).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  useKiosk, kioskPage, atRoute, shot, setMode, axeSerious, smallTargets, smallText,
  horizontalOverflow, PORTRAIT,
} from './helpers.mjs';

// ── was chain.test.mjs
// The review chain on the kiosk: the overview of an item with a `chain`
// block (低保 in the sample library) lists its stages in order, each with
// its time limit, in the 办理流程 card; an item without one shows no such
// list. The screen: axe at zero serious/critical, targets ≥ 60 px, text
// ≥ 24 px (32 px with 大字), no horizontal scroll.
describe('review chain on the overview', () => {
  const k = useKiosk();

  let kp;
  let page;

  before(async () => {
    kp = await kioskPage(k, { viewport: PORTRAIT, hasTouch: true, reuse: true });
    page = kp.page;
  });
  after(async () => {
    if (kp) {
      kp.assertClean('chain');
      await kp.close();
    }
  });

  it('低保 shows its stages with their limits', async () => {
    await atRoute(page, /^#\/p\/minimum-living-allowance$/, () => page.goto(k.url + '/?kiosk=1#/p/minimum-living-allowance'));
    const card = page.locator('#main section.card', { has: page.locator('h2', { hasText: '办理流程' }) });
    const stages = (await card.locator('.chain-list li').allInnerTexts()).map(s => s.replace(/\s+/g, ''));
    assert.deepEqual(stages, [
      '社区受理初审（1个工作日）',
      '入户调查、核对家庭经济状况（15个工作日）',
      '街道审核确认、公示（14个工作日）',
    ]);
    const problems = [];
    for (const mode of [{ lang: 'en', big: true, min: 32 }, { lang: 'zh', big: false, min: 24 }]) {
      await setMode(page, mode);
      const where = `overview [${mode.lang}${mode.big ? '-big' : ''}]`;
      for (const v of await axeSerious(page)) problems.push(`${where} axe ${v}`);
      for (const v of await smallTargets(page)) problems.push(`${where} target under 60×60: ${v}`);
      for (const v of await smallText(page, mode.min)) problems.push(`${where} text under ${mode.min}px: ${v}`);
      const o = await horizontalOverflow(page);
      if (o) problems.push(`${where} horizontal scroll: ${o}`);
      await shot(page, `chain-overview-${mode.lang}`);
    }
    assert.deepEqual(problems, [], `${problems.length} problems:\n${problems.join('\n')}`);
  });

  it('in English the reserved sections are headed in English, one day is 1 working day', async () => {
    await page.goto(k.url + '/?kiosk=1#/p/minimum-living-allowance');
    await page.locator('#main h1', { hasText: '最低生活保障' }).waitFor();
    await setMode(page, { lang: 'en', big: false });
    const card = page.locator('#main section.card', { has: page.locator('h2', { hasText: 'How it is handled' }) });
    await card.waitFor();
    const first = (await card.locator('.chain-list li').first().innerText()).replace(/\s+/g, ' ');
    assert.match(first, /\(1 working day\)$/, first);
    const heads = await page.locator('#main h2').allInnerTexts();
    const zhLeft = heads.filter(h => /设定依据|收费标准|办理结果|注意事项|常见问题|办理流程/.test(h));
    assert.deepEqual(zhLeft, [], `Chinese headings on the English overview: ${heads.join(' | ')}`);
    await setMode(page, { lang: 'zh', big: false });
    await page.locator('#main h2', { hasText: '办理流程' }).waitFor();
  });

  it('an item without a chain shows no stage list', async () => {
    await atRoute(page, /^#\/p\/labour-handbook$/, () => page.goto(k.url + '/?kiosk=1#/p/labour-handbook'));
    await page.locator('#main h1').waitFor();
    assert.equal(await page.locator('#main .chain-list').count(), 0);
  });
});

// ── was links.test.mjs
// Links in a procedure's text that the kiosk has no page for. An admin
// writes 详见[另一个事项](other.md) as in any Markdown viewer; the link
// stayed a link, and a tap took the kiosk to /cat/other.md: a bare JSON 404
// with no way back on a kiosk without browser controls. Such a link is
// shown as its text; an office's card and a file in _assets stay links.
describe('links in a procedure\'s text', () => {
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

  let kp;
  let page;

  before(async () => {
    kp = await kioskPage(k, { reuse: true });
    page = kp.page;
    await atRoute(page, /^#\/p\/linker$/, () => page.goto(k.url + '/?kiosk=1#/p/linker'));
    await page.locator('#main .content', { hasText: '另一个事项' }).first().waitFor();
  });
  after(async () => {
    if (kp) {
      kp.assertClean('links');
      await kp.close();
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
