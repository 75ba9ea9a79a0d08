// The ticket screen's number (排队号) fits its box on every kiosk screen the
// hall may have, in both sizes: at 768×1024 with 大字 the 7rem digits ran
// past the box and the screen's edge, the last digit cut off (the page
// scrolled sideways); a ticket of five characters (A0001, after Z999)
// did the same at 1080×1920 with 大字. The confirmation 记下您的排队号了吗?
// shows the number large too. The five-character ticket is the server's
// answer rewritten on its way (page.route): 25,974 hand-ins to reach it.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, kioskPage, setMode, horizontalOverflow, shot } from './helpers.mjs';
import { labourCase } from './labour-case.mjs';

const k = useKiosk();

// Whether the number's glyphs stand inside its box (and the screen).
async function fits(page, sel) {
  return page.evaluate((s) => {
    const n = document.querySelector(s);
    const box = n.parentElement.getBoundingClientRect();
    const r = document.createRange();
    r.selectNodeContents(n);
    const t = r.getBoundingClientRect();
    return { text: n.textContent, inside: t.left >= box.left - 1 && t.right <= box.right + 1 && t.right <= innerWidth,
      size: parseFloat(getComputedStyle(n).fontSize) };
  }, sel);
}

describe('the ticket number fits', () => {
  let c;
  before(async () => { c = await labourCase(k.url); });

  const cases = [
    { vp: { width: 768, height: 1024 }, big: true, long: false },
    { vp: { width: 768, height: 1024 }, big: false, long: false },
    { vp: { width: 1080, height: 1920 }, big: true, long: true },
    { vp: { width: 1080, height: 1920 }, big: false, long: true },
  ];
  for (const { vp, big, long } of cases) {
    it(`${long ? 'A0001' : 'A001'} at ${vp.width}×${vp.height}${big ? ', 大字' : ''}`, async () => {
      const x = await kioskPage(k, { viewport: vp, reuse: true });
      const p = x.page;
      try {
        if (long) {
          await p.route(`**/api/v1/cases/${c.id}`, async (route) => {
            const r = await route.fetch();
            const body = await r.json();
            body.ticket = 'A0001';
            await route.fulfill({ response: r, json: body });
          });
        }
        const ticket = long ? 'A0001' : c.ticket;
        await p.goto(k.url + '/?kiosk=1#/code');
        await p.locator('#code-q').waitFor();
        if (big) await setMode(p, { big: true });
        await p.locator('#code-q').fill(c.id);
        await p.keyboard.press('Enter');
        await p.locator('#main .ticket-number', { hasText: ticket }).waitFor();
        const f = await fits(p, '#main .ticket-number');
        await shot(p, `ticket-fit-${vp.width}-${big ? 'big' : 'normal'}-${ticket}`, { fullPage: false });
        assert.ok(f.inside, `${f.text} at ${f.size}px runs past its box`);
        assert.ok(f.size >= (big ? 96 : 72), `${f.text} shrank to ${f.size}px`);
        assert.equal(await horizontalOverflow(p), null);
        await p.locator('#main button', { hasText: '完成' }).click();
        await p.locator('.overlay .ticket-number').waitFor();
        const d = await fits(p, '.overlay .ticket-number');
        assert.ok(d.inside, `${d.text} in the dialog at ${d.size}px runs past it`);
        x.assertClean('ticket');
      } finally {
        await x.close();
      }
    });
  }
});
