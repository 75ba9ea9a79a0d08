// Windows' high contrast (forced colours: a resident at home who cannot
// read low contrast, or a hall that turned it on) paints every background
// in the screen's one background colour. The kiosk draws a chosen answer
// as a dot, a background: the dot was gone, and 是 differed from 否 only by
// a slightly thicker ring and bolder text. The dot now keeps the text's
// colour there (app.css, forced-colors). Chromium applies the palette when
// forced-colors is emulated, and computed styles report it.
// The same palette took the 首页 house (its walls a background, its roof
// transparent borders: a bare bar was left) and the walkthrough's progress
// bar (two backgrounds: nothing was left); both are drawn in the text's
// colour now.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, kioskPage, atRoute } from './helpers.mjs';

const k = useKiosk();

for (const colorScheme of ['light', 'dark']) {
  describe(`forced colours (${colorScheme}): a chosen answer shows its dot`, () => {
    let x;
    let page;
    before(async () => {
      x = await kioskPage(k, { hasTouch: false });
      page = x.page;
      await page.emulateMedia({ forcedColors: 'active', colorScheme });
    });
    after(async () => { if (x) await x.context.close(); });

    // The dot of the choice whose input is sel, against its ring's inside
    // and the page: {dot, inside, ring} as computed colours.
    const colours = (sel) => page.evaluate((s) => {
      const mark = document.querySelector(`${s} + .choice-mark`);
      const dot = getComputedStyle(mark, '::after');
      return {
        drawn: dot.content !== 'none',
        dot: dot.backgroundColor,
        inside: getComputedStyle(mark).backgroundColor,
        ring: getComputedStyle(mark).borderTopColor,
      };
    }, sel);

    it('是 of a condition, chosen with the keyboard', async () => {
      await atRoute(page, /^#\/p\/labour-handbook$/, () => page.goto(`${k.url}/?kiosk=1#/p/labour-handbook`));
      assert.equal(await page.evaluate(() => matchMedia('(forced-colors: active)').matches), true);
      await atRoute(page, /\/conditions$/, () => page.locator('#main button', { hasText: '开始办理' }).first().press('Enter'));
      await page.locator('#cond-0-yes').focus();
      await page.keyboard.press('Space');
      assert.equal(await page.locator('#cond-0-yes').isChecked(), true);
      const c = await colours('#cond-0-yes');
      assert.ok(c.drawn, 'the dot is drawn');
      assert.notEqual(c.dot, c.inside, `the dot (${c.dot}) is the colour of the circle it sits in`);
      assert.equal(c.dot, c.ring, 'the dot has the ring\'s (the text\'s) colour');
      assert.equal((await colours('#cond-0-no')).drawn, false, '否 has no dot');
    });

    it('an answer of a step', async () => {
      for (const i of [0, 1, 2]) {
        await page.locator(`#cond-${i}-yes`).focus();
        await page.keyboard.press('Space');
      }
      await atRoute(page, /\/step\/0$/, () => page.locator('#main button', { hasText: '确认，下一步' }).press('Enter'));
      await page.locator('#f-status-0').focus();
      await page.keyboard.press('ArrowDown');
      assert.equal(await page.locator('#f-status-1').isChecked(), true);
      const c = await colours('#f-status-1');
      assert.notEqual(c.dot, c.inside, `the dot (${c.dot}) is the colour of the circle it sits in`);
    });

    it('the progress bar of a step shows how far the resident is', async () => {
      // on step 1 of 4 since the test above
      const p = await page.evaluate(() => {
        const bar = document.querySelector('#main .progress-bar');
        const fill = bar.querySelector('.progress-fill');
        const b = getComputedStyle(bar), f = getComputedStyle(fill);
        return {
          text: getComputedStyle(document.querySelector('#step-of')).color,
          page: getComputedStyle(document.body).backgroundColor,
          bar: b.backgroundColor, edge: b.borderTopColor, edgeWidth: parseFloat(b.borderTopWidth),
          fill: f.backgroundColor, part: fill.getBoundingClientRect().width / bar.getBoundingClientRect().width,
        };
      });
      assert.ok(p.part > 0.1 && p.part < 0.5, `the filled part is a quarter (${p.part})`);
      assert.notEqual(p.fill, p.bar, `the filled part (${p.fill}) is the colour of the rest of the bar`);
      assert.equal(p.fill, p.text, 'the filled part has the text\'s colour');
      assert.equal(p.bar, p.page, 'the rest is the screen\'s background');
      assert.ok(p.edgeWidth >= 1 && p.edge === p.text, `the bar is outlined in the text's colour (${p.edgeWidth}px ${p.edge})`);
    });

    it('首页 shows its house in the button\'s text colour', async () => {
      const h = await page.evaluate(() => {
        const btn = document.querySelector('#btn-home');
        const icon = btn.querySelector('.home-icon');
        const roof = getComputedStyle(icon, '::before'), walls = getComputedStyle(icon, '::after');
        return {
          text: getComputedStyle(btn).color,
          behind: getComputedStyle(btn).backgroundColor,
          header: getComputedStyle(document.querySelector('.app-header')).backgroundColor,
          walls: walls.backgroundColor, roof: roof.borderBottomColor,
          roofSides: [roof.borderLeftColor, roof.borderRightColor],
        };
      });
      assert.notEqual(h.walls, h.header, `the walls (${h.walls}) are the header's background`);
      assert.equal(h.walls, h.text, 'the walls have the button\'s text colour');
      assert.equal(h.roof, h.text, 'the roof has the button\'s text colour');
      // transparent sides make the roof a triangle; painted, a bar
      for (const side of h.roofSides) assert.match(side, /^rgba\(\d+, \d+, \d+, 0\)$/, `a roof side is ${side}`);
    });

    it('leaves no page errors', () => x.assertClean(colorScheme));
  });
}
