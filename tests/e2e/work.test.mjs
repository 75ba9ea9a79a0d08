// 我的待办 on the staff page (/staff, web/work.js): a staffer of the window
// post sees the accepted cases at the window's stage, soonest due first; an
// overdue one is red and says 已超期, one due today amber with 即将到期,
// with the counts in the heading. Opening one shows the chain with its due
// date; 转交同事 hands it to a colleague, who then owns it; 不予办理 asks for
// the reason and offers the printed notice. The clock passing a due date is
// played by moving the stored due date back (tests/api/relay.test.mjs
// makes it pass for real across two days). axe-core on the page.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { useKiosk, kioskPage, shot, axeSerious, staffLogin, sampleCalendarLacks } from './helpers.mjs';
import { addUser, userCmd, login, authHeaders, stoppedClockFor } from '../api/helpers.mjs';
import { labourCase } from './labour-case.mjs';

// The daemon's clock and the page's stand still at the instant this file
// was loaded, and "due today" below is that instant's day: on running
// clocks, a run begun at 23:59:55 in Beijing (faketime) set a due date the
// daemon judged the next day, and the counts were of an overdue case.
const NOW = new Date();
const TODAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(NOW);
const k = useKiosk({ env: stoppedClockFor(NOW, 'Asia/Shanghai') });
const DESKTOP = { width: 1600, height: 1000 };

describe('我的待办 on the staff page', () => {
  let kp;
  let page;
  let late;
  let near;
  let db;

  before(async () => {
    db = path.join(k.tmp, 'e2e.db');
    addUser(db, 'wang', 'staff', 'wang-password-1');
    addUser(db, 'li', 'staff', 'li-password-22');
    assert.equal(userCmd(['posts', 'wang', 'window', '--db', db]).status, 0);
    assert.equal(userCmd(['posts', 'li', 'civil', '--db', db]).status, 0);
    assert.equal(userCmd(['display', 'li', '李娜', '--db', db]).status, 0);
    // a colleague of another post, whose name sorts first
    addUser(db, 'chen', 'staff', 'chen-password-3');
    assert.equal(userCmd(['posts', 'chen', 'civil', '--db', db]).status, 0);
    const s = await login(k.url, 'li', 'li-password-22');
    late = await labourCase(k.url);
    near = await labourCase(k.url);
    for (const c of [late, near]) {
      const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/accept`, { method: 'POST', headers: authHeaders(s), body: '{}' });
      assert.equal(r.status, 200, await r.text());
    }
    // the clock passes one case's due date; the other is due today
    execFileSync('sqlite3', [db], { input:
      `UPDATE case_stages SET due = '2020-01-02' WHERE case_id = '${late.id}';\n` +
      `UPDATE case_stages SET due = '${TODAY}' WHERE case_id = '${near.id}';\n` +
      // and its ticket is an older day's (tickets start again at A001 each day)
      `UPDATE cases SET ticket_day = '2019-12-30' WHERE id = '${late.id}';\n` +
      // accepted that day, 10:00 in the hall (the 办理中 list's time)
      `UPDATE cases SET accepted_at = '2019-12-30T02:00:00Z' WHERE id = '${late.id}';\n` +
      // called to the window that morning
      `UPDATE cases SET calls = 1, called_at = '2019-12-30T01:55:00Z', called_by = 'li' WHERE id = '${late.id}';\n` });
    kp = await kioskPage(k, { viewport: DESKTOP, hasTouch: false });
    page = kp.page;
    await page.clock.setFixedTime(NOW);
  });
  after(async () => { if (kp) await kp.context.close(); });

  it('lists the window stage\'s cases, overdue first in red, due today amber, with counts', async () => {
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    const rows = page.locator('#work tbody tr[data-id]');
    await page.locator('#work tbody tr[data-id="' + near.id + '"]').waitFor();
    assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.id)), [late.id, near.id]);
    const first = page.locator(`#work tr[data-id="${late.id}"]`);
    assert.match(await first.getAttribute('class'), /is-overdue/);
    assert.match(await first.innerText(), /已超期/);
    assert.match(await first.innerText(), /窗口办理/);
    assert.match(await first.innerText(), /李娜$/, 'the acceptor owns it, by the name colleagues know');
    assert.match(await first.innerText(), new RegExp(`${late.ticket}\\s*2019年12月30日的号`), 'another day\'s ticket says its day');
    const second = page.locator(`#work tr[data-id="${near.id}"]`);
    assert.match(await second.getAttribute('class'), /is-soon/);
    assert.match(await second.innerText(), /即将到期/);
    assert.doesNotMatch(await second.innerText(), /的号/, 'today\'s ticket says no day');
    assert.match(await page.locator('#work-h').innerText(), /（2 件，超期 1，即将到期 1）/);
    // 办理中: a case accepted on another day says that day, not a bare
    // 10:00 read as this morning's (a chain runs for weeks). Its list
    // comes by a fetch of its own: an ASan run read it before it was drawn
    await page.locator('#in-progress tbody tr').nth(1).waitFor();
    const cells = await page.locator('#in-progress tbody tr').evaluateAll((trs) => trs.map((tr) => tr.lastElementChild.textContent));
    assert.deepEqual(cells.length, 2, JSON.stringify(cells));
    assert.ok(cells.includes('2019-12-30 10:00'), JSON.stringify(cells));
    assert.ok(cells.some((t) => /^\d\d:\d\d$/.test(t)), `today's acceptance by its time alone: ${JSON.stringify(cells)}`);
    const problems = await axeSerious(page);
    await shot(page, 'staff-work');
    assert.deepEqual(problems, [], 'axe: no serious or critical violation');
  });

  it('opens a case with its chain; 转交同事 makes the colleague its owner', async () => {
    await page.locator(`#work tr[data-id="${late.id}"] button`).click();
    await page.locator('#chain').waitFor();
    const chain = await page.locator('#chain').innerText();
    assert.match(chain, /窗口办理/);
    assert.match(chain, /已超期/);
    assert.match(chain, /当前环节/);
    // colleagues by the name the hall knows them by (li is 李娜), the login
    // name where there is none (wang)
    assert.match(await page.locator('.case-facts').innerText(), /负责人\s*李娜\n/);
    assert.match(await page.locator('.case-facts').innerText(), /受理\s*李娜,/);
    // a call of another day says its day, as 受理 beside it does
    assert.match(await page.locator('.case-facts').innerText(), /叫号\s*1 次，最近 2019-12-30 09:55（李娜）/);
    const accepted = page.locator('table.history tr', { hasText: '受理' }).locator('td').nth(2);
    assert.equal(await accepted.innerText(), '李娜');
    assert.equal(await accepted.getAttribute('title'), 'li');
    const opener = page.getByRole('button', { name: '转交同事' });
    await opener.click();
    // a choice of colleagues with their posts, not a login name from memory;
    // the owner (li) is not offered, oneself is marked
    const pick = page.locator('select#assign-user');
    await pick.locator('option[value="wang"]').waitFor({ state: 'attached' });
    const offered = await pick.locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
    // wang holds the stage's post (window): first; the setup account (admin,
    // no post) is no desk
    assert.deepEqual(offered.map(([v]) => v).filter((v) => v), ['wang', 'chen']);
    assert.match(offered.find(([v]) => v === 'wang')[1], /^wang（我） · 综合窗口（A岗）$/);
    await page.getByRole('button', { name: '确认转交' }).click();
    await page.locator('[role=alert]', { hasText: '请选择转交给的人' }).waitFor();
    // Esc closes the form, and the focus goes back to the button that opened it
    await page.keyboard.press('Escape');
    await pick.waitFor({ state: 'detached' });
    assert.equal(await opener.evaluate((b) => b === document.activeElement), true);
    await opener.click();
    await pick.locator('option[value="wang"]').waitFor({ state: 'attached' });
    await pick.selectOption('wang');
    await page.getByRole('button', { name: '确认转交' }).click();
    await page.locator('.case-msg', { hasText: '已转交 wang 负责' }).waitFor();
    assert.match(await page.locator('.case-facts').innerText(), /负责人\s*wang/);
    assert.deepEqual(await axeSerious(page), []);
  });

  it('不予办理 needs a reason, then offers the notice; the case leaves my work', async () => {
    await page.getByRole('button', { name: '不予办理' }).click();
    await page.getByRole('button', { name: '确认不予办理' }).click();
    await page.locator('[role=alert]', { hasText: '请写明不予办理的理由' }).waitFor();
    await page.fill('#reject-reason', '申请人不属于失业人员。');
    await page.getByRole('button', { name: '确认不予办理' }).click();
    await page.locator('#print-rejection').waitFor();
    assert.match(await page.locator('.case-facts').innerText(), /不予办理理由\s*申请人不属于失业人员。/);
    await page.locator(`#work tr[data-id="${late.id}"]`).waitFor({ state: 'detached' });
    assert.match(await page.locator('#work-h').innerText(), /（1 件，即将到期 1）/);
    assert.deepEqual(await axeSerious(page), []);
    kp.assertClean('staff page');
  });

  // Any staffer may act on any stage (A and B posts cover each other), but
  // one of another post is told whose stage it is before recording its
  // result (a review: a window clerk recorded the street's approval).
  it('办结 at a stage of another post says whose stage it is; at one\'s own, nothing', async () => {
    await page.locator(`#work tr[data-id="${near.id}"] button`).click();
    await page.getByRole('button', { name: '办结', exact: true }).click();
    await page.locator('#outcome').waitFor();
    assert.equal(await page.locator('.other-post').count(), 0, 'wang holds the window post');
    await page.keyboard.press('Escape');
    const other = await kioskPage(k, { viewport: DESKTOP, hasTouch: false, reuse: true });
    try {
      const p = other.page;
      await staffLogin(p, k.url, 'li', 'li-password-22');
      await p.locator('#case-key').waitFor();
      await p.locator('#case-key').fill(near.id);
      await p.keyboard.press('Enter');
      await p.getByRole('button', { name: '办结', exact: true }).click();
      const note = p.locator('.other-post');
      await note.waitFor();
      assert.match(await note.innerText(), /「窗口办理」是综合窗口（A岗）岗位的环节，您不在这个岗位/);
      assert.deepEqual(await axeSerious(p), []);
      other.assertClean('staff page of another post');
    } finally {
      await other.close();
    }
  });

  it('the printouts: the receipt ticks what was received; the rejection notice has lines to sign and seal', async () => {
    const p2 = await page.context().newPage();
    try {
      await p2.goto(`${k.url}/print/staff/cases/${near.id}/receipt`);
      const mark = await p2.locator('.materials li').first()
        .evaluate((li) => getComputedStyle(li, '::before').content);
      assert.equal(mark, '"✓ "', 'received, not an empty box to tick');
      await p2.goto(`${k.url}/print/staff/cases/${late.id}/rejection`);
      const sign = await p2.locator('.sign').innerText();
      assert.match(sign, /申请人（签收）/);
      assert.match(sign, /服务中心（盖章）/);
      assert.ok(await p2.locator('.sign .blank').first().evaluate((b) => b.getBoundingClientRect().width > 100),
        'a line to write on');
      await shot(p2, 'rejection-notice');
    } finally {
      await p2.close();
    }
  });

  it('the resident\'s case page: the stage and the committed date; a rejection\'s reason', async () => {
    const rp = await kioskPage(k);
    try {
      await rp.page.goto(`${k.url}/?kiosk=1#/case/${near.id}`);
      const chain = rp.page.locator('#case-chain');
      await chain.waitFor();
      const text = await chain.innerText();
      assert.match(text, /现在在\s*窗口办理/);
      const due = (await (await fetch(`${k.url}/api/v1/cases/${near.id}`)).json()).due;
      const [y, m, d] = due.split('-').map(Number);
      assert.ok(text.includes(`${y}年${m}月${d}日前`), text);
      assert.equal(await rp.page.locator('#case-calendar-gap').count(), sampleCalendarLacks(due) ? 1 : 0,
        'a note only when the calendar lacks the year (make check-days\' 4 January)');
      assert.deepEqual(await axeSerious(rp.page), []);
      // a date in a year the hall's calendar lacks (the API's calendar_gap,
      // tests/api/calendar-years.test.mjs) is not promised bare
      const one = `**/api/v1/cases/${near.id}`;
      await rp.page.route(one, async (r) => {
        const res = await r.fetch();
        await r.fulfill({ response: res, body: JSON.stringify({ ...(await res.json()), calendar_gap: y }) });
      });
      // (a reload starts the kiosk afresh at its home screen)
      await rp.page.goto(`${k.url}/?kiosk=1#/`);
      await rp.page.goto(`${k.url}/?kiosk=1#/case/${near.id}`);
      await rp.page.locator('#case-calendar-gap', { hasText: `还没有排好 ${y} 年的节假日` }).waitFor();
      // wait for a poll still in the handler: in a year the calendar lacks the
      // note is there at once, and a poll unrouted mid-fetch was fulfilled twice
      await rp.page.unrouteAll({ behavior: 'wait' });
      await rp.page.goto(`${k.url}/?kiosk=1#/case/${late.id}`);
      await rp.page.locator('#rejected-reason', { hasText: '申请人不属于失业人员。' }).waitFor();
      assert.match(await rp.page.locator('h1').innerText(), /不予办理/);
      assert.deepEqual(await axeSerious(rp.page), []);
      await shot(rp.page, 'case-rejected');
      rp.assertClean('case page');
    } finally {
      await rp.context.close();
    }
  });

  it('等居民补正 lists a case wang accepted and returned, with the number to call and the day it is lost', async () => {
    const s = await login(k.url, 'wang', 'wang-password-1');
    const owed = await labourCase(k.url);
    for (const [move, body] of [['accept', {}], ['return', { reason: '缺少户口簿复印件' }]]) {
      const r = await fetch(`${k.url}/api/v1/staff/cases/${owed.id}/${move}`,
        { method: 'POST', headers: authHeaders(s), body: JSON.stringify(body) });
      assert.equal(r.status, 200, await r.text());
    }
    // the page is wang's since the first test
    await page.goto(k.url + '/staff');
    const row = page.locator(`#owed tr[data-id="${owed.id}"]`);
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, new RegExp(owed.ticket));
    assert.match(text, /暂停在「窗口办理」/, 'the stage its clock stopped at');
    assert.match(text, /退回补正/);
    assert.match(text, /今天/);
    assert.match(text, /13800138000/, 'the number to call');
    assert.match(await page.locator('#owed-h').innerText(), /（1 件）/);
    // li's returns are not wang's
    assert.equal(await page.locator('#owed tr[data-id]').count(), 1);
    assert.deepEqual(await axeSerious(page), []);
    await row.locator('.ticket-btn').click();
    await page.locator('#case-pane #case-h', { hasText: owed.ticket }).waitFor();
    // the case says the same to the staffer phoning: since when, until when
    const { owed: o } = await (await fetch(`${k.url}/api/v1/staff/cases/${owed.id}`, { headers: authHeaders(s) })).json();
    const [, m, d] = o.ends_on.split('-').map(Number);
    assert.equal(await page.locator('#wait-note').innerText(),
      `居民还没有交回补正（今天退回）。请电话提醒居民；最晚${m}月${d}日交回，过了这一天仍没有交回、也没有改动的，系统按放弃处理。`);

    // corrected, then called and not there (过号): retention erases its
    // answers at the time of day of the no-show, so the note names the
    // last working day before that day, the last the resident can come all
    // day. It said "M月D日以后", and a resident told so who came on that
    // afternoon found everything erased.
    for (const [p, body] of [[`/api/v1/cases/${owed.id}/submit`, null], [`/api/v1/staff/cases/${owed.id}/call`, {}],
      [`/api/v1/staff/cases/${owed.id}/no-show`, {}]]) {
      const r = await fetch(`${k.url}${p}`, body ? { method: 'POST', headers: authHeaders(s), body: JSON.stringify(body) }
        : { method: 'POST', headers: { 'content-type': 'application/json' } });
      assert.equal(r.status, 200, `${p}: ${await r.text()}`);
    }
    const n = (await (await fetch(`${k.url}/api/v1/staff/cases/${owed.id}`, { headers: authHeaders(s) })).json()).owed;
    const [, nm, nd] = n.ends_on.split('-').map(Number);
    await page.goto(k.url + '/staff');
    await page.locator(`#owed tr[data-id="${owed.id}"] .ticket-btn`).click();
    await page.locator('#case-pane #case-h', { hasText: owed.ticket }).waitFor();
    assert.equal(await page.locator('#wait-note').innerText(),
      `补正后叫号未到（今天）。居民来了点“过号后到场，受理”；请居民最晚${nm}月${nd}日来，过了这一天这件办件填写的内容会被清除，居民要重新办理。`);

    // wang phones the resident and records it (…/remind): the case and
    // the list say so, for a colleague who would phone again
    await page.click('#remind');
    await page.locator('#remind-note').fill('居民说明天上午来');
    await page.locator('#case-pane form[aria-labelledby="remind-h"] [type=submit]').click();
    await page.locator('#wait-reminded', { hasText: '已电话提醒' }).waitFor();
    assert.match(await page.locator('#wait-reminded').innerText(), /：居民说明天上午来$/);
    assert.equal(await page.locator('#wait-note').innerText().then((t) => t.includes(`最晚${nm}月${nd}日`)), true,
      'the day stays');
    await page.locator(`#owed tr[data-id="${owed.id}"] .reminded`, { hasText: '居民说明天上午来' }).waitFor();
    await page.locator('#case-pane td', { hasText: '电话提醒补正' }).first().waitFor();
  });

  // A back-office post returns a case the window answers for (首问负责):
  // the message said to hand the notice to the resident, who is not
  // there, and the hint of 等居民补正 said 本人退回, so a newcomer looked
  // there for a case listed only in the owner's.
  it('a return of a colleague\'s case says whose list it is on and where the notice goes', async () => {
    const s = await login(k.url, 'wang', 'wang-password-1');
    const c = await labourCase(k.url);
    const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/accept`, { method: 'POST', headers: authHeaders(s), body: '{}' });
    assert.equal(r.status, 200, await r.text());
    const other = await kioskPage(k, { viewport: DESKTOP, hasTouch: false, reuse: true });
    try {
      const p = other.page;
      await staffLogin(p, k.url, 'li', 'li-password-22');
      assert.match(await p.locator('#work-card').innerText(), /本人负责的办件（还没有受理过的，算退回它的人的）/);
      await p.locator('#case-key').fill(c.id);
      await p.keyboard.press('Enter');
      await p.locator('#case-pane .case-facts', { hasText: '已受理' }).waitFor();
      await p.locator('#case-pane').getByRole('button', { name: '退回补正', exact: true }).click();
      await p.fill('#return-reason', '评定意见要求补交户口簿复印件');
      const tab = other.context.waitForEvent('page');
      await p.locator('#case-pane .case-form button[type=submit]').click();
      await (await tab).close();
      const said = p.locator('#case-pane .case-msg');
      await said.getByText('已退回').waitFor();
      assert.match(await said.innerText(), /不在的（后台审核时），打印后交给 wang/);
      assert.match(await said.innerText(), /这件办件由 wang 负责（首问负责），列在 wang 的“等居民补正”里/);
      other.assertClean('a colleague\'s case returned');
    } finally {
      await other.close();
    }
  });
});
