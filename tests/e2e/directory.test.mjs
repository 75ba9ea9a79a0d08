// Referrals to other offices (_directory.md in the sample library): a triage
// path that ends on an office's card, a search for something the hall does
// not handle (身份证) that shows the 派出所 card, and a procedure's link that
// opens an office's own screen (#/office/ID) with 返回. Each screen: axe at
// zero serious/critical, targets ≥ 60 px, text ≥ 20 px (28 px with 大字).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  useKiosk, kioskPage, atRoute, shot, h1Text, setMode, axeSerious, smallTargets, smallText,
  horizontalOverflow, PORTRAIT,
} from './helpers.mjs';

const k = useKiosk();

describe('referral to another office', () => {
  let kp;
  let page;

  before(async () => {
    kp = await kioskPage(k, { viewport: PORTRAIT, hasTouch: true });
    page = kp.page;
    await atRoute(page, /^#\/$/, () => page.goto(k.url + '/?kiosk=1'));
  });
  after(async () => {
    if (kp) {
      kp.assertClean('referral');
      await kp.context.close();
    }
  });

  // The screen on show in 中文 and in English with 大字, then back to 中文.
  async function checkScreen(name) {
    const problems = [];
    for (const mode of [{ lang: 'en', big: true, min: 32 }, { lang: 'zh', big: false, min: 24 }]) {
      await setMode(page, mode);
      const where = `${name} [${mode.lang}${mode.big ? '-big' : ''}]`;
      for (const v of await axeSerious(page)) problems.push(`${where} axe ${v}`);
      for (const v of await smallTargets(page)) problems.push(`${where} target under 60×60: ${v}`);
      for (const v of await smallText(page, mode.min)) problems.push(`${where} text under ${mode.min}px: ${v}`);
      const o = await horizontalOverflow(page);
      if (o) problems.push(`${where} horizontal scroll: ${o}`);
      await shot(page, `directory-${name}-${mode.lang}`);
    }
    assert.deepEqual(problems, [], `${problems.length} problems:\n${problems.join('\n')}`);
  }

  const cardText = async (sel) => (await page.locator(sel).first().innerText()).replace(/\s+/g, ' ');

  it('a triage answer ends on the 派出所 card', async () => {
    await atRoute(page, /^#\/triage$/, () => page.locator('#main .triage-entry button', { hasText: '不知道办什么' }).tap());
    const answer = page.locator('#main a.answer', { hasText: '身份证' });
    await atRoute(page, /^#\/triage\/start\/end\/\d+$/, () => answer.tap());
    const card = await cardText('#main .office-card');
    assert.match(card, /派出所/);
    assert.match(card, /地址 示例市示例区幸福路 12 号/);
    assert.match(card, /电话 0535-0000110/);
    assert.match(card, /时间 周一至周五/);
    await checkScreen('triage-end');
  });

  it('searching 身份证 shows the 派出所 card instead of "nothing found"', async () => {
    await atRoute(page, /^#\/$/, () => page.evaluate(() => { location.hash = '#/'; }));
    await page.locator('#search-q').tap();
    await page.keyboard.type('身份证');
    await page.locator('#main .office-results .office-card').first().waitFor();
    const names = await page.locator('#main .office-results .office-name').allInnerTexts();
    assert.deepEqual(names, ['派出所（户籍窗口）']);
    assert.equal(await page.locator('#main .search-results p.notice').count(), 0, 'no "nothing found"');
    // a keyword of the office and no item of the hall named for it: the card
    // comes first, not after every item that merely asks for the ID card
    const first = await page.evaluate(() => {
      const list = document.querySelector('#main .proc-list');
      const offices = document.querySelector('#main .office-results');
      return !list || !!(offices.compareDocumentPosition(list) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
    assert.equal(first, true, 'the 派出所 card above the items found');
    await checkScreen('search');
  });

  // a review: 证 (the first character of 老年证) filled the first screen
  // with offices elsewhere, the hall's own items below them
  it('one character (证): the hall\'s items first, no office for a keyword that merely holds it', async () => {
    await atRoute(page, /^#\/$/, () => page.evaluate(() => { location.hash = '#/'; }));
    await page.locator('#search-q').fill('证');
    await page.locator('#main .proc-list .proc-link').first().waitFor();
    assert.equal(await page.locator('#main .office-results').count(), 0);
    // 医保: an item of the hall is named for it (医保异地就医备案): the hall's
    // items first, the office that only shares the word after them
    await page.locator('#search-q').fill('医保');
    await page.locator('#main .office-results .office-card').first().waitFor();
    const order = await page.evaluate(() => {
      const list = document.querySelector('#main .proc-list');
      const offices = document.querySelector('#main .office-results');
      return list ? !!(list.compareDocumentPosition(offices) & Node.DOCUMENT_POSITION_FOLLOWING) : null;
    });
    assert.equal(order, true, 'the offices come after the hall\'s items');
  });

  // 我要办低保 found nothing while 低保 found ten (a resident's review): the
  // words around the item's name are taken off when the whole finds nothing
  it('a sentence (我要办低保) finds what its item\'s name finds, and says so', async () => {
    await atRoute(page, /^#\/$/, () => page.evaluate(() => { location.hash = '#/'; }));
    await page.locator('#search-q').fill('低保');
    await page.locator('#main .proc-list .proc-link').first().waitFor();
    const plain = await page.locator('#main .proc-list .proc-link').allInnerTexts();
    await page.locator('#search-q').fill('我要办低保');
    await page.locator('#main .search-status', { hasText: '没有找到“我要办低保”，下面是“低保”的结果' }).waitFor();
    assert.deepEqual(await page.locator('#main .proc-list .proc-link').allInnerTexts(), plain);
    assert.equal(await page.locator('#main .search-results p.notice').count(), 0, 'no "nothing found"');
    // a query with nothing around it that finds nothing still says so
    await page.locator('#search-q').fill('火星移民');
    await page.locator('#main .search-results p.notice', { hasText: '没有找到“火星移民”' }).waitFor();
  });

  it('searching by pinyin initials (sfz) shows the same card', async () => {
    await atRoute(page, /^#\/$/, () => page.evaluate(() => { location.hash = '#/'; }));
    await page.locator('#search-q').fill('sfz');
    await page.locator('#main .office-results .office-card').first().waitFor();
    const names = await page.locator('#main .office-results .office-name').allInnerTexts();
    assert.deepEqual(names, ['派出所（户籍窗口）']);
  });

  it('an office and no item: the status line says so, not the heading below it again', async () => {
    await atRoute(page, /^#\/$/, () => page.evaluate(() => { location.hash = '#/'; }));
    await page.locator('#search-q').fill('公证处');
    await page.locator('#main .office-results .office-card').first().waitFor();
    assert.equal(await page.locator('#main .proc-list').count(), 0);
    const said = (await page.locator('#main .search-status').innerText()).trim();
    assert.equal(said, '本大厅没有相关事项，找到 1 个可以去办理的地方');
    assert.notEqual(said, (await page.locator('#office-results-h').innerText()).trim());
  });

  it('a procedure\'s link opens the office\'s screen; 返回 goes back to the procedure', async () => {
    await atRoute(page, /^#\/p\/remote-medical-filing$/,
      () => page.evaluate(() => { location.hash = '#/p/remote-medical-filing'; }));
    const link = page.locator('#main a.office-link', { hasText: '医疗保障服务站' });
    await atRoute(page, /^#\/office\/yibao$/, () => link.tap());
    assert.equal(await h1Text(page), '医疗保障服务站');
    assert.match(await cardText('#main .office-card'), /电话 0535-0000012/);
    await checkScreen('office');
    await atRoute(page, /^#\/p\/remote-medical-filing$/, () => page.locator('#main .btn-back').tap());
  });

  it('an unknown office says so, with a way back', async () => {
    await atRoute(page, /^#\/office\/no-such-office$/,
      () => page.evaluate(() => { location.hash = '#/office/no-such-office'; }));
    assert.equal(await page.locator('#main .office-card').count(), 0);
    assert.equal(await page.locator('#main .btn-back').count(), 1);
  });
});
