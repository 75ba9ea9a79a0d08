// Portrait 1080×1920 and landscape 1920×1080: the home screen and the
// walkthrough (a step with field errors, review, ticket) have no horizontal
// scroll, normal and 大字, and everything on them can still be reached
// (the sticky action bar never hides the screen's last control, and stays
// on screen in 大字 too).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  useKiosk, kioskPage, atRoute, shot, setMode, horizontalOverflow, PORTRAIT, LANDSCAPE,
} from './helpers.mjs';

const k = useKiosk();

for (const [orient, viewport] of [['portrait', PORTRAIT], ['landscape', LANDSCAPE]]) {
  describe(`${orient} ${viewport.width}×${viewport.height}`, () => {
    let kp;
    let page;
    const tap = (loc) => loc.tap();
    const label = (forId) => page.locator(`label[for="${forId}"]`);
    const submitStep = () => page.locator('#main form.step-form button[type=submit]');

    before(async () => {
      kp = await kioskPage(k, { viewport, hasTouch: true });
      page = kp.page;
    });
    after(async () => { if (kp) await kp.context.close(); });

    // The screen's action bar, seen from the top of a page taller than the
    // screen: on screen at its bottom edge, not below it, and not taking
    // more than a third of it (大字 makes it taller). null when it is.
    async function stickyBarOffScreen() {
      return page.evaluate(() => {
        const bar = document.querySelector('#main .actions-sticky');
        if (!bar) return null;
        window.scrollTo(0, 0);
        const r = bar.getBoundingClientRect();
        const vh = window.innerHeight;
        if (r.bottom > vh + 1 || r.top >= vh) return `action bar off screen (${Math.round(r.top)}–${Math.round(r.bottom)} of ${vh})`;
        if (r.height > vh / 3) return `action bar ${Math.round(r.height)} px of ${vh}`;
        return null;
      });
    }

    async function noScroll(name) {
      const problems = [];
      for (const big of [false, true]) {
        await setMode(page, { lang: 'zh', big });
        const o = await horizontalOverflow(page);
        if (o) problems.push(`${name}${big ? ' 大字' : ''}: ${o}`);
        const bar = await stickyBarOffScreen();
        if (bar) problems.push(`${name}${big ? ' 大字' : ''}: ${bar}`);
        await shot(page, `layout-${orient}-${name}${big ? '-big' : ''}`);
      }
      await setMode(page, { lang: 'zh', big: false });
      assert.deepEqual(problems, [], problems.join('\n'));
    }

    it('home', async () => {
      await atRoute(page, /^#\/$/, () => page.goto(k.url + '/?kiosk=1'));
      const w = await page.evaluate(() => document.documentElement.clientWidth);
      assert.equal(w, viewport.width);
      await noScroll('home');
    });

    it('overview and conditions', async () => {
      await atRoute(page, /^#\/p\/labour-handbook$/, () => page.evaluate(() => { location.hash = '#/p/labour-handbook'; }));
      await noScroll('overview');
      await atRoute(page, /\/conditions$/, () => tap(page.locator('#main .actions-overview button').first()));
      for (let i = 0; i < 3; i++) await tap(label(`cond-${i}-yes`));
      await noScroll('conditions');
      await atRoute(page, /\/step\/0$/, () => tap(page.locator('#main form.step-form button.btn-primary')));
    });

    it('a walkthrough step with field errors', async () => {
      await tap(label('f-hukou-0'));
      await tap(label('f-status-1'));
      await noScroll('step1');
      await atRoute(page, /\/step\/1$/, () => tap(submitStep()));
      await tap(label('ck-id_card'));
      await tap(label('ck-hukou_book'));
      await atRoute(page, /\/step\/2$/, () => tap(submitStep()));
      await page.fill('#f-name', '赵六');
      await page.fill('#f-id_number', '110105198503151021');
      await page.fill('#f-mobile', '13800138000');
      await page.fill('#f-address', '幸福路');
      await tap(submitStep());
      await page.locator('#error-summary').waitFor();
      await noScroll('step3-errors');
      // the last field is not hidden under the sticky action bar when scrolled to
      await page.locator('#f-address').scrollIntoViewIfNeeded();
      await tap(page.locator('#f-address'));
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-address');
    });

    it('review and ticket', async () => {
      await page.fill('#f-id_number', '11010519850315102X');
      await page.fill('#f-address', '幸福路12号3单元201室');
      await tap(label('f-education-4'));
      await atRoute(page, /\/step\/3$/, () => tap(submitStep()));
      await atRoute(page, /\/review$/, () => tap(submitStep()));
      await noScroll('review');
      await atRoute(page, /\/done$/, () => tap(page.locator('#main .actions-sticky button.btn-primary')));
      await noScroll('ticket');
      kp.assertClean(`layout ${orient}`);
    });
  });
}
