// Call-backs (回访, docs/http-api.md "Call-backs", issue #10 part 5): an
// item with `followup: N` completed at the window opens a routine call-back
// due N working days later, counted on the hall's calendar (here with a
// holiday on the next weekday, in the daemon's time zone fixed to
// Asia/Shanghai), a `pickup: yes` item's at the handout, not when it is
// ready; a rating of 1 or 2 opens a complaint call-back due in 15
// working days that needs a note of what was done; each is recorded once,
// as a `followup` event whose detail is the result and never the note; a
// case without a phone field is listed with no number; an item without
// followup opens nothing.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  LIBFAKETIME, adminPassword, assertError, authHeaders, login, makeTmp, request, rmTmp, writeTree, stoppedClockAtInstant, stoppedClockEnv,
  stoppedClockFor,
} from './helpers.mjs';
import { useWindow, residentCase, WINDOW_TREE, MOBILE } from './staff-helpers.mjs';

const TZ = 'Asia/Shanghai';
const day = (d) => d.toISOString().slice(0, 10);
const addDays = (s, n) => day(new Date(Date.parse(`${s}T00:00:00Z`) + n * 86400000));
const weekday = (s) => new Date(`${s}T00:00:00Z`).getUTCDay(); // 0 Sunday
// The daemons' clock stands still at the instant this file was loaded
// (libfaketime), so that TODAY is the daemon's today for the whole run: on a
// running clock a run begun at 23:59:59 in Shanghai completed its cases the
// next day, and a due date counted from that day was a day off this one's
// (a review forced it with faketime). Still the instant of the run, not a
// fixed one: check-days' days and hours still reach the counting. Without
// libfaketime the daemons run on the real clock, and a run across midnight
// in Shanghai may fail.
const NOW = new Date();
const TODAY = new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(NOW);
const ENV = stoppedClockFor(NOW, TZ);
const working = (s, rest) => weekday(s) !== 0 && weekday(s) !== 6 && !rest.has(s);
// The next weekday after today is a holiday, so a due date that ignored the
// calendar would be a day early.
let HOLIDAY = addDays(TODAY, 1);
while (!working(HOLIDAY, new Set())) HOLIDAY = addDays(HOLIDAY, 1);
const REST = new Set([HOLIDAY]);
function due(n) {
  let d = TODAY;
  for (let k = 0; k < n;) {
    d = addDays(d, 1);
    if (working(d, REST)) k++;
  }
  return d;
}

function tree(tmp) {
  const dir = path.join(tmp, 'procedures');
  fs.cpSync(WINDOW_TREE, dir, { recursive: true });
  const f = path.join(dir, 'hall', 'residence.md');
  fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('---\n', '---\nfollowup: 3\n'));
  const simple = fs.readFileSync(path.join(dir, 'hall', 'simple.md'), 'utf8');
  writeTree(dir, {
    '_calendar.md': `# 日历\n\n- ${HOLIDAY} 休\n`,
    // collected at the window: completed, and called back, at the handout
    'hall/pickup.md': simple.replace('---\n', '---\npickup: yes\nfollowup: 0\n').replace('# 简易事项', '# 领证事项'),
  });
  return dir;
}

async function simpleCase(h) {
  const c = await h.post('/api/v1/cases', { procedure: 'simple' });
  assert.equal((await h.post(`/api/v1/cases/${c.body.id}/steps/0`, { checklist: { 's0-0': true } })).status, 200);
  const r = await h.post(`/api/v1/cases/${c.body.id}/submit`);
  assert.equal(r.status, 200, r.text);
  return { id: c.body.id, ticket: r.body.ticket };
}

async function complete(h, c) {
  assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/accept`)).status, 200);
  const r = await h.spost(`/api/v1/staff/cases/${c.id}/complete`, { outcome: '已办结' });
  assert.equal(r.status, 200, r.text);
}

describe('call-backs', () => {
  const h = useWindow({ tree, env: ENV });
  const list = async () => {
    const r = await h.sget('/api/v1/staff/followups');
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('cache-control') ?? '', /no-store/);
    return r.body;
  };
  let routine, complaint, res, plain;

  it('nothing is due before a case is completed', async () => {
    res = await residentCase(h);
    assert.deepEqual((await list()).followups, []);
  });

  it('a `followup: 3` item completed opens a routine call-back due 3 working days later, past the holiday', async () => {
    await complete(h, res);
    const l = await list();
    assert.equal(l.followups.length, 1, JSON.stringify(l));
    routine = l.followups[0];
    assert.equal(routine.case, res.id);
    assert.equal(routine.ticket, res.ticket);
    assert.equal(routine.procedure, 'residence');
    assert.equal(routine.title, '居住登记');
    assert.equal(routine.kind, 'routine');
    assert.equal(routine.due, due(3));
    assert.notEqual(routine.due, addDays(TODAY, 3), 'the holiday and weekends count as rest');
    assert.equal(routine.phone, MOBILE);
    assert.equal(routine.score, null);
    assert.equal(routine.overdue, false);
    assert.equal(routine.soon, false);
    assert.equal(routine.done, null);
    assert.deepEqual(l.counts, { open: 1, overdue: 0, soon: 0, done_today: 0, waiting: 0 });
    assert.deepEqual([routine.tries, routine.tried, routine.retry_on, routine.waiting], [0, null, null, false]);
    assert.equal(routine.rating, null, 'not rated');
    assert.equal(l.tries_max, 3);
  });

  it('an item without followup opens nothing when completed', async () => {
    plain = await simpleCase(h);
    await complete(h, plain);
    assert.deepEqual((await list()).followups.map((f) => f.case), [res.id]);
  });

  it('a rating of 2 opens a complaint due in 15 working days, with no number for a case without one', async () => {
    assert.equal((await h.post(`/api/v1/cases/${plain.id}/rating`,
      { score: 2, reasons: ['wait', 'unclear'], comment: '排了一个小时，材料也没一次说清' })).status, 204);
    const l = await list();
    complaint = l.followups.find((f) => f.case === plain.id);
    assert.ok(complaint, JSON.stringify(l));
    assert.equal(complaint.kind, 'complaint');
    assert.equal(complaint.due, due(15));
    assert.equal(complaint.phone, null);
    assert.equal(complaint.score, 2);
    // what to put right, in the list: it was the score alone (ours)
    assert.deepEqual(complaint.rating, { reasons: ['wait', 'unclear'], comment: '排了一个小时，材料也没一次说清' });
    assert.equal(l.counts.open, 2);
    // soonest due first
    assert.deepEqual(l.followups.map((f) => f.id), [routine.id, complaint.id]);
  });

  it('a rating of 3 opens nothing; a 1 on the routine case adds its complaint beside it', async () => {
    const other = await simpleCase(h);
    assert.equal((await h.post(`/api/v1/cases/${other.id}/rating`, { score: 3 })).status, 204);
    assert.ok(!(await list()).followups.some((f) => f.case === other.id));
    assert.equal((await h.post(`/api/v1/cases/${res.id}/rating`, { score: 1 })).status, 204);
    const mine = (await list()).followups.filter((f) => f.case === res.id);
    assert.deepEqual(mine.map((f) => [f.kind, f.score, f.phone]).sort(),
      [['complaint', 1, MOBILE], ['routine', 1, MOBILE]]);
    // a rating with neither reasons nor words: an empty list, no comment
    assert.deepEqual(mine.map((f) => f.rating), [{ reasons: [], comment: null }, { reasons: [], comment: null }]);
  });

  it('a complaint needs a note of what was done; a result must be one of three', async () => {
    const p = `/api/v1/staff/followups/${complaint.id}`;
    assertError(await h.spost(p, { result: 'satisfied' }), 422, 'note_required');
    assertError(await h.spost(p, { result: 'satisfied', note: '   ' }), 422, 'note_required');
    // a first 联系不上 is a try (it keeps the call-back open) but the
    // contract asks a complaint's note of every result: 422 as before
    assertError(await h.spost(p, { result: 'unreachable' }), 422, 'note_required');
    assertError(await h.spost(p, { result: 'fine', note: '已整改' }), 422, 'bad_result');
    assertError(await h.spost(p, { note: '已整改' }), 422, 'bad_result');
    assertError(await h.spost(p, { result: 'satisfied', note: '长'.repeat(501) }), 422, 'note_too_long');
    assertError(await h.spost(p, { result: 1 }), 422, 'invalid_body');
    assertError(await h.spost('/api/v1/staff/followups/999999', { result: 'satisfied' }), 404, 'not_found');
    assertError(await h.spost('/api/v1/staff/followups/x1', { result: 'satisfied' }), 404, 'not_found');
    assert.equal((await list()).counts.open, 3, 'nothing was recorded');
  });

  it('records a complaint once: 409 the second time; the event holds the result, never the note', async () => {
    const note = '已向居民致歉并调整叫号顺序，居民表示理解';
    const r = await h.spost(`/api/v1/staff/followups/${complaint.id}?done=today`, { result: 'satisfied', note: `  ${note} ` });
    assert.equal(r.status, 200, r.text);
    // the contract's list is of the call-backs due: once recorded, one is
    // gone from it; the staff page asks for the day's done ones too
    // (?done=today, ours). A conformance review found it still listed.
    const due = await list();
    assert.equal(due.followups.some((x) => x.id === complaint.id), false, 'no longer due');
    assert.deepEqual([due.counts.open, due.counts.done_today], [2, 1]);
    const f = r.body.followups.find((x) => x.id === complaint.id);
    assert.equal(f.result, 'satisfied');
    assert.equal(f.note, note);
    assert.equal(f.done_by, 'wang');
    assert.ok(f.done);
    assert.equal(r.body.counts.done_today, 1);
    assert.equal(r.body.counts.open, 2);
    // done ones come after the open ones
    assert.equal(r.body.followups.at(-1).id, complaint.id);
    assertError(await h.spost(`/api/v1/staff/followups/${complaint.id}`, { result: 'unsatisfied', note: '再次' }),
      409, 'already_done');
    const v = await h.sget(`/api/v1/staff/cases/${plain.id}`);
    const ev = v.body.events.filter((e) => e.what === 'followup');
    assert.deepEqual(ev.map((e) => e.detail), ['satisfied']);
    assert.ok(!v.text.includes(note), 'the note is not in the case view');
  });

  // 联系不上 at the first call closed the call-back, and the resident was
  // never asked: it is a try now, and the call-back waits for another day
  it('a routine call-back takes no note; a first unreachable is a try that keeps it open', async () => {
    const r = await h.spost(`/api/v1/staff/followups/${routine.id}?done=today`, { result: 'unreachable' }, h.staff2);
    assert.equal(r.status, 200, r.text);
    let f = r.body.followups.find((x) => x.id === routine.id);
    assert.deepEqual([f.result, f.note, f.done, f.tries, f.tried.by, f.waiting, f.soon], [null, null, null, 1, 'li', true, false]);
    // the next working day, past the holiday
    assert.equal(f.retry_on, due(1));
    assert.equal(r.body.counts.waiting, 1);
    // not due again before that day: the contract's list leaves it out, as
    // it does a call-back with a result (a client of the contract saw it
    // stay after 联系不上 as if nothing had been taken), and counts it
    const plain = await h.sget('/api/v1/staff/followups');
    assert.ok(!plain.body.followups.some((x) => x.id === routine.id), 'not listed as due today');
    assert.equal(plain.body.counts.waiting, 1);
    const page = (await h.sget('/api/v1/staff/followups?done=today')).body;
    assert.ok(page.followups.some((x) => x.id === routine.id && x.waiting), 'on the page, 改天再打');
    // once more the same day is not another try: the day to call again is named
    const again = await h.spost(`/api/v1/staff/followups/${routine.id}`, { result: 'unreachable' });
    assertError(again, 409, 'already_done');
    const [, m, d] = due(1).split('-').map(Number);
    assert.ok(again.body.error.message.includes(`${m}月${d}日（星期`), again.body.error.message);
    // the resident calls back: a result closes it any time
    const u = await h.spost(`/api/v1/staff/followups/${routine.id}?done=today`, { result: 'unsatisfied' }, h.staff2);
    assert.equal(u.status, 200, u.text);
    f = u.body.followups.find((x) => x.id === routine.id);
    assert.deepEqual([f.result, f.done_by, f.tries, f.retry_on, f.waiting], ['unsatisfied', 'li', 1, null, false]);
    assertError(await h.spost(`/api/v1/staff/followups/${routine.id}`, { result: 'satisfied' }), 409, 'already_done');
    const v = await h.sget(`/api/v1/staff/cases/${res.id}`);
    assert.deepEqual(v.body.events.filter((e) => e.what === 'followup').map((e) => e.detail),
      ['unreachable_try routine', 'unsatisfied']);
  });

  it('the statistics count the results per item and the complaints still open', async () => {
    const r = await h.sget('/api/v1/admin/stats', h.admin);
    assert.equal(r.status, 200, r.text);
    const by = Object.fromEntries(r.body.procedures.map((p) => [p.id, p.followups]));
    // the routine call-back reached on its second try (the test above) says so
    assert.deepEqual(by.residence, { done: 1, satisfied: 0, unsatisfied: 1, unreachable: 0, reached_on_retry: 1,
      complaints_open: 1, complaints_open_apart: 0 });
    assert.deepEqual(by.simple, { done: 1, satisfied: 1, unsatisfied: 0, unreachable: 0, reached_on_retry: 0,
      complaints_open: 0, complaints_open_apart: 0 });
    // a range that ended before today: nothing done in it, nothing open at its end
    const y = addDays(TODAY, -2);
    const old = await h.sget(`/api/v1/admin/stats?from=${y}&to=${y}`, h.admin);
    assert.deepEqual(old.body.procedures.find((p) => p.id === 'residence').followups,
      { done: 0, satisfied: 0, unsatisfied: 0, unreachable: 0, reached_on_retry: 0, complaints_open: 0, complaints_open_apart: 0 });
  });

  it('a pickup item opens its call-back at the handout, not when it becomes ready', async () => {
    const c = await h.post('/api/v1/cases', { procedure: 'pickup' });
    assert.equal((await h.post(`/api/v1/cases/${c.body.id}/steps/0`, { checklist: { 's0-0': true } })).status, 200);
    assert.equal((await h.post(`/api/v1/cases/${c.body.id}/submit`)).status, 200);
    await complete(h, { id: c.body.id });
    assert.ok(!(await list()).followups.some((f) => f.case === c.body.id), 'ready is not done yet');
    const r = await h.spost(`/api/v1/staff/cases/${c.body.id}/handout`);
    assert.equal(r.status, 200, r.text);
    const f = (await list()).followups.find((x) => x.case === c.body.id);
    assert.ok(f);
    // followup: 0 on a working day is today, else the next working day
    assert.equal(f.due, working(TODAY, REST) ? TODAY : due(1));
    assert.equal(f.soon, true);
  });

  // the resident collects at a window: its evaluator offers the rating there
  // (docs/http-api.md, handout), and a window of another type is 422 before
  // the handout (mutation review of src/api_staff.c)
  it('a handout at a window offers the rating there; a bad window is refused first', async () => {
    const c = await h.post('/api/v1/cases', { procedure: 'pickup' });
    assert.equal((await h.post(`/api/v1/cases/${c.body.id}/steps/0`, { checklist: { 's0-0': true } })).status, 200);
    const s = await h.post(`/api/v1/cases/${c.body.id}/submit`);
    assert.equal(s.status, 200, s.text);
    await complete(h, { id: c.body.id });
    const p = `/api/v1/staff/cases/${c.body.id}/handout`;
    for (const window of [true, [5], -1, '5 号'])
      assertError(await h.spost(p, { window }), 422, 'bad_window', JSON.stringify(window));
    assert.equal((await h.sget(`/api/v1/staff/cases/${c.body.id}`)).body.status, 'ready', 'nothing moved');
    const r = await h.spost(p, { window: 5 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'completed');
    const o = (await h.rate('?window=5')).body.offer;
    assert.equal(o && o.ticket, s.body.ticket);
  });

  it('residents and a missing CSRF token are refused', async () => {
    assert.equal((await h.get('/api/v1/staff/followups')).status, 401);
    const r = await request(h.url(`/api/v1/staff/followups/${routine.id}`), {
      method: 'POST', headers: { Cookie: h.staff.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ result: 'satisfied' }),
    });
    assert.equal(r.status, 403);
  });
});

// A month-end review: an item retired since, with a 差评 still to be put
// right from an earlier month, was left out of the statistics of a range in
// which none of its cases began, and its open complaint with it.
describe('an open complaint on a retired item', () => {
  const h = useWindow({ tree, env: ENV });

  it('stays in the statistics of a range with no case of it begun', async () => {
    const { execFileSync } = await import('node:child_process');
    const c = await simpleCase(h);
    await complete(h, c);
    assert.equal((await h.post(`/api/v1/cases/${c.id}/rating`, { score: 1 })).status, 204);
    // ten days before the daemon's today, whatever the real clock says
    const back = `'${addDays(TODAY, -10)}T04:00:00Z'`;
    execFileSync('sqlite3', ['-cmd', '.timeout 5000', path.join(h.ctx.tmp, 'x.db')], {
      input: `UPDATE cases SET created_at = ${back} WHERE id = '${c.id}';`
        + `UPDATE followups SET created_at = ${back} WHERE case_id = '${c.id}';`,
    });
    fs.rmSync(path.join(h.ctx.tmp, 'procedures', 'hall', 'simple.md'));
    for (let i = 0; i < 100 && (await h.get('/api/v1/procedures/simple')).status === 200; i++)
      await new Promise((ok) => setTimeout(ok, 100));
    const r = await h.sget(`/api/v1/admin/stats?from=${TODAY}&to=${TODAY}`, h.admin);
    assert.equal(r.status, 200, r.text);
    const p = r.body.procedures.find((x) => x.id === 'simple');
    assert.ok(p, `the retired item is listed: ${r.body.procedures.map((x) => x.id)}`);
    assert.equal(p.live, false);
    assert.equal(p.started, 0);
    assert.equal(p.followups.complaints_open, 1);
  });
});

// 回访 tries (docs/http-api.md "Call-backs"): 联系不上 is a try on each of
// three working days, a day apart at least; the third closes the
// call-back as unreachable. The report counts each call in the staffer's
// 回访 and the call-backs waiting for a try in followups_owed.retrying. The
// daemon's clock is moved (libfaketime) from a Friday over the weekend.
describe('a call-back tried on three working days', { skip: fs.existsSync(LIBFAKETIME) ? false : 'needs libfaketime' }, () => {
  const dir = makeTmp('spkiosk-clock-');
  const clock = path.join(dir, 'clock');
  const at = (iso) => stoppedClockAtInstant(clock, new Date(iso), TZ);
  at('2026-12-11T10:00:00+08:00'); // a Friday
  after(() => rmTmp(dir));
  const h = useWindow({
    tree: (tmp) => {
      const t = tree(tmp);
      // the Monday after is a holiday: a try on Friday waits for Tuesday
      fs.writeFileSync(path.join(t, '_calendar.md'), '# 日历\n\n- 2026-12-14 休\n');
      return t;
    },
    env: stoppedClockEnv(clock, TZ),
  });
  // a day later the sessions have timed out: everyone logs in again
  const move = async (iso) => {
    at(iso);
    const u = h.ctx.daemon.url;
    h.staff = await login(u, 'wang', 'wang-password-1');
    h.staff2 = await login(u, 'li', 'li-password-2');
    h.admin = await login(u, 'admin', adminPassword(h.ctx.daemon));
  };
  const list = async () => (await h.sget('/api/v1/staff/followups?done=today')).body;
  const report = async (date) => (await h.sget(`/api/v1/admin/report?date=${date}`, h.admin)).body;
  const called = (r, u) => (r.users.find((x) => x.user === u) || { followups: 0 }).followups;

  it('stays open after two, waits a working day between, and is closed by the third', async () => {
    const c = await residentCase(h);
    await complete(h, c);
    const f0 = (await list()).followups.find((x) => x.case === c.id);
    const p = `/api/v1/staff/followups/${f0.id}?done=today`;
    let r = await h.spost(p, { result: 'unreachable', note: '关机' });
    assert.equal(r.status, 200, r.text);
    let f = r.body.followups.find((x) => x.id === f0.id);
    assert.deepEqual([f.done, f.tries, f.tried.by, f.note, f.retry_on, f.waiting], [null, 1, 'wang', '关机', '2026-12-15', true]);
    // Saturday, and the holiday Monday: not yet
    await move('2026-12-12T10:00:00+08:00');
    const early = await h.spost(p, { result: 'unreachable' }, h.staff2);
    assertError(early, 409, 'already_done');
    assert.match(early.body.error.message, /12月15日（星期二）/);
    await move('2026-12-14T15:00:00+08:00');
    assertError(await h.spost(p, { result: 'unreachable' }, h.staff2), 409, 'already_done');
    await move('2026-12-15T09:00:00+08:00');
    f = (await list()).followups.find((x) => x.id === f0.id);
    assert.equal(f.waiting, false, 'the day to call again');
    r = await h.spost(p, { result: 'unreachable' }, h.staff2);
    assert.equal(r.status, 200, r.text);
    f = r.body.followups.find((x) => x.id === f0.id);
    // a try without a note keeps the last one's
    assert.deepEqual([f.done, f.tries, f.tried.by, f.note, f.retry_on], [null, 2, 'li', '关机', '2026-12-16']);
    // the last try is another day's too: not closed by a second call the same morning
    assertError(await h.spost(p, { result: 'unreachable' }), 409, 'already_done');
    assert.equal((await list()).followups.find((x) => x.id === f0.id).done, null);
    await move('2026-12-16T09:00:00+08:00');
    r = await h.spost(p, { result: 'unreachable', note: '三次都没有接' });
    assert.equal(r.status, 200, r.text);
    f = r.body.followups.find((x) => x.id === f0.id);
    assert.deepEqual([f.result, f.done_by, f.note, f.tries, f.retry_on, f.waiting],
      ['unreachable', 'wang', '三次都没有接', 2, null, false]);
    assertError(await h.spost(p, { result: 'satisfied' }), 409, 'already_done');
    const v = await h.sget(`/api/v1/staff/cases/${c.id}`);
    assert.deepEqual(v.body.events.filter((e) => e.what === 'followup').map((e) => [e.user, e.detail]),
      [['wang', 'unreachable_try routine'], ['li', 'unreachable_try routine'], ['wang', 'unreachable']]);
    // each call is a staffer's 回访 of its day; owed at Friday's end, waiting for a try
    const fri = await report('2026-12-11');
    assert.equal(called(fri, 'wang'), 1);
    assert.deepEqual([fri.followups_owed.open, fri.followups_owed.retrying], [1, 1]);
    const tue = await report('2026-12-15');
    assert.equal(called(tue, 'li'), 1);
    assert.equal(tue.followups_owed.retrying, 1);
    const wed = await report('2026-12-16');
    assert.deepEqual([wed.followups_owed.open, wed.followups_owed.retrying], [0, 0]);
    // closed on Wednesday, given up: not reached on a later try
    assert.deepEqual(wed.followups_closed, { done: 1, reached_on_retry: 0, unreachable: 1 });
    assert.deepEqual(tue.followups_closed, { done: 0, reached_on_retry: 0, unreachable: 0 });
    const csv = await request(h.url('/api/v1/admin/report?date=2026-12-15&format=csv'), { headers: authHeaders(h.admin) });
    assert.ok(csv.text.split('\r\n').includes('待回访中联系不上待再打(当日结束时),1'), csv.text);
    const wcsv = (await request(h.url('/api/v1/admin/report?date=2026-12-16&format=csv'), { headers: authHeaders(h.admin) })).text;
    assert.ok(wcsv.includes('\r\n当日结束的回访,1\r\n其中再打才联系上,0\r\n其中联系不上结束,1\r\n'), wcsv);
    // the statistics count the outcome once: unreachable after the three
    const s = await h.sget('/api/v1/admin/stats?from=2026-12-11&to=2026-12-16', h.admin);
    const st = s.body.procedures.find((x) => x.id === 'residence').followups;
    assert.deepEqual([st.done, st.unreachable], [1, 1]);
  });

  // the contract asks a complaint's note of every result recorded, so a
  // try without one is 422 as a 联系不上 always was (what was tried)
  it('a complaint\'s try needs a note, as closing it does', async () => {
    await move('2026-12-16T10:00:00+08:00');
    const c = await simpleCase(h);
    await complete(h, c);
    assert.equal((await h.post(`/api/v1/cases/${c.id}/rating`, { score: 1 })).status, 204);
    const f0 = (await list()).followups.find((x) => x.case === c.id && x.kind === 'complaint');
    const p = `/api/v1/staff/followups/${f0.id}?done=today`;
    assertError(await h.spost(p, { result: 'unreachable' }), 422, 'note_required');
    const r = await h.spost(p, { result: 'unreachable', note: '打了两次，关机' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.followups.find((x) => x.id === f0.id).tries, 1);
    await move('2026-12-17T10:00:00+08:00');
    assertError(await h.spost(p, { result: 'satisfied' }), 422, 'note_required');
    const ok = await h.spost(p, { result: 'satisfied', note: '已致歉，居民表示理解' });
    assert.equal(ok.status, 200, ok.text);
    const f = ok.body.followups.find((x) => x.id === f0.id);
    assert.deepEqual([f.result, f.tries], ['satisfied', 1]);
    // reached on the second day: the day's report and the statistics say it
    const thu = await report('2026-12-17');
    assert.deepEqual(thu.followups_closed, { done: 1, reached_on_retry: 1, unreachable: 0 });
    const s = await h.sget('/api/v1/admin/stats?from=2026-12-16&to=2026-12-17', h.admin);
    const st = s.body.procedures.find((x) => x.id === 'simple').followups;
    assert.deepEqual([st.done, st.satisfied, st.reached_on_retry], [1, 1, 1]);
  });

  // the contract's list leaves a call-back waiting for its next try out,
  // but its counts are the page's (?done=today): an overdue one tried
  // today was overdue on the page and not in the list's counts
  it('an overdue call-back waiting for its next try is counted overdue in both lists', async () => {
    await move('2026-12-17T10:00:00+08:00');
    const c = await residentCase(h);
    await complete(h, c);
    await move('2026-12-24T10:00:00+08:00');
    const f0 = (await list()).followups.find((x) => x.case === c.id);
    assert.equal(f0.overdue, true, JSON.stringify(f0));
    const r = await h.spost(`/api/v1/staff/followups/${f0.id}?done=today`, { result: 'unreachable' });
    assert.equal(r.status, 200, r.text);
    const page = (await list()).counts;
    const plain = (await h.sget('/api/v1/staff/followups')).body.counts;
    assert.deepEqual([page.open, page.overdue, page.waiting], [1, 1, 1]);
    assert.deepEqual(plain, { ...page, done_today: plain.done_today });
  });
});
