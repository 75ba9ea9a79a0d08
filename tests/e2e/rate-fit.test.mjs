// The evaluator's five levels at the sizes the hall uses (1280×800 down to
// 800×480): each level's stars stand inside its own button. At 800×480 the
// five stars of 非常满意 (36 px each, 180 px) ran out of a 141 px button
// over the border and into 满意's, so a resident could not tell which
// button had five stars and which four.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage, poll, shot } from './helpers.mjs';
import { addUser, login, authHeaders } from '../api/helpers.mjs';
import { labourCase } from './labour-case.mjs';

const k = useKiosk();

describe('the evaluator\'s levels fit their buttons', () => {
  let ticket;
  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'wang', 'staff', 'wang-password-1');
    const s = await login(k.url, 'wang', 'wang-password-1');
    const c = await labourCase(k.url);
    ticket = c.ticket;
    for (const [move, body] of [['accept', {}], ['complete', { outcome: '已办结', window: '3' }]]) {
      const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/${move}`, {
        method: 'POST', headers: authHeaders(s), body: JSON.stringify(body),
      });
      assert.equal(r.status, 200, `${move}: ${await r.text()}`);
    }
  });

  for (const viewport of [{ width: 1280, height: 800 }, { width: 1024, height: 600 }, { width: 800, height: 480 }]) {
    it(`at ${viewport.width}×${viewport.height}`, async () => {
      const x = await kioskPage(k, { viewport });
      try {
        await x.page.goto(k.url + await k.rateAt('3'));
        await poll(async () => assert.equal(await x.page.locator('#offer-ticket').innerText(), ticket));
        const m = await x.page.evaluate(() => [...document.querySelectorAll('.r-level')].map((b) => {
          const box = b.getBoundingClientRect();
          const r = document.createRange();
          r.selectNodeContents(b.querySelector('.r-face'));
          const s = r.getBoundingClientRect();
          return { level: b.dataset.score, width: Math.round(box.width), inside: s.left >= box.left + 3 && s.right <= box.right - 3 };
        }));
        await shot(x.page, `rate-fit-${viewport.width}`, { fullPage: false });
        for (const l of m) assert.ok(l.inside, `level ${l.level}: its stars run out of its ${l.width} px button`);
        const widths = m.map((l) => l.width);
        assert.ok(Math.max(...widths) - Math.min(...widths) <= 1, `levels of unequal width: ${widths}`);
        x.assertClean('evaluator');
      } finally {
        await x.context.close();
      }
    });
  }
});
