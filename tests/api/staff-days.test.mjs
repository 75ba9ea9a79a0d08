// Tickets start again every day, so a ticket typed at the window means
// today's, and a returned case submitted again on a later day draws a new
// ticket. Two days without waiting for midnight: one database, served first
// with the clock's local time at UTC+14 and then at UTC−12, whose dates are
// always at least one day apart.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  makeTmp, startDaemon, stopChecked, addUser, login, request, authHeaders, assertError,
} from './helpers.mjs';
import { WINDOW_TREE } from './staff-helpers.mjs';

const DAY1 = 'Etc/GMT-14'; // POSIX sign: UTC+14
const DAY2 = 'Etc/GMT+12'; // UTC−12

describe('tickets on two days', () => {
  let tmp;
  let db;
  let d = null;
  let s;
  const url = (p) => `${d.url}${p}`;
  const post = (p, body, headers = {}) => request(url(p), {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body ?? {}),
  });
  const sget = (p) => request(url(p), { headers: { Cookie: s.cookie } });
  async function serve(tz) {
    if (d) {
      const info = await d.stop();
      assert.deepEqual([info.code, info.signal], [0, null], d.stderr());
    }
    d = await startDaemon({ tree: WINDOW_TREE, db, env: { TZ: tz } });
    s = await login(d.url, 'wang', 'wang-password-1');
  }
  async function simpleCase() {
    const c = await post('/api/v1/cases', { procedure: 'simple' });
    assert.equal((await post(`/api/v1/cases/${c.body.id}/steps/0`, { checklist: { 's0-0': true } })).status, 200);
    const r = await post(`/api/v1/cases/${c.body.id}/submit`);
    assert.equal(r.status, 200, r.text);
    return { id: c.body.id, ticket: r.body.ticket };
  }

  before(async () => {
    tmp = makeTmp();
    db = path.join(tmp, 'x.db');
    d = await startDaemon({ tree: WINDOW_TREE, db, env: { TZ: DAY1 } });
    addUser(db, 'wang', 'staff', 'wang-password-1');
    s = await login(d.url, 'wang', 'wang-password-1');
  });
  after(() => stopChecked(d, tmp));

  let first;
  let returned;
  it('day 1: the first ticket is A001 and opens its case', async () => {
    first = await simpleCase();
    assert.equal(first.ticket, 'A001');
    returned = await simpleCase();
    assert.equal(returned.ticket, 'A002');
    const r = await sget('/api/v1/staff/cases/A001');
    assert.equal(r.body.id, first.id);
    const ret = await post(`/api/v1/staff/cases/${returned.id}/return`, { reason: '请补充材料' }, authHeaders(s));
    assert.equal(ret.status, 200, ret.text);
  });

  it('day 2: yesterday\'s ticket is unknown; today\'s A001 is a new case', async () => {
    await serve(DAY2);
    assertError(await sget('/api/v1/staff/cases/A001'), 404, 'unknown_case');
    assertError(await sget('/api/v1/staff/cases/A002'), 404, 'unknown_case');
    // the case itself is still there by its id
    assert.equal((await sget(`/api/v1/staff/cases/${first.id}`)).body.ticket, 'A001');
    const today = await simpleCase();
    assert.equal(today.ticket, 'A001');
    const r = await sget('/api/v1/staff/cases/A001');
    assert.equal(r.body.id, today.id);
    const old = (await sget(`/api/v1/staff/cases/${first.id}`)).body;
    assert.notEqual(r.body.ticket_day, old.ticket_day);
    // the staff page offers 再次叫号 by it: an earlier day's is 409 ticket_expired
    assert.deepEqual([old.ticket_expired, r.body.ticket_expired], [true, false]);
    assertError(await post(`/api/v1/staff/cases/${first.id}/call`, {}, authHeaders(s)), 409, 'ticket_expired');
  });

  it('day 2: a case returned yesterday and submitted again gets today\'s next ticket', async () => {
    const r = await post(`/api/v1/cases/${returned.id}/submit`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.ticket, 'A002');
    assert.equal((await sget('/api/v1/staff/cases/A002')).body.id, returned.id);
  });

  // yesterday's A001, never called, and today's A001 both wait: the hall
  // must call today's, and yesterday's holder draws a new ticket
  it('day 2: yesterday\'s uncalled ticket is out of the queue, the screen and call-next', async () => {
    const q = await sget('/api/v1/staff/queue');
    assert.equal(q.status, 200, q.text);
    assert.deepEqual(q.body.queue.map((x) => x.ticket), ['A001', 'A002'], 'today\'s tickets only');
    assert.equal(q.body.total, 2);
    assert.deepEqual(q.body.earlier.map((x) => x.id), [first.id], 'yesterday\'s, listed apart');
    const disp = await request(url('/api/v1/display'));
    assert.equal(disp.body.waiting, 2);
    // the tag holds the day: at midnight the calls go with seq and waiting unmoved
    const ymd = new Intl.DateTimeFormat('en-CA', { timeZone: DAY2, year: 'numeric', month: '2-digit', day: '2-digit' })
      .format(new Date()).replaceAll('-', '');
    assert.equal(disp.headers.get('etag'), `"c0-w2-d${ymd}"`);
    const pub = await request(url(`/api/v1/cases/${first.id}`));
    assert.equal(pub.body.status, 'waiting');
    assert.equal(pub.body.ticket_expired, true);
    assert.equal((await request(url(`/api/v1/cases/${returned.id}`))).body.ticket_expired, false);
    assertError(await post(`/api/v1/staff/cases/${first.id}/call`, { window: '1' }, authHeaders(s)), 409, 'ticket_expired');
    const called = await post('/api/v1/staff/call-next', { window: '1' }, authHeaders(s));
    assert.equal(called.status, 200, called.text);
    assert.notEqual(called.body.id, first.id, 'today\'s A001 is called, not yesterday\'s');
    assert.equal(called.body.ticket, 'A001');
    assert.deepEqual((await request(url('/api/v1/display'))).body.calls.map((c) => c.ticket), ['A001']);
  });

  it('day 2: yesterday\'s holder hands the case in again: a new ticket of today, at the back', async () => {
    const r = await post(`/api/v1/cases/${first.id}/submit`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.ticket, 'A003');
    const pub = await request(url(`/api/v1/cases/${first.id}`));
    assert.equal(pub.body.ticket_expired, false);
    const q = await sget('/api/v1/staff/queue');
    assert.deepEqual(q.body.queue.map((x) => x.ticket), ['A001', 'A002', 'A003']);
    assert.deepEqual(q.body.earlier, []);
    // today's ticket is not drawn twice
    assertError(await post(`/api/v1/cases/${first.id}/submit`), 409, 'already_submitted');
    // and yesterday's case can still be accepted at once by its id
    assert.equal((await post(`/api/v1/staff/cases/${first.id}/accept`, {}, authHeaders(s))).status, 200);
  });
});
