// A resident at home on a PC zoomed in to 200 % (a 1920×1080 screen is then
// laid out 960×540; 2048×1200 gives 1024×600) with 大字: the sticky header
// wraps to two rows (262 px) and, with the sticky 上一步/下一步 bar (156 px),
// held 418 of 540 px, so the form showed through a strip of 122 px. The
// two sticky parts together now leave at least half of the window to the
// page: under 840 px high the header scrolls away with 大字, as on a phone.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, kioskPage, atRoute, setMode, horizontalOverflow } from './helpers.mjs';

const k = useKiosk();

// The window's height the sticky header and action bar take, as drawn.
const stuck = (page) => page.evaluate(() => {
  let sum = 0;
  for (const e of document.querySelectorAll('.app-header, #main .actions-sticky'))
    if (getComputedStyle(e).position === 'sticky') sum += e.getBoundingClientRect().height;
  return { sum: Math.round(sum), height: innerHeight };
});

for (const viewport of [{ width: 960, height: 540 }, { width: 1024, height: 600 }]) {
  for (const big of [true, false]) {
    describe(`a PC at 200 %: ${viewport.width}×${viewport.height}${big ? ', 大字' : ''}`, () => {
      let x;
      let page;
      before(async () => {
        x = await kioskPage(k, { viewport, hasTouch: false });
        page = x.page;
      });
      after(async () => { if (x) await x.context.close(); });

      it('the sticky bars leave half of the window to the page on the walk\'s screens', async () => {
        await atRoute(page, /^#\/p\/labour-handbook$/, () => page.goto(`${k.url}/#/p/labour-handbook`));
        await setMode(page, { lang: 'zh', big });
        const bad = [];
        const check = async (what) => {
          const s = await stuck(page);
          if (s.sum > s.height / 2) bad.push(`${what}: ${s.sum} of ${s.height} px sticky`);
          const o = await horizontalOverflow(page);
          if (o) bad.push(`${what}: ${o}`);
        };
        await check('overview');
        await atRoute(page, /\/conditions$/, () => page.locator('#main button', { hasText: '开始办理' }).first().click());
        await check('conditions');
        for (const i of [0, 1, 2]) await page.locator(`label[for="cond-${i}-yes"]`).click();
        await atRoute(page, /\/step\/0$/, () => page.locator('#main button', { hasText: '确认，下一步' }).click());
        await check('step 1');
        assert.deepEqual(bad, []);
        x.assertClean('zoomed');
      });
    });
  }
}
