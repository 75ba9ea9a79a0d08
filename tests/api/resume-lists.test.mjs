// A corrected case waiting for the hall, as every view says it. A case
// returned for 补正 stops its clock; from the resident's hand-in the clock
// is the hall's again, and the day's report counts the case overdue once
// the dates it would resume to have passed (relay_resume_dates). The
// pre-review list and the queue said nothing of it, and the case's own
// views (the staff view, the resident's) gave the dates stored before the
// return: the stage 10-08 where it resumes to 10-09, the promise 10-21
// where it is 10-22, so a staffer read it late a day early and the
// report's overdue case was on time on every page. Counted by hand over the
// sample's 2026 国庆 (10-01..10-07 休, Sat 10-10 班) for a chain of 0, 1
// and 10 working days; the daemon's clock stands still (libfaketime).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  LIBFAKETIME, SAMPLE_TREE, addUser, authHeaders, login, makeTmp, request, startDaemon, stopChecked,
  stoppedClockAtInstant, stoppedClockEnv, writeTree,
} from './helpers.mjs';

const NO_FAKETIME = fs.existsSync(LIBFAKETIME) ? false : 'needs libfaketime';
const TZ = 'Asia/Shanghai';
const POSTS = '# 岗位\n\n- window 综合窗口（A岗）\n- civil 民政专干\n';
const PROC = '---\nversion: 2026-01-01\nvisit: yes\n---\n# 补贴\n\n简介。\n\n## 办理流程\n流程。\n\n'
  + '```chain\nzero | 初审 | window | 0\none  | 复核 | window | 1\nten  | 审批 | civil  | 10\n```\n\n'
  + '## 第一步：准备\n- [ ] 身份证\n';

describe('a corrected case waiting for the hall, in the lists and views', { skip: NO_FAKETIME }, () => {
  let tmp, clock, d = null, staff, boss;
  const at = async (iso) => {
    stoppedClockAtInstant(clock, new Date(iso), TZ);
    staff = await login(d.url, 'wang', 'wang-password-1');
    boss = await login(d.url, 'boss', 'boss-password-1');
  };
  const post = (p, body) => request(`${d.url}${p}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body),
  });
  const spost = async (p, body = {}) => {
    const r = await request(`${d.url}${p}`, { method: 'POST', headers: authHeaders(staff), body: JSON.stringify(body) });
    assert.equal(r.status, 200, `${p}: ${r.text}`);
    return r.body;
  };
  const sget = async (p, who = staff) => {
    const r = await request(`${d.url}${p}`, { headers: authHeaders(who) });
    assert.equal(r.status, 200, `${p}: ${r.text}`);
    return r.body;
  };
  const start = async (channel) => {
    const c = await post('/api/v1/cases', { procedure: 'aid', channel });
    assert.equal(c.status, 201, c.text);
    assert.equal((await post(`/api/v1/cases/${c.body.id}/steps/0`, { checklist: { 's0-0': true } })).status, 200);
    return c.body.id;
  };
  const entry = (list, id) => list.find((e) => e.id === id);
  before(async () => {
    tmp = makeTmp();
    clock = path.join(tmp, 'clock');
    stoppedClockAtInstant(clock, new Date('2026-09-30T09:00:00+08:00'), TZ);
    const tree = writeTree(path.join(tmp, 'p'), {
      '_posts.md': POSTS,
      '_calendar.md': fs.readFileSync(path.join(SAMPLE_TREE, '_calendar.md'), 'utf8'),
      'a/README.md': '# 甲\n\n甲。\n',
      'a/aid.md': PROC,
    });
    const db = path.join(tmp, 'x.db');
    d = await startDaemon({ tree, db, env: stoppedClockEnv(clock, TZ) });
    addUser(db, 'wang', 'staff', 'wang-password-1');
    addUser(db, 'boss', 'admin', 'boss-password-1');
  });
  after(() => stopChecked(d, tmp));

  it('marks it past its dates where the report counts it, and every view gives the resumed dates', async () => {
    // web: accepted Wed 09-30 (promise 10-21), zero passed, returned the
    // same day in stage one with its one working day (10-08) left
    await at('2026-09-30T09:00:00+08:00');
    const web = await start('web');
    assert.equal((await post(`/api/v1/cases/${web}/submit`)).status, 200);
    assert.equal((await spost(`/api/v1/staff/cases/${web}/accept`)).due, '2026-10-21');
    await spost(`/api/v1/staff/cases/${web}/pass`, { note: '初审通过' });
    await spost(`/api/v1/staff/cases/${web}/return`, { reason: '户口本复印件不清楚' });
    // home: the same, its resident to ask for a home visit
    const home = await start('kiosk');
    assert.equal((await post(`/api/v1/cases/${home}/submit`)).status, 200);
    await spost(`/api/v1/staff/cases/${home}/accept`);
    await spost(`/api/v1/staff/cases/${home}/pass`, { note: '初审通过' });
    await spost(`/api/v1/staff/cases/${home}/return`, { reason: '缺少照片' });
    // kiosk: accepted 09-30, its 0-day stage overdue when returned on 10-08
    const kiosk = await start('kiosk');
    assert.equal((await post(`/api/v1/cases/${kiosk}/submit`)).status, 200);
    await spost(`/api/v1/staff/cases/${kiosk}/accept`);

    await at('2026-10-08T10:00:00+08:00');
    await spost(`/api/v1/staff/cases/${kiosk}/return`, { reason: '缺少村委会证明' });
    // handed in from home for pre-review on 10-08 (one working day spent
    // returned): stage one resumes to 10-09, the promise to 10-22
    await at('2026-10-08T20:00:00+08:00');
    assert.equal((await post(`/api/v1/cases/${web}/submit`, { prereview: true })).status, 200);
    assert.equal((await post(`/api/v1/cases/${home}/submit`, {
      visit: { date: '2026-10-12', slot: '上午', address: '幸福路1号', phone: '13800138000' },
    })).status, 200);
    let pre = await sget('/api/v1/staff/prereview');
    assert.deepEqual(entry(pre.prereview, web).resume,
      { stage_due: '2026-10-09', committed: '2026-10-22', overdue: false, late: false });

    // Fri 10-09: the kiosk case handed in again with a ticket (one day
    // spent returned, none left of its stage): resumes to 10-09, 10-22
    await at('2026-10-09T09:00:00+08:00');
    assert.equal((await post(`/api/v1/cases/${kiosk}/submit`)).status, 200);
    let q = await sget('/api/v1/staff/queue');
    assert.deepEqual(entry(q.queue, kiosk).resume,
      { stage_due: '2026-10-09', committed: '2026-10-22', overdue: false, late: false });
    // a case never returned has nothing to resume
    const plain = await start('kiosk');
    assert.equal((await post(`/api/v1/cases/${plain}/submit`)).status, 200);
    q = await sget('/api/v1/staff/queue');
    assert.equal(entry(q.queue, plain).resume, null);
    await at('2026-10-09T18:00:00+08:00');
    assert.equal((await sget('/api/v1/admin/report?date=2026-10-09', boss)).overdue, 0);

    // Sat 10-10 (班): nobody took either up; both stages ran out on 10-09
    await at('2026-10-10T18:00:00+08:00');
    assert.equal((await sget('/api/v1/admin/report?date=2026-10-10', boss)).overdue, 3);
    pre = await sget('/api/v1/staff/prereview');
    assert.deepEqual(entry(pre.prereview, web).resume,
      { stage_due: '2026-10-09', committed: '2026-10-22', overdue: true, late: false });
    q = await sget('/api/v1/staff/queue');
    // yesterday's ticket, never served: listed apart, and as late
    assert.equal(entry(q.earlier, kiosk).resume.overdue, true);
    // the B post's list, days before the visit
    const visits = await sget('/api/v1/staff/visits?date=2026-10-12');
    assert.deepEqual(entry(visits.visits, home).resume,
      { stage_due: '2026-10-09', committed: '2026-10-22', overdue: true, late: false });

    // the case's own views say the same dates and the same lateness
    const v = await sget(`/api/v1/staff/cases/${web}`);
    assert.equal(v.due, '2026-10-22');
    assert.deepEqual(v.stages.map((s) => s.due), ['2026-09-30', '2026-10-09', '2026-10-22']);
    assert.equal(v.overdue, true);
    assert.equal(v.late, false);
    assert.equal(v.resume.overdue, true);
    const pub = (await request(`${d.url}/api/v1/cases/${web}`)).body;
    assert.equal(pub.due, '2026-10-22');
    assert.equal(pub.stage.due, '2026-10-09');

    // the hall takes it up on Tue 10-13: the same dates, now stored
    await at('2026-10-13T09:00:00+08:00');
    await spost(`/api/v1/staff/cases/${web}/invite`, { date: '2026-10-13' });
    pre = await sget('/api/v1/staff/prereview');
    assert.equal(entry(pre.invited, web).resume.overdue, true, 'invited and still late');
    const a = await spost(`/api/v1/staff/cases/${web}/accept`);
    assert.equal(a.due, '2026-10-22');
    assert.deepEqual(a.stages.map((s) => s.due), ['2026-09-30', '2026-10-09', '2026-10-22']);
    assert.equal(a.overdue, true);
    assert.equal(a.resume, null, 'accepted: its dates are stored');
    const again = (await request(`${d.url}/api/v1/cases/${web}`)).body;
    assert.equal(again.due, '2026-10-22');
    assert.equal(again.stage.due, '2026-10-09');
  });
});
