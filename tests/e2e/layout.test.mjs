// Portrait 1080×1920 and landscape 1920×1080: the home screen and the
// walkthrough (a step with field errors, review, ticket) have no horizontal
// scroll, normal and 大字, and everything on them can still be reached
// (the sticky action bar never hides the screen's last control, and stays
// on screen in 大字 too). Below, on the same daemon and pages (they were
// files of their own): a PC zoomed to 200 % (zoom-bars) and the home
// screen's tiles at five sizes (tile-desc). Each describe starts on a
// reused page as on a new one: about:blank, storage and cookies cleared.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  useKiosk, kioskPage, atRoute, shot, setMode, horizontalOverflow, axeSerious, PORTRAIT, LANDSCAPE,
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
      kp = await kioskPage(k, { viewport, hasTouch: true, reuse: true });
      page = kp.page;
    });
    after(async () => { if (kp) await kp.close(); });

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

// ── was zoom-bars.test.mjs (on this daemon now: a node process, a daemon
// and contexts less; the pages kept per size, kioskPage's reuse)
// A resident at home on a PC zoomed in to 200 % (a 1920×1080 screen is then
// laid out 960×540; 2048×1200 gives 1024×600) with 大字: the sticky header
// wraps to two rows (262 px) and, with the sticky 上一步/下一步 bar (156 px),
// held 418 of 540 px, so the form showed through a strip of 122 px. The
// two sticky parts together now leave at least half of the window to the
// page: under 840 px high the header scrolls away with 大字, as on a phone.
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
        x = await kioskPage(k, { viewport, hasTouch: false, reuse: true });
        page = x.page;
      });
      after(async () => { if (x) await x.close(); });

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

// ── was tile-desc.test.mjs (on this daemon now: a node process, a daemon
// and contexts less; the pages kept per size, kioskPage's reuse)
// The home screen's tiles show each category's whole description, at the
// normal size as with 大字. They cut it at three lines (-webkit-line-clamp),
// the whole text only in the link's accessible name: at the normal size 4
// of the sample's 11 tiles on a portrait kiosk, 8 on a landscape one, 10 at
// 768×1024 (with 大字 10 of 11 before g2 lifted the cut there), and what
// was cut was whom the category is for (…的居民，请看这里), which a
// resident reads to choose. Now a tile grows with its text, and its row
// with it, at the kiosk sizes the other tests use and on a phone. The
// tiles stay sound: nothing past a tile's edge, no tile over another, the
// tiles of a row as high as each other with their counts on one line, no
// sideways scroll, and axe finds nothing serious.
// What the home screen's tiles show: per tile, its description's text,
// whether its box cuts it (more text than box), and its boxes.
const tiles = (page) => page.evaluate(() => [...document.querySelectorAll('#main .tile')].map((a) => {
  const d = a.querySelector('.tile-desc');
  const box = (e) => { const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, left: r.left, right: r.right }; };
  return {
    title: a.querySelector('.tile-title').textContent,
    desc: d.textContent,
    cut: d.scrollHeight > d.clientHeight + 1 || d.scrollWidth > d.clientWidth + 1,
    tile: box(a), item: box(a.parentElement),
    parts: [...a.children].map(box),
    count: a.querySelector('.tile-count') ? box(a.querySelector('.tile-count')) : null,
  };
}));

// Layout faults of the tiles: a part outside its tile, a tile outside its
// grid cell, two tiles overlapping, and in a row (the grid cells whose tops
// are level) tiles of different heights or counts on different lines.
function faults(ts) {
  const out = [];
  const near = (a, b) => Math.abs(a - b) <= 0.5;
  for (const t of ts) {
    for (const p of t.parts) {
      if (p.bottom > t.tile.bottom + 0.5 || p.right > t.tile.right + 0.5)
        out.push(`${t.title}: a part goes past the tile (${Math.round(p.bottom)} > ${Math.round(t.tile.bottom)})`);
    }
    if (t.tile.bottom > t.item.bottom + 0.5) out.push(`${t.title}: the tile goes past its cell`);
  }
  for (let i = 0; i < ts.length; i++) {
    for (let j = i + 1; j < ts.length; j++) {
      const a = ts[i].tile, b = ts[j].tile;
      if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5)
        out.push(`${ts[i].title} overlaps ${ts[j].title}`);
      if (!near(ts[i].item.top, ts[j].item.top)) continue;
      if (!near(a.top, b.top) || !near(a.bottom, b.bottom))
        out.push(`${ts[i].title} and ${ts[j].title}, in a row: ${Math.round(a.top)}–${Math.round(a.bottom)} and ${Math.round(b.top)}–${Math.round(b.bottom)}`);
      const ca = ts[i].count, cb = ts[j].count;
      if (ca && cb && !near(ca.top, cb.top))
        out.push(`${ts[i].title} and ${ts[j].title}, in a row: counts at ${Math.round(ca.top)} and ${Math.round(cb.top)}`);
    }
  }
  return out;
}

// The kiosk's sizes in the other tests, and a phone (网上办事, not kiosk
// mode: its own 18 px text).
const SIZES = [
  ['portrait', { viewport: PORTRAIT }], ['landscape', { viewport: LANDSCAPE }],
  ['1366×768', { viewport: { width: 1366, height: 768 } }], ['768×1024', { viewport: { width: 768, height: 1024 } }],
  ['phone 360×740', { viewport: { width: 360, height: 740 }, isMobile: true, path: '/' }],
];

for (const [name, { viewport, isMobile = false, path = '/?kiosk=1' }] of SIZES) {
  describe(`home tiles, ${name}`, () => {
    let x, page, cats;
    before(async () => {
      cats = (await (await fetch(`${k.url}/api/v1/categories`)).json()).categories;
      x = await kioskPage(k, { viewport, hasTouch: true, isMobile, reuse: true });
      page = x.page;
      await atRoute(page, /^#\/$/, () => page.goto(k.url + path));
    });
    after(async () => { if (x) await x.close(); });

    for (const big of [false, true]) {
      for (const lang of ['zh', 'en']) {
        it(`${big ? '大字' : 'normal size'} (${lang}): every description whole, the tiles sound`, async () => {
          await setMode(page, { lang, big });
          const ts = await tiles(page);
          await shot(page, `tile-desc-${name}-${lang}${big ? '-big' : ''}`);
          assert.equal(ts.length, cats.length + 1, 'a tile per category, and 政策');
          for (const c of cats) {
            const t = ts.find((e) => e.title === c.title);
            assert.ok(t, `the tile of ${c.title}`);
            assert.equal(t.desc, c.description);
            assert.equal(t.cut, false, `${c.title}: its box cuts its description`);
          }
          assert.equal(ts.filter((t) => t.cut).length, 0, 'the 政策 tile too');
          assert.deepEqual(faults(ts), []);
          assert.equal(await horizontalOverflow(page), null);
          assert.deepEqual(await axeSerious(page), []);
        });
      }
    }

    it('leaves no page errors', () => x.assertClean(name));
  });
}
