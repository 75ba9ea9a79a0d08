// The staff page's focus, at a desk (1600×1000, a mouse and a keyboard):
// where it starts, a slip scanned into the window number box, and where it
// goes after a step that fails its checks. One file on one daemon (these
// were three files: a node process, a daemon, a staff user and a context
// each); the one staff user wang is made once, and the desk page is kept
// between the describes (kioskPage's reuse: each starts on about:blank,
// logged out, with its storage, so the window number, cleared). The last
// two describes (two staffers: the queue's refresh, a colleague's move) keep
// a daemon of their own each, as their files had: their queues start empty.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, useTwoStaff, kioskPage, staffLogin, poll, openStaffCase, holdQueueRefresh, hold } from './helpers.mjs';
import { addUser, login, authHeaders } from '../api/helpers.mjs';
import { labourCase } from './labour-case.mjs';

const k = useKiosk();

before(() => addUser(path.join(k.tmp, 'e2e.db'), 'wang', 'staff', 'wang-password-1'));

// The staff page's first focus: the ticket box, so that a scanner's code
// lands there — but not taken from a field the staffer is already typing
// in. The queue's first load used to end by focusing the ticket box
// whatever had the focus, so a window number typed while it loaded went on
// into the ticket box (a browser test of the evaluator failed so on a
// loaded machine). The queue is held here until the number is half typed.
describe('the staff page\'s first focus', () => {
  let kp;

  before(async () => {
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false, reuse: true });
  });
  after(async () => { if (kp) await kp.close(); });

  it('is the ticket box, unless the staffer is typing elsewhere when the queue arrives', async () => {
    const p = kp.page;
    let release;
    const held = new Promise((r) => { release = r; });
    let first = true;
    await p.route('**/api/v1/staff/queue', async (route) => {
      if (first) { first = false; await held; }
      await route.continue();
    });
    await staffLogin(p, k.url, 'wang', 'wang-password-1');
    await p.locator('#window-no').click();
    await p.keyboard.type('1');
    release();
    await p.locator('#queue-h', { hasText: '件' }).waitFor();
    await p.keyboard.type('2');
    assert.equal(await p.evaluate(() => document.activeElement.id), 'window-no');
    assert.equal(await p.locator('#window-no').inputValue(), '12');
    assert.equal(await p.locator('#case-key').inputValue(), '');
    await p.keyboard.press('Tab');
    await p.locator('#window-msg', { hasText: '已保存：叫号到 12 号窗口' }).waitFor();

    // nothing chosen by the staffer: the page starts in the ticket box
    await p.unroute('**/api/v1/staff/queue');
    await p.reload();
    await p.locator('#queue-h', { hasText: '件' }).waitFor();
    assert.equal(await p.evaluate(() => document.activeElement.id), 'case-key');
  });
});

// ── was staff-window-scan.test.mjs
// A slip scanned while the focus is in 本窗口号 (the staffer has just typed
// the window's number there): the scanner's keys went into that box, its
// maxlength kept 8 of the code's characters, and the Enter saved them as
// the window, so the call screen announced 请 A017 号到 36A60D32 号窗口 from
// then on and the case did not open (a staff review). The box now knows a
// case code when one arrives: the window stays as it was and the case opens.
describe('a scan into the window number box', () => {
  let kp;

  before(async () => {
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false, reuse: true });
  });
  after(async () => { if (kp) await kp.close(); });

  it('keeps the window and opens the case', async () => {
    const { page } = kp;
    const c = await labourCase(k.url);
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    await page.locator('#case-key').waitFor();
    await page.fill('#window-no', '3');
    await page.press('#window-no', 'Enter');
    await page.locator('#window-msg', { hasText: '已保存' }).waitFor();
    // the focus stays in the box; the resident hands over the slip
    await page.keyboard.type(c.id, { delay: 2 });
    await page.keyboard.press('Enter');
    await page.locator('#case-pane #case-h', { hasText: c.ticket }).waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('spkiosk.window')), '3', 'the window kept');
    assert.equal(await page.inputValue('#window-no'), '3');
    kp.assertClean('staff page');
  });
});

// ── was staff-fill-focus.test.mjs
// 窗口代填 with the keyboard only: a step saved with 保存这一步 (Tab to it,
// Enter) that fails its checks. The button is disabled while the step is
// sent, which took the focus from it to the page's body, and nothing gave
// it back: the staffer heard the error summary and had to Tab from the top
// of the page to the field to fix (a staff review). The focus now goes to
// the first part the server refused, marked aria-invalid, and the mark goes
// once that part passes.
describe('窗口代填: the focus after a step that fails its checks', () => {
  let kp;

  before(async () => {
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false, reuse: true });
  });
  after(async () => { if (kp) await kp.close(); });

  const active = (page) => page.evaluate(() => document.activeElement.id || document.activeElement.tagName);
  async function saveByKeyboard(page) {
    await page.focus('.fill-form button[type=submit]');
    await page.keyboard.press('Enter');
  }

  it('goes to the first refused field, then to the next one still wrong', async () => {
    const { page } = kp;
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    await page.locator('#case-key').waitFor();
    await page.selectOption('#start-proc', 'labour-handbook');
    await page.click('.start-form button[type=submit]');
    for (const i of [0, 1, 2]) await page.check('#cond-' + i);
    await page.click('.fill-form button[type=submit]');
    await page.locator('#fill-h', { hasText: '第 1 步' }).waitFor();

    await saveByKeyboard(page);
    // the page marks the refused parts and moves the focus in one go (one
    // task, staff.js): once the marks are drawn the focus has moved, on a
    // loaded machine too (a 3 s wait for the focus was a deadline, not an event)
    await page.locator('#field-hukou-err', { hasText: '请选择' }).waitFor();
    assert.equal(await active(page), 'field-hukou', 'the focus is on the first refused field');
    assert.equal(await page.getAttribute('#field-hukou', 'aria-invalid'), 'true');
    assert.equal(await page.getAttribute('#field-status', 'aria-invalid'), 'true');

    await page.selectOption('#field-hukou', '本市户籍');
    await saveByKeyboard(page);
    // the save cleared the marks as it went out; the answer's are drawn again
    await page.locator('#field-status[aria-invalid="true"]').waitFor({ state: 'attached' });
    assert.equal(await active(page), 'field-status');
    assert.equal(await page.getAttribute('#field-hukou', 'aria-invalid'), null, 'a part that passed is no longer marked');
    assert.equal(await page.getAttribute('#field-status', 'aria-invalid'), 'true');

    await page.selectOption('#field-status', '失业');
    await saveByKeyboard(page);
    await page.locator('#fill-h', { hasText: '第 2 步' }).waitFor();
    // a required paper not ticked: its box takes the focus
    await saveByKeyboard(page);
    await page.locator('#item-id_card[aria-invalid="true"]').waitFor({ state: 'attached' });
    assert.equal(await active(page), 'item-id_card');
    assert.equal(await page.getAttribute('#item-id_card', 'aria-invalid'), 'true');
    kp.assertClean('staff page');
  });

  // the conditions of a case started at the window, one left unticked: the
  // server's answer is the resident's (请到综合窗口咨询, said to the staffer
  // at that window), naming no condition, and the focus fell to the body
  it('names an unticked condition, marks it and puts the focus on it', async () => {
    const { page } = kp;
    await page.selectOption('#start-proc', 'labour-handbook');
    await page.click('.start-form button[type=submit]');
    await page.locator('#fill-h', { hasText: '核实办理条件' }).waitFor();
    await page.check('#cond-0');
    await page.check('#cond-2');
    await saveByKeyboard(page);
    const err = page.locator('.fill-errors');
    await err.locator('li').first().waitFor();
    const text = await err.innerText();
    assert.match(text, /具有本市户籍，或者持有本市居住证/, 'the unticked condition is named');
    assert.doesNotMatch(text, /年满16周岁/, 'only the unticked one');
    assert.doesNotMatch(text, /请到综合窗口咨询/, 'not the resident\'s words');
    assert.equal(await page.getAttribute('#cond-1', 'aria-invalid'), 'true');
    assert.equal(await page.getAttribute('#cond-0', 'aria-invalid'), null);
    assert.equal(await active(page), 'cond-1');
    kp.assertClean('staff page');
  });

  // A tick or an answer changed while 确认条件 or 保存这一步 was on its way
  // showed beside a case saved without it (the kiosk's were held already,
  // core.js holdInputs): they are held until the server has them and the
  // next screen replaces them.
  it('holds the ticks and answers sent until the server has them', async () => {
    const { page } = kp;
    await page.check('#cond-1');
    const conds = await hold(page, '**/api/v1/cases/*/conditions');
    try {
      await page.click('.fill-form button[type=submit]');
      assert.deepEqual((await conds.seen).postDataJSON().confirmed, [true, true, true]);
      // a hand does not wait: forced, so a held box is clicked too
      await page.locator('#cond-0').click({ force: true });
      assert.equal(await page.locator('#cond-0').isChecked(), true, 'the tick sent stays');
      conds.release();
      // answered before the route goes (unrouted first, its continue failed)
      await page.locator('#fill-h', { hasText: '第 1 步' }).waitFor();
    } finally {
      await conds.off();
    }
    await page.selectOption('#field-hukou', '本市户籍');
    await page.selectOption('#field-status', '失业');
    const step = await hold(page, '**/api/v1/cases/*/steps/*');
    try {
      await page.click('.fill-form button[type=submit]');
      assert.equal((await step.seen).postDataJSON().fields.status, '失业');
      assert.equal(await page.locator('#field-status').isDisabled(), true, 'the answer sent is held');
      step.release();
      await page.locator('#fill-h', { hasText: '第 2 步' }).waitFor();
    } finally {
      await step.off();
    }
    assert.equal(await page.locator('.fill-form [disabled]').count(), 0, 'the next step is not held');
    kp.assertClean('staff page');
  });
});

// ── was staff-queue-focus.test.mjs
// A staffer who works the staff page with the keyboard (or a screen
// reader) tabs down the queue. The page draws its lists again every 5 s:
// the focused ticket button went with its old row and the focus fell to
// the page's body, so every 5 s the staffer started again from the top
// and a screen reader lost its place. The same button of the same case's
// row keeps the focus now (core.js redrawRows); when a colleague takes the
// case meanwhile, the table gets it, never another resident's ticket,
// which an Enter meant for the first would open.
describe('the staff page\'s queue keeps the keyboard\'s focus across its refresh', () => {
  const k = useKiosk();

  const two = useTwoStaff(k);
  const focused = (page) => page.evaluate(() => {
    const a = document.activeElement;
    if (!a || a === document.body) return 'body';
    return a.localName === 'button' ? `button ${a.closest('tr')?.dataset.id} ${a.textContent}` : a.localName;
  });
  const rows = (page) => page.locator('#main table').first().locator('tbody tr[data-id]');

  it('on the same ticket while the list changes around it', async () => {
    const { page } = two.kp;
    const first = await labourCase(k.url);
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    await rows(page).first().waitFor();
    // Tab from 叫下一个号 to the first ticket, as a keyboard user gets there
    await page.locator('#call-next').focus();
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), `button ${first.id} ${first.ticket}`);
    // a resident hands in another case: the next refresh draws two rows
    await labourCase(k.url);
    await poll(async () => assert.equal(await rows(page).count(), 2), { timeout: 12_000 });
    assert.equal(await focused(page), `button ${first.id} ${first.ticket}`, 'the focus stayed on the ticket');
    // and Enter still opens that case
    await page.keyboard.press('Enter');
    await page.locator('#case-h', { hasText: first.ticket }).waitFor();
    two.kp.assertClean('staff page');
  });

  it('on the table, not on another ticket, once a colleague took the case', async () => {
    const { page } = two.kp;
    const ticketRows = rows(page);
    await poll(async () => assert.ok(await ticketRows.count() >= 2));
    const [gone, stays] = await ticketRows.evaluateAll((trs) => trs.slice(0, 2).map((tr) => tr.dataset.id));
    await ticketRows.first().locator('button').focus();
    const li = await login(k.url, 'li', 'li-password-12');
    const r = await fetch(`${k.url}/api/v1/staff/cases/${gone}/accept`, { method: 'POST', headers: authHeaders(li), body: '{}' });
    assert.equal(r.status, 200, await r.text());
    // the next refresh draws the queue without it
    await poll(async () => assert.equal(await ticketRows.evaluateAll((trs, id) => trs.filter((tr) => tr.dataset.id === id).length, gone), 0),
      { timeout: 12_000 });
    const now = await page.evaluate(() => {
      const a = document.activeElement;
      return { tag: a.localName, caption: a.localName === 'table' ? a.caption?.textContent : '', row: a.closest('tr')?.dataset.id ?? '' };
    });
    assert.equal(now.tag, 'table', `the focus is on ${JSON.stringify(now)}`);
    assert.notEqual(now.row, stays);
    two.kp.assertClean('staff page');
  });
});

// ── was staff-move-focus.test.mjs
// The staff page from the keyboard: 再次叫号, and a move refused because a
// colleague moved the case first, redraw the case view in place. The
// button that had the focus went with the old view and the focus fell to
// the page's body: a keyboard or screen-reader staffer was sent back to the
// top of the page after every re-call (a staff review). The case's heading
// now takes the focus when the redraw removed what had it; the line saying
// what happened is read out beside it.
describe('the focus after a move redraws the case', () => {
  const k = useKiosk();

  const two = useTwoStaff(k);

  const active = (page) => page.evaluate(() => document.activeElement.id || document.activeElement.tagName);

  it('is on the case heading after 再次叫号 and after a refused 受理', async () => {
    const { page } = two.kp;
    const c = await labourCase(k.url);
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    const pane = await openStaffCase(page, c.ticket);

    await pane.getByRole('button', { name: '再次叫号' }).focus();
    await page.keyboard.press('Enter');
    await pane.locator('.case-msg', { hasText: '已再次叫' }).waitFor();
    assert.equal(await active(page), 'case-h', 'after 再次叫号');

    // li accepts behind the page's back: a queue refresh falling before the
    // Enter would redraw the case without its 受理 (held, see the helper)
    const release = await holdQueueRefresh(page);
    try {
      const li = await login(k.url, 'li', 'li-password-12');
      const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/accept`, { method: 'POST', headers: authHeaders(li), body: '{}' });
      assert.equal(r.status, 200, await r.text());
      await pane.getByRole('button', { name: '受理', exact: true }).focus();
      await page.keyboard.press('Enter');
      await pane.locator('.case-facts', { hasText: '已受理' }).waitFor();
      await pane.locator('.case-msg', { hasText: '不在等候中' }).waitFor();
      assert.equal(await active(page), 'case-h', 'after the refused 受理');
    } finally {
      await release();
    }
    two.kp.assertClean('staff page');
  });

  // 叫下一个号 pressed from the keyboard with nobody waiting: busy() disabled
  // the button while the call went out, the focus fell to the body and the
  // answer (现在没有等候的号) put it nowhere, so the next Enter did nothing
  it('stays on 叫下一个号 when nobody is waiting, and the next Enter calls', async () => {
    const { page } = two.kp;
    await page.locator('#call-next').focus();
    await page.keyboard.press('Enter');
    await page.locator('#call-msg .msg-error').waitFor();
    await page.waitForFunction(() => !document.querySelector('#call-next').disabled);
    assert.equal(await active(page), 'call-next');
    const c = await labourCase(k.url);
    await page.keyboard.press('Enter');
    await page.locator('#case-pane #case-h', { hasText: c.ticket }).waitFor();
    two.kp.assertClean('staff page');
  });
});
