// From home on a phone (网上办事), 大字: the dialog 首页 opens mid-case
// (离开这次办理? with the case link, 继续办理 and 回首页) must be readable
// from its heading and its buttons reachable. The overlay is fixed and
// centred its dialog: taller than the screen (a phone turned sideways, or
// zoomed in by Chrome's 页面缩放 to 288 CSS px wide) the dialog was cut off
// at both ends, its heading above the screen and 回首页 below it, and a
// fixed overlay does not scroll, so neither could be reached.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, kioskPage, atRoute, setMode, shot } from './helpers.mjs';
import { apiPost } from './labour-case.mjs';

const k = useKiosk();

// a 360×740 phone; at 125 % page zoom; turned sideways
const PHONES = [{ width: 360, height: 740 }, { width: 288, height: 592 }, { width: 740, height: 360 }];

describe('the leave dialog on a phone with 大字', () => {
  for (const phone of PHONES) {
    it(`${phone.width}×${phone.height}: heading on screen, every button reachable`, async () => {
      const c = await apiPost(k.url, '/api/v1/cases', { procedure: 'labour-handbook', channel: 'web' });
      const kp = await kioskPage(k, { viewport: phone, hasTouch: true, isMobile: true });
      const { page } = kp;
      try {
        await atRoute(page, /\/conditions$/, () => page.goto(`${k.url}/#/case/${c.id}/conditions`));
        await setMode(page, { lang: 'zh', big: true });
        await page.locator('#btn-home').tap();
        const dialog = page.locator('.dialog[role=dialog]');
        await dialog.waitFor();
        await shot(page, `phone-dialog-${phone.width}x${phone.height}`, { fullPage: false });
        const top = await dialog.evaluate((d) => d.getBoundingClientRect().top);
        assert.ok(top >= 0, `the dialog's top is ${Math.round(top)} px above the screen`);
        // each button, brought into view as a finger's scroll would, is on
        // screen whole
        for (const name of ['回首页', '继续办理']) {
          const b = dialog.getByRole('button', { name });
          const r = await b.evaluate((e) => {
            e.scrollIntoView({ block: 'nearest' });
            const x = e.getBoundingClientRect();
            return { top: x.top, bottom: x.bottom, vh: window.innerHeight };
          });
          assert.ok(r.top >= -1 && r.bottom <= r.vh + 1, `${name} at ${Math.round(r.top)}–${Math.round(r.bottom)} of ${r.vh}`);
        }
        await dialog.getByRole('button', { name: '继续办理' }).tap();
        await dialog.waitFor({ state: 'detached' });
        kp.assertClean(`${phone.width}×${phone.height}`);
      } finally {
        await kp.context.close();
      }
    });
  }
});
