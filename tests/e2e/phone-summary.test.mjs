// From home on a phone (网上办事) with 大字, zoomed in (Chrome's 页面缩放:
// a 360 px phone at 125 % is 288 CSS px wide) or not: a step sent with
// answers missing shows 有 N 处需要修改 with a link to each, and that
// summary must be seen where the resident is looking. The page went to
// its top for it; on such a phone the header (264 px there) and the
// kicker filled the screen down to the sticky 返回/确认 bar (two stacked
// buttons, 190 px), and the summary was under the bar: the tap on 确认
// seemed to do nothing, and a tap on the first link hit 确认 again. At
// 360×740 the form's summary (four entries) ended under the bar.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, kioskPage, atRoute, setMode, shot } from './helpers.mjs';
import { apiPost } from './labour-case.mjs';

const k = useKiosk();

const PHONES = [{ width: 288, height: 592 }, { width: 360, height: 740 }, { width: 390, height: 844 }];

// what is drawn at the middle of the summary's heading and of each link
// (all fit on these screens)
// (null when it is the element itself), and whether it has the focus
async function summarySeen(page) {
  return page.evaluate(() => {
    const s = document.getElementById('error-summary');
    const seen = (e) => {
      const r = e.getBoundingClientRect();
      const x = r.left + Math.min(r.width / 2, 40);
      const y = (r.top + r.bottom) / 2;
      const at = document.elementFromPoint(x, y);
      if (at && (at === e || e.contains(at))) return null;
      return `${(e.textContent || '').trim().slice(0, 12)} at ${Math.round(y)} of ${innerHeight}: ${at ? at.localName + '.' + at.className : 'off screen'}`;
    };
    return {
      focused: document.activeElement === s,
      covered: [s.querySelector('h2'), ...s.querySelectorAll('a')].map(seen).filter(Boolean),
    };
  });
}

describe('the error summary on a phone with 大字 is on screen', () => {
  for (const phone of PHONES) {
    it(`${phone.width}×${phone.height}: conditions and a form`, async () => {
      const post = (p, body) => apiPost(k.url, p, body);
      const a = await post('/api/v1/cases', { procedure: 'labour-handbook', channel: 'web' });
      const b = await post('/api/v1/cases', { procedure: 'labour-handbook', channel: 'web' });
      await post(`/api/v1/cases/${b.id}/conditions`, { confirmed: [true, true, true] });
      await post(`/api/v1/cases/${b.id}/steps/0`, { fields: { hukou: '本市户籍', status: '失业' } });
      await post(`/api/v1/cases/${b.id}/steps/1`, { checklist: { id_card: true, hukou_book: true } });
      const kp = await kioskPage(k, { viewport: phone, hasTouch: true, isMobile: true });
      const { page } = kp;
      try {
        await atRoute(page, /\/conditions$/, () => page.goto(`${k.url}/#/case/${a.id}/conditions`));
        await setMode(page, { lang: 'zh', big: true });
        await page.locator('#main button', { hasText: '确认，下一步' }).tap();
        await page.locator('#error-summary').waitFor();
        const cond = await summarySeen(page);
        if (cond.covered.length) await shot(page, `phone-summary-${phone.width}-conditions`, { fullPage: false });
        assert.deepEqual(cond, { focused: true, covered: [] }, 'conditions');

        await atRoute(page, /\/step\/2$/, () => page.goto(`${k.url}/#/case/${b.id}/step/2`));
        await page.locator('#main form.step-form button[type=submit]').tap();
        await page.locator('#error-summary').waitFor();
        const form = await summarySeen(page);
        if (form.covered.length) await shot(page, `phone-summary-${phone.width}-form`, { fullPage: false });
        assert.deepEqual(form, { focused: true, covered: [] }, 'form');
        // the first link still takes the resident to the box
        await page.locator('#error-summary a').first().tap();
        assert.equal(await page.evaluate(() => document.activeElement.id), 'f-name');
        kp.assertClean(`${phone.width}×${phone.height}`);
      } finally {
        await kp.context.close();
      }
    });
  }
});
