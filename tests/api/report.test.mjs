// The day's report (GET /api/v1/admin/report): a day scripted through the
// real routes with the daemon's time zone fixed (UTC+8) — residents hand
// cases in at the kiosk and on the web; three staffers of three posts
// call, accept, pass along a review chain, complete (ready and completed),
// hand out, return, accept again and reject; a resident rates; the B post
// finds a resident not at home, then handles the case at the home; a
// call-back is made — then the
// JSON and the CSV checked figure by figure. A date the cases are not on
// counts nothing; a bad date is 422 with a Chinese message; only admins
// may read it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  makeTmp, writeTree, startDaemon, stopChecked, addUser, userCmd, login, request, authHeaders,
  assertError, adminPassword, stoppedClockFor,
} from './helpers.mjs';

// The daemon's clock stands still at the instant this file was loaded: the
// day scripted below is one day, and today() is it. On a running clock a run
// begun 1.5 s before midnight in UTC+8 (faketime) scripted part of the day
// on the next one, and every figure was off. Without libfaketime it runs on
// the real clock and may fail so. (The clock file is written in Beijing's
// time and read in the daemon's CST-8, the same offset.)
const NOW = new Date();
const TODAY = new Date(NOW.getTime() + 8 * 3600e3).toISOString().slice(0, 10);
// today in UTC+8, as the daemon counts it
const today = () => TODAY;
const ENV = { ...stoppedClockFor(NOW, 'Asia/Shanghai'), TZ: 'CST-8' };

const POSTS = '# 岗位\n\n- window 综合窗口\n- civil 民政专干\n- street 街道审核\n';
const DIBAO = `---
time_limit: 6个工作日
pickup: yes
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

## 第一步：联系方式
\`\`\`form
mobile | 手机号码 | cn_mobile | required
\`\`\`
`;
const QUICK = DIBAO.replace('time_limit: 6个工作日\npickup: yes', 'time_limit: 即办\nfollowup: 2\nvisit: yes')
  .replace('# 低保申请', '# 当场办理')
  .replace(/```chain[^`]*```/, '```chain\nhandle | 当场办理 | window | 0\n```');

const zero = { called: 0, accepted: 0, passed: 0, completed: 0, returned: 0, rejected: 0, visits: 0, followups: 0, handed_out: 0, refused: 0,
  // ours: reminder calls to residents owing 补正 (JSON and the page only)
  reminded: 0 };

const h = { d: null, tmp: null };
const url = (p) => `${h.d.url}${p}`;
const post = (p, body, s = null) => request(url(p), {
  method: 'POST', headers: s ? authHeaders(s) : { 'content-type': 'application/json' },
  body: JSON.stringify(body ?? {}),
});
// A GET as the admin (or session s), the body's bytes kept as sent: fetch's
// text() would drop a byte order mark.
async function get(p, headers = {}, s = h.admin) {
  const r = await fetch(url(p), { headers: { ...(s ? { Cookie: s.cookie } : {}), ...headers } });
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await r.arrayBuffer());
  const json = r.headers.get('content-type')?.startsWith('application/json');
  return { status: r.status, headers: r.headers, text, body: json ? JSON.parse(text) : null };
}
async function ok(p, body, s, what = p) {
  const r = await post(p, body, s);
  assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${r.text}`);
  return r;
}
async function handIn(procedure, channel = 'kiosk', submit = undefined) {
  const c = await post('/api/v1/cases', { procedure, channel });
  assert.equal(c.status, 201, c.text);
  await ok(`/api/v1/cases/${c.body.id}/steps/0`, { fields: { mobile: '13800138000' } });
  await ok(`/api/v1/cases/${c.body.id}/submit`, submit);
  return c.body.id;
}

before(async () => {
  h.tmp = makeTmp();
  const db = path.join(h.tmp, 'x.db');
  const tree = path.join(h.tmp, 'tree');
  writeTree(tree, {
    '_posts.md': POSTS, 'hall/README.md': '# 社会救助\n\n救助事项。\n',
    'hall/dibao.md': DIBAO, 'hall/quick.md': QUICK,
  });
  // started first: on an empty user table the daemon makes the first admin
  h.d = await startDaemon({ tree, db, env: ENV });
  addUser(db, 'wang', 'staff', 'wang-password-1');
  addUser(db, 'li', 'staff', 'li-password-22');
  addUser(db, 'zhao', 'staff', 'zhao-password-3');
  assert.equal(userCmd(['display', 'li', '李娜', '--db', db]).status, 0);
  for (const [name, posts] of [['wang', 'window'], ['li', 'civil,window'], ['zhao', 'street']])
    assert.equal(userCmd(['posts', name, posts, '--db', db]).status, 0);
  h.wang = await login(h.d.url, 'wang', 'wang-password-1');
  h.li = await login(h.d.url, 'li', 'li-password-22');
  h.zhao = await login(h.d.url, 'zhao', 'zhao-password-3');
  h.admin = await login(h.d.url, 'admin', adminPassword(h.d));
});
after(() => stopChecked(h.d, h.tmp));

describe('the day scripted through the routes', () => {
  let day;
  before(async () => {
    const s = (id, move) => `/api/v1/staff/cases/${id}/${move}`;
    // A: called and accepted by wang, passed by wang and li, completed by
    // zhao (待领取), handed out by wang, rated 4
    const a = await handIn('dibao');
    await ok(s(a, 'call'), { window: '1' }, h.wang);
    await ok(s(a, 'accept'), {}, h.wang);
    await ok(s(a, 'pass'), { note: '材料齐全' }, h.wang);
    await ok(s(a, 'pass'), {}, h.li);
    const done = await ok(s(a, 'complete'), { outcome: '批准' }, h.zhao);
    assert.equal(done.body.status, 'ready');
    await ok(s(a, 'handout'), {}, h.wang);
    await ok(`/api/v1/cases/${a}/rating`, { score: 4 });
    // B: accepted by wang, returned, handed in again, accepted again (the
    // second acceptance counts too), rejected
    const b = await handIn('dibao');
    await ok(s(b, 'accept'), {}, h.wang);
    await ok(s(b, 'return'), { reason: '请补充户口簿' }, h.wang);
    await ok(`/api/v1/cases/${b}/submit`);
    await ok(s(b, 'accept'), {}, h.wang);
    await ok(s(b, 'reject'), { reason: '收入超过标准' }, h.wang);
    // C: accepted and completed at once by li
    const c = await handIn('quick');
    await ok(s(c, 'accept'), {}, h.li);
    assert.equal((await ok(s(c, 'complete'), { outcome: '已办结' }, h.li)).body.status, 'completed');
    // D: handed in, never called: still waiting at the end of the day
    await handIn('quick');
    // E: a web case, handed in to pre-review, not to the queue
    await handIn('quick', 'web', { prereview: true });
    // E2: a web case handed in as the contract's bare submit: a ticket, so
    // it waits in the queue like D
    await handIn('quick', 'web');
    // F: a home visit asked for today; li finds nobody at home, moves it
    // to tomorrow, then handles it there (accepted at the home: counts)
    const f = await post('/api/v1/cases', { procedure: 'quick' });
    await ok(`/api/v1/cases/${f.body.id}/steps/0`, { fields: { mobile: '13800138000' } });
    const tomorrow = new Date(Date.parse(`${today()}T00:00:00Z`) + 86400e3).toISOString().slice(0, 10);
    const v = await ok(`/api/v1/cases/${f.body.id}/submit`,
      { visit: { date: today(), slot: '上午', address: '幸福小区3号楼2单元101', phone: '13800138000' } });
    assert.equal(v.body.status, 'visit');
    await ok(s(f.body.id, 'visit'), { result: 'not_home', date: tomorrow }, h.li);
    assert.equal((await ok(s(f.body.id, 'visit'), { result: 'handled' }, h.li)).body.status, 'accepted');
    // C's completion opened a call-back (followup: 2); zhao makes it
    const fl = await get('/api/v1/staff/followups', {}, h.zhao);
    const cb = fl.body.followups.find((x) => x.case === c);
    assert.ok(cb, fl.text);
    await ok(`/api/v1/staff/followups/${cb.id}`, { result: 'satisfied' }, h.zhao);
    day = today();
  });

  it('the JSON counts each staffer\'s moves, the channels, the waiting, the on-time rate, the rating', async () => {
    const r = await get(`/api/v1/admin/report?date=${day}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.deepEqual(r.body, {
      date: day,
      day: 'open', // ours: today's figures change until the day ends
      users: [
        // display (ours): the name the hall knows, '' for none
        { user: 'li', display: '李娜', ...zero, accepted: 2, passed: 1, completed: 1, visits: 2 },
        // wang's handout of A counts too (ours: the contract's figures have no such move)
        { user: 'wang', display: '', ...zero, called: 1, accepted: 3, passed: 1, returned: 1, rejected: 1, handed_out: 1 },
        { user: 'zhao', display: '', ...zero, completed: 1, followups: 1 },
      ],
      channels: { kiosk: 5, window: 0, web: 2 },
      overdue: 0,
      waiting_at_close: 2,
      on_time_rate: 1,
      finished: 2,
      on_time: 2,
      ratings: { 1: 0, 2: 0, 3: 0, 4: 1, 5: 0 },
      // ours: the resident's rating of A, handed in, counts in 满意率
      ratings_counted: { 1: 0, 2: 0, 3: 0, 4: 1, 5: 0 },
      // ours: today's report names its overdue cases (none here)
      overdue_cases: [],
      // ours: F was visited; no visit is owed
      visits_owed: { missed: 0, today: 0 },
      // ours: C's call-back was made; nothing else was opened
      followups_owed: { open: 0, overdue: 0, complaints: 0, complaints_apart: 0, retrying: 0 },
      followups_closed: { done: 1, reached_on_retry: 0, unreachable: 0 },
      // ours: B, returned, was handed in again and taken up: nothing owed
      corrections_owed: { returned: 0, no_show: 0, ending: 0 },
      // ours: no reminder call to a resident owing 补正
      reminders: { calls: 0, cases: 0 },
      corrections_lost: { given_up: 0, no_show: 0 },
      ratings_apart: { staff: 0, not_handed_in: 0, staff_users: [] },
    });
  });

  it('the same as CSV, by ?format=csv or Accept: text/csv, with the date in the file name', async () => {
    const expected = '\ufeff工作人员,叫号,受理,流转,办结,退回补正,不予办理,上门服务,回访,发放,不予受理\r\n' +
      'li,0,2,1,1,0,0,2,0,0,0\r\nwang,1,3,1,0,1,1,0,0,1,0\r\nzhao,0,0,0,1,0,0,0,1,0,0\r\n' +
      '合计,1,5,2,2,1,1,2,1,1,0\r\n\r\n' +
      `项目,数值\r\n日期,${day}\r\n自助机开始办理,5\r\n窗口开始办理,0\r\n网上开始办理,2\r\n` +
      '逾期未办结,0\r\n下班时仍在等候,2\r\n当日办结,2\r\n按期办结,2\r\n按期办结率,100.0%\r\n' +
      '评价1分,0\r\n评价2分,0\r\n评价3分,0\r\n评价4分,1\r\n评价5分,0\r\n' +
      '其中工作人员登录的浏览器评价(不计满意率),0\r\n其中未交到大厅的办件评价(不计满意率),0\r\n' +
      '计入满意率的评价1分,0\r\n计入满意率的评价2分,0\r\n计入满意率的评价3分,0\r\n' +
      '计入满意率的评价4分,1\r\n计入满意率的评价5分,0\r\n' +
      '待回访(当日结束时),0\r\n其中已超期,0\r\n其中差评整改,0\r\n' +
      '上门服务已过约定日期未办,0\r\n今天约定的上门服务未办,0\r\n' +
      '等待居民补正(现在),0\r\n补正件过号未到仍可受理(现在),0\r\n其中一个工作日内将按放弃处理或清除,0\r\n' +
      '补正件当日按放弃处理,0\r\n补正件当日过号未到,0\r\n' +
      '待回访差评整改中由不计满意率的评价引起,0\r\n' +
      '\r\n逾期办件,事项,环节,岗位,环节期限,承诺办结日期,首问负责人\r\n' +
      // ours (12-07), at the very end: call-backs waiting for a try, reminder calls
      '\r\n项目,数值\r\n待回访中联系不上待再打(当日结束时),0\r\n当日电话提醒补正次数,0\r\n电话提醒补正的办件数,0\r\n' +
      '\r\n项目,数值\r\n当日结束的回访,1\r\n其中再打才联系上,0\r\n其中联系不上结束,0\r\n';
    for (const [p, headers] of [[`/api/v1/admin/report?date=${day}&format=csv`, {}],
      [`/api/v1/admin/report?date=${day}`, { Accept: 'text/csv' }]]) {
      const r = await get(p, headers);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
      assert.equal(r.headers.get('content-disposition'), `attachment; filename="spkiosk-report-${day}.csv"`);
      // staffers' names, as the JSON: never written to the disk of a shared PC
      assert.equal(r.headers.get('cache-control'), 'no-store');
      assert.equal(r.text, expected);
    }
  });

  // One address, two forms chosen by Accept: a cache in between (a proxy,
  // the browser's own) that is not told so may hand the CSV a spreadsheet
  // asked for to the report page, or the JSON to the download (RFC 9110
  // 12.5.5). ?format= names the form in the address itself.
  it('chosen by Accept, the answer says Vary: Accept, whichever form it is', async () => {
    const vary = (r) => (r.headers.get('vary') ?? '').split(',').map((v) => v.trim().toLowerCase());
    for (const headers of [{ Accept: 'text/csv' }, { Accept: 'application/json' }, {}]) {
      const r = await get(`/api/v1/admin/report?date=${day}`, headers);
      assert.equal(r.status, 200, r.text);
      assert.ok(vary(r).includes('accept'), `${JSON.stringify(headers)}: Vary ${r.headers.get('vary')}`);
    }
    const named = await get(`/api/v1/admin/report?date=${day}&format=csv`, { Accept: 'application/json' });
    assert.equal(named.headers.get('content-type'), 'text/csv; charset=utf-8');
  });

  it('the statistics gain the on-time rate and the working days per stage', async () => {
    const r = await get(`/api/v1/admin/stats?from=${day}&to=${day}`);
    assert.equal(r.status, 200, r.text);
    const by = Object.fromEntries(r.body.procedures.map((p) => [p.id, p]));
    const pick = (p) => ({ finished: p.finished, on_time: p.on_time, on_time_rate: p.on_time_rate, stages: p.stages });
    // A passed through its three stages the day it was accepted; B was rejected at its first
    assert.deepEqual(pick(by.dibao), { finished: 1, on_time: 1, on_time_rate: 1, stages: [
      { key: 'accept', label: '社区受理', median: 0, count: 1 },
      { key: 'review', label: '民政专干审核', median: 0, count: 1 },
      { key: 'approve', label: '街道审批', median: 0, count: 1 },
    ] });
    assert.deepEqual(pick(by.quick), { finished: 1, on_time: 1, on_time_rate: 1, stages: [
      { key: 'handle', label: '当场办理', median: 0, count: 1 },
    ] });
    const csv = await get(`/api/v1/admin/stats?from=${day}&to=${day}&format=csv`);
    const head = csv.text.split('\r\n')[0].split(',');
    const row = csv.text.split('\r\n').find((l) => l.startsWith('dibao,')).split(',');
    assert.deepEqual([15, 16, 17].map((i) => [head[i], row[i]]),
      [['期内办结', '1'], ['按期办结', '1'], ['按期办结率', '100.0%']]);
  });

  it('without a date: today', async () => {
    const r = await get('/api/v1/admin/report');
    assert.equal(r.status, 200);
    assert.equal(r.body.date, day);
    assert.deepEqual(r.body.users.map((u) => u.user), ['li', 'wang', 'zhao']);
    // a form sent with the date field left empty asks for today too
    const empty = await get('/api/v1/admin/report?date=');
    assert.equal(empty.status, 200, empty.text);
    assert.equal(empty.body.date, day);
  });

  it('another day counts nothing', async () => {
    const r = await get('/api/v1/admin/report?date=2026-01-01');
    assert.deepEqual(r.body, {
      date: '2026-01-01', day: 'closed', users: [], channels: { kiosk: 0, window: 0, web: 0 }, overdue: 0,
      waiting_at_close: 0, on_time_rate: 1, finished: 0, on_time: 0,
      ratings: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 },
      ratings_counted: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 },
      overdue_cases: null,
      visits_owed: null,
      followups_owed: { open: 0, overdue: 0, complaints: 0, complaints_apart: 0, retrying: 0 },
      followups_closed: { done: 0, reached_on_retry: 0, unreachable: 0 },
      corrections_owed: null,
      // ours: no reminder call to a resident owing 补正
      reminders: { calls: 0, cases: 0 },
      corrections_lost: { given_up: 0, no_show: 0 },
      ratings_apart: { staff: 0, not_handed_in: 0, staff_users: [] },
    });
  });
});

describe('refusals', () => {
  it('400 bad_date for a date that is not one (a query, not JSON: malformed), with a Chinese message', async () => {
    for (const d of ['2026-13-01', '2026-02-30', '26-01-01', 'today', '2026-1-1', '1999-12-31']) {
      const r = await get(`/api/v1/admin/report?date=${encodeURIComponent(d)}`);
      assertError(r, 400, 'bad_date', d);
      assert.match(r.body.error.message, /日期/);
    }
  });

  it('400 bad_format for a format other than json or csv', async () => {
    assertError(await get('/api/v1/admin/report?format=xlsx'), 400, 'bad_format');
  });

  it('staff and residents may not read it', async () => {
    assert.equal((await get('/api/v1/admin/report', {}, h.wang)).status, 403);
    assert.equal((await get('/api/v1/admin/report', {}, null)).status, 401);
  });

  it('the page is served', async () => {
    const r = await get('/admin/report', {}, null);
    assert.equal(r.status, 200);
    assert.match(r.text, /report\.[0-9a-f]{8}\.js/);
  });
});
