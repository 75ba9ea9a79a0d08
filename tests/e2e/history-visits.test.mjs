// The kiosk's back and forward buttons after a resident leaves. A reset
// (结束办理, 完成, the idle reset) cleared the screen but not the browser's
// history: Back showed the next resident the item the last one had opened
// (残疾人两项补贴申请) and then their search words in the box (残疾). Every
// entry now carries its visit, and an entry of an earlier visit leads home.
// 首页 at the kiosk starts a visit, and so does the untouched home screen
// after the idle time (a resident who went home by 返回 left their screens
// ahead, for Forward). A phone at home keeps its history: it is its owner's.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, kioskPage, atRoute, h1Text, poll } from './helpers.mjs';

const k = useKiosk();
const HOME = '您好！请问您要办什么事？';

describe('the kiosk\'s history after a resident leaves', () => {
  let kp;
  let page;

  before(async () => {
    kp = await kioskPage(k, { hasTouch: false, clock: true });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.context.close(); });

  let read = '';   // the title of the item the last resident opened

  // searches q, opens the first procedure found
  async function browse(q) {
    await page.fill('#search-q', q);
    await page.clock.fastForward(1000);
    const hit = page.locator('#main .search-results a.proc-link').first();
    await hit.waitFor();
    await atRoute(page, /^#\/p\//, () => hit.click());
    read = await h1Text(page);
  }

  // Back (or Forward) n times: home each time, nothing of the last resident.
  // Not through atRoute: between two entries that are both #/ the browser
  // fires no hashchange, and home is not drawn again.
  async function nothingBack(n, how = 'back') {
    for (let i = 0; i < n; i++) {
      await (how === 'back' ? page.goBack() : page.goForward());
      await poll(async () => {
        assert.equal(await page.evaluate(() => location.hash), '#/', `${how} ${i + 1}`);
        assert.equal(await h1Text(page), HOME, `${how} ${i + 1}`);
        assert.equal(await page.inputValue('#search-q'), '', `${how} ${i + 1}: the search box`);
        const text = await page.locator('#main').innerText();
        assert.ok(read && !text.includes(read), `${how} ${i + 1}: ${read} on screen`);
      });
    }
  }

  it('after 结束办理 of a case begun from a search', async () => {
    await atRoute(page, /^#\/$/, () => page.goto(`${k.url}/?kiosk=1`));
    await browse('残疾');
    await atRoute(page, /^#\/case\/[0-9a-f]+\/conditions$/,
      () => page.locator('#main button', { hasText: '开始办理' }).first().click());
    await page.click('#btn-home');
    await atRoute(page, /^#\/$/, () => page.locator('.overlay button', { hasText: '结束办理' }).click());
    await nothingBack(3);
  });

  it('after 首页 from an item read', async () => {
    await browse('低保');
    await atRoute(page, /^#\/$/, () => page.click('#btn-home'));
    await nothingBack(2);
  });

  it('after the idle time on a home reached by 返回 (Forward)', async () => {
    await atRoute(page, /^#\/c\//, () => page.locator('#main a.tile').first().click());
    const item = page.locator('#main a.proc-link').first();
    await atRoute(page, /^#\/p\//, () => item.click());
    read = await h1Text(page);
    const back = () => page.locator('#main button', { hasText: '返回' }).first().click();
    await atRoute(page, /^#\/c\//, back);
    await atRoute(page, /^#\/$/, back);
    await page.clock.fastForward('01:31');
    assert.equal(await page.locator('.overlay').count(), 0, 'no countdown on the untouched home');
    await nothingBack(1, 'forward');
  });
});

describe('a phone at home keeps its history', () => {
  let kp;
  let page;

  before(async () => {
    kp = await kioskPage(k, { hasTouch: false });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.context.close(); });

  it('Back after 首页 returns to the item read', async () => {
    await atRoute(page, /^#\/$/, () => page.goto(`${k.url}/`));
    await page.fill('#search-q', '低保');
    const hit = page.locator('#main .search-results a.proc-link').first();
    await hit.waitFor();
    await atRoute(page, /^#\/p\//, () => hit.click());
    await atRoute(page, /^#\/$/, () => page.click('#btn-home'));
    await atRoute(page, /^#\/p\//, () => page.goBack());
  });
});
