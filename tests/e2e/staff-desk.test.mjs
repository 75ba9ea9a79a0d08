// The staff page beside the queue: 待通知 (the residents to tell, marked
// 已通知), 这一步有误 (a staffer's report on a step, read in the admin
// console) and the page's lock after the idle limit. Each describe was a
// file of its own (named at its head) and keeps its own daemon; folded
// into one file to spare a test process per file (~1 s of a core each,
// CI's browser suite being CPU-bound).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage, shot, axeSerious, staffLogin } from './helpers.mjs';
import { addUser, login, authHeaders } from '../api/helpers.mjs';
import { ID, NAME, labourCase } from './labour-case.mjs';

// ── was notify.test.mjs
// 待通知 on the staff page (/staff), without `--notify-command`: a case
// returned at the window appears with the resident's mobile, its ticket,
// the item and the text to read out (no ID number); 已通知 marks it done
// by the staffer, and the row says so. axe-core on the page with the list.
describe('待通知 on the staff page', () => {
  const k = useKiosk();
  const DESKTOP = { width: 1600, height: 1000 };

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
    kp = await kioskPage(k, { viewport: DESKTOP, hasTouch: false, reuse: true });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.close(); });

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

// ── was sp-report.test.mjs
// 这一步有误 (SP有误, issue #11 part 5): a staffer opens a waiting case at
// /staff, presses 这一步有误 on its second step (by keyboard), sends an
// empty note (the server's message, the focus back in the note), then a
// note as 不清楚 and sees the confirmation; the admin console shows the
// count beside the item's file, the report (step, kind, note, who) under
// it, and 已处理 with a reply marks it dealt with (the API agrees). axe-core
// on both pages with the form and the reports open.
describe('这一步有误: from the staff case view to the admin console', () => {
  const k = useKiosk();
  const DESKTOP = { width: 1600, height: 1000 };
  const PW = 'boss-password-9';
  const NOTE = '身份证复印件要几份没有写';

  let kp;
  let page;
  let c;

  before(async () => {
    const db = path.join(k.tmp, 'e2e.db');
    addUser(db, 'wang', 'staff', 'wang-password-1');
    addUser(db, 'boss', 'admin', PW);
    c = await labourCase(k.url);
    kp = await kioskPage(k, { viewport: DESKTOP, hasTouch: false, reuse: true });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.close(); });

  it('a staffer reports the second step from the case view', async () => {
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    await page.locator('#case-key').waitFor();
    await page.locator('#case-key').fill(c.ticket);
    await page.keyboard.press('Enter');
    await page.locator('#case-h', { hasText: c.ticket }).waitFor();
    // a case without conditions' note or missing papers: no stray "null" where they would be
    assert.doesNotMatch(await page.locator('#case-pane').innerText(), /\bnull\b/);
    const step = page.locator('article.step').nth(1);
    const open = step.getByRole('button', { name: /^这一步有误/ });
    assert.equal(await open.getAttribute('aria-expanded'), 'false');
    await open.focus();
    await page.keyboard.press('Enter');
    const form = step.locator('form.spreport-form');
    await form.waitFor();
    assert.equal(await open.getAttribute('aria-expanded'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'TEXTAREA');
    // an empty note: the server's message, the focus back in the note
    await form.getByRole('button', { name: '提交给管理员' }).click();
    await form.locator('[role=alert]', { hasText: '请写明这一步哪里有误或不清楚' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'TEXTAREA');
    await form.getByLabel('不清楚', { exact: true }).check();
    await page.keyboard.press('Tab');
    await form.locator('textarea').fill(NOTE);
    const problems = await axeSerious(page);
    await shot(page, 'staff-spreport-form');
    assert.deepEqual(problems, [], 'axe: no serious or critical violation on the form');
    await form.getByRole('button', { name: '提交给管理员' }).click();
    await step.locator('.msg-ok', { hasText: '已报告给管理员：这一步不清楚' }).waitFor();
    assert.equal(await step.locator('form').count(), 0);
    assert.equal(await open.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), '这一步有误');
  });

  it('the admin console lists it beside the file and marks it dealt with', async () => {
    const ap = await kioskPage(k, { viewport: DESKTOP, hasTouch: false, reuse: true });
    try {
      const p = ap.page;
      await p.goto(k.url + '/admin');
      await p.fill('#login-name', 'boss');
      await p.fill('#login-pass', PW);
      await p.click('.login-form button[type=submit]');
      const row = p.locator('tr[data-id="labour-handbook"]');
      await row.waitFor();
      await p.locator('#summary', { hasText: '步骤问题 1 条待处理' }).waitFor();
      const block = row.locator('details.spreport-block');
      assert.equal(await block.locator('summary').innerText(), '步骤反馈 1 条待处理');
      assert.equal(await p.locator('details.spreport-block').count(), 1, 'only the reported item');
      await p.selectOption('#filter', 'reports');
      assert.equal(await p.locator('.proc-table tbody tr').count(), 1);
      await block.locator('summary').click();
      const item = block.locator('li[data-report]');
      const t = await item.innerText();
      assert.match(t, /第 2 步 准备材料/);
      assert.match(t, /不清楚/);
      assert.ok(t.includes(NOTE), t);
      assert.match(t, /wang · \d{4}-\d\d-\d\d \d\d:\d\d/);
      assert.ok(!t.includes(c.ticket) && !t.includes('张晓梅'), 'nothing of the case');
      const problems = await axeSerious(p);
      await shot(p, 'admin-spreport');
      assert.deepEqual(problems, [], 'axe: no serious or critical violation on the list');
      await item.getByLabel('答复（可不填）').fill('已在注意事项里写明：一份');
      await item.getByRole('button', { name: /^已处理/ }).click();
      await block.locator('[role=status]', { hasText: '已处理：第 2 步的反馈（答复：已在注意事项里写明：一份）' }).waitFor();
      assert.equal(await block.locator('summary').innerText(), '步骤反馈已全部处理');
      const admin = await login(k.url, 'boss', PW);
      const r = await fetch(`${k.url}/api/v1/admin/reports?procedure=labour-handbook`, { headers: { Cookie: admin.cookie } });
      const l = await r.json();
      assert.equal(l.counts.open, 0);
      assert.equal(l.reports[0].dealt_by, 'boss');
      assert.equal(l.reports[0].reply, '已在注意事项里写明：一份');
      // after a reload the file has nothing open
      await p.reload();
      await row.waitFor();
      assert.equal(await row.locator('details.spreport-block').count(), 0);
    } finally {
      await ap.close();
    }
  });
});

// ── was staff-lock.test.mjs
// The staff page locks itself after the session's idle limit without a
// person's key or touch (issue #12, item 6): the queue's refresh keeps
// running but counts for nothing; the lock hides the whole page (no full ID
// number, no name), asks for the password of whoever was logged in, and
// after it the page is back as it was. axe-core on the lock screen.
describe('the staff page locks itself', () => {
  const k = useKiosk();

  let kp;
  let page;
  let c;

  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'wang', 'staff', 'wang-password-1');
    addUser(path.join(k.tmp, 'e2e.db'), 'li', 'staff', 'li-password-22');
    c = await labourCase(k.url);
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false, clock: true });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.close(); });

  it('after the idle limit: the page hidden, the password asked for, then the page back', async () => {
    const polls = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/v1/staff/queue')) polls.push(r.headers()['x-spk-poll'] ?? '');
    });
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    await page.locator('#case-key').fill(c.ticket);
    await page.keyboard.press('Enter');
    await page.locator('#case-pane #case-h', { hasText: c.ticket }).waitFor();
    assert.ok((await page.locator('body').innerText()).includes(ID), 'the full ID number on show');

    // 29 minutes untouched: not yet; the queue's refreshes say they are a timer's
    await page.clock.fastForward('29:00');
    await page.clock.fastForward(6000);
    assert.equal(await page.locator('dialog.login-dialog').count(), 0, 'not locked before the limit');
    await page.clock.fastForward('01:05');
    const dialog = page.locator('dialog.login-dialog');
    await dialog.waitFor();
    assert.ok(polls.includes('1'), `the refresh marks itself: ${JSON.stringify(polls)}`);
    const shown = await page.locator('body').innerText();
    assert.ok(!shown.includes(ID) && !shown.includes(ID.slice(-4)), 'no ID number while locked');
    assert.ok(!shown.includes(NAME), 'no name while locked');
    assert.match(shown, /页面已锁定/);
    assert.match(shown, /请输入密码继续/);
    assert.equal(await page.locator('#login-name').inputValue(), 'wang', 'whoever was logged in');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'login-pass');
    assert.deepEqual(await axeSerious(page), [], 'axe on the lock screen');
    await shot(page, 'staff-locked');

    // Esc, pressed again and again (a staffer back at the desk): Chromium
    // closes a modal dialog at a second Esc whatever its cancel handler
    // says, which left a blank page with no password box (a staff review)
    for (let i = 0; i < 3; i++) await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.querySelector('dialog.login-dialog')?.open), true,
      'the lock stays open after Esc');
    assert.match(await page.locator('body').innerText(), /页面已锁定/);
    assert.ok(!(await page.locator('body').innerText()).includes(ID));
    await page.locator('#login-pass').focus();

    // a wrong password keeps it locked
    await page.fill('#login-pass', 'not-the-password');
    await page.click('.login-dialog button[type=submit]');
    await page.locator('.login-dialog .form-error', { hasText: /用户名或密码不对/ }).waitFor();
    assert.ok(!(await page.locator('body').innerText()).includes(ID));

    await page.fill('#login-pass', 'wang-password-1');
    await page.click('.login-dialog button[type=submit]');
    await dialog.waitFor({ state: 'detached' });
    const back = await page.locator('#case-pane').innerText();
    assert.ok(back.includes(ID), 'the case is back as it was');
    kp.assertClean('staff lock');
  });

  // Another staffer at the locked PC: the page kept the first one's name in
  // its header and sent the first one's pending move under the second's
  // (a staff review). The page starts afresh for whoever logged in.
  it('someone else logging in at the lock gets a fresh page under their own name', async () => {
    assert.match(await page.locator('#session').innerText(), /wang/);
    await page.clock.fastForward('31:00');
    const dialog = page.locator('dialog.login-dialog');
    await dialog.waitFor();
    await page.fill('#login-name', 'li');
    await page.fill('#login-pass', 'li-password-22');
    await Promise.all([
      page.waitForEvent('load'),
      page.click('.login-dialog button[type=submit]'),
    ]);
    await page.locator('#case-key').waitFor();
    const badge = await page.locator('#session').innerText();
    assert.match(badge, /li/);
    assert.doesNotMatch(badge, /wang/);
    assert.ok(!(await page.locator('body').innerText()).includes(ID), 'nothing of the first one\'s case');
    kp.assertClean('staff lock, another user');
  });
});
