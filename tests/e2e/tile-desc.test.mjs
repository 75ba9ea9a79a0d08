// 大字 on the home screen: each category's tile cut its description at
// three lines (-webkit-line-clamp), the whole text only in the link's
// accessible name. At 32 px a line holds about eleven characters on a
// portrait kiosk, and 10 of the sample's 11 descriptions were cut before
// saying whom the category is for (…的居民，请看这里): a resident who reads
// to choose saw the first half. In 大字 the tile now shows it all, at the
// kiosk sizes the other tests use; at the normal size the tiles keep their
// three lines. Either way the tiles stay whole: nothing past a tile's
// edge, no tile over another, no sideways scroll, and axe finds nothing
// serious.
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
  };
}));

// Layout faults of the tiles: a part outside its tile, a tile outside its
// grid cell, two tiles overlapping.
function faults(ts) {
  const out = [];
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
    }
  }
  return out;
}

const SIZES = [
  ['portrait', PORTRAIT], ['landscape', LANDSCAPE],
  ['1366×768', { width: 1366, height: 768 }], ['768×1024', { width: 768, height: 1024 }],
];

for (const [name, viewport] of SIZES) {
  describe(`home tiles, ${name}`, () => {
    let x, page, cats;
    before(async () => {
      cats = (await (await fetch(`${k.url}/api/v1/categories`)).json()).categories;
      x = await kioskPage(k, { viewport, hasTouch: true });
      page = x.page;
      await atRoute(page, /^#\/$/, () => page.goto(k.url + '/?kiosk=1'));
    });
    after(async () => { if (x) await x.context.close(); });

    it('at the normal size the tiles are whole', async () => {
      await setMode(page, { lang: 'zh', big: false });
      const ts = await tiles(page);
      assert.equal(ts.length, cats.length + 1, 'a tile per category, and 政策');
      assert.deepEqual(faults(ts), []);
      assert.equal(await horizontalOverflow(page), null);
    });

    for (const lang of ['zh', 'en']) {
      it(`大字 (${lang}) shows every description whole`, async () => {
        await setMode(page, { lang, big: true });
        const ts = await tiles(page);
        await shot(page, `tile-desc-${name}-${lang}-big`);
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

    it('leaves no page errors', () => x.assertClean(name));
  });
}
