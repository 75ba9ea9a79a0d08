// The kiosk with a keyboard and a screen reader (a PC at home, a kiosk with
// a keyboard and no touch): the dialogs' Esc and a dialog over a dialog,
// and what is said at each step and at the ticket. One file on one daemon
// (each of these was a file of its own: a node process, a daemon and a
// context each; each makes its own cases); one page, kept between them
// (kioskPage's reuse): each describe starts on a cleared page, as a new one
// would.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, kioskPage, atRoute, poll, spoken } from './helpers.mjs';
import { labourCase, labourForm, apiPost, NAME, ID } from './labour-case.mjs';

const k = useKiosk();

// ── was dialog-keys.test.mjs
// The kiosk's modal dialogs with a keyboard (a PC at home, or a kiosk with
// a keyboard and no touch): Esc takes the dialog's safe way out, as the
// staff page's inline forms do (core.js closable) and as a modal dialog
// does (WAI-ARIA APG): 首页 in the middle of a case → 返回 (the case
// stays), 完成 on the ticket → 返回，记下号码 (the number stays on screen),
// and the idle countdown 还在使用吗? → 继续使用. The focus goes back to the
// button that opened the dialog. Before, Esc did nothing: the dialog stayed
// and the idle countdown ran on to the reset.
describe('Esc on the kiosk\'s dialogs', () => {
  let x;
  let page;
  const dialog = () => page.locator('.overlay [role=dialog], .overlay [role=alertdialog]');
  before(async () => {
    x = await kioskPage(k, { hasTouch: false, reuse: true });
    page = x.page;
  });
  after(async () => { if (x) await x.close(); });

  it('首页 during a case: Esc keeps the case, focus back on 首页', async () => {
    await page.goto(k.url + '/?kiosk=1#/p/labour-handbook');
    await page.locator('#main h1').waitFor();
    await atRoute(page, /#\/case\/[0-9a-f]{32}\//,
      () => page.locator('#main button', { hasText: '开始办理' }).first().click());
    const where = page.url();
    await page.locator('#btn-home').focus();
    await page.keyboard.press('Enter');
    await dialog().waitFor();
    await page.keyboard.press('Escape');
    await poll(async () => assert.equal(await dialog().count(), 0, 'the dialog is still open'));
    assert.equal(page.url(), where);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'btn-home');
  });

  it('完成 on the ticket: Esc keeps the number on screen', async () => {
    const c = await labourCase(k.url);
    await page.goto(k.url + '/?kiosk=1#/code');
    await page.locator('#code-q').waitFor();
    await page.locator('#code-q').fill(c.id);
    await page.keyboard.press('Enter');
    await page.locator('#main', { hasText: c.ticket }).waitFor();
    const where = page.url();
    await page.locator('#main button', { hasText: '完成' }).focus();
    await page.keyboard.press('Enter');
    await dialog().waitFor();
    await page.keyboard.press('Escape');
    await poll(async () => assert.equal(await dialog().count(), 0, 'the dialog is still open'));
    assert.equal(page.url(), where);
    assert.ok((await page.locator('#main').innerText()).includes(c.ticket));
  });

  it('还在使用吗?: Esc is 继续使用, the screen stays', async () => {
    await page.goto(k.url + '/?kiosk=1&idle=1&countdown=8#/p/labour-handbook');
    await page.locator('#main h1').waitFor();
    await page.locator('.overlay [role=alertdialog]').waitFor({ timeout: 5000 });
    const where = page.url();
    await page.keyboard.press('Escape');
    await poll(async () => assert.equal(await page.locator('.overlay').count(), 0, 'the countdown is still open'));
    assert.equal(page.url(), where);
  });
});

// ── was dialog-stack.test.mjs
// The idle countdown (还在使用吗?) can open over another of the kiosk's
// dialogs: a resident reading 完成's question 记下您的排队号了吗? for 90 s
// with a screen reader (which sends the page no keys while reading). The
// dialog under it stayed live: Shift+Tab from 继续使用 went to 已记下，完成,
// which clears the screen and the number with it, and a screen reader read
// on into it. Every dialog under the top one is inert now, and closing the
// top one brings the one under it back.
describe('a dialog over a dialog', () => {
  let x;
  let page;
  before(async () => {
    x = await kioskPage(k, { hasTouch: false, reuse: true });
    page = x.page;
  });
  after(async () => { if (x) await x.close(); });

  const where = () => page.evaluate(() => {
    const a = document.activeElement;
    if (!a || a === document.body) return 'body';
    const d = a.closest('[role=dialog], [role=alertdialog]');
    return `${d ? d.getAttribute('role') : 'page'}: ${a.textContent.trim()}`;
  });

  it('the countdown over 完成\'s question: only the countdown is reachable', async () => {
    const c = await labourCase(k.url);
    // the idle time short (4 s), the countdown long (60 s)
    await page.goto(`${k.url}/?kiosk=1&idle=4&countdown=60#/code`);
    await page.locator('#code-q').fill(c.id);
    await page.keyboard.press('Enter');
    await page.locator('#main', { hasText: c.ticket }).waitFor();
    await page.locator('#main button', { hasText: '完成' }).press('Enter');
    await page.locator('.overlay [role=dialog]').waitFor();
    await page.locator('.overlay [role=alertdialog]').waitFor({ timeout: 15_000 });
    assert.equal(await where(), 'alertdialog: 继续使用');
    const seen = [];
    for (const key of ['Shift+Tab', 'Shift+Tab', 'Tab', 'Tab', 'Tab']) {
      await page.keyboard.press(key);
      seen.push(await where());
    }
    assert.deepEqual(seen.filter((w) => w.startsWith('dialog')), [], `the focus went under the countdown: ${seen.join(' | ')}`);
    // 继续使用 closes it; 完成's question is live again, the focus in it
    await page.locator('.overlay [role=alertdialog] button').focus();
    await page.keyboard.press('Enter');
    await poll(async () => assert.equal(await page.locator('.overlay [role=alertdialog]').count(), 0));
    assert.equal(await page.locator('.overlay').evaluate((o) => o.inert), false, '完成\'s question is live again');
    assert.equal(await where(), 'dialog: 返回，记下号码');
    await page.keyboard.press('Escape');
    await poll(async () => assert.equal(await page.locator('.overlay').count(), 0));
    assert.equal(await page.locator('#main').evaluate((m) => m.closest('[inert]') === null), true, 'the page is live again');
    x.assertClean('dialogs');
  });
});

// ── was step-said.test.mjs
// A resident with a screen reader goes through the steps at the kiosk: the
// focus comes to each step's heading, and a screen reader said the step's
// name alone (说明您的情况), never 第 1 步 / 共 4 步 written above it, so the
// resident did not know how far there was to go. The heading is described
// by it now. Read from Chromium's accessibility tree, as a screen reader
// gets it.
describe('each step is said with where it stands', () => {
  let x;
  let page;
  before(async () => {
    x = await kioskPage(k, { hasTouch: false, reuse: true });
    page = x.page;
  });
  after(async () => { if (x) await x.close(); });

  it('conditions, then steps 1 and 2 by the keyboard', async () => {
    await atRoute(page, /^#\/p\/labour-handbook$/, () => page.goto(`${k.url}/?kiosk=1#/p/labour-handbook`));
    await atRoute(page, /\/conditions$/, () => page.locator('#main button', { hasText: '开始办理' }).first().press('Enter'));
    for (const i of [0, 1, 2]) {
      await page.locator(`#cond-${i}-yes`).focus();
      await page.keyboard.press('Space');
    }
    await atRoute(page, /\/step\/0$/, () => page.locator('#main button', { hasText: '确认，下一步' }).press('Enter'));
    let s = await spoken(page, 'document.activeElement');
    assert.deepEqual([s.role, s.name, s.description], ['heading', '说明您的情况', '第 1 步 / 共 4 步']);
    await page.locator('#f-hukou-0').focus();
    await page.keyboard.press('Space');
    await page.locator('#f-status-1').focus();
    await page.keyboard.press('Space');
    await atRoute(page, /\/step\/1$/, () => page.locator('#main form.step-form button[type=submit]').press('Enter'));
    s = await spoken(page, 'document.activeElement');
    assert.deepEqual([s.role, s.name, s.description], ['heading', '准备材料', '第 2 步 / 共 4 步']);
    x.assertClean('steps');
  });
});

// ── was ticket-said.test.mjs
// A resident who cannot see the screen hands a case in at the kiosk with a
// screen reader: the focus goes to the ticket's heading, and what a screen
// reader says there is the heading's name and description. It said 您的排队号
// and stopped; the number itself (the one thing to take away) and 已经提交成功
// were left for the resident to go and find. 完成's question 记下您的排队号了吗?
// did not say the number either. Read from Chromium's accessibility tree
// (the DevTools protocol), as a screen reader gets it.
describe('the ticket is said where the focus lands', () => {
  let x;
  let page;
  let id;
  before(async () => {
    x = await kioskPage(k, { hasTouch: false, reuse: true });
    page = x.page;
    id = await labourForm(k.url);
    await apiPost(k.url, `/api/v1/cases/${id}/steps/2`, {
      fields: { name: NAME, id_number: ID, mobile: '13800138000', education: '高中', address: '幸福路12号3单元201室' },
    });
    await apiPost(k.url, `/api/v1/cases/${id}/steps/3`, {});
  });
  after(async () => { if (x) await x.close(); });

  it('确认提交 → the heading with the number and 已经提交成功', async () => {
    await atRoute(page, /\/review$/, () => page.goto(`${k.url}/?kiosk=1#/case/${id}`));
    await atRoute(page, /\/done$/, () => page.locator('#main button', { hasText: '确认提交' }).press('Enter'));
    const ticket = (await page.locator('#main .ticket-number').innerText()).trim();
    assert.match(ticket, /^[A-Z]\d{3,}$/);
    const s = await spoken(page, 'document.activeElement');
    assert.equal(s.role, 'heading');
    assert.equal(s.name, '您的排队号');
    assert.match(s.description, new RegExp(`^${ticket}\\b`), `the number first: "${s.description}"`);
    assert.match(s.description, /已经提交成功/);
  });

  it('完成 asks with the number', async () => {
    const ticket = (await page.locator('#main .ticket-number').innerText()).trim();
    await page.locator('#main button', { hasText: '完成' }).press('Enter');
    await page.locator('.overlay [role=dialog]').waitFor();
    const s = await spoken(page, 'document.querySelector(".overlay [role=dialog]")');
    assert.equal(s.name, '记下您的排队号了吗？');
    assert.match(s.description, new RegExp(`^${ticket}\\b`), `the number: "${s.description}"`);
    await page.keyboard.press('Escape');
    x.assertClean('ticket');
  });
});
