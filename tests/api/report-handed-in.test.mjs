// The day's report counts a corrected case as overdue once its dates run
// out while it waits for the hall. A case returned for 补正 has its clock
// stopped; from the resident's hand-in the clock is the hall's again
// (relay.c: the days spent returned run to the hand-in), so a case handed
// in from home for pre-review and left there is late like one in hand. The
// report's `overdue` left out every case paused by the day until the hall
// accepted it again, so the hall read as on time while the case aged in
// pre-review. Counted by hand over the sample's 2026 国庆 (10-01..10-07 休,
// Sat 10-10 班) for a chain of 0, 1 and 10 working days; the daemon's
// clock stands still (libfaketime), moved day by day.
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

describe('a corrected case waiting for the hall in the day\'s report', { skip: NO_FAKETIME }, () => {
  let tmp, clock, d = null, staff, boss, id;
  const at = async (iso) => {
    stoppedClockAtInstant(clock, new Date(iso), TZ);
    // a session idles out over the days the clock jumps
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
  let last = null;
  const overdue = async (date) => {
    const r = await request(`${d.url}/api/v1/admin/report?date=${date}`, { headers: authHeaders(boss) });
    assert.equal(r.status, 200, r.text);
    last = r.body;
    return r.body.overdue;
  };
  // today's report names what its figure counts (ours): which, where, whose
  const listed = () => last.overdue_cases.map((x) => [x.id, x.status, x.stage.key, x.stage.post, x.due, x.committed, x.owner]);
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

  it('overdue from the day its resumed dates ran out, not once the hall takes it up', async () => {
    // accepted Wed 09-30 (due 10-21), zero passed, returned the same day in
    // stage one with its one working day (10-08) left
    await at('2026-09-30T09:00:00+08:00');
    const c = await post('/api/v1/cases', { procedure: 'aid', channel: 'web' });
    assert.equal(c.status, 201, c.text);
    id = c.body.id;
    assert.equal((await post(`/api/v1/cases/${id}/steps/0`, { checklist: { 's0-0': true } })).status, 200);
    assert.equal((await post(`/api/v1/cases/${id}/submit`)).status, 200);
    assert.equal((await spost(`/api/v1/staff/cases/${id}/accept`)).due, '2026-10-21');
    await spost(`/api/v1/staff/cases/${id}/pass`, { note: '初审通过' });
    await spost(`/api/v1/staff/cases/${id}/return`, { reason: '户口本复印件不清楚' });
    // with the resident over 国庆 and on 10-08: its clock is stopped
    await at('2026-10-08T20:00:00+08:00');
    assert.equal(await overdue('2026-10-08'), 0);
    // handed in from home for pre-review on 10-08 (one day spent returned):
    // taken up now, stage one would resume with its day after that day,
    // 10-09, and the promise would be 10-22
    assert.equal((await post(`/api/v1/cases/${id}/submit`, { prereview: true })).status, 200);
    await at('2026-10-09T18:00:00+08:00');
    assert.equal(await overdue('2026-10-09'), 0, 'due 10-09: not late on 10-09');
    // Sat 10-10 (班): nobody took it up; its stage ran out on 10-09
    await at('2026-10-10T18:00:00+08:00');
    assert.equal(await overdue('2026-10-10'), 1);
    assert.deepEqual(listed(), [[id, 'prereview', 'one', 'window', '2026-10-09', '2026-10-22', 'wang']]);
    // the hall takes it up on Tue 10-13: the same dates, now stored
    await at('2026-10-13T09:00:00+08:00');
    await spost(`/api/v1/staff/cases/${id}/invite`, { date: '2026-10-13' });
    const a = await spost(`/api/v1/staff/cases/${id}/accept`);
    assert.equal(a.due, '2026-10-22');
    assert.equal(a.stages[1].due, '2026-10-09');
    assert.equal(await overdue('2026-10-13'), 1, 'in hand and as late as it was while waiting');
    assert.deepEqual(listed(), [[id, 'accepted', 'one', 'window', '2026-10-09', '2026-10-22', 'wang']]);
    // a past day keeps its figure and lists nothing
    await overdue('2026-10-10');
    assert.equal(last.overdue_cases, null);
  });
});
