// The case after the window (issue #10, relay.c): a chained case accepted
// at its first stage with due dates in working days, passed from post to
// post, returned at stage 2 and resumed there with the days it had left,
// completed into 待领取 and handed out; the work list ("my work") with its
// overdue flag once the clock passes a due date; reject with its notice,
// assign, the acceptance receipt, and the moves a status does not allow.
//
// Two days without waiting for midnight (as staff-days.test.mjs): one
// database served first at UTC−12 and then at UTC+14, whose dates are one
// or two days apart. The calendar is written for the dates of the test so
// that the working days are exactly the set W below — a weekday holiday
// (休) and a worked weekend day (班) among them — and the expected dates are
// counted here from W, independently of the daemon's rule.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  makeTmp, writeTree, startDaemon, stopChecked, addUser, userCmd, login, request, authHeaders,
  assertError, stoppedClockFor,
} from './helpers.mjs';

const DAY1 = 'Etc/GMT+12'; // POSIX sign: UTC−12
const DAY2 = 'Etc/GMT-14'; // UTC+14

const ymd = (d) => d.toISOString().slice(0, 10);
const addDays = (s, n) => { const d = new Date(`${s}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + n); return ymd(d); };
// Both daemons' clocks stand still at the instant this file was loaded,
// each in its zone, so that T and dateIn(DAY2) are their days for the whole
// run: on running clocks a run begun just before midnight in one of the
// zones compared a day taken here with the daemon's next one. Without
// libfaketime they run on the real clock and may fail so.
const NOW = new Date();
const ENV = { [DAY1]: stoppedClockFor(NOW, DAY1), [DAY2]: stoppedClockFor(NOW, DAY2) };
const dateIn = (tz) => new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(NOW);
const weekend = (s) => [0, 6].includes(new Date(`${s}T00:00:00Z`).getUTCDay());

const T = dateIn(DAY1);
// rest days by offset from T; every other day from T-10 to T+90 works
const REST = new Set([1, 4, 8, 13, 20].map((o) => addDays(T, o)));
const FROM = addDays(T, -10);
const working = (s) => !REST.has(s);
// the n-th working day after start (start itself for n = 0 when it works)
function due(start, n) {
  let d = start;
  if (n === 0) { while (!working(d)) d = addDays(d, 1); return d; }
  for (let k = 0; k < n;) { d = addDays(d, 1); if (working(d)) k++; }
  return d;
}
// working days after a up to and including b
function between(a, b) {
  let n = 0;
  for (let d = addDays(a, 1); d <= b; d = addDays(d, 1)) if (working(d)) n++;
  return n;
}
function calendarText() {
  const lines = ['# 工作日历', ''];
  for (let o = -10; o <= 90; o++) {
    const d = addDays(T, o);
    if (working(d) && weekend(d)) lines.push(`- ${d} 班`);
    if (!working(d) && !weekend(d)) lines.push(`- ${d} 休`);
  }
  return `${lines.join('\n')}\n`;
}

const POSTS = '# 岗位\n\n- window 综合窗口（A岗）\n- civil 民政专干\n- street 街道审核\n';
const DIBAO = `---
time_limit: 6个工作日
pickup: yes
location: 社区服务中心一楼
review_body: 示例区人民政府
court: 示例区人民法院
---
# 低保申请

低保申请的简介。

## 办理流程
社区受理后报街道审核。

\`\`\`chain
accept  | 社区受理   | window | 1
review  | 民政专干审核 | civil  | 3
approve | 街道审批   | street | 2
\`\`\`

## 第一步：材料
- [ ] 身份证

## 第二步：联系方式
\`\`\`form
mobile | 手机号码 | cn_mobile | required
\`\`\`
`;
const QUICK = `---
time_limit: 即办
---
# 当场办理

当场办理的简介。

## 办理流程
窗口当场办结。

\`\`\`chain
handle | 当场办理 | window | 0
\`\`\`

## 第一步：联系方式
\`\`\`form
mobile | 手机号码 | cn_mobile | required
\`\`\`
`;

// two same-day stages: promised for the day of acceptance
const TWICE = QUICK.replace('# 当场办理', '# 两步当场办理')
  .replace('handle | 当场办理 | window | 0', 'first  | 受理 | window | 0\nsecond | 办结 | window | 0');

describe('a chained case from acceptance to handout, across two days', () => {
  let tmp, db, tree, d = null;
  let wang, li, zhao;
  const url = (p) => `${d.url}${p}`;
  const post = (p, body, s = null) => request(url(p), {
    method: 'POST', headers: s ? authHeaders(s) : { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  const sget = (p, s) => request(url(p), { headers: { Cookie: s.cookie } });
  // a move as the contract writes it, with no body at all
  const bare = (p, s) => request(url(p), { method: 'POST', headers: authHeaders(s) });
  async function serve(tz) {
    if (d) {
      const info = await d.stop();
      assert.deepEqual([info.code, info.signal], [0, null], d.stderr());
    }
    d = await startDaemon({ tree, db, env: ENV[tz] });
    wang = await login(d.url, 'wang', 'wang-password-1');
    li = await login(d.url, 'li', 'li-password-22');
    zhao = await login(d.url, 'zhao', 'zhao-password-3');
  }
  async function handIn(procedure) {
    const c = await post('/api/v1/cases', { procedure });
    assert.equal(c.status, 201, c.text);
    const id = c.body.id;
    let step = 0;
    if (procedure === 'dibao') {
      assert.equal((await post(`/api/v1/cases/${id}/steps/0`, { checklist: { 's0-0': true } })).status, 200);
      step = 1;
    }
    const r1 = await post(`/api/v1/cases/${id}/steps/${step}`, { fields: { mobile: '13800138000' } });
    assert.equal(r1.status, 200, r1.text);
    const r = await post(`/api/v1/cases/${id}/submit`);
    assert.equal(r.status, 200, r.text);
    return { id, ticket: r.body.ticket };
  }

  before(async () => {
    tmp = makeTmp();
    db = path.join(tmp, 'x.db');
    tree = path.join(tmp, 'tree');
    writeTree(tree, {
      '_posts.md': POSTS,
      '_calendar.md': calendarText(),
      'hall/README.md': '# 社会救助\n\n救助事项。\n',
      'hall/dibao.md': DIBAO,
      'hall/quick.md': QUICK,
      'hall/twice.md': TWICE,
    });
    addUser(db, 'wang', 'staff', 'wang-password-1');
    addUser(db, 'li', 'staff', 'li-password-22');
    addUser(db, 'zhao', 'staff', 'zhao-password-3');
    addUser(db, 'gone', 'staff', 'gone-password-4');
    addUser(db, 'admin2', 'admin', 'admin2-password-1');
    assert.equal(userCmd(['disable', 'gone', '--db', db]).status, 0);
    for (const [name, posts] of [['wang', 'window'], ['li', 'civil'], ['zhao', 'street']])
      assert.equal(userCmd(['posts', name, posts, '--db', db]).status, 0);
    await serve(DAY1);
  });
  after(() => stopChecked(d, tmp));

  let c;
  let q;
  let stage2Due;
  it('the calendar really has a weekday holiday and a worked weekend day in the dates used', () => {
    const text = calendarText();
    assert.match(text, / 休$/m);
    assert.match(text, / 班$/m);
  });

  it('day 1: accept begins stage 1 with due dates counted in working days, the acceptor owns it', async () => {
    c = await handIn('dibao');
    const before = await sget(`/api/v1/staff/cases/${c.id}`, wang);
    assert.equal(before.body.stage, null);
    assert.deepEqual(before.body.stages.map((s) => [s.key, s.due]), [['accept', null], ['review', null], ['approve', null]]);
    const r = await post(`/api/v1/staff/cases/${c.id}/accept`, {}, wang);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'accepted');
    assert.equal(r.body.stage, 0);
    assert.equal(r.body.owner, 'wang');
    assert.equal(r.body.due, due(T, 6));
    const d0 = due(T, 1), d1 = due(d0, 3), d2 = due(d1, 2);
    assert.deepEqual(r.body.stages.map((s) => [s.key, s.label, s.post, s.days, s.due, s.done_at, s.by]), [
      ['accept', '社区受理', 'window', 1, d0, null, null],
      ['review', '民政专干审核', 'civil', 3, d1, null, null],
      ['approve', '街道审批', 'street', 2, d2, null, null],
    ]);
    const pub = await request(url(`/api/v1/cases/${c.id}`));
    assert.deepEqual(pub.body.stage, { key: 'accept', label: '社区受理', due: d0 });
    assert.equal(pub.body.due, due(T, 6));
    assert.equal(pub.body.owner, undefined, 'nothing of the staff on the public page');
  });

  it('the acceptance receipt: item, ticket, committed date, materials, stages with post names', async () => {
    const r = await sget(`/print/staff/cases/${c.id}/receipt`, wang);
    assert.equal(r.status, 200, r.text);
    const [y, m, dd] = due(T, 6).split('-');
    for (const s of ['受理回执', '低保申请', c.ticket, `${y}年${m}月${dd}日`, '身份证', '民政专干审核', '民政专干', '街道审核', '社区服务中心一楼'])
      assert.ok(r.text.includes(s), s);
    assert.ok(!r.text.includes('13800138000'), 'no typed value on the receipt');
    const q0 = await handIn('quick');
    assertError(await sget(`/print/staff/cases/${q0.id}/receipt`, wang), 409, 'not_accepted');
  });

  it('my work: the stage\'s post sees it, others do not; ?owner= and ?post= choose', async () => {
    let r = await sget('/api/v1/staff/work', wang);
    assert.equal(r.status, 200, r.text);
    const mine = r.body.cases.find((x) => x.id === c.id);
    assert.deepEqual(mine, {
      id: c.id, ticket: c.ticket, procedure: 'dibao', title: '低保申请',
      stage: { key: 'accept', label: '社区受理', post: 'window' },
      due: due(T, 1), overdue: false, soon: due(T, 1) <= due(T, 1), owner: 'wang',
      committed: due(T, 6), late: false, ticket_day: null,
    });
    r = await sget('/api/v1/staff/work', li);
    assert.equal(r.body.cases.some((x) => x.id === c.id), false);
    r = await sget('/api/v1/staff/work?owner=wang', li);
    assert.equal(r.body.cases.some((x) => x.id === c.id), true);
    // ?owner= alone is that user's cases, not the asker's posts as well
    r = await sget('/api/v1/staff/work?owner=li', wang);
    assert.equal(r.body.cases.some((x) => x.id === c.id), false);
    r = await sget('/api/v1/staff/work?post=civil', wang);
    assert.equal(r.body.cases.some((x) => x.id === c.id), false);
    assertError(await sget('/api/v1/staff/work?owner=..', wang), 400, 'bad_query');
    // both: their union; an empty post is no post (mutation review of src/api_staff.c)
    r = await sget('/api/v1/staff/work?post=civil&owner=wang', li);
    assert.equal(r.body.cases.some((x) => x.id === c.id), true, 'the owner\'s cases with the post\'s');
    assertError(await sget('/api/v1/staff/work?post=', wang), 400, 'bad_query');
  });

  it('pass: the stage is done by whom, with the note; the next begins today; twice at once: one wins', async () => {
    const a = post(`/api/v1/staff/cases/${c.id}/pass`, { note: '材料齐全', stage: 'accept' }, wang);
    const b = post(`/api/v1/staff/cases/${c.id}/pass`, { note: '重复', stage: 'accept' }, wang);
    const rs = await Promise.all([a, b]);
    assert.deepEqual(rs.map((r) => r.status).sort(), [200, 409], rs.map((r) => r.text).join('\n'));
    assert.equal(rs.find((r) => r.status === 409).body.error.code, 'stage_moved');
    const r = rs.find((x) => x.status === 200);
    assert.equal(r.body.stage, 1);
    const [s0, s1] = r.body.stages;
    assert.equal(s0.by, 'wang');
    // either may win the race: the winner's note is the one kept
    assert.equal(s0.note, r === rs[0] ? '材料齐全' : '重复');
    assert.match(s0.done_at, /^\d{4}-\d\d-\d\dT/);
    assert.equal(s1.due, due(T, 3));
    assert.equal(r.body.stages[2].due, due(due(T, 3), 2));
    assert.equal(r.body.due, due(T, 6), 'the committed date does not move');
    const w = await sget('/api/v1/staff/work', li);
    assert.equal(w.body.cases.find((x) => x.id === c.id).stage.key, 'review');
    assert.equal((await sget('/api/v1/staff/work', wang)).body.cases.some((x) => x.id === c.id), false);
    assert.equal((await sget('/api/v1/staff/work?owner=wang', wang)).body.cases.some((x) => x.id === c.id), true);
    assertError(await post(`/api/v1/staff/cases/${c.id}/complete`, { outcome: '批准' }, li), 409, 'not_last_stage');
    assertError(await post(`/api/v1/staff/cases/${c.id}/pass`, { note: 'x'.repeat(501) }, li), 422, 'note_too_long');
    // a member of the wrong type is not an absent one: 422, nothing moves
    for (const body of [{ note: 5 }, { note: { a: 1 } }, { stage: 5 }, { stage: ['review'] }]) {
      assertError(await post(`/api/v1/staff/cases/${c.id}/pass`, body, li), 422, 'bad_text');
    }
    assertError(await post(`/api/v1/staff/cases/${c.id}/complete`, { outcome: 5 }, li), 422, 'bad_text');
    assert.equal((await sget(`/api/v1/staff/cases/${c.id}`, li)).body.stage, 1, 'still at the second stage');
  });

  it('pass again to the last stage (no body: no note); pass there is 409 last_stage', async () => {
    const r = await bare(`/api/v1/staff/cases/${c.id}/pass`, li);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.stage, 2);
    stage2Due = due(T, 2);
    assert.equal(r.body.stages[2].due, stage2Due);
    assert.equal(r.body.stages[1].note, null, 'no note is none');
    assertError(await post(`/api/v1/staff/cases/${c.id}/pass`, {}, zhao), 409, 'last_stage');
    // a second staffer passing the stage that just moved, from a stale screen:
    // told it moved, not sent to 办结 a stage nobody showed them
    assertError(await post(`/api/v1/staff/cases/${c.id}/pass`, { stage: 'review' }, zhao), 409, 'stage_moved');
  });

  it('a return at stage 3 stops the clock; the resident hands it in again', async () => {
    assertError(await post(`/api/v1/staff/cases/${c.id}/return`, { reason: 5 }, zhao), 422, 'bad_text');
    let r = await post(`/api/v1/staff/cases/${c.id}/return`, { reason: '请补充收入证明' }, zhao);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'returned');
    r = await post(`/api/v1/cases/${c.id}/submit`);
    assert.equal(r.status, 200, r.text);
    assert.equal((await sget('/api/v1/staff/work', zhao)).body.cases.some((x) => x.id === c.id), false,
      'not work while it waits at the window');
  });

  let w;
  it('day 1: a case of two same-day stages accepted, promised today', async () => {
    w = await handIn('twice');
    const r = await post(`/api/v1/staff/cases/${w.id}/accept`, {}, wang);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.due, due(T, 0));
    assert.deepEqual([r.body.overdue, r.body.late], [false, false]);
  });

  it('day 1: a same-day case (0 days) accepted, due today', async () => {
    q = await handIn('quick');
    const r = await post(`/api/v1/staff/cases/${q.id}/accept`, {}, wang);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.stages[0].due, due(T, 0));
    assert.equal(r.body.overdue, false);
  });

  it('day 2: the same-day case is overdue in my work and ?overdue=1', async () => {
    await serve(DAY2);
    const T2 = dateIn(DAY2);
    assert.ok(T2 > T);
    const r = await sget('/api/v1/staff/work?overdue=1', wang);
    const x = r.body.cases.find((e) => e.id === q.id);
    assert.ok(x, JSON.stringify(r.body));
    assert.equal(x.overdue, true);
    assert.ok(r.body.counts.overdue >= 1);
    assert.ok(r.body.cases.every((e) => e.overdue), 'only overdue ones');
    assert.equal((await sget(`/api/v1/staff/cases/${q.id}`, wang)).body.overdue, true);
  });

  // Each stage starts with its full days: the first one overran, the second
  // begun today is on time, but the date promised to the resident passed.
  // The case showed no 已超期 anywhere and the day's report counted it on
  // time (a staff review).
  it('day 2: a case past the date it was promised is overdue though its stage is not', async () => {
    const T2 = dateIn(DAY2);
    const admin = await login(d.url, 'admin2', 'admin2-password-1');
    const reported = async () => (await sget(`/api/v1/admin/report?date=${T2}`, admin)).body.overdue;
    const before = await reported();
    const p = await post(`/api/v1/staff/cases/${w.id}/pass`, { note: '已受理' }, wang);
    assert.equal(p.status, 200, p.text);
    assert.ok(p.body.stages[1].due >= T2, 'the stage begun today is not due yet');
    assert.deepEqual([p.body.overdue, p.body.late], [true, true]);
    const x = (await sget('/api/v1/staff/work?overdue=1', wang)).body.cases.find((e) => e.id === w.id);
    assert.ok(x, 'in the overdue list');
    assert.deepEqual([x.due, x.overdue, x.late, x.committed], [p.body.stages[1].due, true, true, due(T, 0)]);
    assert.equal(await reported(), before, 'still counted overdue in the day\'s report');
    const m = (await request(url('/metrics'))).text;
    assert.match(m, /^spkiosk_cases_overdue [1-9]/m);
  });

  it('day 2: accepted again, stage 3 resumes with the days it had left; the chain\'s date moves on', async () => {
    const T2 = dateIn(DAY2);
    const r = await post(`/api/v1/staff/cases/${c.id}/accept`, {}, wang);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.stage, 2, 'not back to the first stage');
    const left = between(T, stage2Due);
    assert.equal(left, 2);
    assert.equal(r.body.stages[2].due, due(T2, left));
    assert.equal(r.body.due, due(due(T, 6), between(T, T2)));
    assert.equal(r.body.owner, 'wang', 'the owner stays');
    const pub = await request(url(`/api/v1/cases/${c.id}`));
    assert.equal(pub.body.stage.key, 'approve');
    assert.equal(pub.body.due, r.body.due);
    // on time again, it is in the whole list: only overdue=1 narrows it,
    // any other value is the whole list
    const zero = await sget('/api/v1/staff/work?owner=wang&overdue=0', wang);
    assert.ok(zero.body.cases.some((e) => e.id === c.id && !e.overdue), JSON.stringify(zero.body));
    assert.deepEqual(zero.body.counts, (await sget('/api/v1/staff/work?owner=wang', wang)).body.counts);
  });

  // The receipt printed the later acceptance as 受理时间, beside a date
  // promised from the first (a review): it now gives the first, by whom,
  // and the later one on its own line.
  it('the receipt of a case accepted again after a correction: the first acceptance, then the later', async () => {
    const x = await handIn('quick');
    assert.equal((await post(`/api/v1/staff/cases/${x.id}/accept`, {}, wang)).status, 200);
    const once = (await sget(`/print/staff/cases/${x.id}/receipt`, wang)).text;
    assert.match(once, /<dt>受理人<\/dt><dd>wang<\/dd>/);
    assert.ok(!once.includes('再次受理'), 'accepted once: one line');
    assert.equal((await post(`/api/v1/staff/cases/${x.id}/return`, { reason: '请补充材料' }, zhao)).status, 200);
    assert.equal((await post(`/api/v1/cases/${x.id}/submit`)).status, 200);
    const r = await post(`/api/v1/staff/cases/${x.id}/accept`, {}, li);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.accepted_by, 'li');
    const first = r.body.events.find((e) => e.what === 'accepted');
    const local = (utc) => new Intl.DateTimeFormat('sv-SE', { timeZone: DAY2, year: 'numeric', month: '2-digit',
      day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(new Date(utc));
    const [dd, hm] = local(first.at).split(' ');
    const [yy, mm, day] = dd.split('-');
    const text = (await sget(`/print/staff/cases/${x.id}/receipt`, wang)).text;
    assert.match(text, new RegExp(`<dt>受理时间</dt><dd>${yy}年${mm}月${day}日 ${hm}</dd>`), text);
    assert.match(text, /<dt>受理人<\/dt><dd>wang<\/dd>/);
    assert.match(text, /<dt>补正后再次受理<\/dt><dd>\d{4}年\d{2}月\d{2}日 \d{2}:\d{2}（li）<\/dd>/);
  });

  it('assign: to a colleague (首问负责); an unknown or disabled user is 422', async () => {
    assertError(await post(`/api/v1/staff/cases/${c.id}/assign`, { user: 'nobody' }, wang), 422, 'unknown_user');
    for (const body of [{}, { user: '' }, { user: '   ' }]) {
      const r = await post(`/api/v1/staff/cases/${c.id}/assign`, body, wang);
      assertError(r, 422, 'user_required', JSON.stringify(body));
      assert.match(r.body.error.message, /请选择转交给哪位工作人员/);
    }
    assertError(await post(`/api/v1/staff/cases/${c.id}/assign`, { user: 'gone' }, wang), 422, 'unknown_user');
    const r = await post(`/api/v1/staff/cases/${c.id}/assign`, { user: 'zhao' }, wang);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.owner, 'zhao');
    assert.deepEqual(r.body.events.filter((e) => e.what === 'assigned').map((e) => [e.user, e.detail]), [['wang', 'zhao']]);
    assert.equal((await sget('/api/v1/staff/work?owner=zhao', li)).body.cases.some((x) => x.id === c.id), true);
  });

  it('complete at the last stage: 待领取 (pickup), the resident is told; handout completes it', async () => {
    assertError(await post(`/api/v1/staff/cases/${c.id}/handout`, {}, zhao), 409, 'not_ready');
    let r = await post(`/api/v1/staff/cases/${c.id}/complete`, { outcome: '批准，每月发放' }, zhao);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'ready');
    assert.equal(r.body.stages[2].by, 'zhao');
    // each stage's post by its name in _posts.md, for a newcomer to read
    assert.deepEqual(r.body.stages.map((s) => [s.post, s.post_name]),
      [['window', '综合窗口（A岗）'], ['civil', '民政专干'], ['street', '街道审核']]);
    const n = await sget('/api/v1/staff/notifications', wang);
    assert.deepEqual(n.body.notifications.filter((x) => x.case === c.id).map((x) => x.kind).sort(), ['ready', 'returned']);
    assert.equal((await request(url(`/api/v1/cases/${c.id}`))).body.status, 'ready');
    // a scan of the slip finds it at the window
    r = await sget(`/api/v1/staff/cases/${c.id.toUpperCase()}`, wang);
    assert.equal(r.body.status, 'ready');
    r = await bare(`/api/v1/staff/cases/${c.id}/handout`, wang);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'completed');
    // the resident has it: nobody is asked to phone them that it is ready
    const ready = (await sget('/api/v1/staff/notifications', wang)).body.notifications
      .find((x) => x.case === c.id && x.kind === 'ready');
    assert.ok(ready.done, 'the ready notification is done at the handout');
    assert.equal(ready.done_by, 'wang');
    assert.equal(r.body.handed_by, 'wang');
    assertError(await post(`/api/v1/staff/cases/${c.id}/handout`, {}, wang), 409, 'not_ready');
    const whats = r.body.events.map((e) => e.what).filter((w) => !['created', 'step', 'conditions', 'submitted'].includes(w));
    assert.deepEqual(whats, ['accepted', 'passed', 'passed', 'returned', 'accepted', 'assigned', 'completed', 'handed_out']);
  });

  it('reject: accepted → rejected with a reason the resident sees, a notice and a notification', async () => {
    const x = await handIn('dibao');
    assertError(await post(`/api/v1/staff/cases/${x.id}/reject`, { reason: '不符合条件' }, wang), 409, 'not_accepted');
    assert.equal((await post(`/api/v1/staff/cases/${x.id}/accept`, {}, wang)).status, 200);
    assertError(await post(`/api/v1/staff/cases/${x.id}/reject`, { reason: '  ' }, wang), 422, 'reason_required');
    assertError(await sget(`/print/staff/cases/${x.id}/rejection`, wang), 409, 'not_rejected');
    const r = await post(`/api/v1/staff/cases/${x.id}/reject`, { reason: '家庭收入高于当地低保标准' }, wang);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'rejected');
    const pub = await request(url(`/api/v1/cases/${x.id}`));
    assert.equal(pub.body.status, 'rejected');
    assert.equal(pub.body.rejected_reason, '家庭收入高于当地低保标准');
    const p = await sget(`/print/staff/cases/${x.id}/rejection`, wang);
    assert.equal(p.status, 200, p.text);
    for (const s of ['不予办理告知书', '低保申请', '家庭收入高于当地低保标准', '行政复议'])
      assert.ok(p.text.includes(s), s);
    // the remedies, each with its time limit and before whom the file says
    assert.ok(p.text.includes('自收到本告知书之日起六十日内向示例区人民政府申请行政复议，'
      + '或者自收到本告知书之日起六个月内向示例区人民法院提起行政诉讼。'), p.text);
    const n = await sget('/api/v1/staff/notifications', wang);
    const mine = n.body.notifications.filter((y) => y.case === x.id);
    assert.deepEqual(mine.map((y) => y.kind), ['rejected']);
    assertError(await post(`/api/v1/staff/cases/${x.id}/accept`, {}, wang), 409, 'not_waiting');
    assertError(await post(`/api/v1/staff/cases/${x.id}/assign`, { user: 'li' }, wang), 409, 'not_assignable');
  });

  // 不予受理 at intake (ours): the window finds a condition not met on a
  // waiting case. It had to be accepted (a chain begun, a deadline
  // committed, counted as accepted) to be refused; practice trains this
  // very decision as "refuse".
  it('refuse: a waiting case → rejected without acceptance, its own notice, text and count', async () => {
    const admin = await login(d.url, 'admin2', 'admin2-password-1');
    const mine = async () => (await sget('/api/v1/admin/report', admin)).body.users
      .find((u) => u.user === 'wang') ?? { rejected: 0, refused: 0 };
    const refusals = async () => (await mine()).refused;
    const rejections = (await mine()).rejected;
    const before = await refusals();
    const x = await handIn('dibao');
    const queued = async () => (await sget('/api/v1/staff/queue', wang)).body.queue.some((y) => y.id === x.id);
    assert.equal(await queued(), true);
    assertError(await post(`/api/v1/staff/cases/${x.id}/refuse`, {}, wang), 422, 'reason_required');
    assertError(await post(`/api/v1/staff/cases/${x.id}/refuse`, { reason: '不符合', window: '3 号' }, wang), 422, 'bad_window');
    const r = await post(`/api/v1/staff/cases/${x.id}/refuse`, { reason: '户籍不在本社区', window: '7' }, wang);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'rejected');
    assert.equal(r.body.accepted_at ?? null, null, 'never accepted');
    assert.equal(r.body.rejected_reason, '户籍不在本社区');
    const ev = r.body.events.find((e) => e.what === 'refused');
    assert.deepEqual([ev.user, ev.detail], ['wang', '户籍不在本社区']);
    assert.ok(!r.body.events.some((e) => e.what === 'accepted'));
    assert.equal(await queued(), false, 'out of the queue');
    // the resident at the window rates the service there, as at any other end
    const key = (await post('/api/v1/admin/rate-keys', { window: '7' }, admin)).body.key;
    const offer = (await request(url(`/api/v1/rate?window=7&key=${key}`))).body.offer;
    assert.equal(offer?.ticket, x.ticket, JSON.stringify(offer));
    const pub = (await request(url(`/api/v1/cases/${x.id}`))).body;
    assert.deepEqual([pub.status, pub.refused, pub.rejected_reason, pub.stage ?? null],
      ['rejected', true, '户籍不在本社区', null]);
    const p = await sget(`/print/staff/cases/${x.id}/rejection`, wang);
    assert.equal(p.status, 200, p.text);
    assert.ok(p.text.includes('不予受理告知书') && p.text.includes('不予受理的理由和依据'), p.text);
    assert.ok(!p.text.includes('不予办理'), 'not the notice of a refusal after acceptance');
    const n = (await sget('/api/v1/staff/notifications', wang)).body.notifications.filter((y) => y.case === x.id);
    assert.deepEqual(n.map((y) => y.kind), ['rejected']);
    assert.match(n[0].text, /不予受理。.*不予受理告知书/);
    // once refused, or once accepted, it is no longer at intake
    assertError(await post(`/api/v1/staff/cases/${x.id}/refuse`, { reason: '再来' }, wang), 409, 'not_at_intake');
    const y = await handIn('quick');
    assert.equal((await post(`/api/v1/staff/cases/${y.id}/accept`, {}, wang)).status, 200);
    const late = await post(`/api/v1/staff/cases/${y.id}/refuse`, { reason: '不符合' }, wang);
    assertError(late, 409, 'not_at_intake');
    assert.match(late.body.error.message, /不予办理/, 'says to use 不予办理 once accepted');
    // an accepted case refused the contract's way still says 不予办理
    assert.equal((await request(url(`/api/v1/cases/${y.id}`))).body.refused, undefined);
    // the day's report counts it apart (不予受理), not as a 不予办理
    assert.equal(await refusals(), before + 1);
    assert.equal((await mine()).rejected, rejections);
    // a case accepted once (returned while accepted, handed in again) was
    // taken on: refused at the window it is 不予办理 (a review found it
    // told 不予受理, since the hand-in clears accepted_at)
    const once = await handIn('quick');
    assert.equal((await post(`/api/v1/staff/cases/${once.id}/accept`, {}, wang)).status, 200);
    assert.equal((await post(`/api/v1/staff/cases/${once.id}/return`, { reason: '手机号码写错了' }, wang)).status, 200);
    assert.equal((await post(`/api/v1/cases/${once.id}/steps/0`, { fields: { mobile: '13900139000' } })).status, 200);
    assert.equal((await post(`/api/v1/cases/${once.id}/submit`)).body.status, 'waiting');
    const again = await post(`/api/v1/staff/cases/${once.id}/refuse`, { reason: '不符合条件' }, wang);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.refused, false);
    // and so is its record: the report counted it as 不予受理 while the
    // resident was told 不予办理 (a staff review)
    assert.ok(again.body.events.some((e) => e.what === 'rejected'), 'recorded as 不予办理');
    assert.ok(!again.body.events.some((e) => e.what === 'refused'), 'not as 不予受理');
    assert.equal((await mine()).rejected, rejections + 1, 'counted as 不予办理');
    assert.equal(await refusals(), before + 1, 'not as 不予受理');
    assert.equal((await request(url(`/api/v1/cases/${once.id}`))).body.refused, false);
    const onceNotice = await sget(`/print/staff/cases/${once.id}/rejection`, wang);
    assert.ok(onceNotice.text.includes('不予办理告知书') && !onceNotice.text.includes('不予受理'), 'the notice of 不予办理');
    const onceText = (await sget('/api/v1/staff/notifications', wang)).body.notifications
      .filter((y) => y.case === once.id && y.kind === 'rejected');
    assert.match(onceText[0].text, /不予办理。/);
    // a no-show who came after all is at intake too (the window may still accept it)
    const gone = await handIn('quick');
    const call = await post(`/api/v1/staff/cases/${gone.id}/call`, {}, wang);
    assert.equal(call.status, 200, call.text);
    const ns = await post(`/api/v1/staff/cases/${gone.id}/no-show`, {}, wang);
    assert.equal(ns.status, 200, ns.text);
    const lateRefused = await post(`/api/v1/staff/cases/${gone.id}/refuse`, { reason: '不符合条件' }, wang);
    assert.equal(lateRefused.status, 200, lateRefused.text);
    assert.equal(lateRefused.body.refused, true);
    // the message of a refusal without a reason names 不予受理
    const y2 = await handIn('quick');
    const noReason = await post(`/api/v1/staff/cases/${y2.id}/refuse`, { reason: '' }, wang);
    assertError(noReason, 422, 'reason_required');
    assert.match(noReason.body.error.message, /不予受理/);
    // a web case in pre-review is at intake too
    const web = await post('/api/v1/cases', { procedure: 'quick', channel: 'web' });
    assert.equal((await post(`/api/v1/cases/${web.body.id}/steps/0`, { fields: { mobile: '13800138000' } })).status, 200);
    const handed = await post(`/api/v1/cases/${web.body.id}/submit`, { prereview: true });
    assert.equal(handed.body.status, 'prereview', handed.text);
    const pr = await post(`/api/v1/staff/cases/${web.body.id}/refuse`, { reason: '不在本社区办理' }, wang);
    assert.equal(pr.status, 200, pr.text);
    assert.equal((await request(url(`/api/v1/cases/${web.body.id}`))).body.refused, true);
  });

  it('reject and complete of one case at once: exactly one wins', async () => {
    const y = await handIn('quick');
    assert.equal((await post(`/api/v1/staff/cases/${y.id}/accept`, {}, wang)).status, 200);
    const rs = await Promise.all([
      post(`/api/v1/staff/cases/${y.id}/reject`, { reason: '不符合条件' }, wang),
      post(`/api/v1/staff/cases/${y.id}/complete`, { outcome: '已办结' }, li),
    ]);
    assert.deepEqual(rs.map((r) => r.status).sort(), [200, 409], rs.map((r) => r.text).join('\n'));
    const ev = (await sget(`/api/v1/staff/cases/${y.id}`, wang)).body.events.map((e) => e.what);
    assert.equal(ev.filter((w) => w === 'rejected' || w === 'completed').length, 1);
  });

  // pass vs reject (a review): wang reads the first stage and writes a
  // reason; li passes the stage meanwhile with 材料齐全. Sent with the stage
  // wang saw, the reject is 409 stage_moved and nothing moves (before: the
  // case was rejected at the next stage, over li's pass nobody showed wang).
  it('a reject from a stale stage is 409 stage_moved; at the stage seen it goes through', async () => {
    const z = await handIn('dibao');
    assert.equal((await post(`/api/v1/staff/cases/${z.id}/accept`, {}, wang)).status, 200);
    assert.equal((await post(`/api/v1/staff/cases/${z.id}/pass`, { note: '材料齐全', stage: 'accept' }, li)).status, 200);
    assertError(await post(`/api/v1/staff/cases/${z.id}/reject`, { reason: '收入超标', stage: 'accept' }, wang),
      409, 'stage_moved');
    const v = (await sget(`/api/v1/staff/cases/${z.id}`, wang)).body;
    assert.equal(v.status, 'accepted');
    assert.equal(v.stage, 1);
    assert.equal((await sget('/api/v1/staff/notifications', wang)).body.notifications.some((n) => n.case === z.id), false);
    assertError(await post(`/api/v1/staff/cases/${z.id}/reject`, { reason: 5, stage: 'review' }, wang), 422, 'bad_text');
    const r = await post(`/api/v1/staff/cases/${z.id}/reject`, { reason: '收入超标', stage: 'review' }, wang);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'rejected');
  });

  // pass vs return, the same race: wang finds a paper short at the first
  // stage and writes what to bring; li passes the stage meanwhile. The
  // return sent with the stage wang saw is 409 stage_moved and the case
  // stays at the review (before: it went back to the resident over li's
  // pass, its clock stopped at a stage nobody had shown wang).
  it('a return from a stale stage is 409 stage_moved; at the stage seen it goes through', async () => {
    const z = await handIn('dibao');
    assert.equal((await post(`/api/v1/staff/cases/${z.id}/accept`, {}, wang)).status, 200);
    assert.equal((await post(`/api/v1/staff/cases/${z.id}/pass`, { note: '材料齐全', stage: 'accept' }, li)).status, 200);
    const stale = await post(`/api/v1/staff/cases/${z.id}/return`,
      { reason: '缺收入证明', status: 'accepted', stage: 'accept' }, wang);
    assertError(stale, 409, 'stage_moved');
    assert.match(stale.body.error.message, /没有退回/);
    const v = (await sget(`/api/v1/staff/cases/${z.id}`, wang)).body;
    assert.equal(v.status, 'accepted');
    assert.equal(v.stage, 1);
    assert.equal(v.events.some((e) => e.what === 'returned'), false);
    assertError(await post(`/api/v1/staff/cases/${z.id}/return`, { reason: '缺收入证明', stage: 7 }, wang),
      422, 'bad_text');
    const r = await post(`/api/v1/staff/cases/${z.id}/return`,
      { reason: '缺收入证明', status: 'accepted', stage: 'review' }, wang);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'returned');
  });

  it('every new route wants a session, and its POSTs the CSRF token', async () => {
    for (const p of ['pass', 'handout', 'reject', 'assign'])
      assertError(await post(`/api/v1/staff/cases/${c.id}/${p}`, {}), 401, 'not_logged_in');
    assertError(await request(url('/api/v1/staff/work')), 401, 'not_logged_in');
    assertError(await request(url(`/print/staff/cases/${c.id}/receipt`)), 401, 'not_logged_in');
    const noCsrf = await request(url(`/api/v1/staff/cases/${c.id}/pass`), {
      method: 'POST', headers: { Cookie: wang.cookie, 'Content-Type': 'application/json' }, body: '{}',
    });
    assert.equal(noCsrf.status, 403);
  });
});
