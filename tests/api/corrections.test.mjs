// The cases back with their residents for 补正, and what each of the hall's
// people sees of them as the days pass with no hand-in. 我的待办 lists
// accepted cases, the queue waiting ones, the day's report the hall's own
// delays: a case returned and never brought back, or handed in again and
// called while its resident was not there (过号), was on no list and in no
// figure until the sweep gave it up, a month later by default. Now the
// staffer who answers for it (首问负责: the owner, or who returned a case
// never accepted) has GET /api/v1/staff/corrections, with the number to
// call and the day the hall would lose it, and the day's report counts
// them. The daemon's clock stands still (libfaketime), moved by the test.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  LIBFAKETIME, SAMPLE_TREE, addUser, assertError, authHeaders, login, makeTmp, request, startDaemon,
  stopChecked, stoppedClockAtInstant, stoppedClockEnv, writeTree, sleep,
} from './helpers.mjs';

const NO_FAKETIME = fs.existsSync(LIBFAKETIME) ? false : 'needs libfaketime';
const TZ = 'Asia/Shanghai';
const MOBILE = '13800138000';
const POSTS = '# 岗位\n\n- window 综合窗口（A岗）\n- visit 上门服务（B岗）\n- civil 民政专干\n';
const PROC = '---\nversion: 2026-01-01\nvisit: yes\n---\n# 高龄补贴\n\n简介。\n\n## 办理流程\n流程。\n\n'
  + '```chain\nfirst | 初审 | window | 1\nten   | 审批 | civil  | 10\n```\n\n'
  + '## 第一步：准备\n- [ ] 身份证\n\n```form\nphone | 联系电话 | cn_mobile | required\n```\n';

describe('cases owed by their residents after a return (补正)', { skip: NO_FAKETIME }, () => {
  let tmp, clock, db, tree, d = null;
  const s = {};
  const at = async (iso) => {
    stoppedClockAtInstant(clock, new Date(iso), TZ);
    // a month on, yesterday's sessions have ended
    for (const [name, pw] of [['wang', 'wang-password-1'], ['li', 'li-password-2'], ['boss', 'boss-password-3']])
      s[name] = await login(d.url, name, pw);
  };
  const post = (p, body) => request(`${d.url}${p}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body),
  });
  const spost = async (p, body = {}, who = 'wang') => {
    const r = await request(`${d.url}${p}`, { method: 'POST', headers: authHeaders(s[who]), body: JSON.stringify(body) });
    assert.equal(r.status, 200, `${p}: ${r.text}`);
    return r.body;
  };
  const sget = (p, who = 'wang') => request(`${d.url}${p}`, { headers: authHeaders(s[who]) });
  const list = async (q = '', who = 'wang') => {
    const r = await sget(`/api/v1/staff/corrections${q}`, who);
    assert.equal(r.status, 200, r.text);
    return r.body;
  };
  const ids = (l) => l.corrections.map((e) => e.id).sort();
  const entry = (l, id) => l.corrections.find((e) => e.id === id);
  const handIn = async () => {
    const c = await post('/api/v1/cases', { procedure: 'aid', channel: 'kiosk' });
    assert.equal(c.status, 201, c.text);
    assert.equal((await post(`/api/v1/cases/${c.body.id}/steps/0`,
      { checklist: { 's0-0': true }, fields: { phone: MOBILE } })).status, 200);
    assert.equal((await post(`/api/v1/cases/${c.body.id}/submit`)).status, 200);
    return c.body.id;
  };
  const report = async (date) => {
    const r = await sget(`/api/v1/admin/report?date=${date}`, 'boss');
    assert.equal(r.status, 200, r.text);
    return r.body;
  };
  const start = async () => {
    d = await startDaemon({ tree, db, env: stoppedClockEnv(clock, TZ) });
  };
  before(async () => {
    tmp = makeTmp();
    clock = path.join(tmp, 'clock');
    stoppedClockAtInstant(clock, new Date('2026-11-02T09:00:00+08:00'), TZ);
    tree = writeTree(path.join(tmp, 'p'), {
      '_posts.md': POSTS,
      // and 元旦 of 2027, as the State Council's notice will have it
      '_calendar.md': `${fs.readFileSync(path.join(SAMPLE_TREE, '_calendar.md'), 'utf8')}\n- 2027-01-01 休\n`,
      'a/README.md': '# 甲\n\n甲。\n',
      'a/aid.md': PROC,
    });
    db = path.join(tmp, 'x.db');
    await start();
    addUser(db, 'wang', 'staff', 'wang-password-1');
    addUser(db, 'li', 'staff', 'li-password-2');
    addUser(db, 'boss', 'admin', 'boss-password-3');
  });
  after(() => stopChecked(d, tmp));

  it('lists each to whoever answers for it, counts them in the report, until handed in or lost', async () => {
    // Mon 11-02: accepted by wang, then returned by him (his, the clock stopped)
    await at('2026-11-02T09:00:00+08:00');
    const accepted = await handIn();
    await spost(`/api/v1/staff/cases/${accepted}/accept`);
    await spost(`/api/v1/staff/cases/${accepted}/return`, { reason: '户口簿复印件不清楚' });
    // returned by li at intake, never accepted: no owner, so li's
    const intake = await handIn();
    await spost(`/api/v1/staff/cases/${intake}/return`, { reason: '缺少身份证复印件' }, 'li');
    // wang's, corrected the same day, then called and not there (过号)
    const noShow = await handIn();
    await spost(`/api/v1/staff/cases/${noShow}/accept`);
    await spost(`/api/v1/staff/cases/${noShow}/return`, { reason: '缺少照片' });
    assert.equal((await post(`/api/v1/cases/${noShow}/submit`)).status, 200);
    await spost(`/api/v1/staff/cases/${noShow}/call`);
    await spost(`/api/v1/staff/cases/${noShow}/no-show`);
    // not owed by a resident: a no-show never returned, and a correction
    // handed in again (the queue lists it)
    const plain = await handIn();
    await spost(`/api/v1/staff/cases/${plain}/call`);
    await spost(`/api/v1/staff/cases/${plain}/no-show`);
    const back = await handIn();
    await spost(`/api/v1/staff/cases/${back}/return`, { reason: '签名漏了' });
    assert.equal((await post(`/api/v1/cases/${back}/submit`)).status, 200);

    let mine = await list();
    assert.deepEqual(ids(mine), [accepted, noShow].sort());
    assert.deepEqual(mine.counts, { total: 2, returned: 1, no_show: 1, ending: 0 });
    const a = entry(mine, accepted);
    assert.equal(a.status, 'returned');
    assert.equal(a.title, '高龄补贴');
    assert.equal(a.owner, 'wang');
    assert.equal(a.returned_by, 'wang');
    assert.equal(a.no_show_at, null);
    assert.deepEqual(a.stage, { key: 'first', label: '初审', post: 'window' });
    assert.equal(a.committed, '2026-11-17');
    assert.equal(a.phone, MOBILE, 'the number to call');
    assert.equal(a.home_visit, true, 'the B post may correct it at the home');
    assert.equal(a.since, '2026-11-02');
    assert.equal(a.days, 0);
    // the sweep gives a return up after the retention period (30 days),
    // on Wed 12-02 at nine: the resident has until Tuesday, all of it
    assert.equal(a.ends_on, '2026-12-01');
    assert.equal(a.ending, false);
    assert.equal(a.ticket_day, null, "today's ticket");
    assert.equal(a.notice.done, null, 'told by a text not sent yet');
    const n = entry(mine, noShow);
    assert.equal(n.status, 'abandoned');
    assert.ok(n.no_show_at);
    assert.equal(n.returned_by, 'wang');
    assert.equal(n.notice.done_by, '~resident', 'handed in again: nobody phones about the return');

    const lis = await list('', 'li');
    assert.deepEqual(ids(lis), [intake]);
    const i = entry(lis, intake);
    assert.equal(i.owner, null);
    assert.equal(i.returned_by, 'li');
    assert.equal(i.stage, null);
    assert.equal(i.committed, null);
    assert.equal(i.notice.done, null, 'a text queued, not sent: there is no --notify-command');
    assert.deepEqual(ids(await list('?owner=li')), [intake], "a colleague's, by name");
    const all = await list('?all=1', 'boss');
    assert.deepEqual(ids(all), [accepted, intake, noShow].sort());

    let r = await report('2026-11-02');
    assert.deepEqual(r.corrections_owed, { returned: 2, no_show: 1, ending: 0 });
    assert.deepEqual(r.corrections_lost, { given_up: 0, no_show: 1 }, 'the never-returned no-show is not one');
    const csv = await sget('/api/v1/admin/report?date=2026-11-02&format=csv', 'boss');
    assert.match(csv.text, /\r\n等待居民补正\(现在\),2\r\n补正件过号未到仍可受理\(现在\),1\r\n/);
    assert.match(csv.text, /\r\n补正件当日按放弃处理,0\r\n补正件当日过号未到,1\r\n/);

    // a week on (Mon 11-09), nobody back: five working days
    await at('2026-11-09T10:00:00+08:00');
    mine = await list();
    assert.equal(entry(mine, accepted).days, 5);
    assert.equal(entry(mine, accepted).ticket_day, '2026-11-02', "another day's ticket says which");
    // the case's own view says the same to whoever opens it to phone
    const view = async (id) => (await sget(`/api/v1/staff/cases/${id}`)).body;
    assert.deepEqual((await view(accepted)).owed, { since: '2026-11-02', days: 5, ends_on: '2026-12-01', ending: false, reminded: null });
    assert.equal((await view(plain)).owed, null, 'a no-show never returned is owed nothing');
    assert.equal((await view(back)).owed, null, 'handed in again: the queue has it');
    r = await report('2026-11-02');
    assert.equal(r.corrections_owed, null, "a past day's status is not kept");
    assert.deepEqual(r.corrections_lost, { given_up: 0, no_show: 1 });

    // Tue 12-01: the last day for all three; the hall loses them tomorrow
    await at('2026-12-01T10:00:00+08:00');
    mine = await list();
    assert.deepEqual(mine.counts, { total: 2, returned: 1, no_show: 1, ending: 2 });
    assert.equal(entry(mine, accepted).days, 21);
    assert.equal(entry(mine, noShow).ending, true);
    assert.deepEqual((await sget(`/api/v1/staff/cases/${noShow}`)).body.owed,
      { since: '2026-11-02', days: 21, ends_on: '2026-12-01', ending: true, reminded: null });
    assert.deepEqual((await report('2026-12-01')).corrections_owed, { returned: 2, no_show: 1, ending: 3 });
    // its resident brings the correction: off the list, in the queue
    assert.equal((await post(`/api/v1/cases/${accepted}/submit`)).status, 200);
    assert.deepEqual(ids(await list()), [noShow]);
    assert.equal((await sget(`/api/v1/staff/cases/${accepted}`)).body.owed, null);

    // Thu 12-03: the sweep (at the start) gave the return up on 12-02 and
    // erased the no-show's answers (accept would be 409 erased)
    await d.stop();
    stoppedClockAtInstant(clock, new Date('2026-12-03T10:00:00+08:00'), TZ);
    await start();
    await at('2026-12-03T10:00:00+08:00');
    for (let k = 0; k < 200 && (await request(`${d.url}/api/v1/cases/${intake}`)).body.status !== 'abandoned'; k++)
      await sleep(50);
    assert.equal((await request(`${d.url}/api/v1/cases/${intake}`)).body.status, 'abandoned');
    assert.deepEqual(ids(await list('?all=1', 'boss')), []);
    assert.deepEqual((await report('2026-12-02')).corrections_lost, { given_up: 1, no_show: 0 });
    assert.deepEqual((await report('2026-12-03')).corrections_owed, { returned: 0, no_show: 0, ending: 0 });
  });

  // The resident was never told until when: the page of a returned case
  // and the printed notice said what to correct, not by which day, while
  // the staff's list counted down to it. Both now give the staff's date.
  it("tells the resident the day the staff see, which a correction saved moves on", async () => {
    // Thu 12-03, after the first test's sweep
    await at('2026-12-03T10:00:00+08:00');
    const id = await handIn();
    await spost(`/api/v1/staff/cases/${id}/return`, { reason: '缺少身份证复印件', checklist: ['s0-0'] });
    const mine = async () => (await request(`${d.url}/api/v1/cases/${id}`)).body;
    const owed = async () => (await sget(`/api/v1/staff/cases/${id}`)).body.owed;
    // the sweep gives it up on Sat 2027-01-02, 30 days on; 元旦 is a
    // holiday: the last day the hall is open for it is Thursday
    assert.equal((await mine()).correct_by, '2026-12-31', 'the last working day before the sweep');
    assert.equal((await owed()).ends_on, '2026-12-31', "the staff's date");
    const notice = await sget(`/print/staff/cases/${id}/correction`);
    assert.equal(notice.status, 200);
    assert.match(notice.text, /请最晚在2026年12月31日（星期四）交回。<\/strong>过了这一天还没有交回的，这次办理按放弃处理/);
    // a week on the resident corrects the flagged step at home: activity,
    // so the hall keeps it a week longer, and both say so
    await at('2026-12-10T10:00:00+08:00');
    assert.equal((await post(`/api/v1/cases/${id}/steps/0`,
      { checklist: { 's0-0': true }, fields: { phone: MOBILE } })).status, 200);
    // given up on Sat 01-09: Friday
    assert.equal((await mine()).correct_by, '2027-01-08');
    assert.equal((await owed()).ends_on, '2027-01-08');
    // handed in again: nothing owed, nothing to say
    assert.equal((await post(`/api/v1/cases/${id}/submit`)).status, 200);
    assert.equal((await mine()).correct_by, null);
    assert.equal((await sget(`/print/staff/cases/${id}/correction`)).status, 409);
  });

  // 补正件当日流失 is what the hall lost that day: a resident called while
  // away, who came back an hour later and was taken on, is not one of them.
  it("counts a corrected no-show as lost only if it was not taken on later that day", async () => {
    // Fri 12-11: two corrected cases handed in again, called, not there
    await at('2026-12-11T09:00:00+08:00');
    const late = await handIn();
    const gone = await handIn();
    for (const id of [late, gone]) {
      await spost(`/api/v1/staff/cases/${id}/return`, { reason: '缺少照片' });
      assert.equal((await post(`/api/v1/cases/${id}/submit`)).status, 200);
      await spost(`/api/v1/staff/cases/${id}/call`);
      await spost(`/api/v1/staff/cases/${id}/no-show`);
    }
    assert.deepEqual((await report('2026-12-11')).corrections_lost, { given_up: 0, no_show: 2 });
    // late's resident comes in at eleven: li takes it on
    await at('2026-12-11T11:00:00+08:00');
    await spost(`/api/v1/staff/cases/${late}/accept`, {}, 'li');
    assert.deepEqual((await report('2026-12-11')).corrections_lost, { given_up: 0, no_show: 1 });
    assert.deepEqual(ids(await list('?all=1', 'boss')).filter((x) => x === late || x === gone), [gone]);
    // gone's resident comes on Monday: 12-11 lost it all the same
    await at('2026-12-14T09:30:00+08:00');
    await spost(`/api/v1/staff/cases/${gone}/accept`, {}, 'li');
    assert.deepEqual((await report('2026-12-11')).corrections_lost, { given_up: 0, no_show: 1 });
    assert.deepEqual((await report('2026-12-14')).corrections_lost, { given_up: 0, no_show: 0 });
  });

  // A 差评 on a no-show opens a call-back, and the sweep keeps the case's
  // answers (accept still takes it) until the call-back's due date is a
  // retention period old: the list kept it only to the usual day and told
  // the staffer 即将清除 for a case the hall still had.
  it("keeps a no-show held by an open call-back listed, until the day the sweep erases it", async () => {
    await at('2026-12-15T09:00:00+08:00');
    const held = await handIn();
    await spost(`/api/v1/staff/cases/${held}/return`, { reason: '缺少照片' });
    assert.equal((await post(`/api/v1/cases/${held}/submit`)).status, 200);
    await spost(`/api/v1/staff/cases/${held}/call`);
    await spost(`/api/v1/staff/cases/${held}/no-show`);
    // a returned case the sweep gives up on 2027-01-14: a sign it has run
    const sign = await handIn();
    await spost(`/api/v1/staff/cases/${sign}/return`, { reason: '缺少照片' });
    assert.equal((await post(`/api/v1/cases/${held}/rating`, { score: 2 })).status, 204);
    const sql = (q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();
    const due = sql(`SELECT due FROM followups WHERE case_id = '${held}' AND done_at IS NULL`);
    assert.match(due, /^2027-01-\d\d$/, 'a complaint: 15 working days');
    const dayAfter = (d, n) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86400e3).toISOString().slice(0, 10);
    // erased once the cut-off's day (today less 30 days) is past the due date
    const erasedOn = dayAfter(due, 31);
    // the day named is the last working day before (no 2027 holidays here
    // but 元旦)
    let lastDay = dayAfter(erasedOn, -1);
    while ([0, 6].includes(new Date(`${lastDay}T00:00:00Z`).getUTCDay()) || lastDay === '2027-01-01')
      lastDay = dayAfter(lastDay, -1);
    const entryOf = async () => entry(await list('?all=1', 'boss'), held);
    assert.equal((await entryOf()).ends_on, lastDay, 'not 2027-01-13: the call-back holds it');
    assert.equal((await sget(`/api/v1/staff/cases/${held}`)).body.owed.ends_on, lastDay);
    const restartAt = async (iso, done) => {
      await d.stop();
      stoppedClockAtInstant(clock, new Date(iso), TZ);
      await start();
      await at(iso);
      for (let k = 0; k < 200 && !done(); k++)
        await sleep(50);
      assert.ok(done(), `the sweep ran at ${iso}`);
    };
    // 2027-01-15: retention ran out for its own activity; the sweep gave
    // the sign up and kept the held no-show's answers
    await restartAt('2027-01-15T10:00:00+08:00', () => sql(`SELECT status FROM cases WHERE id = '${sign}'`) === 'abandoned');
    assert.equal(sql(`SELECT erased_at IS NULL FROM cases WHERE id = '${held}'`), '1');
    const e = await entryOf();
    assert.ok(e, 'still listed: accept takes it');
    assert.equal(e.ends_on, lastDay);
    assert.equal((await report('2027-01-15')).corrections_owed.no_show, 1);
    // the day before erasedOn it is there, on erasedOn it is gone; a kiosk
    // case left two hours before the restart (given up after one) is the
    // sign that the sweep ran
    await at(`${dayAfter(erasedOn, -1)}T08:00:00+08:00`);
    const left = await post('/api/v1/cases', { procedure: 'aid', channel: 'kiosk' });
    assert.equal(left.status, 201, left.text);
    await restartAt(`${dayAfter(erasedOn, -1)}T10:00:00+08:00`,
      () => sql(`SELECT status FROM cases WHERE id = '${left.body.id}'`) === 'abandoned');
    assert.equal(sql(`SELECT erased_at IS NULL FROM cases WHERE id = '${held}'`), '1');
    assert.equal((await entryOf()).ending, true, 'lost on the next working day or sooner');
    await restartAt(`${erasedOn}T10:00:00+08:00`, () => sql(`SELECT erased_at IS NOT NULL FROM cases WHERE id = '${held}'`) === '1');
    assert.equal(await entryOf(), undefined);
  });

  it('refuses a malformed filter, and anyone not logged in', async () => {
    assertError(await sget('/api/v1/staff/corrections?all=2'), 400, 'bad_query');
    assertError(await sget('/api/v1/staff/corrections?owner=%20'), 400, 'bad_query');
    assertError(await sget('/api/v1/staff/corrections?owner=li&all=1'), 400, 'bad_query');
    assertError(await request(`${d.url}/api/v1/staff/corrections`), 401, 'not_logged_in');
  });
});

// 电话提醒: staff phone the residents on this list, and nothing recorded it,
// so a colleague phoned the same elder again and the list could not say
// 已提醒. POST …/remind records the call (what was said, optional) on the
// list and in the history, and is no activity: the resident's correct_by
// and the list's ends_on stay the return's.
describe('a reminder call on a case owed (…/remind)', () => {
  let tmp, db, d;
  const s = {};
  before(async () => {
    tmp = makeTmp();
    const tree = writeTree(path.join(tmp, 'p'), { '_posts.md': POSTS, 'a/README.md': '# 甲\n\n甲。\n', 'a/aid.md': PROC });
    db = path.join(tmp, 'x.db');
    d = await startDaemon({ tree, db, env: { TZ } });
    addUser(db, 'wang', 'staff', 'wang-password-1');
    addUser(db, 'li', 'staff', 'li-password-2');
    s.wang = await login(d.url, 'wang', 'wang-password-1');
    s.li = await login(d.url, 'li', 'li-password-2');
  });
  after(() => stopChecked(d, tmp));
  const post = (p, body) => request(`${d.url}${p}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body),
  });
  const spost = (p, body, who = 'wang') => request(`${d.url}${p}`, { method: 'POST', headers: authHeaders(s[who]),
    body: body === undefined ? undefined : JSON.stringify(body) });
  const sget = (p, who = 'wang') => request(`${d.url}${p}`, { headers: authHeaders(s[who]) });
  const sql = (q) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, q], { encoding: 'utf8' }).trim();
  const handIn = async () => {
    const c = await post('/api/v1/cases', { procedure: 'aid', channel: 'kiosk' });
    assert.equal((await post(`/api/v1/cases/${c.body.id}/steps/0`,
      { checklist: { 's0-0': true }, fields: { phone: MOBILE } })).status, 200);
    assert.equal((await post(`/api/v1/cases/${c.body.id}/submit`)).status, 200);
    return c.body.id;
  };
  const entryOf = async (id) => (await sget('/api/v1/staff/corrections')).body.corrections.find((e) => e.id === id);

  it('is on the list and in the history, and moves no day', async () => {
    const id = await handIn();
    assert.equal((await spost(`/api/v1/staff/cases/${id}/return`, { reason: '缺少身份证复印件' })).status, 200);
    assert.equal((await entryOf(id)).reminded, null);
    // returned three days ago: its days run from then
    const then = new Date(Date.now() - 3 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z');
    sql(`UPDATE cases SET updated_at = '${then}' WHERE id = '${id}'`);
    const by = (await request(`${d.url}/api/v1/cases/${id}`)).body.correct_by;
    const ends = (await entryOf(id)).ends_on;
    assert.equal(ends, by);
    const r = await spost(`/api/v1/staff/cases/${id}/remind`, { note: '  居民说周五带户口簿来  ' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'returned');
    const ev = r.body.events.filter((e) => e.what === 'reminded');
    assert.deepEqual(ev.map((e) => [e.user, e.detail]), [['wang', '居民说周五带户口簿来']]);
    assert.equal(r.body.owed.reminded.note, '居民说周五带户口簿来');
    // no activity: the sweep's period and the resident's day stay
    assert.equal(sql(`SELECT updated_at FROM cases WHERE id = '${id}'`), then);
    assert.equal((await request(`${d.url}/api/v1/cases/${id}`)).body.correct_by, by);
    let e = await entryOf(id);
    assert.equal(e.ends_on, ends);
    assert.equal(e.reminded.by, 'wang');
    assert.equal(e.reminded.count, 1);
    assert.match(e.reminded.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // a colleague calls again, saying nothing: the newest, and how many
    assert.equal((await spost(`/api/v1/staff/cases/${id}/remind`, undefined, 'li')).status, 200);
    assert.equal((await spost(`/api/v1/staff/cases/${id}/remind`, { note: '   ' }, 'li')).status, 200);
    e = await entryOf(id);
    assert.deepEqual([e.reminded.by, e.reminded.note, e.reminded.count], ['li', null, 3]);
    // corrected and handed in: off the list, nothing to remind of
    assert.equal((await post(`/api/v1/cases/${id}/submit`)).status, 200);
    assertError(await spost(`/api/v1/staff/cases/${id}/remind`, {}), 409, 'not_owed');
    // returned again: the calls were about the earlier return
    assert.equal((await spost(`/api/v1/staff/cases/${id}/return`, { reason: '照片不清楚' })).status, 200);
    assert.equal((await entryOf(id)).reminded, null);
  });

  it('takes a corrected no-show; refuses a case not owed, a long note, a bad body, no token', async () => {
    const id = await handIn();
    assert.equal((await spost(`/api/v1/staff/cases/${id}/return`, { reason: '缺少照片' })).status, 200);
    assert.equal((await post(`/api/v1/cases/${id}/submit`)).status, 200);
    assert.equal((await spost(`/api/v1/staff/cases/${id}/call`, {})).status, 200);
    assert.equal((await spost(`/api/v1/staff/cases/${id}/no-show`, {})).status, 200);
    assert.equal((await spost(`/api/v1/staff/cases/${id}/remind`, { note: '没人接听' })).status, 200);
    assert.equal((await entryOf(id)).reminded.note, '没人接听');
    const waiting = await handIn();
    assertError(await spost(`/api/v1/staff/cases/${waiting}/remind`, {}), 409, 'not_owed');
    const other = await handIn();
    assert.equal((await spost(`/api/v1/staff/cases/${other}/return`, { reason: '缺少照片' })).status, 200);
    const long = await spost(`/api/v1/staff/cases/${other}/remind`, { note: '话'.repeat(101) });
    assertError(long, 422, 'note_too_long');
    assert.match(long.body.error.message, /100 个字/);
    assert.equal((await spost(`/api/v1/staff/cases/${other}/remind`, { note: '话'.repeat(100) })).status, 200);
    assertError(await spost(`/api/v1/staff/cases/${other}/remind`, { note: 5 }), 422, 'invalid_body');
    assertError(await spost(`/api/v1/staff/cases/${other}/remind`, { note: '居民\u202e说' }), 422, 'bad_text');
    assertError(await request(`${d.url}/api/v1/staff/cases/${other}/remind`, {
      method: 'POST', headers: { Cookie: s.wang.cookie, 'content-type': 'application/json' }, body: '{}',
    }), 403, 'csrf_failed');
    assertError(await post(`/api/v1/staff/cases/${other}/remind`, {}), 401, 'not_logged_in');
    assertError(await spost('/api/v1/staff/cases/nosuchcase00000000000000000000000/remind', {}), 404, 'unknown_case');
    assert.equal((await entryOf(other)).reminded.count, 1, 'the refused ones recorded nothing');
  });

  // A call about the return was answered: the resident brought the
  // correction. Called for it and not there, the case is on the list again
  // as a no-show, a new reason to phone; the row said 已电话提醒 with the
  // return's note (居民说周五来, who did come), and a colleague skipped
  // the call the list is for.
  it('a call about the return is not shown on the no-show after the correction', async () => {
    const id = await handIn();
    assert.equal((await spost(`/api/v1/staff/cases/${id}/return`, { reason: '缺少照片' })).status, 200);
    assert.equal((await spost(`/api/v1/staff/cases/${id}/remind`, { note: '居民说周五来' })).status, 200);
    assert.equal((await post(`/api/v1/cases/${id}/submit`)).status, 200);
    assert.equal((await spost(`/api/v1/staff/cases/${id}/call`, {})).status, 200);
    assert.equal((await spost(`/api/v1/staff/cases/${id}/no-show`, {})).status, 200);
    const e = await entryOf(id);
    assert.ok(e?.no_show_at, 'on the list as a no-show');
    assert.equal(e.reminded, null, JSON.stringify(e.reminded));
    assert.equal((await sget(`/api/v1/staff/cases/${id}`)).body.owed.reminded, null);
    // the history keeps the call all the same
    assert.equal((await sget(`/api/v1/staff/cases/${id}`)).body.events.filter((x) => x.what === 'reminded').length, 1);
    // a call about the no-show is shown, counted from it
    assert.equal((await spost(`/api/v1/staff/cases/${id}/remind`, { note: '没人接听' }, 'li')).status, 200);
    const r = (await entryOf(id)).reminded;
    assert.deepEqual([r.by, r.note, r.count], ['li', '没人接听', 1]);
  });

  // The day's report neither counted the calls nor said whose: a hall
  // manager could not tell whether the 等居民补正 list had been phoned.
  // Counted as differences, so the calls of the tests above do not matter.
  it('is counted in the day\'s report, by staffer, and in the CSV\'s last rows', async () => {
    addUser(db, 'boss', 'admin', 'boss-password-3');
    s.boss = await login(d.url, 'boss', 'boss-password-3');
    const report = async () => (await sget('/api/v1/admin/report', 'boss')).body;
    const mine = (r, u) => (r.users.find((x) => x.user === u) || { reminded: 0 }).reminded;
    const before = await report();
    const a = await handIn();
    const b = await handIn();
    for (const id of [a, b]) assert.equal((await spost(`/api/v1/staff/cases/${id}/return`, { reason: '缺少照片' })).status, 200);
    assert.equal((await spost(`/api/v1/staff/cases/${a}/remind`, { note: '没人接听' })).status, 200);
    assert.equal((await spost(`/api/v1/staff/cases/${a}/remind`, {}, 'li')).status, 200);
    assert.equal((await spost(`/api/v1/staff/cases/${b}/remind`, {}, 'li')).status, 200);
    const after = await report();
    assert.equal(after.reminders.calls - before.reminders.calls, 3);
    assert.equal(after.reminders.cases - before.reminders.cases, 2);
    assert.equal(mine(after, 'wang') - mine(before, 'wang'), 1);
    assert.equal(mine(after, 'li') - mine(before, 'li'), 2);
    // every staffer's row has it (a contract figure beside it stays as it was)
    for (const u of after.users) assert.equal(typeof u.reminded, 'number', u.user);
    const csv = await request(`${d.url}/api/v1/admin/report?format=csv`, { headers: authHeaders(s.boss) });
    assert.equal(csv.status, 200);
    const lines = csv.text.replace(/^\uFEFF/, '').split('\r\n');
    // the staff table keeps its columns; the new rows come after every other
    assert.equal(lines[0], '工作人员,叫号,受理,流转,办结,退回补正,不予办理,上门服务,回访,发放,不予受理');
    const at = lines.findIndex((l) => l.startsWith('当日电话提醒补正次数,'));
    assert.ok(at > lines.findIndex((l) => l.startsWith('待回访差评整改中由不计满意率的评价引起,')), csv.text);
    assert.ok(at > lines.indexOf('逾期办件,事项,环节,岗位,环节期限,承诺办结日期,首问负责人'), csv.text);
    assert.equal(lines[at], `当日电话提醒补正次数,${after.reminders.calls}`);
    assert.equal(lines[at + 1], `电话提醒补正的办件数,${after.reminders.cases}`);
    assert.equal(lines[at + 3], '工作人员,电话提醒补正次数');
    assert.ok(lines.includes(`li,${mine(after, 'li')}`), csv.text);
    assert.ok(lines.includes(`wang,${mine(after, 'wang')}`), csv.text);
  });
});
