// The call screen with the longest window names the server takes (8 CJK
// characters, 社会保障业务窗口): the four recent calls still show whole
// above the footer (a hall review: each name wrapped to two lines at the
// list's size and the fourth call went under 等候叫号), each name on one
// line, at 1920×1080 and at 1280×720. And the longest hall name the
// daemon takes (serve --hall-name, 40 characters) stays inside the heading
// bar: a district's full name (烟台市芝罘区幸福街道…便民服务大厅) took two
// lines of 5vh, taller than the bar, and its first line was cut at the
// screen's top edge.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage, shot, poll, LANDSCAPE } from './helpers.mjs';
import { addUser, login, authHeaders } from '../api/helpers.mjs';
import { labourCase } from './labour-case.mjs';

const HALL = '烟台市芝罘区幸福街道幸福路社区党群服务中心便民服务大厅';
const k = useKiosk({ args: ['--hall-name', HALL] });
const NAMES = ['综合受理服务窗口', '社会保障业务窗口', '民政残联业务窗口', '计生卫健业务窗口', '退役军人服务窗口'];

describe('the call screen with long window names', () => {
  let s;
  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'wang', 'staff', 'wang-password-1');
    s = await login(k.url, 'wang', 'wang-password-1');
    for (const w of NAMES) {
      await labourCase(k.url);
      const r = await fetch(k.url + '/api/v1/staff/call-next', {
        method: 'POST', headers: authHeaders(s), body: JSON.stringify({ window: w }),
      });
      assert.equal(r.status, 200, await r.text());
    }
  });

  for (const [viewport, hall] of [[LANDSCAPE, HALL], [{ width: 1280, height: 720 }, HALL],
    [LANDSCAPE, '社区便民服务中心'.repeat(5)]]) {
    it(`keeps a hall name of ${[...hall].length} characters inside the heading bar at ${viewport.width}×${viewport.height}`, async () => {
      const x = await kioskPage(k, { viewport, hasTouch: false, reuse: true });
      try {
        // the page takes the name from the answer (d.hall): the 40-character
        // one is that answer rewritten on its way, the daemon's own is 27
        await x.page.route('**/api/v1/display*', async (route) => {
          const r = await route.fetch();
          await route.fulfill({ response: r, json: { ...(await r.json()), hall } });
        });
        await x.page.goto(k.url + '/display');
        await poll(async () => assert.ok((await x.page.locator('h1').innerText()).startsWith(hall)));
        const m = await x.page.evaluate(() => {
          const bar = document.querySelector('.d-head').getBoundingClientRect();
          const r = document.createRange();
          r.selectNodeContents(document.querySelector('.d-head h1'));
          const t = r.getBoundingClientRect();
          return { inside: t.top >= bar.top && t.bottom <= bar.bottom, size: parseFloat(getComputedStyle(document.querySelector('.d-head h1')).fontSize) };
        });
        await shot(x.page, `display-hall-${[...hall].length}-${viewport.width}`, { fullPage: false });
        assert.ok(m.inside, `the hall's name runs out of the heading bar (${m.size} px)`);
        assert.ok(m.size >= viewport.height * 0.035, `the hall's name shrank to ${m.size} px`);
      } finally {
        await x.page.unrouteAll({ behavior: 'ignoreErrors' });   // the long poll held
        await x.close();
      }
    });
  }

  // a 5:4 and a 4:3 monitor (an office's old one as the call screen): sizes
  // of the height alone ran the big ticket into the recent list and broke
  // 12 号窗|口 and the names into three lines
  for (const viewport of [LANDSCAPE, { width: 1280, height: 720 }, { width: 1280, height: 1024 }, { width: 1024, height: 768 }]) {
    it(`shows four recent calls whole, each name on one line, at ${viewport.width}×${viewport.height}`, async () => {
      const x = await kioskPage(k, { viewport, hasTouch: false, reuse: true });
      try {
        await x.page.goto(k.url + '/display');
        await poll(async () => assert.equal(await x.page.locator('#recent li').count(), 4));
        const now = await x.page.evaluate(() => {
          const r = document.createRange();
          r.selectNodeContents(document.querySelector('#now-ticket'));
          return { right: r.getBoundingClientRect().right, col: document.querySelector('.d-now').getBoundingClientRect().right };
        });
        assert.ok(now.right <= now.col, `the big ticket runs past its column (${now.right} > ${now.col})`);
        const m = await x.page.evaluate(() => {
          const foot = document.querySelector('.d-foot').getBoundingClientRect().top;
          const col = document.querySelector('.d-recent').getBoundingClientRect();
          return [...document.querySelectorAll('#recent li')].map((li) => {
            const b = li.getBoundingClientRect();
            const w = li.querySelector('.d-w');
            const lh = parseFloat(getComputedStyle(w).fontSize) * 1.6;
            return { text: li.textContent, below: b.bottom > foot, wide: b.right > col.right,
              lines: w.getBoundingClientRect().height > lh ? 'wrapped' : 'one' };
          });
        });
        await shot(x.page, `display-names-${viewport.width}`, { fullPage: false });
        for (const r of m) {
          assert.equal(r.below, false, `${r.text} goes under the footer`);
          assert.equal(r.wide, false, `${r.text} is wider than its column`);
          assert.equal(r.lines, 'one', `${r.text}: the name wraps`);
        }
        x.assertClean('display');
      } finally {
        await x.close();
      }
    });
  }
});
