// The review chain on the kiosk: the overview of an item with a `chain`
// block (低保 in the sample library) lists its stages in order, each with
// its time limit, in the 办理流程 card; an item without one shows no such
// list. The screen: axe at zero serious/critical, targets ≥ 60 px, text
// ≥ 24 px (32 px with 大字), no horizontal scroll.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  useKiosk, kioskPage, atRoute, shot, setMode, axeSerious, smallTargets, smallText,
  horizontalOverflow, PORTRAIT,
} from './helpers.mjs';

const k = useKiosk();

describe('review chain on the overview', () => {
  let kp;
  let page;

  before(async () => {
    kp = await kioskPage(k, { viewport: PORTRAIT, hasTouch: true });
    page = kp.page;
  });
  after(async () => {
    if (kp) {
      kp.assertClean('chain');
      await kp.context.close();
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
