// From home on a phone (网上办事), the phone's own keyboard up: the box the
// resident types into must be on screen, not under the page's header or
// its 上一步/下一步 bar. A phone that makes room for its keyboard shrinks
// the page to about half its height; the header (brand line, 首页, English,
// 大字: 117 px at 360 wide, 224 px with 大字 in three rows) stuck to the
// top of that half and the action bar (about 90 px) to its foot, and the
// browser, bringing the focused box into view, put it under one of them:
// with 大字 on a 360×740 phone only 31 px of the page were left between
// them, and turned sideways every box was under the header. The test
// focuses each box of a form in turn (as the keyboard's 下一项 does) at
// half the height of 360×740 and 390×844, normal and 大字, and of the same
// phones turned sideways, and asks the page what is drawn at the box's
// top, middle and foot: the box itself.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, kioskPage, atRoute, shot, setMode } from './helpers.mjs';
import { apiPost } from './labour-case.mjs';

const k = useKiosk();

// A web case of the sample's labour handbook at its form (name, ID number,
// mobile, address); its id.
async function webForm() {
  const post = (p, body) => apiPost(k.url, p, body);
  const c = await post('/api/v1/cases', { procedure: 'labour-handbook', channel: 'web' });
  await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true, true] });
  await post(`/api/v1/cases/${c.id}/steps/0`, { fields: { hukou: '本市户籍', status: '失业' } });
  await post(`/api/v1/cases/${c.id}/steps/1`, { checklist: { id_card: true, hukou_book: true } });
  return c.id;
}

const PHONES = [
  { width: 360, height: 740 }, { width: 390, height: 844 },
  { width: 740, height: 360 }, { width: 844, height: 390 },
];

describe('a phone with its keyboard up: the box typed into is on screen', () => {
  for (const phone of PHONES) {
    for (const big of [false, true]) {
      const name = `${phone.width}×${phone.height}${big ? ' 大字' : ''}`;
      it(name, async () => {
        const id = await webForm();
        const kp = await kioskPage(k, { viewport: phone, hasTouch: true, isMobile: true, reuse: true });
        const { page } = kp;
        try {
          await atRoute(page, /\/step\/2$/, () => page.goto(`${k.url}/#/case/${id}/step/2`));
          if (big) await setMode(page, { lang: 'zh', big: true });
          await page.setViewportSize({ width: phone.width, height: Math.round(phone.height / 2) });
          const bad = [];
          for (const box of ['f-name', 'f-id_number', 'f-mobile', 'f-address', 'f-name']) {
            const hits = await page.evaluate((boxId) => {
              const f = document.getElementById(boxId);
              f.focus();
              const r = f.getBoundingClientRect();
              return [r.top + 4, (r.top + r.bottom) / 2, r.bottom - 4].map((y) => {
                const e = document.elementFromPoint(r.left + 8, y);
                if (e === f) return null;
                return e ? `${e.localName}.${e.className} at ${Math.round(y)}` : `off screen at ${Math.round(y)}`;
              }).filter(Boolean);
            }, box);
            if (hits.length) bad.push(`#${box} under ${hits.join(', ')}`);
          }
          if (bad.length) await shot(page, `phone-keyboard-${phone.width}x${phone.height}${big ? '-big' : ''}`, { fullPage: false });
          assert.deepEqual(bad, [], `${name}, keyboard up`);
          kp.assertClean(name);
        } finally {
          await kp.close();
        }
      });
    }
  }
});
