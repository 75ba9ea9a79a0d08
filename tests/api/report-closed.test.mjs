// A past day's report keeps the overdue figure it had at the day's end
// (schema/031, report_days_close). The figure is read from the chain's
// stages, and a return and a resumption rewrite a stage's begin and due: a
// report printed at closing time said 1 overdue and, after the case came
// back and was accepted again, 0 for the same day. Here a case accepted
// "five days ago" (its stage moved back with sqlite3 while the daemon is
// stopped) is overdue on the day before yesterday; the daemon started again
// stores the days since its last run before its first request; the case is returned,
// handed in again and accepted (its stage begins anew today); the old day
// still says 1.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  makeTmp, writeTree, startDaemon, stopChecked, addUser, login, request, authHeaders, adminPassword,
  stoppedClockFor,
} from './helpers.mjs';

// Both daemons' clock stands still at the instant this file was loaded, so
// that T is their today for the whole run: on a running clock a run begun
// 1.2 s before midnight in UTC+8 (faketime) took T before midnight and had
// the stage begin anew the day after it. Without libfaketime it runs on the
// real clock and may fail so. (The clock file is written in Beijing's time
// and read in the daemon's CST-8, the same offset.)
const NOW = new Date();
const ENV = { ...stoppedClockFor(NOW, 'Asia/Shanghai'), TZ: 'CST-8' };
const today = () => new Date(NOW.getTime() + 8 * 3600e3).toISOString().slice(0, 10);
const addDays = (s, n) => {
  const d = new Date(`${s}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

const PROC = `---
time_limit: 3个工作日
---
# 低保申请

低保申请的简介。

## 办理流程
社区受理后审核。

\`\`\`chain
accept | 社区受理 | window | 1
review | 审核     | window | 2
\`\`\`

## 第一步：联系方式
\`\`\`form
mobile | 手机号码 | cn_mobile | required
\`\`\`
`;

describe('a past day\'s overdue figure after a return and a resumption', () => {
  const h = { d: null };
  let tmp, db, tree, id, T;
  const sql = (text) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', db], { input: text, encoding: 'utf8' }).trim();
  const post = (p, body, s = null) => request(`${h.d.url}${p}`, {
    method: 'POST', headers: s ? authHeaders(s) : { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  const ok = async (p, body, s) => {
    const r = await post(p, body, s);
    assert.ok(r.status >= 200 && r.status < 300, `${p}: ${r.status} ${r.text}`);
    return r;
  };
  const report = async (date) => {
    const r = await request(`${h.d.url}/api/v1/admin/report?date=${date}`, { headers: { Cookie: h.admin.cookie } });
    assert.equal(r.status, 200, r.text);
    return r.body;
  };
  const sessions = async () => {
    h.admin = await login(h.d.url, 'admin', h.password);
    h.wang = await login(h.d.url, 'wang', 'wang-password-1');
  };

  before(async () => {
    tmp = makeTmp();
    db = path.join(tmp, 'x.db');
    tree = writeTree(path.join(tmp, 'tree'), {
      '_posts.md': '# 岗位\n\n- window 综合窗口\n',
      'hall/README.md': '# 社会救助\n\n救助事项。\n', 'hall/dibao.md': PROC,
    });
    h.d = await startDaemon({ tree, db, env: ENV });
    h.password = adminPassword(h.d);
    addUser(db, 'wang', 'staff', 'wang-password-1');
    await sessions();
    T = today();
    const c = await post('/api/v1/cases', { procedure: 'dibao', channel: 'kiosk' });
    assert.equal(c.status, 201, c.text);
    id = c.body.id;
    await ok(`/api/v1/cases/${id}/steps/0`, { fields: { mobile: '13800138000' } });
    await ok(`/api/v1/cases/${id}/submit`);
    await ok(`/api/v1/staff/cases/${id}/accept`, {}, h.wang);
    const info = await h.d.stop();
    assert.deepEqual([info.code, info.signal], [0, null], h.d.stderr());
    h.d = null;
    // accepted five days ago, its first stage due three days ago; the last
    // day stored is four days ago (the daemon last ran then)
    sql(`UPDATE case_stages SET begun_on = '${addDays(T, -5)}', due = '${addDays(T, -3)}'
         WHERE case_id = '${id}' AND idx = 0;
         UPDATE case_stages SET due = '${addDays(T, 5)}' WHERE case_id = '${id}' AND idx = 1;
         UPDATE cases SET due = '${addDays(T, 5)}' WHERE id = '${id}';
         DELETE FROM report_days;
         INSERT INTO report_days (day, overdue, closed_at) VALUES ('${addDays(T, -4)}', 0, '2026-01-01T00:00:00Z');`);
    h.d = await startDaemon({ tree, db, env: ENV });
    await sessions();
  });
  after(() => stopChecked(h.d, tmp));

  it('stores the days since the last one at start, before the first request', () => {
    assert.equal(sql('SELECT count(*) FROM report_days'), '4');
    assert.equal(sql(`SELECT min(day) = '${addDays(T, -4)}' AND max(day) = '${addDays(T, -1)}' FROM report_days`), '1');
    assert.equal(sql(`SELECT group_concat(overdue, ',') FROM (SELECT overdue FROM report_days ORDER BY day)`),
      '0,0,1,1', 'overdue from the day after its due');
  });

  it('keeps the day before yesterday at 1 after the case is returned and accepted again', async () => {
    const old = addDays(T, -2);
    assert.equal((await report(old)).overdue, 1);
    await ok(`/api/v1/staff/cases/${id}/return`, { reason: '请补充户口簿' }, h.wang);
    await ok(`/api/v1/cases/${id}/submit`);
    await ok(`/api/v1/staff/cases/${id}/accept`, {}, h.wang);
    // the stage began anew today: counted from the stages, the day says 0
    assert.equal(sql(`SELECT begun_on FROM case_stages WHERE case_id = '${id}' AND idx = 0`), T);
    assert.equal((await report(old)).overdue, 1, 'the figure of the day\'s end');
    assert.equal((await report(addDays(T, -4))).overdue, 0);
    // today's is counted as the stages stand: the stage resumed is due today at the earliest
    assert.equal((await report(T)).overdue, 0);
  });
});
