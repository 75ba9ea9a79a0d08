// Dates counted into a year the calendar has no dates of are counted again
// once the admin enters that year (a year-end review: a case accepted on 30
// Dec was promised 4 Jan, 元旦 counted as a working day; when 2027's notice
// was entered nothing moved, the receipt's 顺延 note vanished and the case
// went overdue on a day it was not). The committed date, the stages and a
// call-back move on by the holidays entered, and the case's history says so.
// The dates are built around today (the calendar lists only 2001, so this
// year and the next are missing), so the test holds whatever day it runs;
// the exact dates per rule are in tests/unit/test_relay.c. The daemon's
// clock stands still at the instant this file was loaded (libfaketime), so
// that today is its today for the whole run: begun at 23:59:59 on a running
// clock, the case was accepted the next day and its date was a day off
// (a review forced it with faketime). Without libfaketime it runs on the
// real clock, and a run across midnight may fail.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { authHeaders, request, stoppedClockFor } from './helpers.mjs';
import { useAdminDaemon, proc, sha256 } from './admin-helpers.mjs';

const ymd = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const parse = (s) => { const [y, m, d] = s.split('-').map(Number); return new Date(y, m - 1, d); };
const next = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1);
const working = (d, rest) => d.getDay() !== 0 && d.getDay() !== 6 && !rest.has(ymd(d));
// workdays_due: the n-th working day after start (n >= 1)
function due(start, n, rest = new Set()) {
  let d = start;
  for (let k = 0; k < n;) { d = next(d); if (working(d, rest)) k++; }
  return d;
}

const NOW = new Date();
const today = new Date(NOW.getFullYear(), NOW.getMonth(), NOW.getDate());
// this process's zone is the daemon's, and the day above is in it
const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const ENV = stoppedClockFor(NOW, ZONE);
const year = today.getFullYear();
// the holidays the admin enters: the 3rd and the 10th weekday after today
const x1 = due(today, 3), x2 = due(today, 10);
const rest = new Set([ymd(x1), ymd(x2)]);
const lines = [...rest].map((d) => `- ${d} 休`);
// each year of the span listed: a weekday long past or far ahead
for (const y of [year, year + 1]) {
  if ([x1, x2].some((d) => d.getFullYear() === y)) continue;
  let d = y === year ? new Date(y, 0, 1) : new Date(y, 11, 31);
  while (!working(d, new Set())) d = new Date(d.getFullYear(), d.getMonth(), d.getDate() + (y === year ? 1 : -1));
  lines.push(`- ${ymd(d)} 休`);
  rest.add(ymd(d));
}

const CAL = '# 日历\n\n- 2001-01-01 休\n';
const CHAIN = '## 办理流程\n审核。\n\n```chain\na | 受理 | window | 1\nb | 审核 | window | 20\n```\n\n';
const files = {
  '_calendar.md': CAL,
  'hall/README.md': '# 大厅\n\n事项。\n',
  'hall/c.md': `# 链式事项\n\n有审核链。\n\n${CHAIN}## 第一步:准备\n- [ ] 身份证\n`,
  'hall/f.md': proc('回访事项', { front: 'followup: 5\n' }),
};

describe('entering the missing year\'s holidays', () => {
  const h = useAdminDaemon(files, { env: ENV });
  const post = (p, body, s) => request(`${h.daemon.url}${p}`, {
    method: 'POST', headers: s ? { ...authHeaders(s), 'content-type': 'application/json' }
      : { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}),
  });
  const view = async (id) => {
    const r = await request(`${h.daemon.url}/api/v1/staff/cases/${id}`, { headers: { Cookie: h.staff.cookie } });
    assert.equal(r.status, 200, r.text);
    return r.body;
  };
  async function accepted(procedure) {
    const c = (await post('/api/v1/cases', { procedure })).body;
    assert.equal((await post(`/api/v1/cases/${c.id}/steps/0`, { checklist: { 's0-0': true } })).status, 200);
    assert.equal((await post(`/api/v1/cases/${c.id}/submit`)).status, 200);
    const r = await post(`/api/v1/staff/cases/${c.id}/accept`, {}, h.staff);
    assert.equal(r.status, 200, r.text);
    return r.body;
  }
  const followup = async (id) => {
    const l = await request(`${h.daemon.url}/api/v1/staff/followups`, { headers: { Cookie: h.staff.cookie } });
    assert.equal(l.status, 200, l.text);
    return l.body.followups.find((x) => x.case === id);
  };

  it('moves the committed date, the stages and a call-back on, once, and says so', async () => {
    const v = await accepted('c');
    assert.equal(v.due, ymd(due(today, 21)), 'counted by weekends alone');
    assert.equal(v.calendar_gap, Number(v.due.slice(0, 4)));
    const f = await accepted('f');
    assert.equal((await post(`/api/v1/staff/cases/${f.id}/complete`, { outcome: '办结' }, h.staff)).status, 200);
    assert.equal((await followup(f.id)).due, ymd(due(today, 5)));

    const r = await request(`${h.daemon.url}/api/v1/admin/files/_calendar/source`, {
      method: 'PUT', body: `${CAL}${lines.join('\n')}\n`,
      headers: { ...authHeaders(h.admin), 'Content-Type': 'text/markdown; charset=utf-8', 'If-Match': `"${sha256(CAL)}"` },
    });
    assert.equal(r.status, 200, r.text);

    // the save's load counted them again before it answered
    const w = await view(v.id);
    const a = due(today, 1, rest);
    assert.deepEqual([w.due, w.calendar_gap], [ymd(due(today, 21, rest)), null]);
    assert.deepEqual(w.stages.map((s) => s.due), [ymd(a), ymd(due(a, 20, rest))]);
    assert.notEqual(w.due, v.due, 'both holidays are within the 21 working days');
    const moved = w.events.filter((e) => e.what === 'due_moved');
    assert.deepEqual(moved.map((e) => [e.channel, e.detail]), [['calendar', `${v.due} → ${w.due}`]]);
    const pub = (await request(`${h.daemon.url}/api/v1/cases/${v.id}`)).body;
    assert.deepEqual([pub.due, pub.calendar_gap], [w.due, null]);
    const receipt = await request(`${h.daemon.url}/print/staff/cases/${v.id}/receipt`, { headers: { Cookie: h.staff.cookie } });
    assert.doesNotMatch(receipt.text, /calendar-gap/);
    assert.equal((await followup(f.id)).due, ymd(due(today, 5, rest)));
    assert.match(h.daemon.stderr(), /1 cases' committed dates moved on/);

    // a reload (a file touched) does not move them again
    fs.writeFileSync(path.join(h.tree, 'hall/README.md'), '# 大厅\n\n事项，改了。\n');
    for (let i = 0; i < 50 && !/事项，改了/.test(JSON.stringify((await request(`${h.daemon.url}/api/v1/categories`)).body)); i++)
      await new Promise((ok) => setTimeout(ok, 100));
    const again = await view(v.id);
    assert.equal(again.due, w.due);
    assert.equal(again.events.filter((e) => e.what === 'due_moved').length, 1);
  });
});
