// The committed date moves on by the working days a case spent returned
// (the contract's `due`), counted by hand over the sample's 2026 国庆
// (10-01..10-07 休, Sat 10-10 班) for a chain of 0, 1 and 10 working days.
// A spell with the resident ends at the hand-in: the days a corrected case
// then waits for the hall (an online pre-review, the date it is invited
// for) are the hall's. They were counted up to the acceptance, so the
// hall's own delay moved the resident's promised date on and read as on
// time. The daemon's clock stands still (libfaketime), moved day by day.
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
const PROC = '---\nversion: 2026-01-01\n---\n# 补贴\n\n简介。\n\n## 办理流程\n流程。\n\n'
  + '```chain\nzero | 初审 | window | 0\none  | 复核 | window | 1\nten  | 审批 | civil  | 10\n```\n\n'
  + '## 第一步：准备\n- [ ] 身份证\n';

describe('the days spent returned', { skip: NO_FAKETIME }, () => {
  let tmp, clock, d = null, staff;
  const at = async (iso) => {
    stoppedClockAtInstant(clock, new Date(iso), TZ);
    // a session idles out over the days the clock jumps
    staff = await login(d.url, 'wang', 'wang-password-1');
  };
  const post = (p, body) => request(`${d.url}${p}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body),
  });
  const spost = async (p, body = {}) => {
    const r = await request(`${d.url}${p}`, { method: 'POST', headers: authHeaders(staff), body: JSON.stringify(body) });
    assert.equal(r.status, 200, `${p}: ${r.text}`);
    return r.body;
  };
  const dates = (v) => ({ due: v.due, stages: v.stages.map((s) => s.due) });
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
  });
  after(() => stopChecked(d, tmp));

  // Accepted on Wed 09-30, the last working day before 国庆, its first stage
  // passed and the case returned the same day, in stage `one` with its one
  // working day (10-08) left.
  async function returnedOnSeptember30(channel) {
    await at('2026-09-30T09:00:00+08:00');
    const c = await post('/api/v1/cases', { procedure: 'aid', channel });
    assert.equal(c.status, 201, c.text);
    assert.equal((await post(`/api/v1/cases/${c.body.id}/steps/0`, { checklist: { 's0-0': true } })).status, 200);
    assert.equal((await post(`/api/v1/cases/${c.body.id}/submit`)).status, 200);
    const a = await spost(`/api/v1/staff/cases/${c.body.id}/accept`);
    // 0 days: 09-30 itself; 1: the first working day after, 10-08; 10 more:
    // 10-09, 10-10 (班), 10-12 … 10-16, 10-19, 10-20, 10-21
    assert.deepEqual(dates(a), { due: '2026-10-21', stages: ['2026-09-30', '2026-10-08', '2026-10-21'] });
    await spost(`/api/v1/staff/cases/${c.body.id}/pass`, { note: '初审通过' });
    await spost(`/api/v1/staff/cases/${c.body.id}/return`, { reason: '户口本复印件不清楚' });
    return c.body.id;
  }

  it('handed in and accepted on the same day: moved on by the days returned', async () => {
    const id = await returnedOnSeptember30('kiosk');
    await at('2026-10-10T09:30:00+08:00'); // Sat, 班: 10-08, 10-09, 10-10 spent returned
    assert.equal((await post(`/api/v1/cases/${id}/submit`)).status, 200);
    const a = await spost(`/api/v1/staff/cases/${id}/accept`);
    // 10-21 + 3: 10-22, 10-23, 10-26; stage one resumes 10-10 with its day: 10-12
    assert.deepEqual(dates(a), { due: '2026-10-26', stages: ['2026-09-30', '2026-10-12', '2026-10-26'] });
    assert.equal((await request(`${d.url}/api/v1/cases/${id}`)).body.due, '2026-10-26');
  });

  it('handed in from home for pre-review: the days the hall took are not the resident\'s', async () => {
    const id = await returnedOnSeptember30('web');
    await at('2026-10-08T20:00:00+08:00'); // corrected at home: 10-08 spent returned
    const s = await post(`/api/v1/cases/${id}/submit`, { prereview: true });
    assert.equal(s.status, 200, s.text);
    assert.equal(s.body.status, 'prereview');
    await at('2026-10-13T09:00:00+08:00'); // the hall reviews it on Tue 10-13 and takes it up
    await spost(`/api/v1/staff/cases/${id}/invite`, { date: '2026-10-13' });
    const a = await spost(`/api/v1/staff/cases/${id}/accept`);
    // 10-21 + 1 (10-08): 10-22, not 10-28 (10-08 … 10-13 all counted)
    assert.equal(a.due, '2026-10-22');
    assert.equal((await request(`${d.url}/api/v1/cases/${id}`)).body.due, '2026-10-22');
    // the stage moves on as the promise does: its day left (10-08 at the
    // return) after the day spent returned is 10-09, so the hall, taking the
    // case up on 10-13, finds its stage late (counted from the acceptance it
    // was 10-14, and the last stage 10-28: after the promised 10-22)
    assert.equal(a.stages[1].due, '2026-10-09');
    assert.equal(a.stages[2].due, '2026-10-22');
  });

  it('returned again from pre-review: each spell with the resident counts', async () => {
    const id = await returnedOnSeptember30('web');
    await at('2026-10-08T20:00:00+08:00'); // 10-08 with the resident
    assert.equal((await post(`/api/v1/cases/${id}/submit`, { prereview: true })).status, 200);
    await at('2026-10-09T10:00:00+08:00'); // the hall returns it at once
    await spost(`/api/v1/staff/cases/${id}/return`, { reason: '还缺结婚证' });
    await at('2026-10-12T08:00:00+08:00'); // 10-10, 10-12 with the resident
    assert.equal((await post(`/api/v1/cases/${id}/submit`, { prereview: true })).status, 200);
    await at('2026-10-14T09:00:00+08:00');
    await spost(`/api/v1/staff/cases/${id}/invite`, { date: '2026-10-14' });
    const a = await spost(`/api/v1/staff/cases/${id}/accept`);
    // 10-21 + 3: 10-26 (up to the acceptance: 10-21 + 6, 10-29)
    assert.equal(a.due, '2026-10-26');
  });
  // Accepted on Thu 10-01, a 国庆 holiday: the promise is the chain's 11
  // working days from acceptance (10-08 the 1st after 10-01 … 10-21 the
  // 11th). Stage zero, 0 days begun on a rest day, is due the next working
  // day, 10-08, and spends no working day of the chain: one's 1 day is 10-08
  // too and ten's 10 end on 10-21. They were projected from 10-08 as if zero
  // had spent it (10-09, 10-22), so staff who kept every limit missed the
  // promised date and the day's report counted the case overdue on 10-22.
  it('accepted on a holiday with a first stage of 0 days: the last stage is due on the promise', async () => {
    await at('2026-10-01T10:00:00+08:00');
    const c = await post('/api/v1/cases', { procedure: 'aid', channel: 'window' });
    assert.equal(c.status, 201, c.text);
    assert.equal((await post(`/api/v1/cases/${c.body.id}/steps/0`, { checklist: { 's0-0': true } })).status, 200);
    assert.equal((await post(`/api/v1/cases/${c.body.id}/submit`)).status, 200);
    const a = await spost(`/api/v1/staff/cases/${c.body.id}/accept`);
    assert.deepEqual(dates(a), { due: '2026-10-21', stages: ['2026-10-08', '2026-10-08', '2026-10-21'] });
    assert.equal((await request(`${d.url}/api/v1/cases/${c.body.id}`)).body.due, '2026-10-21');
    // zero passed on its due day, 10-08: one begins then with its own day,
    // 10-09 (the contract's stage rule), and ten follows it to 10-22. The
    // committed date does not move: the pass is where the chain can slip
    await at('2026-10-08T10:00:00+08:00');
    const p = await spost(`/api/v1/staff/cases/${c.body.id}/pass`, { note: '初审通过' });
    assert.deepEqual(dates(p), { due: '2026-10-21', stages: ['2026-10-08', '2026-10-09', '2026-10-22'] });
  });
});
