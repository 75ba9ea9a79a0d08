// The staff page locks itself after the session's idle limit without a
// person's key or touch (issue #12, item 6): the queue's refresh keeps
// running but counts for nothing; the lock hides the whole page (no full ID
// number, no name), asks for the password of whoever was logged in, and
// after it the page is back as it was. axe-core on the lock screen.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage, axeSerious, shot, staffLogin } from './helpers.mjs';
import { addUser } from '../api/helpers.mjs';
import { ID, NAME, labourCase } from './labour-case.mjs';

const k = useKiosk();

describe('the staff page locks itself', () => {
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
  after(async () => { if (kp) await kp.context.close(); });

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
