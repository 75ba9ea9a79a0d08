// A calendar that stops short (a review: `_calendar.md` had no 2027 dates, and
// a case accepted on 28 Dec was due on 12 Jan, 元旦 counted as a working day,
// with no word to anyone). The daemon's load warns, in the log and in the
// admin list's problems, for this year and, from 60 days before it begins,
// the next, when the calendar lists no date of that year. `spkiosk check`
// does not: its output must not change with the date. The calendars here
// are built around today, so the test holds whatever day it runs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BIN, authHeaders, request } from './helpers.mjs';
import { get, preview, useAdminDaemon, proc } from './admin-helpers.mjs';

const year = new Date().getFullYear();
const month = new Date().getMonth();
// the year the daemon also warns for: next year from November (60 days ahead)
const ahead = new Date(Date.now() + 60 * 86400_000).getFullYear();
const line = (y) => `- ${y}-01-01 休\n`;
// a whole notice: 10 dates (fewer is a notice half entered, warned too)
const notice = (y) => Array.from({ length: 10 }, (_, i) => `- ${y}-02-${String(i + 1).padStart(2, '0')} 休\n`).join('');
const files = (years, write = line) => ({
  '_calendar.md': `# 日历\n\n${years.map(write).join('')}`,
  'hall/README.md': '# 大厅\n\n事项。\n',
  'hall/a.md': proc('事项', { front: 'followup: 2\n' }),
});
const warned = async (h) => {
  const r = await request(`${h.daemon.url}/api/v1/admin/procedures`, { headers: { Cookie: h.admin.cookie } });
  assert.equal(r.status, 200, r.text);
  return r.body.problems.filter((p) => p.file === '_calendar.md')
    .map((p) => [p.severity, (p.message.match(/还没有 (\d+) 年/) || p.message.match(/里 (\d+) 年只有 \d+ 天/))?.[1]]);
};

describe('a calendar without this year\'s dates', () => {
  const h = useAdminDaemon(files([2001]));
  it('is a warning of the load for this year (and the next within 60 days of it), not of check', async () => {
    const want = [['warning', String(year)]];
    if (ahead !== year) want.push(['warning', String(ahead)]);
    assert.deepEqual(await warned(h), want, `month ${month}`);
    assert.match(h.daemon.stderr(), new RegExp(`_calendar\\.md:1: warning: 日历文件里还没有 ${year} 年的日期`));
    const c = spawnSync(BIN, ['check', h.tree], { encoding: 'utf8' });
    assert.equal(c.status, 0, c.stdout + c.stderr);
    assert.doesNotMatch(c.stdout + c.stderr, /还没有/);
  });
});

describe('a calendar with this year\'s and next year\'s dates', () => {
  const h = useAdminDaemon(files([year, year + 1], notice));
  it('is no problem', async () => {
    assert.deepEqual(await warned(h), []);
    assert.doesNotMatch(h.daemon.stderr(), /还没有|只有/);
  });
});

// One date of a year makes it entered (the dates counted into it move on
// then, once): a year-end review entered 元旦 alone, and 春节 added later
// moved nothing. A year with fewer than 10 dates is a warning of the load.
describe('a calendar with a year half entered', () => {
  const h = useAdminDaemon(files([year - 1, year, year + 1]));
  it('is a warning for this year (and the next within 60 days of it)', async () => {
    const want = [['warning', String(year)]];
    if (ahead !== year) want.push(['warning', String(ahead)]);
    assert.deepEqual(await warned(h), want);
    assert.match(h.daemon.stderr(), new RegExp(`_calendar\\.md:1: warning: 日历文件里 ${year} 年只有 1 天`));
  });
});

// The staff case view says so too, where it matters: a committed date in a
// year the calendar has no dates of (the receipt would promise a day that
// may be a holiday) carries calendar_gap, the page a warning beside it.
async function acceptedView(h) {
  const post = (p, body, s) => request(`${h.daemon.url}${p}`, {
    method: 'POST', headers: s ? { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, 'content-type': 'application/json' }
      : { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}),
  });
  const c = (await post('/api/v1/cases', { procedure: 'a' })).body;
  assert.equal((await post(`/api/v1/cases/${c.id}/steps/0`, { checklist: { 's0-0': true } })).status, 200);
  assert.equal((await post(`/api/v1/cases/${c.id}/submit`)).status, 200);
  const r = await post(`/api/v1/staff/cases/${c.id}/accept`, {}, h.staff);
  assert.equal(r.status, 200, r.text);
  return r.body;
}

// The case completed (its item has `followup: 2`): its call-back as listed.
async function followupOf(h, id) {
  const hd = { Cookie: h.staff.cookie, 'X-CSRF-Token': h.staff.csrf, 'content-type': 'application/json' };
  const r = await request(`${h.daemon.url}/api/v1/staff/cases/${id}/complete`, {
    method: 'POST', headers: hd, body: JSON.stringify({ outcome: '办结' }),
  });
  assert.equal(r.status, 200, r.text);
  const l = await request(`${h.daemon.url}/api/v1/staff/followups`, { headers: { Cookie: h.staff.cookie } });
  assert.equal(l.status, 200, l.text);
  const f = l.body.followups.find((x) => x.case === id);
  assert.ok(f, l.text);
  return f;
}

describe('a committed date in a year the calendar lacks', () => {
  const h = useAdminDaemon(files([2001]));
  it('is flagged in the staff case view (calendar_gap)', async () => {
    const v = await acceptedView(h);
    assert.match(v.due, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(v.calendar_gap, Number(v.due.slice(0, 4)));
    // and the receipt the resident keeps says so (it promised a date that
    // may be a holiday with no caveat: a staff review)
    const r = await request(`${h.daemon.url}/print/staff/cases/${v.id}/receipt`, { headers: { Cookie: h.staff.cookie } });
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, new RegExp(`class="note calendar-gap">注：本中心的节假日安排还没有 ${v.calendar_gap} 年的`));
    // and the resident's own case (the kiosk and the phone show the date)
    const pub = (await request(`${h.daemon.url}/api/v1/cases/${v.id}`)).body;
    assert.deepEqual([pub.due, pub.calendar_gap], [v.due, v.calendar_gap]);
 
    // and a call-back due in such a year (the list had no word of it)
    const f = await followupOf(h, v.id);
    assert.equal(f.calendar_gap, Number(f.due.slice(0, 4)));
  });
});

describe('a committed date in a year the calendar has', () => {
  const h = useAdminDaemon(files([year, year + 1]));
  it('is not flagged', async () => {
    const v = await acceptedView(h);
    assert.equal(v.calendar_gap, null);
    const r = await request(`${h.daemon.url}/print/staff/cases/${v.id}/receipt`, { headers: { Cookie: h.staff.cookie } });
    assert.equal(r.status, 200, r.text);
    assert.doesNotMatch(r.text, /calendar-gap/);
    assert.equal((await request(`${h.daemon.url}/api/v1/cases/${v.id}`)).body.calendar_gap, null);
 
    assert.equal((await followupOf(h, v.id)).calendar_gap, null);
  });
});

// The editor's check of `_calendar.md` says it before the save, while the
// notice can still be entered whole: an admin who saved 元旦 first (to be
// safe) made the year entered, and 春节 saved an hour later moved none of
// the due dates counted meanwhile or before. A year the calendar on disk
// has no date of, entered with fewer than 10, is a warning at its first
// date's line; the note the list gives (line 1) is in the check too.
describe('the editor\'s check of a calendar that enters a year in part', () => {
  const h = useAdminDaemon(files([year], notice));
  const half = (y) => `# 日历\n\n${notice(year)}\n## ${y} 年\n\n### 元旦\n- ${y}-01-01 休\n`;
  const at = (r) => r.body.errors.filter((e) => /这样保存后/.test(e.message));
  it('warns at the year\'s first date, for next year and for a later one', async () => {
    for (const y of [year + 1, year + 2]) {
      const r = await preview(h, '?special=_calendar', half(y));
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.ok, true, r.text);
      const w = at(r);
      assert.equal(w.length, 1, r.text);
      assert.equal(w[0].severity, 'warning');
      assert.equal(w[0].line, 17, r.text);
      assert.match(w[0].message, new RegExp(`^这样保存后，${y} 年就算已经录入了，可这一年只写了 1 天`));
      assert.match(w[0].message, /以后再补的日子不会再让它们顺延/);
    }
    // a whole notice is no problem
    const whole = await preview(h, '?special=_calendar', `# 日历\n\n${notice(year)}${notice(year + 1)}`);
    assert.equal(whole.status, 200, whole.text);
    assert.deepEqual(whole.body.errors, []);
  });
  it('is among the warnings of the save, which goes through', async () => {
    const cur = await get(h, '/api/v1/admin/files/_calendar/source');
    const r = await request(`${h.daemon.url}/api/v1/admin/files/_calendar/source`, {
      method: 'PUT', body: half(year + 1),
      headers: { ...authHeaders(h.admin), 'Content-Type': 'text/markdown; charset=utf-8', 'If-Match': cur.headers.get('etag') },
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.warnings.filter((w) => /这样保存后/.test(w.message)).length, 1, r.text);
    // saved: the year is entered now, and the same text says so no more
    const again = await preview(h, '?special=_calendar', half(year + 1));
    assert.deepEqual(at(again), [], again.text);
  });
  it('shows the list\'s note for a year not entered at all', async () => {
    const r = await preview(h, '?special=_calendar', `# 日历\n\n${notice(year)}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.errors.map((e) => [e.line, e.severity, /还没有 (\d+) 年/.exec(e.message)?.[1]]),
      ahead !== year ? [[1, 'warning', String(ahead)]] : []);
  });
});
