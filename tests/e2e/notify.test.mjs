// 待通知 on the staff page (/staff), without `--notify-command`: a case
// returned at the window appears with the resident's mobile, its ticket,
// the item and the text to read out (no ID number); 已通知 marks it done
// by the staffer, and the row says so. axe-core on the page with the list.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage, shot, axeSerious, staffLogin } from './helpers.mjs';
import { addUser, login, authHeaders } from '../api/helpers.mjs';
import { ID, labourCase } from './labour-case.mjs';

const k = useKiosk();
const DESKTOP = { width: 1600, height: 1000 };

describe('待通知 on the staff page', () => {
  let kp;
  let page;
  let c;

  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'wang', 'staff', 'wang-password-1');
    c = await labourCase(k.url);
    const s = await login(k.url, 'wang', 'wang-password-1');
    const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/return`, {
      method: 'POST', headers: authHeaders(s), body: JSON.stringify({ reason: '户口簿需要带原件。' }),
    });
    assert.equal(r.status, 200, await r.text());
    kp = await kioskPage(k, { viewport: DESKTOP, hasTouch: false });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.context.close(); });

  it('lists whom to phone, with the text to read out, and 已通知 marks it done', async () => {
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    const row = page.locator('#notify tbody tr', { hasText: c.ticket });
    await row.waitFor();
    const t = await row.innerText();
    assert.ok(t.includes('13800138000'), t);
    assert.match(t, /就业创业证申领/);
    assert.match(t, /退回补正/);
    assert.match(t, /需要补正。要补正的内容写在补正告知单上；还没有拿到告知单的，请到综合窗口领取/);
    assert.ok(!t.includes(ID), 'no ID number in the list');
    assert.match(await page.locator('#notify-card').innerText(), /请按电话告知居民/);
    assert.match(await page.locator('#notify-h').innerText(), /（1 条）/);
    const problems = await axeSerious(page);
    await shot(page, 'staff-notify');
    assert.deepEqual(problems, [], 'axe: no serious or critical violation');
    await row.getByRole('button', { name: /^已通知/ }).click();
    await page.locator('#notify tbody tr', { hasText: c.ticket }).locator('.badge-ok', { hasText: '已通知 · wang' }).waitFor();
    assert.match(await page.locator('#notify-h').innerText(), /（0 条）/);
    assert.equal(await page.locator('#notify .notify-done').count(), 0, 'no button left');
    // the ticket opens the notification's own case (a ticket typed in
    // 打开办件 is today's: another day's A001 is another resident's)
    await row.getByRole('button', { name: new RegExp(`^打开 ${c.ticket}`) }).click();
    await page.locator('#case-h', { hasText: c.ticket }).waitFor();
    assert.match(await page.locator('.case-facts').innerText(), /户口簿需要带原件/);
    assert.deepEqual(await axeSerious(page), []);
    kp.assertClean('staff page');
  });

  // A failed send is told in Chinese: the API's last_error is the daemon's
  // words for the log (`exit status 3`), not for the window.
  it('a failed send says why in Chinese, not the daemon\'s words', async () => {
    await page.route(`${k.url}/api/v1/staff/notifications`, async (r) => {
      const res = await r.fetch();
      const body = await res.json();
      body.notifications = body.notifications.map((n) => ({ ...n, done: null, done_by: null,
        attempts: 1, failed: false, last_error: 'exit status 3' }));
      await r.fulfill({ response: res, body: JSON.stringify(body) });
    });
    await page.reload();
    const row = page.locator('#notify tbody tr', { hasText: c.ticket });
    await row.locator('.notify-failed').waitFor();
    const t = await row.innerText();
    assert.match(t, /短信程序报告发送失败（退出码 3）/);
    assert.ok(!t.includes('exit status'), t);
    await page.unroute(`${k.url}/api/v1/staff/notifications`);
  });
});
