// Two staffers on one case: a move at the desk over a colleague's move
// made behind the page's back (a call-back recorded, a hand-over, a 退回补正
// over a 受理, an invitation, a call of the same number). One file (these
// were five: a node process each); each describe keeps its own daemon,
// users and page, as its file had, since each plays on a queue and a case
// of its own from a known start.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, useTwoStaff, kioskPage, staffLogin, openStaffCase, holdQueueRefresh, poll } from './helpers.mjs';
import { addUser, login, authHeaders, writeTree, makeTmp } from '../api/helpers.mjs';
import { labourCase, apiPost } from './labour-case.mjs';

// ── was assign-race.test.mjs
// 转交同事 over a colleague's 转交: li accepted the case (its owner); wang,
// whose page shows li as the owner, hands it to himself while li hands it
// to zhao. Before, wang was told 已转交 wang 负责 and zhao lost the case li
// had just given him, without a word to either. The page now sends the
// owner it showed: the refusal redraws the case with its present owner
// and says why nothing changed.
describe('a hand-over over a colleague\'s hand-over', () => {
  const k = useKiosk();

  let kp;

  before(async () => {
    const db = path.join(k.tmp, 'e2e.db');
    addUser(db, 'wang', 'staff', 'wang-password-1');
    addUser(db, 'li', 'staff', 'li-password-12');
    addUser(db, 'zhao', 'staff', 'zhao-password-3');
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false, reuse: true });
  });
  after(async () => { if (kp) await kp.close(); });

  it('is refused; the page shows the owner the colleague chose', async () => {
    const { page } = kp;
    const c = await labourCase(k.url);
    const li = await login(k.url, 'li', 'li-password-12');
    const acc = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/accept`, { method: 'POST', headers: authHeaders(li), body: '{}' });
    assert.equal(acc.status, 200, await acc.text());
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    const pane = await openStaffCase(page, c.ticket);
    assert.match(await pane.locator('.case-facts').innerText(), /负责人\s*li/);
    await pane.getByRole('button', { name: '转交同事' }).click();
    const pick = page.locator('select#assign-user');
    await pick.locator('option[value="wang"]').waitFor({ state: 'attached' });
    await pick.selectOption('wang');
    // li hands it on meanwhile; a queue refresh in between would redraw
    // the case, and the form with it, before the button is pressed
    const release = await holdQueueRefresh(page);
    try {
      const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/assign`, {
        method: 'POST', headers: authHeaders(li), body: JSON.stringify({ user: 'zhao' }) });
      assert.equal(r.status, 200, await r.text());
      await page.getByRole('button', { name: '确认转交' }).click();
      await pane.locator('.case-msg', { hasText: '已被同事转交' }).waitFor();
      assert.match(await pane.locator('.case-facts').innerText(), /负责人\s*zhao/, 'redrawn with the present owner');
    } finally {
      await release();
    }
    const v = await (await fetch(`${k.url}/api/v1/staff/cases/${c.id}`, { headers: authHeaders(li) })).json();
    assert.equal(v.owner, 'zhao');
    kp.assertClean('staff page');
  });
});

// ── was call-race.test.mjs
// 再次叫号 on a case the page showed not called yet, after a colleague's
// 叫下一个号 took the same number: before, the call went through and the
// hall's call screen sent one resident to two windows. The page now sends
// the calls it showed; the refusal redraws the case as it is (called, by
// whom) and says why nothing was called.
describe('a call over a colleague\'s call of the same number', () => {
  const k = useKiosk();

  const two = useTwoStaff(k);

  it('is refused; the page shows the case called by the colleague', async () => {
    const { page } = two.kp;
    const c = await labourCase(k.url);
    await staffLogin(page, k.url, 'li', 'li-password-12');
    const pane = await openStaffCase(page, c.ticket);
    await pane.locator('.case-facts').waitFor();
    assert.doesNotMatch(await pane.locator('.case-facts').innerText(), /1 次/);
    // wang's 叫下一个号 behind the page's back; a queue refresh in between
    // would redraw the case before the button is pressed (see the helper)
    const release = await holdQueueRefresh(page);
    try {
      const wang = await login(k.url, 'wang', 'wang-password-1');
      const n = await fetch(`${k.url}/api/v1/staff/call-next`, {
        method: 'POST', headers: authHeaders(wang), body: JSON.stringify({ window: '1' }) });
      const called = await n.text();
      assert.equal(n.status, 200, called);
      assert.equal(JSON.parse(called).id, c.id);
      await pane.getByRole('button', { name: '再次叫号' }).click();
      await pane.locator('.case-msg', { hasText: '已有同事叫过' }).waitFor();
      assert.match(await pane.locator('.case-facts').innerText(), /1 次.*wang/s, 'redrawn: called once, by wang');
    } finally {
      await release();
    }
    const d = await (await fetch(`${k.url}/api/v1/display`)).json();
    assert.deepEqual(d.calls.filter((x) => x.ticket === c.ticket).map((x) => x.window), ['1'],
      'the screen sends the resident to one window');
    two.kp.assertClean('staff page');
  });

  // A review of a busy morning: a staffer called A005 to window 7 and
  // logged out (a shift change); A005 stood at a window nobody served, and
  // whoever logged in there next saw "1 次 · 10:05" and called another
  // resident to window 7. The queue says where and by whom, and 退出登录
  // asks first while a resident called by this staffer is not taken on.
  it('退出登录 with a resident called and not taken on asks first; the queue says where they went', async () => {
    const { page } = two.kp;
    const c = await labourCase(k.url);
    await page.evaluate(() => localStorage.setItem('spkiosk.window', '7'));
    await page.click('#call-next');
    await page.locator('#call-msg', { hasText: `请 ${c.ticket} 号到 7 号窗口` }).waitFor();
    const row = page.locator(`tr[data-id="${c.id}"]`).first();
    await poll(async () => assert.match(await row.innerText(), /1 次 · .*7 号窗口/s));
    let asked = '';
    page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
    await page.getByRole('button', { name: '退出登录' }).click();
    await poll(async () => assert.match(asked, new RegExp(`${c.ticket} 号（7 号窗口）还没有受理`)));
    assert.ok(await page.getByRole('button', { name: '退出登录' }).isVisible(), 'still logged in');
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.locator('#login-name').waitFor();
    // wang takes over the desk (window 7 stays the PC's): told of A005
    // before any 叫下一个号
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    const here = page.locator('#at-window');
    await poll(async () => assert.match(await here.innerText(), new RegExp(`已叫到7 号窗口、还没有受理：${c.ticket} .*li`)));
    await here.getByRole('button', { name: new RegExp(`打开 ${c.ticket}`) }).click();
    await page.locator('.case-facts').filter({ hasText: '叫到 7 号窗口' }).waitFor();
    two.kp.assertClean('staff page, logged out and in again');
  });

  // The review after 转窗: the sender stayed the ticket's 叫号人, so their
  // 退出登录 asked about a resident now at another window, and the staffer
  // of the window the resident was sent to was asked nothing. The ticket
  // follows the transfer (the queue's `transferred`). Goes on from the
  // test above: wang logged in at this PC, 本窗口号 7.
  it('a ticket sent on (转窗) is asked about at the window it was sent to, not by its sender', async () => {
    const { page } = two.kp;
    await page.locator('#call-next').waitFor();
    const [wang, li] = [await login(k.url, 'wang', 'wang-password-1'), await login(k.url, 'li', 'li-password-12')];
    const move = async (s, c, what, body) => {
      const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/${what}`, {
        method: 'POST', headers: authHeaders(s), body: JSON.stringify(body) });
      assert.equal(r.status, 200, await r.text());
    };
    // wang called one to this window and sent it on to 5; li sent one here
    const away = await labourCase(k.url);
    await move(wang, away, 'call', { window: '7' });
    await move(wang, away, 'transfer', { window: '5' });
    const sent = await labourCase(k.url);
    await move(li, sent, 'call', { window: '3' });
    await move(li, sent, 'transfer', { window: '7' });
    // the page refreshes its queue when shown again: asked now, not at the
    // next 5 s poll (CI's time)
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    const here = page.locator('#at-window');
    await poll(async () => {
      const t = await here.innerText();
      assert.match(t, new RegExp(`${sent.ticket} \\d\\d:\\d\\d li 转来`));
      assert.doesNotMatch(t, new RegExp(away.ticket));
    }, { timeout: 10_000 });
    let asked = '';
    page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
    await page.getByRole('button', { name: '退出登录' }).click();
    await poll(async () => assert.match(asked, new RegExp(`${sent.ticket} 号（7 号窗口）（li 转来）`)));
    assert.doesNotMatch(asked, new RegExp(`${away.ticket} 号`), 'sent to window 5: not wang\'s to wait for');
    assert.ok(await page.getByRole('button', { name: '退出登录' }).isVisible(), 'still logged in');
    two.kp.assertClean('staff page, a ticket sent here');
  });
});

// ── was followup-race.test.mjs
// Two staffers on one 差评整改 call-back: wang writes what was put right
// while li, who phoned the same resident, records it first. wang's 满意 is
// refused (already_done) and the list is drawn again with li's result:
// before, the row's box went with it and what wang wrote was gone without
// a word. It now stays under the message, marked 没有保存, to copy.
describe('a call-back recorded by a colleague first', () => {
  const k = useKiosk();

  let kp;
  let wang;
  let li;
  let f;

  before(async () => {
    const db = path.join(k.tmp, 'e2e.db');
    addUser(db, 'wang', 'staff', 'wang-password-1');
    addUser(db, 'li', 'staff', 'li-password-12');
    wang = await login(k.url, 'wang', 'wang-password-1');
    li = await login(k.url, 'li', 'li-password-12');
    const c = await labourCase(k.url);
    for (const [move, body] of [['accept', {}], ['complete', { outcome: '已发证' }]]) {
      const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/${move}`, {
        method: 'POST', headers: authHeaders(wang), body: JSON.stringify(body) });
      assert.equal(r.status, 200, await r.text());
    }
    await apiPost(k.url, `/api/v1/cases/${c.id}/rating`, { score: 1 });
    const l = await (await fetch(`${k.url}/api/v1/staff/followups`, { headers: authHeaders(wang) })).json();
    f = l.followups.find((x) => x.case === c.id);
    assert.ok(f, JSON.stringify(l));
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false, reuse: true });
  });
  after(async () => { if (kp) await kp.close(); });

  it('keeps what was written under the refusal', async () => {
    const { page } = kp;
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    const box = page.locator(`#followup-note-${f.id}`);
    const note = '已向居民道歉，窗口已调整为提前叫号，居民表示理解';
    await box.fill(note);
    const r = await fetch(`${k.url}/api/v1/staff/followups/${f.id}`, {
      method: 'POST', headers: authHeaders(li), body: JSON.stringify({ result: 'satisfied', note: '已整改' }) });
    assert.equal(r.status, 200, await r.text());
    await page.locator(`#followup tr[data-id="${f.id}"] .followup-satisfied`).click();
    const said = page.locator('#followup-note');
    await said.locator('textarea.typed-kept').waitFor();
    assert.match(await said.innerText(), /已经记录过结果/);
    assert.match(await said.innerText(), /没有保存/);
    assert.equal(await said.locator('textarea.typed-kept').inputValue(), note);
    kp.assertClean('staff page');
  });
});

// ── was invite-race.test.mjs
// 通知来大厅 over a colleague's invitation of the same web case: li's page
// shows it in pre-review; wang invites it meanwhile (and phones the
// resident). Before, li's date and note replaced wang's without a word.
// The page now sends the status and date it showed: the refusal redraws
// the case with wang's date and keeps li's note under the message.
describe('an invitation over a colleague\'s', () => {
  const tree = writeTree(makeTmp('spkiosk-e2e-invrace-'), {
    'alpha/README.md': '# 甲类\n\n甲类事项。\n',
    'alpha/aid.md': '---\nversion: 2026-01-01\nphone: 0535-7654321\n---\n# 临时救助\n\n简介。\n\n'
      + '## 第一步：准备\n- [ ] 身份证 {#id_card}\n',
  });
  const k = useKiosk({ tree });

  function day(days) {
    const d = new Date();
    d.setDate(d.getDate() + days);
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  }

  const two = useTwoStaff(k);

  it('is refused; the page shows the colleague\'s date and keeps the note written', async () => {
    const { page } = two.kp;
    const c = await apiPost(k.url, '/api/v1/cases', { procedure: 'aid', channel: 'web' });
    await apiPost(k.url, `/api/v1/cases/${c.id}/steps/0`, { checklist: { id_card: true } });
    const s = await apiPost(k.url, `/api/v1/cases/${c.id}/submit`, { prereview: true });
    assert.equal(s.status, 'prereview');
    await staffLogin(page, k.url, 'li', 'li-password-12');
    await page.locator('#case-key').fill(c.id);
    await page.keyboard.press('Enter');
    const pane = page.locator('#case-pane');
    await pane.getByRole('button', { name: '通知来大厅', exact: true }).click();
    const note = '请带身份证原件，上午到 3 号窗口';
    await page.fill('#invite-note', note);
    const release = await holdQueueRefresh(page);
    try {
      const wang = await login(k.url, 'wang', 'wang-password-1');
      const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/invite`, {
        method: 'POST', headers: authHeaders(wang), body: JSON.stringify({ date: day(5), note: '请带户口簿' }) });
      assert.equal(r.status, 200, await r.text());
      await pane.locator('form button[type=submit]').click();
      await pane.locator('.case-msg', { hasText: '同事刚刚已通知过' }).waitFor();
    } finally {
      await release();
    }
    assert.equal(await pane.locator('.case-msg textarea.typed-kept').inputValue(), note, 'the note written, kept');
    const li = await login(k.url, 'li', 'li-password-12');
    const v = await (await fetch(`${k.url}/api/v1/staff/cases/${c.id}`, { headers: authHeaders(li) })).json();
    assert.equal(v.invite.date, day(5), 'wang\'s date stands');
    assert.equal(v.invite.note, '请带户口簿');
    assert.match(await pane.innerText(), new RegExp(day(5).slice(5).replace('-', '.*')), 'redrawn with that date');
    two.kp.assertClean('staff page');
  });
});

// ── was return-race.test.mjs
// 退回补正 refused because a colleague accepted the case while the reason
// was being written (409 case_moved, "请看上面办件现在的状态再决定"): before,
// the page went on showing the case as waiting, so the status the message
// pointed to was the old one. The case is now redrawn as it is (已受理),
// and since it can still be returned, the form is back with the reason
// and the marks, for the staffer to send again or cancel.
describe('a 退回补正 over a colleague\'s 受理', () => {
  const k = useKiosk();

  const two = useTwoStaff(k);

  it('redraws the case accepted, and offers the return again with what was typed and marked', async () => {
    const { page } = two.kp;
    const c = await labourCase(k.url);
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    const pane = await openStaffCase(page, c.ticket);
    await pane.getByRole('button', { name: '退回补正' }).click();
    const reason = '户口簿复印件缺少本人页';
    await page.fill('#return-reason', reason);
    const box = pane.locator('form input[type=checkbox]').first();
    const mark = await box.getAttribute('id');
    await box.check();
    const release = await holdQueueRefresh(page);
    try {
      const li = await login(k.url, 'li', 'li-password-12');
      const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/accept`, { method: 'POST', headers: authHeaders(li), body: '{}' });
      assert.equal(r.status, 200, await r.text());
      await pane.getByRole('button', { name: '退回并打印补正告知单' }).click();
      await pane.locator('.case-msg', { hasText: '没有退回' }).waitFor();
      assert.match(await pane.locator('.case-facts').innerText(), /已受理/, 'the case as it is now');
    } finally {
      await release();
    }
    assert.equal(await page.inputValue('#return-reason'), reason, 'the reason typed');
    assert.equal(await page.isChecked('#' + mark), true, 'the part marked');
    const v = await (await fetch(`${k.url}/api/v1/staff/cases/${c.id}`, { headers: authHeaders(await login(k.url, 'li', 'li-password-12')) })).json();
    assert.equal(v.status, 'accepted', 'nothing returned');
    await page.keyboard.press('Escape');
    two.kp.assertClean('staff page');
  });
});
