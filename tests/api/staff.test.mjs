// The staff window's routes (docs/http-api.md "Staff"): the session and
// CSRF gate on every route, the queue (oldest first, ID numbers masked),
// the case view by id or today's ticket (ID numbers in full, ticked and
// missing, events with who), accept → complete, the 409s of moves the
// status does not allow, 422 bodies, 404s, two windows acting on one case
// at once, upper-case ids on the moves, no-store on every answer with case
// data, and that the log holds no case id or value.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, assertJSONType, routeTable } from './helpers.mjs';
import { useWindow, residentCase, NAME, ID, MOBILE, masked } from './staff-helpers.mjs';

const h = useWindow();
const UNKNOWN = '0123456789abcdef0123456789abcdef';

describe('every staff route needs a staff session, and a CSRF token to change anything', () => {
  let c;
  before(async () => { c = await residentCase(h); });

  // The staff routes of the route table in src/api.c, each case route with
  // the case's id and with its ticket; a body the route would act on, so
  // that a missing check would show as a move.
  const BODIES = {
    '/api/v1/staff/cases': { procedure: 'simple' },
    '/api/v1/staff/cases/{}/complete': { outcome: '已办结' },
    '/api/v1/staff/cases/{}/return': { reason: '材料不全' },
  };
  const routes = () => routeTable().filter((r) => r.access === 'STAFF').flatMap((r) => {
    const body = r.method === 'GET' ? undefined : (BODIES[r.pattern] ?? {});
    const keys = r.pattern.includes('{}') ? [c.id, c.ticket] : [''];
    return keys.map((k) => [r.method, r.pattern.replaceAll('{}', k), body]);
  });

  it('401 not_logged_in without a session cookie, and with a made-up one', async () => {
    for (const [method, p, body] of routes()) {
      for (const cookie of [undefined, 'spk_session=' + 'A'.repeat(43)]) {
        const headers = { 'content-type': 'application/json' };
        if (cookie) headers.Cookie = cookie;
        const r = await fetch(h.url(p), { method, headers, body: body && JSON.stringify(body) });
        const text = await r.text();
        assertError({ status: r.status, headers: r.headers, text, body: JSON.parse(text) }, 401,
          'not_logged_in', `${method} ${p}`);
      }
    }
  });

  it('403 csrf_failed for a POST without the token or with a wrong one; nothing moves', async () => {
    for (const [method, p, body] of routes()) {
      if (method !== 'POST') continue;
      for (const token of [undefined, 'x'.repeat(43), h.staff2.csrf]) {
        const headers = { 'content-type': 'application/json', Cookie: h.staff.cookie };
        if (token) headers['X-CSRF-Token'] = token;
        const r = await fetch(h.url(p), { method, headers, body: JSON.stringify(body) });
        const text = await r.text();
        assertError({ status: r.status, headers: r.headers, text, body: JSON.parse(text) }, 403,
          'csrf_failed', `${method} ${p} token ${token}`);
      }
    }
    const v = await h.sget(`/api/v1/staff/cases/${c.id}`);
    assert.equal(v.body.status, 'waiting');
    assert.equal(v.body.calls, 0);
  });

  it('GET routes need no CSRF token; an admin may use the staff routes', async () => {
    const q = await h.sget('/api/v1/staff/queue', h.admin);
    assert.equal(q.status, 200, q.text);
    const v = await h.sget(`/api/v1/staff/cases/${c.id}`, h.admin);
    assert.equal(v.status, 200, v.text);
  });
});

describe('the queue', () => {
  let a;
  let b;
  before(async () => {
    // earlier cases of this file may wait too: the test looks at its own
    a = await residentCase(h);
    b = await residentCase(h, { proxy: 'yes' });
  });

  it('lists waiting cases oldest first with ticket, procedure, title and waiting since', async () => {
    const r = await h.sget('/api/v1/staff/queue');
    assert.equal(r.status, 200, r.text);
    assertJSONType(r, 'queue');
    assert.match(r.body.now, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const ids = r.body.queue.map((e) => e.id);
    assert.ok(ids.indexOf(a.id) >= 0 && ids.indexOf(a.id) < ids.indexOf(b.id), ids.join(' '));
    assert.equal(r.body.total, r.body.queue.length);
    const e = r.body.queue.find((x) => x.id === a.id);
    assert.equal(e.ticket, a.ticket);
    assert.equal(e.procedure, 'residence');
    assert.equal(e.title, '居住登记');
    assert.equal(e.status, 'waiting');
    assert.equal(e.channel, 'kiosk');
    assert.match(e.submitted_at, /^\d{4}-\d\d-\d\dT/);
    assert.equal(e.waiting_since, e.submitted_at, 'the contract\'s "waiting since"');
    assert.equal(e.calls, 0);
    assert.equal(e.called_at, null);
    const sorted = [...r.body.queue].sort((x, y) => x.submitted_at.localeCompare(y.submitted_at));
    assert.deepEqual(sorted.map((x) => x.submitted_at), r.body.queue.map((x) => x.submitted_at));
  });

  it('shows ID numbers masked to their last 4, and no other value', async () => {
    const r = await h.sget('/api/v1/staff/queue');
    const ea = r.body.queue.find((x) => x.id === a.id);
    assert.deepEqual(ea.ids, [{ label: '公民身份号码', value: masked(ID) }]);
    const eb = r.body.queue.find((x) => x.id === b.id);
    assert.deepEqual(eb.ids.map((x) => x.label), ['公民身份号码', '代办人身份证号']);
    for (const x of eb.ids) assert.match(x.value, /^\*{14}[0-9X]{4}$/);
    assert.ok(!r.text.includes(ID), 'a full ID number in the queue');
    assert.ok(!r.text.includes(NAME) && !r.text.includes(MOBILE), 'a value in the queue');
  });

  it('a case being filled in (open) is not in the queue', async () => {
    const o = await h.post('/api/v1/cases', { procedure: 'residence' });
    const r = await h.sget('/api/v1/staff/queue');
    assert.ok(!r.body.queue.some((x) => x.id === o.body.id));
  });
});

describe('the case view', () => {
  let c;
  before(async () => { c = await residentCase(h); });

  it('by id: every value in full, what was ticked and what is missing, the steps', async () => {
    const r = await h.sget(`/api/v1/staff/cases/${c.id}`);
    assert.equal(r.status, 200, r.text);
    assertJSONType(r, 'case');
    const v = r.body;
    assert.equal(v.id, c.id);
    assert.equal(v.ticket, c.ticket);
    assert.equal(v.status, 'waiting');
    assert.equal(v.title, '居住登记');
    assert.equal(v.channel, 'kiosk');
    assert.equal(v.conditions_confirmed, true);
    assert.deepEqual(v.conditions, ['在本社区实际居住']);
    assert.equal(v.meta.phone, '0535-1234567');
    // the public case's shape, unmasked: no key appears twice in the text
    assert.equal((r.text.match(/"steps":/g) ?? []).length, 1, 'one "steps" key');
    const pub = (await h.get(`/api/v1/cases/${c.id}`)).body;
    assert.equal(v.steps, pub.steps);
    assert.equal(v.step, pub.step);
    assert.deepEqual(v.checklist, pub.checklist);
    assert.deepEqual(v.values, { ...pub.values, id_number: ID }, 'values as the public case, ID in full');
    assert.notEqual(pub.values.id_number, ID);
    assert.equal(v.procedure_steps.length, 3);
    const f = Object.fromEntries(v.procedure_steps[1].fields.map((x) => [x.key, x]));
    assert.equal(f.id_number.value, ID, 'the window sees the ID number in full');
    assert.equal(f.name.value, NAME);
    assert.equal(f.phone.value, MOBILE);
    assert.equal(f.proxy.value, 'no');
    assert.equal(f.id_number.label, '公民身份号码');
    const items = Object.fromEntries(v.procedure_steps[0].checklist.map((x) => [x.id, x]));
    assert.equal(items['s0-0'].ticked, true);
    assert.equal(items['s0-1'].ticked, true);
    assert.equal(items['s0-2'].ticked, false);
    assert.equal(items['s0-2'].required, false);
    // the agent's step does not apply: not missing
    assert.equal(v.procedure_steps[2].applicable, false);
    assert.deepEqual(v.procedure_steps[2].if, { key: 'proxy', op: '=', value: 'yes' });
    assert.equal(v.procedure_steps[2].fields[0].applies, false);
    assert.equal(v.procedure_steps[2].fields[0].value, null);
    assert.deepEqual(v.missing, { checklist: [], fields: [] });
    assert.equal(v.returned_reason, null);
    assert.equal(v.outcome, null);
    assert.equal(v.rating, null);
  });

  it('lists what is missing for a case not finished (required, applicable only)', async () => {
    const o = await h.post('/api/v1/cases', { procedure: 'residence' });
    await h.post(`/api/v1/cases/${o.body.id}/conditions`, { confirmed: [true] });
    await h.post(`/api/v1/cases/${o.body.id}/steps/0`, { checklist: { 's0-0': true, 's0-1': true } });
    const r = await h.sget(`/api/v1/staff/cases/${o.body.id}`);
    assert.equal(r.body.status, 'open');
    assert.deepEqual(r.body.missing.checklist, []);
    assert.deepEqual(r.body.missing.fields.map((x) => x.key), ['name', 'id_number', 'phone', 'proxy']);
    assert.equal(r.body.missing.fields[0].label, '姓名');
    assert.equal(r.body.missing.fields[0].step, 1);
  });

  it('by today\'s ticket, upper or lower case, is the same case', async () => {
    const byId = await h.sget(`/api/v1/staff/cases/${c.id}`);
    for (const t of [c.ticket, c.ticket.toLowerCase()]) {
      const r = await h.sget(`/api/v1/staff/cases/${t}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.id, c.id);
      assert.deepEqual(r.body.procedure_steps, byId.body.procedure_steps);
    }
    // a scanner may send the id in upper case
    const up = await h.sget(`/api/v1/staff/cases/${c.id.toUpperCase()}`);
    assert.equal(up.body.id, c.id);
  });

  it('404 unknown_case for an unknown id, a ticket not drawn today, anything else', async () => {
    for (const k of [UNKNOWN, 'Z999', 'A0001', 'AB12', '12345', 'x', c.id.slice(1)]) {
      assertError(await h.sget(`/api/v1/staff/cases/${k}`), 404, 'unknown_case', k);
    }
  });

  it('the history: every event with when, what, who and channel', async () => {
    const r = await h.sget(`/api/v1/staff/cases/${c.id}`);
    const whats = r.body.events.map((e) => e.what);
    assert.deepEqual(whats, ['created', 'conditions', 'step', 'step', 'submitted']);
    for (const e of r.body.events) {
      assert.match(e.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.equal(e.user, null, 'a resident is nobody in particular');
      assert.equal(e.channel, 'kiosk');
      assert.ok('detail' in e && 'step' in e);
    }
    assert.deepEqual(r.body.events.filter((e) => e.what === 'step').map((e) => e.step), [0, 1]);
    assert.equal(r.body.events_truncated, false);
  });
});

describe('accept and complete', () => {
  let c;
  before(async () => { c = await residentCase(h); });

  it('complete before accept: 409 not_accepted', async () => {
    assertError(await h.spost(`/api/v1/staff/cases/${c.id}/complete`, { outcome: '办好了' }), 409, 'not_accepted');
  });

  it('accept: waiting → accepted, by whom and when, and out of the waiting list', async () => {
    const r = await h.spost(`/api/v1/staff/cases/${c.id}/accept`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'accepted');
    assert.equal(r.body.accepted_by, 'wang');
    assert.match(r.body.accepted_at, /^\d{4}-/);
    const last = r.body.events.at(-1);
    assert.deepEqual([last.what, last.user, last.channel], ['accepted', 'wang', 'window']);
    const q = await h.sget('/api/v1/staff/queue');
    assert.ok(!q.body.queue.some((x) => x.id === c.id));
    const ip = q.body.in_progress.find((x) => x.id === c.id);
    assert.equal(ip.accepted_by, 'wang');
  });

  it('accept again, from another window: 409 not_waiting', async () => {
    assertError(await h.spost(`/api/v1/staff/cases/${c.id}/accept`, {}, h.staff2), 409, 'not_waiting');
  });

  it('complete needs an outcome: 422 for none, blank, a number, too long, a control character', async () => {
    const p = `/api/v1/staff/cases/${c.id}/complete`;
    assertError(await h.spost(p, {}), 422, 'outcome_required');
    assertError(await h.spost(p, { outcome: ' \u3000 ' }), 422, 'outcome_required');
    assertError(await h.spost(p, { outcome: 12 }), 422, 'bad_text');
    assertError(await h.spost(p, { outcome: '办'.repeat(501) }), 422, 'outcome_too_long');
    assertError(await h.spost(p, { outcome: '办结\u0007' }), 422, 'bad_text');
    assertError(await h.spost(p, '[1]'), 400, 'bad_request');
    assertError(await h.spost(p, 'not json'), 400, 'bad_request');
    const v = await h.sget(`/api/v1/staff/cases/${c.id}`);
    assert.equal(v.body.status, 'accepted', 'nothing moved');
  });

  it('complete: accepted → completed with the outcome (500 characters is fine), by whom', async () => {
    const outcome = '已办结,当场发放居住证明。' + '备'.repeat(487);
    const r = await h.spost(`/api/v1/staff/cases/${c.id}/complete`, { outcome: `  ${outcome}\n` }, h.staff2);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'completed');
    assert.equal(r.body.outcome, outcome, 'trimmed');
    assert.equal(r.body.completed_by, 'li');
    const last = r.body.events.at(-1);
    assert.deepEqual([last.what, last.user, last.detail], ['completed', 'li', outcome]);
    const pub = await h.get(`/api/v1/cases/${c.id}`);
    assert.equal(pub.body.status, 'completed');
  });

  it('after completion: accept, complete, return, call and no-show are 409', async () => {
    assertError(await h.spost(`/api/v1/staff/cases/${c.id}/accept`), 409, 'not_waiting');
    assertError(await h.spost(`/api/v1/staff/cases/${c.id}/complete`, { outcome: 'x' }), 409, 'not_accepted');
    assertError(await h.spost(`/api/v1/staff/cases/${c.id}/return`, { reason: 'x' }), 409, 'not_returnable');
    assertError(await h.spost(`/api/v1/staff/cases/${c.id}/call`), 409, 'not_waiting');
    assertError(await h.spost(`/api/v1/staff/cases/${c.id}/no-show`), 409, 'not_waiting');
  });

  it('an open case (not submitted) cannot be accepted, called or returned', async () => {
    const o = await h.post('/api/v1/cases', { procedure: 'simple' });
    assertError(await h.spost(`/api/v1/staff/cases/${o.body.id}/accept`), 409, 'not_waiting');
    assertError(await h.spost(`/api/v1/staff/cases/${o.body.id}/call`), 409, 'not_waiting');
    assertError(await h.spost(`/api/v1/staff/cases/${o.body.id}/return`, { reason: '不全' }), 409, 'not_returnable');
  });

  it('404 unknown_case on every move of an unknown case', async () => {
    for (const [p, body] of [['accept', {}], ['complete', { outcome: 'x' }], ['return', { reason: 'x' }],
      ['call', {}], ['no-show', {}]]) {
      assertError(await h.spost(`/api/v1/staff/cases/${UNKNOWN}/${p}`, body), 404, 'unknown_case', p);
      assertError(await h.spost(`/api/v1/staff/cases/Z999/${p}`, body), 404, 'unknown_case', p);
    }
    assertError(await h.sget(`/print/staff/cases/${UNKNOWN}/correction`), 404, 'unknown_case');
  });

  it('a move takes today\'s ticket where it takes the id, as the case view does', async () => {
    const c = await residentCase(h);
    const r = await h.spost(`/api/v1/staff/cases/${c.ticket.toLowerCase()}/accept`, {});
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.id, c.id);
    assert.equal(r.body.status, 'accepted');
    const done = await h.spost(`/api/v1/staff/cases/${c.ticket}/complete`, { outcome: '已办结' });
    assert.equal(done.status, 200, done.text);
    assert.equal((await h.get(`/api/v1/cases/${c.id}`)).body.status, 'completed');
  });
});

describe('calling tickets (叫号), call again, no-show', () => {
  let cases;
  before(async () => {
    // drain earlier waiting cases of this file so that call-next is predictable
    for (;;) {
      const r = await h.spost('/api/v1/staff/call-next');
      if (r.status !== 200) break;
    }
    cases = [await residentCase(h), await residentCase(h)];
  });

  it('call-next calls the oldest waiting case not called yet', async () => {
    const r = await h.spost('/api/v1/staff/call-next');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.id, cases[0].id);
    assert.equal(r.body.ticket, cases[0].ticket);
    assert.equal(r.body.calls, 1);
    assert.equal(r.body.called_by, 'wang');
    assert.match(r.body.called_at, /^\d{4}-/);
    assert.equal(r.body.title, '居住登记');
    assert.equal(r.body.ids[0].value, masked(ID));
    const r2 = await h.spost('/api/v1/staff/call-next', {}, h.staff2);
    assert.equal(r2.body.id, cases[1].id, 'the second window gets the next one');
    assert.equal(r2.body.called_by, 'li');
  });

  it('409 queue_empty when every waiting case was called', async () => {
    assertError(await h.spost('/api/v1/staff/call-next'), 409, 'queue_empty');
  });

  it('call again: calls + 1, an event with the call number', async () => {
    const r = await h.spost(`/api/v1/staff/cases/${cases[0].id}/call`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.calls, 2);
    // answered with the queue entry, as call-next is: the ID number masked,
    // not the case view's in full (mutation review of src/api_staff.c)
    assert.equal(r.body.ids[0].value, masked(ID));
    assert.ok(!r.text.includes(ID), 'the ID number in full in a call\'s answer');
    const v = await h.sget(`/api/v1/staff/cases/${cases[0].id}`);
    const calls = v.body.events.filter((e) => e.what === 'called');
    assert.deepEqual(calls.map((e) => [e.user, e.detail]), [['wang', '1'], ['wang', '2']]);
    const q = await h.sget('/api/v1/staff/queue');
    assert.equal(q.body.queue.find((x) => x.id === cases[0].id).calls, 2);
  });

  it('no-show before any call: 409 not_called', async () => {
    const c = await residentCase(h);
    assertError(await h.spost(`/api/v1/staff/cases/${c.id}/no-show`), 409, 'not_called');
    const v = await h.sget(`/api/v1/staff/cases/${c.id}`);
    assert.equal(v.body.status, 'waiting');
  });

  it('no-show: the case leaves the queue as abandoned, with a no_show event', async () => {
    const r = await h.spost(`/api/v1/staff/cases/${cases[1].id}/no-show`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'abandoned');
    assert.match(r.body.no_show_at, /^\d{4}-/);
    const last = r.body.events.at(-1);
    assert.deepEqual([last.what, last.user], ['no_show', 'wang']);
    const q = await h.sget('/api/v1/staff/queue');
    assert.ok(!q.body.queue.some((x) => x.id === cases[1].id));
    assertError(await h.spost(`/api/v1/staff/cases/${cases[1].id}/no-show`), 409, 'not_waiting');
    assertError(await h.spost(`/api/v1/staff/cases/${cases[1].id}/call`), 409, 'not_waiting');
    const pub = await h.get(`/api/v1/cases/${cases[1].id}`);
    assert.equal(pub.body.status, 'abandoned');
  });

  it('a resident marked absent who turns up after all can still be accepted', async () => {
    const r = await h.spost(`/api/v1/staff/cases/${cases[1].id}/accept`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'accepted');
    assert.equal(r.body.no_show_at, null);
  });
});

describe('staff start a case at the window and fill it in through the same routes', () => {
  let c;

  it('POST /api/v1/staff/cases: 201, channel window, created by the staffer', async () => {
    const r = await h.spost('/api/v1/staff/cases', { procedure: 'residence' });
    assert.equal(r.status, 201, r.text);
    c = r.body;
    assert.match(c.id, /^[0-9a-f]{32}$/);
    assert.equal(c.channel, 'window');
    assert.equal(c.status, 'open');
    assert.equal(c.procedure, 'residence');
    // listed until it is submitted, so that a staffer can take it up again
    const q = await h.sget('/api/v1/staff/queue');
    const e = q.body.filling.find((x) => x.id === c.id);
    assert.equal(e.status, 'open');
    assert.equal(e.ticket, null);
    assert.equal(e.title, '居住登记');
    assert.ok(!q.body.queue.some((x) => x.id === c.id));
    // a resident's open case is not listed
    const o = await h.post('/api/v1/cases', { procedure: 'residence' });
    const q2 = await h.sget('/api/v1/staff/queue');
    assert.ok(!q2.body.filling.some((x) => x.id === o.body.id));
  });

  it('`filling` lists only cases a staffer started: anyone may post channel window without a login', async () => {
    const anon = await h.post('/api/v1/cases', { procedure: 'simple', channel: 'window' });
    assert.equal(anon.status, 201, anon.text);
    assert.equal(anon.body.channel, 'window');
    const q = await h.sget('/api/v1/staff/queue');
    assert.ok(!q.body.filling.some((x) => x.id === anon.body.id), 'an anonymous window case is listed');
    assert.ok(q.body.filling.some((x) => x.id === c.id), 'the staffer\'s own start is not listed');
  });

  it('422 without a procedure, 404 for an unknown one, 422 for a policy document, 400 for no JSON', async () => {
    assertError(await h.spost('/api/v1/staff/cases', {}), 422, 'procedure_required');
    assertError(await h.spost('/api/v1/staff/cases', { procedure: 'nope' }), 404, 'unknown_procedure');
    assertError(await h.spost('/api/v1/staff/cases', 'x'), 400, 'bad_request');
  });

  it('the steps filled in with the staff session record the staffer; without it, nobody', async () => {
    const { authHeaders } = await import('./helpers.mjs');
    const headers = authHeaders(h.staff);
    const done = await residentCase(h, { id: c.id, headers });
    assert.match(done.ticket, /^[A-Z]\d{3}$/);
    const q = await h.sget('/api/v1/staff/queue');
    assert.ok(!q.body.filling.some((x) => x.id === c.id));
    assert.ok(q.body.queue.some((x) => x.id === c.id));
    const v = await h.sget(`/api/v1/staff/cases/${c.id}`);
    assert.equal(v.body.created_by, 'wang');
    assert.equal(v.body.channel, 'window');
    for (const e of v.body.events) {
      assert.equal(e.user, 'wang', `${e.what}`);
      assert.equal(e.channel, 'window');
    }
    // the cookie without the page's CSRF token does not count as the staffer
    const o = await h.spost('/api/v1/staff/cases', { procedure: 'simple' });
    const r = await h.post(`/api/v1/cases/${o.body.id}/steps/0`, { checklist: { 's0-0': true } },
      { Cookie: h.staff.cookie });
    assert.equal(r.status, 200, r.text);
    const v2 = await h.sget(`/api/v1/staff/cases/${o.body.id}`);
    assert.deepEqual(v2.body.events.map((e) => [e.what, e.user]), [['created', 'wang'], ['step', null]]);
    // nor with a token that is not its session's (another staffer's): a
    // token is proof only when it matches, not by being there
    const w = await h.spost('/api/v1/staff/cases', { procedure: 'simple' });
    const r3 = await h.post(`/api/v1/cases/${w.body.id}/steps/0`, { checklist: { 's0-0': true } },
      { Cookie: h.staff.cookie, 'X-CSRF-Token': h.staff2.csrf });
    assert.equal(r3.status, 200, r3.text);
    const v3 = await h.sget(`/api/v1/staff/cases/${w.body.id}`);
    assert.deepEqual(v3.body.events.map((e) => [e.what, e.user]), [['created', 'wang'], ['step', null]]);
  });
});

describe('two windows acting on one case at once: exactly one wins', () => {
  const p = (c, what) => `/api/v1/staff/cases/${c.id}/${what}`;
  // whichever of the two the server took first; never assumed
  function oneWins(rs, codes) {
    assert.deepEqual(rs.map((r) => r.status).sort(), [200, 409], rs.map((r) => r.text).join('\n'));
    const lost = rs.find((r) => r.status === 409);
    assertError(lost, 409, codes);
    return rs.indexOf(rs.find((r) => r.status === 200));
  }

  it('two accepts: one 200, one 409 not_waiting; one accepted event, by the winner', async () => {
    const c = await residentCase(h);
    const rs = await Promise.all([h.spost(p(c, 'accept'), {}, h.staff), h.spost(p(c, 'accept'), {}, h.staff2)]);
    const who = ['wang', 'li'][oneWins(rs, 'not_waiting')];
    const v = await h.sget(`/api/v1/staff/cases/${c.id}`);
    assert.equal(v.body.status, 'accepted');
    assert.equal(v.body.accepted_by, who);
    assert.deepEqual(v.body.events.filter((e) => e.what === 'accepted').map((e) => e.user), [who]);
  });

  it('two returns: one 200, one 409 not_returnable; one returned event', async () => {
    const c = await residentCase(h);
    const rs = await Promise.all([
      h.spost(p(c, 'return'), { reason: '缺户口簿' }, h.staff),
      h.spost(p(c, 'return'), { reason: '缺照片' }, h.staff2)]);
    const i = oneWins(rs, 'not_returnable');
    const v = await h.sget(`/api/v1/staff/cases/${c.id}`);
    assert.equal(v.body.status, 'returned');
    assert.equal(v.body.returned_reason, ['缺户口簿', '缺照片'][i]);
    assert.equal(v.body.events.filter((e) => e.what === 'returned').length, 1);
  });

  it('complete and return of an accepted case: one 200, the other 409', async () => {
    const c = await residentCase(h);
    assert.equal((await h.spost(p(c, 'accept'))).status, 200);
    const rs = await Promise.all([
      h.spost(p(c, 'complete'), { outcome: '已办结' }, h.staff),
      h.spost(p(c, 'return'), { reason: '缺户口簿' }, h.staff2)]);
    const i = oneWins(rs, ['not_returnable', 'not_accepted']);
    const v = await h.sget(`/api/v1/staff/cases/${c.id}`);
    assert.equal(v.body.status, ['completed', 'returned'][i]);
    assert.equal(v.body.events.filter((e) => e.what === 'completed' || e.what === 'returned').length, 1);
  });
});

describe('a case id in upper case (a scanner may send it so)', () => {
  it('every move and the notice take it, as the case view does', async () => {
    const c = await residentCase(h);
    const up = c.id.toUpperCase();
    assert.notEqual(up, c.id);
    let r = await h.spost(`/api/v1/staff/cases/${up}/call`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.id, c.id);
    r = await h.spost(`/api/v1/staff/cases/${up}/no-show`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'abandoned');
    r = await h.spost(`/api/v1/staff/cases/${up}/accept`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.id, c.id);
    r = await h.spost(`/api/v1/staff/cases/${up}/complete`, { outcome: '已办结' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'completed');
    const d = await residentCase(h);
    r = await h.spost(`/api/v1/staff/cases/${d.id.toUpperCase()}/return`, { reason: '缺户口簿' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'returned');
    r = await h.sget(`/print/staff/cases/${d.id.toUpperCase()}/correction`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.text.includes(d.ticket));
    // anything but 32 hex digits is still no case
    assertError(await h.spost(`/api/v1/staff/cases/${d.id.slice(1)}G/accept`), 404, 'unknown_case');
  });
});

describe('answers with case data are never stored by the browser', () => {
  it('Cache-Control: no-store on the queue, the case view, moves, calls, a window start and GET /api/v1/cases/{id}', async () => {
    const c = await residentCase(h);
    const answers = [
      ['queue', await h.sget('/api/v1/staff/queue')],
      ['case view', await h.sget(`/api/v1/staff/cases/${c.ticket}`)],
      ['call', await h.spost(`/api/v1/staff/cases/${c.id}/call`)],
      ['accept', await h.spost(`/api/v1/staff/cases/${c.id}/accept`)],
      ['complete', await h.spost(`/api/v1/staff/cases/${c.id}/complete`, { outcome: '已办结' })],
      ['window start', await h.spost('/api/v1/staff/cases', { procedure: 'simple' })],
      ['resident case', await h.get(`/api/v1/cases/${c.id}`)],
      ['resident case created', await h.post('/api/v1/cases', { procedure: 'simple' })],
    ];
    for (const [what, r] of answers) {
      assert.ok(r.status === 200 || r.status === 201, `${what}: ${r.status} ${r.text}`);
      assert.equal(r.headers.get('cache-control'), 'no-store', what);
    }
    // the rest of the API is unchanged
    const list = await h.get('/api/v1/procedures');
    assert.equal(list.headers.get('cache-control'), 'no-cache');
  });
});

describe('the page', () => {
  it('GET /staff serves the window page to anyone (it logs in itself), with the CSP', async () => {
    const r = await h.get('/staff');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    // the page asks for the content-hashed name (docs/http-api.md, assets)
    assert.match(r.text, /<script type="module" src="\/assets\/staff\.[0-9a-f]{8}\.js"><\/script>/);
    for (const a of ['/assets/staff.js', '/assets/staff.css']) {
      const x = await h.get(a);
      assert.equal(x.status, 200, a);
    }
  });
});

describe('the log', () => {
  it('holds no case id, ticket lookup or value of the staff routes', () => {
    const log = h.ctx.daemon.stderr();
    assert.match(log, / method=GET route=\S+ path=\/api\/v1\/staff\/cases\/\{id\} status=200 /);
    assert.match(log, / method=POST route=\S+ path=\/api\/v1\/staff\/cases\/\{id\}\/accept status=200 /);
    assert.ok(!/[0-9a-f]{32}/.test(log), 'a case id in the log: ' + (log.match(/.*[0-9a-f]{32}.*/) || [''])[0]);
    for (const v of [NAME, ID, MOBILE, '已办结']) assert.ok(!log.includes(v), `${v} in the log`);
  });
});
