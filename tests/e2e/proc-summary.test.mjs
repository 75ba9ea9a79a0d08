// Under a category (and on 政策文件, and in search results: the same list)
// each procedure shows its whole summary. It was cut at two lines, even
// with 大字: 25 of the sample's 30 on a portrait kiosk, 29 on a landscape
// one, all 30 with 大字, and the part cut is what tells two items alike
// in name apart (with 大字 高龄津贴申领 lost 可以由家人代办, 高龄津贴标准
// that its amounts are only examples). The links stay sound at the kiosk
// sizes the other tests use and on a phone: nothing past a link's edge, no link over
// another, two side by side (a landscape kiosk's two columns) as high as
// each other, no sideways scroll, and axe finds nothing serious.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  useKiosk, kioskPage, atRoute, setMode, shot, axeSerious, horizontalOverflow, PORTRAIT, LANDSCAPE,
} from './helpers.mjs';

const k = useKiosk();

// The list on screen: per link, its title, its summary's text, whether its
// box cuts it, and its boxes.
const links = (page) => page.evaluate(() => [...document.querySelectorAll('#main .proc-link')].map((a) => {
  const s = a.querySelector('.proc-summary');
  const box = (e) => { const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, left: r.left, right: r.right }; };
  return {
    title: a.querySelector('.proc-title').textContent,
    summary: s ? s.textContent : null,
    cut: s ? s.scrollHeight > s.clientHeight + 1 || s.scrollWidth > s.clientWidth + 1 : false,
    link: box(a), item: box(a.parentElement),
    parts: [...a.children].map(box),
  };
}));

function faults(ls) {
  const out = [];
  const near = (a, b) => Math.abs(a - b) <= 0.5;
  for (const l of ls) {
    for (const p of l.parts) {
      if (p.bottom > l.link.bottom + 0.5 || p.right > l.link.right + 0.5 || p.top < l.link.top - 0.5 || p.left < l.link.left - 0.5)
        out.push(`${l.title}: a part goes past the link`);
    }
    if (l.link.bottom > l.item.bottom + 0.5) out.push(`${l.title}: the link goes past its cell`);
  }
  for (let i = 0; i < ls.length; i++) {
    for (let j = i + 1; j < ls.length; j++) {
      const a = ls[i].link, b = ls[j].link;
      if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5)
        out.push(`${ls[i].title} overlaps ${ls[j].title}`);
      if (near(ls[i].item.top, ls[j].item.top) && (!near(a.top, b.top) || !near(a.bottom, b.bottom)))
        out.push(`${ls[i].title} and ${ls[j].title}, side by side: ${Math.round(a.top)}–${Math.round(a.bottom)} and ${Math.round(b.top)}–${Math.round(b.bottom)}`);
    }
  }
  return out;
}

const SIZES = [
  ['portrait', { viewport: PORTRAIT }], ['landscape', { viewport: LANDSCAPE }],
  ['1366×768', { viewport: { width: 1366, height: 768 } }], ['768×1024', { viewport: { width: 768, height: 1024 } }],
  ['phone 360×740', { viewport: { width: 360, height: 740 }, isMobile: true, path: '/' }],
];

const get = async (p) => (await (await fetch(k.url + p)).json());

for (const [name, { viewport, isMobile = false, path = '/?kiosk=1' }] of SIZES) {
  describe(`procedure lists, ${name}`, () => {
    let x, page, cats, all;
    before(async () => {
      cats = (await get('/api/v1/categories')).categories;
      all = (await get('/api/v1/procedures')).procedures;
      x = await kioskPage(k, { viewport, hasTouch: true, isMobile, reuse: true });
      page = x.page;
      await atRoute(page, /^#\/$/, () => page.goto(k.url + path));
    });
    after(async () => { if (x) await x.close(); });

    // To a screen by its address; one already on show is not waited for
    // anew (a hash set to itself changes nothing).
    async function to(hash) {
      if (await page.evaluate(() => location.hash) === hash) return;
      const re = new RegExp('^' + hash.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$');
      await atRoute(page, re, () => page.evaluate((h) => { location.hash = h; }, hash));
    }

    // The list on screen against the API's: every summary whole.
    async function check(what, procs) {
      const ls = await links(page);
      assert.equal(ls.length, procs.length, `${what}: a link per procedure`);
      for (const p of procs) {
        const l = ls.find((e) => e.title === p.title);
        assert.ok(l, `${what}: the link of ${p.title}`);
        assert.equal(l.summary, p.summary || null, `${what}: ${p.title}'s summary`);
        assert.equal(l.cut, false, `${what}: ${p.title}: its box cuts its summary`);
      }
      assert.deepEqual(faults(ls), [], what);
      assert.equal(await horizontalOverflow(page), null, what);
    }

    for (const big of [false, true]) {
      it(`${big ? '大字' : 'normal size'}: every category's, 政策文件's and a search's summaries whole`, async () => {
        await to('#/');
        await setMode(page, { lang: 'zh', big });
        let n = 0;
        for (const c of cats) {
          await to('#/c/' + c.id);
          const procs = all.filter((p) => p.category === c.id);
          await check(c.title, procs);
          n += procs.length;
          if (c.id === 'elderly') {
            await shot(page, `proc-summary-${name}${big ? '-big' : ''}`);
            if (big) assert.deepEqual(await axeSerious(page), []);
          }
        }
        assert.ok(n >= 20, 'the sample library\'s lists were all seen');
        await to('#/policies');
        await check('政策文件', all.filter((p) => p.kind === 'policy'));
        const found = (await get('/api/v1/procedures?q=' + encodeURIComponent('高龄津贴'))).procedures;
        assert.ok(found.length >= 2, '高龄津贴 finds its two items');
        await to('#/s/' + encodeURIComponent('高龄津贴'));
        await page.waitForFunction((n) => document.querySelectorAll('#main .proc-link').length === n, found.length);
        await check('高龄津贴 searched', found);
        await to('#/');
      });
    }

    it('leaves no page errors', () => x.assertClean(name));
  });
}
