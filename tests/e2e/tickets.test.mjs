// The ticket: its page at the kiosk (the hall's own location, the number
// fitting its box) and an earlier day's ticket brought back, at the kiosk
// and on the staff page. Each describe was a file of its own (named at
// its head) and keeps its own daemon: two of them serve one database on
// two days; folded into one file to spare a test process per file (~1 s of
// a core each, CI's browser suite being CPU-bound).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startDaemon, makeTmp, stopChecked, addUser, SAMPLE_TREE } from '../api/helpers.mjs';
import {
  useKiosk, kioskPage, atRoute, poll, setMode, horizontalOverflow, shot, axeSerious, smallTargets, smallText,
  staffLogin, openStaffCase, WEB_DIR, launchBrowser,
} from './helpers.mjs';
import { labourCase } from './labour-case.mjs';

// ── was hall.test.mjs
// A hall of a street office that shares one library (docs/deployment.md,
// "Many halls"): with `serve --hall-name` and `--hall-location` the ticket
// page's 等候地点 is this hall's location, where the ticket is called, and
// the procedure's facts give the hall's where the shared file leaves them
// out; the slip names the hall that issued it.
describe('a hall with its own location', () => {
  const HERE = '幸福路88号 一楼综合窗口';
  const k = useKiosk({ args: ['--hall-name', '幸福路社区便民服务中心', '--hall-location', HERE] });

  let kp;
  before(async () => { kp = await kioskPage(k, { reuse: true }); });
  after(async () => { if (kp) await kp.close(); });

  it('the ticket page sends the resident to wait in this hall', async () => {
    const { page } = kp;
    const c = await labourCase(k.url);
    await page.goto(`${k.url}/?kiosk=1#/case/${c.id}`);
    await atRoute(page, new RegExp(`^#/case/${c.id}/done`));
    await poll(async () => assert.equal(await page.locator('.ticket-number').innerText(), c.ticket));
    assert.equal(await page.locator('p.where strong').innerText(), HERE);
    const slip = await (await fetch(`${k.url}/print/cases/${c.id}`)).text();
    assert.match(slip, /幸福路社区便民服务中心 · 排队凭条/);
    kp.assertClean('hall ticket page');
  });
});

// ── was ticket-fit.test.mjs
// The ticket screen's number (排队号) fits its box on every kiosk screen the
// hall may have, in both sizes: at 768×1024 with 大字 the 7rem digits ran
// past the box and the screen's edge, the last digit cut off (the page
// scrolled sideways); a ticket of five characters (A0001, after Z999)
// did the same at 1080×1920 with 大字. The confirmation 记下您的排队号了吗?
// shows the number large too. The five-character ticket is the server's
// answer rewritten on its way (page.route): 25,974 hand-ins to reach it.
describe('the ticket number fits', () => {
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

// ── was expired.test.mjs
// A slip brought back on a later day (我有凭条): its ticket was never called,
// and today's numbers start again at A001, so the kiosk says the number has
// expired and draws a new one for the same case with one tap. Two days
// without waiting for midnight, as tests/api/staff-days.test.mjs does: one
// database served at UTC+14, then at UTC−12.
describe('an earlier day\'s ticket at the kiosk', () => {
  const serve = (db, tz) => startDaemon({
    tree: SAMPLE_TREE, db, env: { TZ: tz }, args: WEB_DIR ? ['--web', path.resolve(WEB_DIR)] : [],
  });

  const h = { browser: null, url: '' };
  let tmp, d, kp, old;

  before(async () => {
    tmp = makeTmp('spkiosk-e2e-');
    const db = path.join(tmp, 'e2e.db');
    d = await serve(db, 'Etc/GMT-14');
    old = await labourCase(d.url);
    const info = await d.stop();
    assert.deepEqual([info.code, info.signal], [0, null], d.stderr());
    d = await serve(db, 'Etc/GMT+12');
    h.url = d.url;
    h.browser = await launchBrowser();
    kp = await kioskPage(h);
  });
  after(async () => {
    try {
      if (h.browser) await h.browser.close();
    } finally {
      await stopChecked(d, tmp);
    }
  });

  it('the slip\'s code opens 这个排队号已经过期, and 重新取号 gives today\'s ticket', async () => {
    const { page } = kp;
    await atRoute(page, new RegExp(`^#/case/${old.id}/done`), () => page.goto(`${h.url}/?kiosk=1#/case/${old.id}`));
    await poll(async () => assert.equal((await page.locator('h1').first().innerText()).trim(), '这个排队号已经过期'));
    assert.equal(await page.locator('.ticket-old').innerText(), old.ticket);
    assert.deepEqual(await axeSerious(page), [], 'axe-core');
    assert.deepEqual(await smallTargets(page), [], 'kiosk target sizes');
    assert.deepEqual(await smallText(page), [], 'kiosk text sizes');
    await shot(page, 'ticket-expired');
    await page.getByRole('button', { name: /重新取号/ }).click();
    await poll(async () => assert.equal((await page.locator('h1').first().innerText()).trim(), '您的排队号'));
    const now = (await (await fetch(`${h.url}/api/v1/cases/${old.id}`)).json());
    assert.equal(now.ticket_expired, false);
    assert.equal(await page.locator('.ticket-number').innerText(), now.ticket);
    assert.equal(now.ticket, 'A001', 'today\'s first number: yesterday\'s was not counted today');
    kp.assertClean('expired ticket');
  });
});

// ── was staff-earlier-ticket.test.mjs
// An earlier day's ticket opened on the staff page (the resident came back
// with the slip): the daemon refuses to call it again (409 ticket_expired:
// the call screen would call a number someone may hold today), yet the page
// offered 再次叫号, a button that could only ever fail (a review). It is
// left out now; 受理 stays. Two days without waiting for midnight: one
// database served at UTC−12, then at UTC+14, whose date is later.
describe('an earlier day\'s ticket on the staff page', () => {
  const serve = (db, tz) => startDaemon({
    tree: SAMPLE_TREE, db, env: { TZ: tz }, args: WEB_DIR ? ['--web', path.resolve(WEB_DIR)] : [],
  });

  const h = { browser: null, url: '' };
  let tmp, d, kp, old;

  before(async () => {
    tmp = makeTmp('spkiosk-e2e-');
    const db = path.join(tmp, 'e2e.db');
    d = await serve(db, 'Etc/GMT+12');
    old = await labourCase(d.url);
    addUser(db, 'wang', 'staff', 'wang-password-1');
    const info = await d.stop();
    assert.deepEqual([info.code, info.signal], [0, null], d.stderr());
    d = await serve(db, 'Etc/GMT-14');
    h.url = d.url;
    h.browser = await launchBrowser();
    kp = await kioskPage(h, { viewport: { width: 1600, height: 1000 }, hasTouch: false });
  });
  after(async () => {
    try {
      if (h.browser) await h.browser.close();
    } finally {
      await stopChecked(d, tmp);
    }
  });

  it('offers 受理 but not 再次叫号; today\'s ticket keeps 再次叫号', async () => {
    const { page } = kp;
    await staffLogin(page, h.url, 'wang', 'wang-password-1');
    // another day's ticket is not a key for today: opened by the slip's id
    const pane = await openStaffCase(page, old.id, old.ticket);
    const actions = pane.locator('.case-actions');
    await actions.getByRole('button', { name: '受理', exact: true }).waitFor();
    assert.equal(await actions.getByRole('button', { name: '再次叫号' }).count(), 0,
      'an earlier day\'s ticket cannot be called again');

    const today = await labourCase(h.url);
    const p2 = await openStaffCase(page, today.ticket);
    await p2.locator('.case-actions').getByRole('button', { name: '再次叫号' }).waitFor();
    kp.assertClean('staff page');
  });
});
