// A case a staffer hands in at their own window (窗口代填, 代为补正) has its
// resident at that desk already: a colleague's 叫下一个号 must not call it
// to another window, and the call screen must not count it as waiting to be
// called (schema/040-handed-in-by.sql). A review reproduced the fault: li at
// window 5 got wang's A002, and the screen sent the resident, seated at
// wang's window, to window 5.
//
// The daemon's clock stands still on a working morning: call-next takes
// today's tickets only, and a run across midnight would compare two days.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { assertError, authHeaders, stoppedClockFor } from './helpers.mjs';
import { AGENT, ID, MOBILE, NAME, residentCase, useWindow } from './staff-helpers.mjs';

const ZONE = 'Asia/Shanghai';
const h = useWindow({ env: stoppedClockFor(new Date('2026-12-07T02:00:00Z'), ZONE) });

const wangHeaders = () => authHeaders(h.staff);
const callNext = (window, s = h.staff2) => h.spost('/api/v1/staff/call-next', { window }, s);
const entry = async (id) => (await h.sget('/api/v1/staff/queue')).body.queue.find((e) => e.id === id);
const waitingOnScreen = async () => (await h.get('/api/v1/display')).body.waiting;

// Calls every case waiting uncalled, so that each test starts from an empty
// call queue; returns their ids.
async function drain() {
  const ids = [];
  for (;;) {
    const r = await callNext('9');
    if (r.status === 409) return ids;
    assert.equal(r.status, 200, r.text);
    ids.push(r.body.id);
  }
}

// wang starts a case at his window and fills it in with the resident there.
async function filledAtWindow() {
  const s = await h.spost('/api/v1/staff/cases', { procedure: 'residence' });
  assert.equal(s.status, 201, s.text);
  return residentCase(h, { id: s.body.id, headers: wangHeaders() });
}

describe('a case handed in at a staffer\'s window is not called to another', () => {
  it('窗口代填: the queue names who handed it in; a colleague\'s call-next passes it over', async () => {
    await drain();
    const screen = await waitingOnScreen();
    const c = await filledAtWindow();
    assert.match(c.ticket, /^[A-Z]\d{3}$/);
    const e = await entry(c.id);
    assert.equal(e.status, 'waiting');
    assert.equal(e.handed_in_by, 'wang');
    assert.equal(e.calls, 0);
    // li at window 5 presses 叫下一个号: nobody else waits, so nothing is called
    assertError(await callNext('5'), 409, 'queue_empty');
    assert.equal((await entry(c.id)).calls, 0);
    // the call screen counts those the hall still has to call: not this one
    assert.equal(await waitingOnScreen(), screen);
    const m = await h.get('/metrics');
    assert.match(m.text, /^spkiosk_queue_waiting 0$/m);
    // wang accepts it at his desk, as the page offers after 提交并取号
    const r = await h.spost(`/api/v1/staff/cases/${c.id}/accept`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.accepted_by, 'wang');
    assert.equal(r.body.handed_in_by, 'wang');
  });

  it('a resident who drew a ticket after it is called first, in turn', async () => {
    await drain();
    const atDesk = await filledAtWindow();
    const kiosk = await residentCase(h);
    const screen = await waitingOnScreen();
    assert.equal((await entry(kiosk.id)).handed_in_by, null);
    const r = await callNext('5');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.id, kiosk.id, 'call-next took the case handed in at wang\'s desk');
    assert.equal(r.body.called_by, 'li');
    assert.equal(await waitingOnScreen(), screen - 1);
    assertError(await callNext('5'), 409, 'queue_empty');
    // anyone may still open and accept it (wang went on a break)
    const a = await h.spost(`/api/v1/staff/cases/${atDesk.id}/accept`, {}, h.staff2);
    assert.equal(a.status, 200, a.text);
    assert.equal(a.body.accepted_by, 'li');
  });

  it('a staffer may still call it on purpose (…/call): the resident was asked to wait in the hall', async () => {
    await drain();
    const c = await filledAtWindow();
    const r = await h.spost(`/api/v1/staff/cases/${c.id}/call`, { window: '3' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.calls, 1);
    const d = (await h.get('/api/v1/display')).body;
    assert.deepEqual([d.calls[0].ticket, d.calls[0].window], [c.ticket, '3']);
  });

  it('代为补正: a returned case corrected at the window is passed over; corrected by its resident, it is in the queue again', async () => {
    await drain();
    const c = await residentCase(h, { proxy: 'yes' });
    const fix = { fields: { agent_name: AGENT, agent_id: '440304199003070018' } };
    let r = await h.spost(`/api/v1/staff/cases/${c.id}/return`, { reason: '代办人身份证号有误', fields: ['agent_id'] });
    assert.equal(r.status, 200, r.text);
    r = await h.post(`/api/v1/cases/${c.id}/steps/2`, fix, wangHeaders());
    assert.equal(r.status, 200, r.text);
    r = await h.post(`/api/v1/cases/${c.id}/submit`, undefined, wangHeaders());
    assert.deepEqual(r.body, { status: 'waiting', ticket: c.ticket });
    assert.equal((await entry(c.id)).handed_in_by, 'wang');
    assertError(await callNext('5'), 409, 'queue_empty');
    // returned again, and this time the resident corrects it at the kiosk
    r = await h.spost(`/api/v1/staff/cases/${c.id}/return`, { reason: '请再核对', fields: ['agent_id'] });
    assert.equal(r.status, 200, r.text);
    assert.equal((await h.post(`/api/v1/cases/${c.id}/steps/2`, fix)).status, 200);
    r = await h.post(`/api/v1/cases/${c.id}/submit`);
    assert.equal(r.status, 200, r.text);
    assert.equal((await entry(c.id)).handed_in_by, null);
    r = await callNext('5');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.id, c.id);
  });

  it('材料不全 handed in at the window is passed over too', async () => {
    await drain();
    const s = await h.spost('/api/v1/staff/cases', { procedure: 'residence' });
    const id = s.body.id;
    assert.equal((await h.post(`/api/v1/cases/${id}/conditions`, { confirmed: [true] }, wangHeaders())).status, 200);
    const r = await h.post(`/api/v1/cases/${id}/steps/0/incomplete`, { checklist: { 's0-0': true } }, wangHeaders());
    assert.equal(r.status, 200, r.text);
    assert.match(r.body.ticket, /^[A-Z]\d{3}$/);
    const e = await entry(id);
    assert.equal(e.incomplete, true);
    assert.equal(e.handed_in_by, 'wang');
    assertError(await callNext('5'), 409, 'queue_empty');
  });

  it('a hand-in with the cookie but not the page\'s CSRF token is a resident\'s: in the queue to be called', async () => {
    await drain();
    const s = await h.spost('/api/v1/staff/cases', { procedure: 'residence' });
    const c = await residentCase(h, { id: s.body.id, headers: { Cookie: h.staff.cookie } });
    assert.equal((await entry(c.id)).handed_in_by, null);
    const r = await callNext('5');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.id, c.id);
  });

  // a web case handed in at wang's desk, returned, then corrected at home
  // and sent to 网上预审: nobody at a desk handed that in
  it('a web case handed in at the window, returned and sent to pre-review from home: handed in by nobody', async () => {
    const c = await residentCase(h, { channel: 'web', headers: wangHeaders() });
    assert.equal((await entry(c.id)).handed_in_by, 'wang');
    let r = await h.spost(`/api/v1/staff/cases/${c.id}/return`, { reason: '请再核对', fields: ['name'] });
    assert.equal(r.status, 200, r.text);
    assert.equal((await h.post(`/api/v1/cases/${c.id}/steps/1`,
      { fields: { name: NAME, id_number: ID, phone: MOBILE, proxy: 'no' } })).status, 200);
    r = await h.post(`/api/v1/cases/${c.id}/submit`, { prereview: true });
    assert.equal(r.status, 200, r.text);
    const v = await h.sget(`/api/v1/staff/cases/${c.id}`);
    assert.equal(v.body.status, 'prereview');
    assert.equal(v.body.handed_in_by, null, 'the earlier hand-in at wang\'s desk');
  });

  it('the staff case view says who handed it in', async () => {
    const c = await filledAtWindow();
    const v = await h.sget(`/api/v1/staff/cases/${c.id}`);
    assert.equal(v.status, 200, v.text);
    assert.equal(v.body.handed_in_by, 'wang');
    const k = await residentCase(h);
    assert.equal((await h.sget(`/api/v1/staff/cases/${k.id}`)).body.handed_in_by, null);
  });
});

// 放弃: an item picked by mistake at the window sat in 办理中 as 填写中 for a
// day, and counted in the statistics as started and given up (a review).
describe('a case started at the window by mistake can be discarded', () => {
  const discard = (id, s = h.staff) => h.spost(`/api/v1/staff/cases/${id}/discard`, {}, s);

  it('204: the case and its answers are gone, from the lists too; the log names who and the item, not the case', async () => {
    const s = await h.spost('/api/v1/staff/cases', { procedure: 'residence' });
    const id = s.body.id;
    assert.equal((await h.post(`/api/v1/cases/${id}/conditions`, { confirmed: [true] }, wangHeaders())).status, 200);
    assert.ok((await h.sget('/api/v1/staff/queue')).body.filling.some((e) => e.id === id));
    const r = await discard(id); // wang, who started it
    assert.equal(r.status, 204, r.text);
    assert.equal(r.text, '');
    assertError(await h.sget(`/api/v1/staff/cases/${id}`), 404, 'unknown_case');
    assertError(await h.get(`/api/v1/cases/${id}`), 404, 'unknown_case');
    assert.ok(!(await h.sget('/api/v1/staff/queue')).body.filling.some((e) => e.id === id));
    assertError(await discard(id), 404, 'unknown_case');
    const log = h.ctx.daemon.stderr();
    assert.match(log, /spkiosk: wang discarded a case of residence started at the window, never handed in/);
    assert.ok(!log.includes(id), 'the case id in the log');
  });

  // li's list shows wang's 代填 as 填写中 with no name; li's 放弃 deleted
  // what the resident at wang's desk had typed, and wang's next step was a
  // 404 (a review): the starter or an admin only
  it('403 not_your_fill for a colleague, nothing changes; an admin may', async () => {
    const s = await h.spost('/api/v1/staff/cases', { procedure: 'residence' });
    const id = s.body.id;
    assert.equal((await h.post(`/api/v1/cases/${id}/conditions`, { confirmed: [true] }, wangHeaders())).status, 200);
    const r = await discard(id, h.staff2);
    assertError(r, 403, 'not_your_fill');
    assert.match(r.body.error.message, /同事开始填写/);
    const v = await h.sget(`/api/v1/staff/cases/${id}`);
    assert.equal(v.body.status, 'open');
    assert.equal(v.body.conditions_confirmed, true);
    assert.ok(!h.ctx.daemon.stderr().includes('li discarded'));
    const a = await discard(id, h.admin);
    assert.equal(a.status, 204, a.text);
    assertError(await h.sget(`/api/v1/staff/cases/${id}`), 404, 'unknown_case');
  });

  it('409 not_discardable for a resident\'s own case and for one handed in; nothing changes', async () => {
    const o = await h.post('/api/v1/cases', { procedure: 'residence' });
    assertError(await discard(o.body.id), 409, 'not_discardable');
    assert.equal((await h.get(`/api/v1/cases/${o.body.id}`)).body.status, 'open');
    // posted to the public route with channel window and no session: not a start at the window
    const w = await h.post('/api/v1/cases', { procedure: 'residence', channel: 'window' });
    assertError(await discard(w.body.id), 409, 'not_discardable');
    const c = await filledAtWindow();
    const r = await discard(c.id);
    assertError(r, 409, 'not_discardable');
    assert.match(r.body.error.message, /退回|不予受理/);
    assert.equal((await entry(c.id)).status, 'waiting');
  });

  it('staff only, with the page\'s CSRF token', async () => {
    const s = await h.spost('/api/v1/staff/cases', { procedure: 'simple' });
    assertError(await h.post(`/api/v1/staff/cases/${s.body.id}/discard`, {}), 401, 'not_logged_in');
    assertError(await h.post(`/api/v1/staff/cases/${s.body.id}/discard`, {}, { Cookie: h.staff.cookie }), 403, 'csrf_failed');
    assert.equal((await h.sget(`/api/v1/staff/cases/${s.body.id}`)).body.status, 'open');
  });
});
