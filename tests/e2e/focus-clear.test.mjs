// A keyboard user (a PC at home, or a kiosk with a keyboard) tabs through
// the overview and the steps, before and after 下一步 was refused: the control with the focus,
// with its ring (a tick or a choice: its whole row, which draws the ring),
// is never under the sticky header or the sticky 上一步/下一步 bar. Tab
// brought a control into view by the window's edges only, and the bars
// cover those edges: 准备材料's last tick went under the bar, 开始办理 and
// 失业 too at 1280×800 with 大字, and Shift+Tab put 姓名 under the header,
// so the user saw no ring anywhere (WCAG 2.4.11). Now app.js keeps the
// bars' heights as scroll-padding and scrolls what is still covered clear.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, kioskPage, atRoute, PORTRAIT } from './helpers.mjs';

const k = useKiosk();

// The focused control's row, ring included, against each sticky bar it is
// not part of: the part of it covered, as a line, or null.
async function covered(page) {
  return page.evaluate(() => {
    const a = document.activeElement;
    if (!a || a === document.body || !document.getElementById('main').contains(a) || a.localName === 'h1') return null;
    const row = (a.matches('input[type=radio], input[type=checkbox]') && a.closest('label')) || a;
    const r = row.getBoundingClientRect();
    const ring = 8; // app.css :focus-visible: 4 px outline 2 px off, 8 px halo
    const top = r.top - ring;
    const bottom = r.bottom + ring;
    const out = [];
    for (const bar of document.querySelectorAll('.app-header, #main .actions-sticky')) {
      if (bar.contains(a) || getComputedStyle(bar).position !== 'sticky') continue;
      const b = bar.getBoundingClientRect();
      const over = Math.min(bottom, b.bottom) - Math.max(top, b.top);
      if (over > 0.5) out.push(`${Math.round(over)} of ${Math.round(bottom - top)} px under ${bar.className}`);
    }
    if (!out.length) return null;
    const name = (a.id ? '#' + a.id : a.localName) + ' "' + (row.innerText || a.value || '').replace(/\s+/g, ' ').trim().slice(0, 24) + '"';
    return `${name}: ${out.join(', ')}`;
  });
}

// Tabs forward through the screen and back again; every stop that was
// covered, as lines. Each way stops at the first stop it reaches again:
// by then it has checked every stop and the wrap from the last to the
// first; 30 presses each way walked the same stops lap after lap on a
// screen of a few (1,260 presses a run, the suite's heaviest file). At
// most n presses each way, as before.
async function walkTabs(page, n = 30) {
  const bad = [];
  for (const key of ['Tab', 'Shift+Tab']) {
    await page.evaluate(() => { window.walkSeen = new WeakSet(); });
    for (let i = 0; i < n; i++) {
      await page.keyboard.press(key);
      const c = await covered(page);
      if (c) bad.push(`${key}: ${c}`);
      const again = await page.evaluate(() => {
        const a = document.activeElement;
        if (!a || a === document.body) return false;
        if (window.walkSeen.has(a)) return true;
        window.walkSeen.add(a);
        return false;
      });
      if (again) break;
    }
  }
  return [...new Set(bad)];
}

// A case with its conditions confirmed and no step answered (the kiosk
// opens it by its code at step 1).
async function freshCase(base) {
  const post = async (p, body) => {
    const r = await fetch(base + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.ok(r.ok, `${p}: ${r.status}`);
    return r.json();
  };
  const c = await post('/api/v1/cases', { procedure: 'labour-handbook', channel: 'kiosk' });
  await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true, true] });
  return c.id;
}

for (const { what, viewport, kiosk, big } of [
  { what: 'the kiosk, portrait, 大字', viewport: PORTRAIT, kiosk: true, big: true },
  { what: 'a PC at home, 1280×800', viewport: { width: 1280, height: 800 }, kiosk: false, big: false },
  { what: 'a PC at home, 1280×800, 大字', viewport: { width: 1280, height: 800 }, kiosk: false, big: true },
]) {
  describe(`the focus stays clear of the sticky bars: ${what}`, () => {
    let x;
    let page;
    let id;
    const q = kiosk ? '/?kiosk=1' : '/';
    // a choice or a tick, by the keyboard
    const tick = async (sel) => { await page.locator(sel).focus(); await page.keyboard.press('Space'); };
    const next = () => page.locator('#main form.step-form button[type=submit]').press('Enter');
    // 下一步 with nothing answered: the same step with its error summary
    async function refused() {
      await page.evaluate(() => document.getElementById('error-summary')?.remove());
      await next();
      await page.locator('#error-summary').waitFor();
    }
    before(async () => {
      x = await kioskPage(k, { viewport, hasTouch: false, reuse: true });
      page = x.page;
      id = await freshCase(k.url);
      await atRoute(page, /^#\/p\/labour-handbook$/, () => page.goto(`${k.url}${q}#/p/labour-handbook`));
      if (big) {
        await page.click('#btn-big');
        await page.waitForFunction(() => document.documentElement.classList.contains('big'));
      }
    });
    after(async () => { if (x) await x.close(); });

    it('the overview', async () => {
      assert.deepEqual(await walkTabs(page), []);
    });

    it('step 1 (choices), as drawn and with its errors', async () => {
      await atRoute(page, /\/step\/0$/, () => page.evaluate((h) => { location.hash = h; }, `#/case/${id}`));
      assert.deepEqual(await walkTabs(page), [], 'as drawn');
      await refused();
      assert.deepEqual(await walkTabs(page), [], 'with the error summary');
      await tick('#f-hukou-0');
      await tick('#f-status-1');
      await atRoute(page, /\/step\/1$/, next);
    });

    it('step 2 (materials to tick), as drawn and with its errors', async () => {
      assert.deepEqual(await walkTabs(page), [], 'as drawn');
      await refused();
      assert.deepEqual(await walkTabs(page), [], 'with the error summary and 材料没带齐?');
      await tick('#ck-id_card');
      await tick('#ck-hukou_book');
      await atRoute(page, /\/step\/2$/, next);
    });

    it('step 3 (the form), as drawn and with its errors', async () => {
      assert.deepEqual(await walkTabs(page), [], 'as drawn');
      await refused();
      assert.deepEqual(await walkTabs(page), [], 'with the error summary');
    });

    it('leaves no page errors', () => x.assertClean(what));
  });
}
