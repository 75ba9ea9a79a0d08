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
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  useKiosk, kioskPage, atRoute, setMode, shot, axeSerious, horizontalOverflow, PORTRAIT, LANDSCAPE,
} from './helpers.mjs';

const k = useKiosk();

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
      x = await kioskPage(k, { viewport, hasTouch: true, isMobile });
      page = x.page;
      await atRoute(page, /^#\/$/, () => page.goto(k.url + path));
    });
    after(async () => { if (x) await x.context.close(); });

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
