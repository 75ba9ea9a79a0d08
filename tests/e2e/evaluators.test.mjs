// The evaluators' keys (/admin/evaluators, web/evaluators.js; web/rate.js):
// the admin makes window 6's address on the admin page and a tablet opened
// at it shows the case completed there; 换新地址 gives a new address, and
// the tablet at the old one drops the case on show and says it is not set
// up (never a case to a stranger's phone); the tablet at the new one works;
// 停用 removes the address. A tablet opened without a key says to tell the
// staff and asks nothing. 在本设备打开 logs the admin out on the device showing
// the page and makes it the window's evaluator. axe-core finds nothing
// serious on the admin page.
// Below: the page by keyboard without a clipboard, and a key renewed while a
// resident is choosing 哪里没做好 (they finish, then the tablet stops).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage, axeSerious, LANDSCAPE } from './helpers.mjs';
import { addUser, login, authHeaders, adminPassword } from '../api/helpers.mjs';
import { labourCase } from './labour-case.mjs';

const k = useKiosk();
const TABLET = { width: 1280, height: 800 };
const NOT_SET = '这台评价器还没有设置好';

describe('the evaluators page and the tablet', () => {
  let admin, old, fresh, staff;
  const address = () => admin.page.locator('#addr-6').inputValue();

  before(async () => {
    const db = path.join(k.tmp, 'e2e.db');
    addUser(db, 'boss', 'admin', 'boss-password-1');
    addUser(db, 'wang', 'staff', 'wang-password-1');
    staff = await login(k.url, 'wang', 'wang-password-1');
    admin = await kioskPage(k, { viewport: LANDSCAPE, hasTouch: false });
  });
  after(async () => {
    for (const x of [admin, old, fresh]) if (x) await x.context.close();
  });

  // a case accepted and completed at window 6: the offer a keyed tablet shows
  async function servedAt6() {
    const c = await labourCase(k.url);
    for (const [move, body] of [['accept', {}], ['complete', { outcome: '已发证', window: '6' }]]) {
      const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/${move}`,
        { method: 'POST', headers: authHeaders(staff), body: JSON.stringify(body) });
      assert.equal(r.status, 200, `${move}: ${await r.text()}`);
    }
    return c;
  }

  it("the admin makes window 6's address; a tablet opened at it shows the case completed there", async () => {
    const p = admin.page;
    await p.goto(`${k.url}/admin/evaluators`);
    await p.locator('#login-name').fill('boss');
    await p.locator('#login-pass').fill('boss-password-1');
    await p.locator('form.login-form button[type=submit]').click();
    await p.locator('#keys-none').waitFor();
    await p.locator('#new-window').fill('06');
    await p.getByRole('button', { name: '生成评价器地址' }).click();
    await p.locator('#keys-msg', { hasText: '6 号窗口的新地址已经生成' }).waitFor();
    const url = await address();
    assert.match(url, new RegExp(`^${k.url}/rate\\?window=6&key=[0-9a-f]{32}$`));
    assert.deepEqual(await axeSerious(p), []);
    // nothing but a window number is taken
    await p.locator('#new-window').fill('6 号');
    await p.getByRole('button', { name: '生成评价器地址' }).click();
    await p.locator('#keys-msg.msg-error', { hasText: '请填写窗口号' }).waitFor();
    assert.equal(await address(), url, 'the address stays');

    old = await kioskPage(k, { viewport: TABLET, hasTouch: true });
    await old.page.goto(url);
    await old.page.locator('#idle').waitFor();
    const c = await servedAt6();
    await old.page.locator('#offer-ticket', { hasText: c.ticket }).waitFor({ timeout: 10_000 });
  });

  it('换新地址: the tablet at the old address drops the case and says so; the new one works', async () => {
    const p = admin.page;
    const before6 = await address();
    p.once('dialog', (d) => d.accept());
    await p.locator('tr[data-window="6"]').getByRole('button', { name: '换新地址' }).click();
    await p.locator('#keys-msg', { hasText: '6 号窗口的新地址已经生成' }).waitFor();
    const url = await address();
    assert.notEqual(url, before6);
    // woken in its long poll: no reload, no wait for its 25 s
    await old.page.locator('#error', { hasText: NOT_SET }).waitFor({ timeout: 10_000 });
    assert.equal(await old.page.locator('#offer').isHidden(), true, 'the case on show is gone');
    assert.equal(await old.page.locator('#idle').isHidden(), true, 'no invitation to rate either');

    fresh = await kioskPage(k, { viewport: TABLET, hasTouch: true });
    await fresh.page.goto(url);
    await fresh.page.locator('#offer').waitFor({ timeout: 10_000 });
    assert.equal(await fresh.page.locator('#error').innerText(), '');
  });

  // set up on the tablet itself: no 32 digits to type, and no admin left
  // logged in on a screen that faces residents
  it("在本设备打开: the device logs out and becomes the window's evaluator", async () => {
    const t = await kioskPage(k, { viewport: TABLET, hasTouch: true, reuse: true });
    try {
      const p = t.page;
      await p.goto(`${k.url}/admin/evaluators`);
      await p.locator('#login-name').fill('boss');
      await p.locator('#login-pass').fill('boss-password-1');
      await p.locator('form.login-form button[type=submit]').click();
      const url = await p.locator('#addr-6').inputValue();
      p.once('dialog', (d) => d.accept());
      await p.locator('tr[data-window="6"]').getByRole('button', { name: '在本设备打开' }).click();
      await p.waitForURL(url);
      await p.locator('#offer').waitFor({ timeout: 10_000 });
      const session = await p.evaluate(async () => (await fetch('/api/v1/session')).status);
      assert.equal(session, 401, 'logged out before it opened');
    } finally {
      await t.close();
    }
  });

  it('停用 removes the address, and the tablet at it stops', async () => {
    const p = admin.page;
    p.once('dialog', (d) => d.accept());
    await p.locator('tr[data-window="6"]').getByRole('button', { name: '停用' }).click();
    await p.locator('#keys-msg', { hasText: '已经停用' }).waitFor();
    await p.locator('#keys-none').waitFor();
    await fresh.page.locator('#error', { hasText: NOT_SET }).waitFor({ timeout: 10_000 });
  });

  it('a tablet opened without a key says to tell the staff and asks nothing', async () => {
    const x = await kioskPage(k, { viewport: TABLET, hasTouch: true, reuse: true });
    try {
      let asked = 0;
      x.page.on('request', (r) => { if (r.url().includes('/api/v1/rate?')) asked++; });
      await x.page.goto(`${k.url}/rate?window=6`);
      await x.page.locator('#error', { hasText: `${NOT_SET}（地址里没有评价器密钥` }).waitFor();
      assert.equal(await x.page.locator('#window-name').innerText(), '6 号窗口');
      assert.equal(await x.page.locator('#idle').isHidden(), true, 'no invitation to rate');
      assert.equal(asked, 0);
    } finally {
      await x.close();
    }
  });
});

// The admin page without a clipboard (plain http from another PC: no
// navigator.clipboard, or the browser refuses): 复制地址 selects the
// address and says 请按 Ctrl+C, so the address must keep the focus: given
// back to the button, Ctrl+C copied nothing. 停用 removes the row with its
// button: the focus goes to the window box, not to the page's start.
describe('the evaluators page by keyboard, without a clipboard', () => {
  let admin;
  after(async () => { if (admin) await admin.context.close(); });

  it('复制地址 leaves the address selected and focused; 停用 leaves the focus in the form', async () => {
    admin = await kioskPage(k, { viewport: LANDSCAPE, hasTouch: false });
    const { context, page: p } = admin;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(k.url).origin });
    // the browser refuses to write; the test still reads what Ctrl+C put there
    await context.addInitScript(() => {
      const real = navigator.clipboard;
      window.__readClipboard = () => real.readText();
      real.writeText = () => Promise.reject(new DOMException('refused', 'NotAllowedError'));
    });
    await p.goto(`${k.url}/admin/evaluators`);
    await p.locator('#login-name').fill('admin');
    await p.locator('#login-pass').fill(adminPassword(k.daemon));
    await p.locator('form.login-form button[type=submit]').click();
    await p.locator('#new-window').fill('综合窗口');
    await p.locator('#new-window').press('Enter');
    const addr = p.locator('[id="addr-综合窗口"]');
    await addr.waitFor();
    const url = await addr.inputValue();
    assert.match(url, /\/rate\?window=综合窗口&key=[0-9a-f]{32}$/);

    await p.locator('tr[data-window="综合窗口"]').getByRole('button', { name: '复制地址' }).click();
    await p.locator('#keys-msg.msg-warn', { hasText: '请按 Ctrl+C' }).waitFor();
    assert.equal(await p.evaluate(() => document.activeElement.id), 'addr-综合窗口', 'the address has the focus');
    assert.deepEqual(await addr.evaluate((a) => [a.selectionStart, a.selectionEnd]), [0, url.length], 'all of it selected');
    await p.keyboard.press('Control+C');
    assert.equal(await p.evaluate(() => window.__readClipboard()), url, 'Ctrl+C copies it, as the page says');

    p.once('dialog', (d) => d.accept());
    await p.locator('tr[data-window="综合窗口"]').getByRole('button', { name: '停用' }).focus();
    await p.keyboard.press('Enter');
    await p.locator('#keys-msg', { hasText: '已经停用' }).waitFor();
    assert.equal(await p.evaluate(() => document.activeElement.id), 'new-window', 'not lost to the page\'s start');
  });
});

// A key renewed while the resident at the tablet is choosing 哪里没做好:
// the case's token still rates it, so the form stays and says nothing of
// 暂时不能评价 (a resident told so would give up a rating that counts); once
// the rating is sent and thanked, the tablet stops and says so.
describe('a key renewed in the middle of a rating', () => {
  let tablet, staff;
  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'li', 'staff', 'li-password-1');
    staff = await login(k.url, 'li', 'li-password-1');
  });
  after(async () => { if (tablet) await tablet.close(); });

  it('lets the resident finish, then stops', async () => {
    tablet = await kioskPage(k, { viewport: TABLET, hasTouch: true, reuse: true });
    const p = tablet.page;
    await p.goto(k.url + await k.rateAt('7'));
    await p.locator('#idle').waitFor();
    const c = await labourCase(k.url);
    for (const [move, body] of [['accept', {}], ['complete', { outcome: '已发证', window: '7' }]]) {
      const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/${move}`,
        { method: 'POST', headers: authHeaders(staff), body: JSON.stringify(body) });
      assert.equal(r.status, 200, `${move}: ${await r.text()}`);
    }
    await p.locator('#offer-ticket', { hasText: c.ticket }).waitFor({ timeout: 10_000 });
    await p.locator('.r-level-2').tap();
    await p.locator('#why').waitFor();

    const refused = p.waitForResponse((r) => r.url().includes('/api/v1/rate?') && r.status() === 403);
    const admin = await login(k.url, 'admin', adminPassword(k.daemon));
    const r = await fetch(`${k.url}/api/v1/admin/rate-keys`, { method: 'POST', headers: authHeaders(admin),
      body: JSON.stringify({ window: '7' }) });
    assert.equal(r.status, 200);
    await refused;
    await p.waitForTimeout(1000);   // the page's handling of the 403 (it said it at once)
    assert.equal(await p.locator('#why').isVisible(), true, 'the form stays');
    assert.equal(await p.locator('#error').innerText(), '', 'nothing says it cannot rate');

    await p.getByRole('button', { name: '等候时间长' }).tap();
    await p.getByRole('button', { name: '提交评价' }).tap();
    await p.locator('#done-text', { hasText: '谢谢您的评价' }).waitFor();
    await p.locator('#error', { hasText: NOT_SET }).waitFor({ timeout: 10_000 });
    assert.equal(await p.locator('#idle').isHidden(), true, 'no invitation to rate after');
    const rated = await fetch(`${k.url}/api/v1/staff/cases/${c.id}`, { headers: authHeaders(staff) });
    assert.equal((await rated.json()).rating?.score, 2, 'the rating counted');
  });
});
