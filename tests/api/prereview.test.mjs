// Online pre-review (网上预审, docs/http-api.md): a case started from home
// (channel web) and handed in with {"prereview":true} (as the phone page
// does) is not a hall ticket: it answers {"status":"prereview"} with no
// ticket, stays out of the hall's queue and
// screen, and waits in GET /api/v1/staff/prereview, oldest first. Staff
// either invite the resident to come with the originals on a date (checked:
// a real date, today or later, within 90 days) or return it as any case;
// the invited case shows the date on the resident's case, and is accepted
// at the hall as a waiting one is. A returned web case submitted again goes
// back to pre-review. Only staff see the list and invite. Without the ask, a
// web case is handed in as the contract's submit says: waiting, a ticket.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, request } from './helpers.mjs';
import { useWindow, residentCase } from './staff-helpers.mjs';

const h = useWindow();

// A local date (the daemon's "today" is the machine's local date too), days
// from today.
function day(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

describe('a web case goes to pre-review', () => {
  let first;
  let second;
  let kiosk;
  before(async () => {
    kiosk = await residentCase(h); // a hall case, for contrast
    first = await residentCase(h, { channel: 'web', prereview: true });
    second = await residentCase(h, { channel: 'web', prereview: true });
  });

  it('submit answers {"status":"prereview"} with no ticket', async () => {
    assert.equal(first.ticket, undefined);
    const c = await h.get(`/api/v1/cases/${first.id}`);
    assert.equal(c.status, 200, c.text);
    assert.equal(c.body.status, 'prereview');
    assert.equal(c.body.ticket, null);
    assert.equal(c.body.channel, 'web');
    assert.equal(c.body.invite, null);
    // submitted once: a second submit is refused as for any case
    assertError(await h.post(`/api/v1/cases/${first.id}/submit`), 409, 'already_submitted');
    // no slip: there is no ticket to print
    assertError(await h.get(`/print/cases/${first.id}`), 409, 'no_ticket');
  });

  it('not in the hall queue nor on its screen; call-next passes it by', async () => {
    const q = await h.sget('/api/v1/staff/queue');
    assert.equal(q.status, 200, q.text);
    const ids = q.body.queue.map((e) => e.id);
    assert.ok(ids.includes(kiosk.id), 'the kiosk case waits');
    assert.ok(!ids.includes(first.id) && !ids.includes(second.id), 'no web case in the queue');
    assert.equal(q.body.total, 1);
    const d = await h.get('/api/v1/display');
    assert.equal(d.body.waiting, 1);
    const n = await h.spost('/api/v1/staff/call-next', {});
    assert.equal(n.status, 200, n.text);
    assert.equal(n.body.id, kiosk.id);
    assertError(await h.spost('/api/v1/staff/call-next', {}), 409, 'queue_empty');
  });

  it('GET /api/v1/staff/prereview lists them oldest first, with procedure and hand-in time', async () => {
    const r = await h.sget('/api/v1/staff/prereview');
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('cache-control') || '', /no-store/);
    assert.deepEqual(r.body.prereview.map((e) => e.id), [first.id, second.id]);
    const e = r.body.prereview[0];
    assert.equal(e.procedure, 'residence');
    assert.equal(e.title, '居住登记');
    assert.equal(e.status, 'prereview');
    assert.equal(e.channel, 'web');
    assert.match(e.submitted_at, /^\d{4}-\d\d-\d\dT/);
    assert.equal(e.ticket, null);
    assert.deepEqual(r.body.invited, []);
  });

  it('only staff: no session is 401; invite needs the CSRF token', async () => {
    assertError(await h.get('/api/v1/staff/prereview'), 401, 'not_logged_in');
    assertError(await h.post(`/api/v1/staff/cases/${first.id}/invite`, { date: day(1) }), 401, 'not_logged_in');
    const noCsrf = await request(h.url(`/api/v1/staff/cases/${first.id}/invite`), {
      method: 'POST', headers: { Cookie: h.staff.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ date: day(1) }),
    });
    assertError(noCsrf, 403, 'csrf_failed');
  });

  it('invite refuses a missing, malformed, unreal, past or too distant date, and a long note', async () => {
    const p = `/api/v1/staff/cases/${first.id}/invite`;
    assertError(await h.spost(p, {}), 422, 'bad_date');
    assertError(await h.spost(p, { date: 20261208 }), 422, 'bad_date');
    assertError(await h.spost(p, { date: '下周一' }), 422, 'bad_date');
    assertError(await h.spost(p, { date: '2026-02-30' }), 422, 'bad_date');
    const past = await h.spost(p, { date: day(-1) });
    assertError(past, 422, 'date_past');
    assert.match(past.body.error.message, /不能早于今天/);
    const far = await h.spost(p, { date: day(91) });
    assertError(far, 422, 'date_too_far');
    assert.match(far.body.error.message, /90 天/);
    assertError(await h.spost(p, { date: day(1), note: '带'.repeat(501) }), 422, 'note_too_long');
    assertError(await h.spost(p, { date: day(1), note: 5 }), 422, 'invalid_body');
    assertError(await h.spost(p, '[]'), 400, 'bad_request');
    // a hall case is not in pre-review
    assertError(await h.spost(`/api/v1/staff/cases/${kiosk.id}/invite`, { date: day(1) }), 409, 'not_prereview');
    const c = await h.get(`/api/v1/cases/${first.id}`);
    assert.equal(c.body.status, 'prereview', 'nothing moved');
  });

  it('invite: invited, the date on the resident\'s case and in the staff view; 90 days ahead is the last day', async () => {
    const date = day(3);
    const r = await h.spost(`/api/v1/staff/cases/${first.id}/invite`, { date, note: '  请带户口簿原件  ' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'invited');
    assert.equal(r.body.invite.date, date);
    assert.equal(r.body.invite.note, '请带户口簿原件');
    assert.equal(r.body.invite.by, 'wang');
    const last = r.body.events.at(-1);
    assert.deepEqual([last.what, last.user, last.detail], ['invited', 'wang', date]);
    const c = await h.get(`/api/v1/cases/${first.id}`);
    assert.equal(c.body.status, 'invited');
    assert.deepEqual(c.body.invite, { date, note: '请带户口簿原件' });
    // the list moves it to the invited ones, by their date
    const l = await h.sget('/api/v1/staff/prereview');
    assert.deepEqual(l.body.prereview.map((e) => e.id), [second.id]);
    assert.deepEqual(l.body.invited.map((e) => [e.id, e.invite_date]), [[first.id, date]]);
    // today and the 90th day are both allowed (and a date may be moved)
    const today = await h.spost(`/api/v1/staff/cases/${second.id}/invite`, { date: day(0) });
    assert.equal(today.status, 200, today.text);
    assert.equal(today.body.invite.note, null);
    const moved = await h.spost(`/api/v1/staff/cases/${second.id}/invite`, { date: day(90), note: '' });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.body.invite.date, day(90));
  });

  it('accepted at the hall from invited, as from waiting; the invitation stays as history', async () => {
    const a = await h.spost(`/api/v1/staff/cases/${first.id}/accept`);
    assert.equal(a.status, 200, a.text);
    assert.equal(a.body.status, 'accepted');
    assert.equal(a.body.accepted_by, 'wang');
    assert.equal(a.body.invite.date, day(3));
    assertError(await h.spost(`/api/v1/staff/cases/${first.id}/invite`, { date: day(1) }), 409, 'not_prereview');
    const c = await h.spost(`/api/v1/staff/cases/${first.id}/complete`, { outcome: '已办结' });
    assert.equal(c.status, 200, c.text);
    assert.equal(c.body.status, 'completed');
  });
});

describe('a web case returned from pre-review', () => {
  let c;
  before(async () => { c = await residentCase(h, { channel: 'web', prereview: true }); });

  it('returns as any case; the resident corrects and submits again: pre-review, a new turn, no ticket', async () => {
    const other = await residentCase(h, { channel: 'web', prereview: true });
    const r = await h.spost(`/api/v1/staff/cases/${c.id}/return`, { reason: '户口簿照片不清楚', checklist: ['s0-1'] });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'returned');
    const pub = await h.get(`/api/v1/cases/${c.id}`);
    assert.equal(pub.body.status, 'returned');
    assert.equal(pub.body.returned_reason, '户口簿照片不清楚');
    // not submittable before the reopened step is done again
    assertError(await h.post(`/api/v1/cases/${c.id}/submit`), 409, 'not_finished');
    const s0 = await h.post(`/api/v1/cases/${c.id}/steps/0`, { checklist: { 's0-0': true, 's0-1': true } });
    assert.equal(s0.status, 200, s0.text);
    const s = await h.post(`/api/v1/cases/${c.id}/submit`, { prereview: true });
    assert.equal(s.status, 200, s.text);
    assert.deepEqual(s.body, { status: 'prereview' });
    const again = await h.get(`/api/v1/cases/${c.id}`);
    assert.equal(again.body.returned_reason, null);
    const l = await h.sget('/api/v1/staff/prereview');
    const ids = l.body.prereview.map((e) => e.id);
    assert.ok(ids.indexOf(other.id) < ids.indexOf(c.id), 'a new turn: after the one handed in since');
    const q = await h.sget('/api/v1/staff/queue');
    assert.ok(!q.body.queue.some((e) => e.id === c.id), 'still not in the hall queue');
  });

  it('the correction notice of a web case says to correct it at home; a kiosk case\'s, at the kiosk', async () => {
    const web = await residentCase(h, { channel: 'web', prereview: true });
    assert.equal((await h.spost(`/api/v1/staff/cases/${web.id}/return`, { reason: '照片不清楚' })).status, 200);
    const n = await h.sget(`/print/staff/cases/${web.id}/correction`);
    assert.equal(n.status, 200, n.text);
    const next = n.text.slice(n.text.indexOf('补正后怎么办'));
    assert.ok(next.includes('请用手机或电脑打开您的办件链接，修改并重新提交'), next);
    assert.ok(!next.includes('请在自助机上修改'), next);
    // no --public-url: the QR holds the bare id, so the page does not send a phone to it
    assert.ok(!next.includes('扫描下面的二维码'), next);
    const kiosk = await residentCase(h);
    assert.equal((await h.spost(`/api/v1/staff/cases/${kiosk.id}/return`, { reason: '照片不清楚' })).status, 200);
    const k = await h.sget(`/print/staff/cases/${kiosk.id}/correction`);
    assert.equal(k.status, 200, k.text);
    assert.ok(k.text.includes('补齐后，请在自助机上修改并重新提交（当天排队号不变）'), k.text);
    assert.ok(!k.text.includes('办件链接'), k.text);
  });

  it('an invited case can be returned too (the originals did not match)', async () => {
    assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/invite`, { date: day(2) })).status, 200);
    assert.equal((await h.get(`/api/v1/cases/${c.id}`)).body.invite.date, day(2));
    const r = await h.spost(`/api/v1/staff/cases/${c.id}/return`, { reason: '原件与上传信息不一致' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'returned');
    // the return voids the invitation: the resident is not told to come on that day
    const pub = await h.get(`/api/v1/cases/${c.id}`);
    assert.equal(pub.body.status, 'returned');
    assert.equal(pub.body.invite, null);
    // staff keep it as history (its note is on the case only)
    assert.equal(r.body.invite.date, day(2));
    assert.equal((await h.sget(`/api/v1/staff/cases/${c.id}`)).body.invite.by, 'wang');
  });

  it('a waiting hall case is not accepted by invite, nor an open web case', async () => {
    const open = await h.post('/api/v1/cases', { procedure: 'residence', channel: 'web' });
    assertError(await h.spost(`/api/v1/staff/cases/${open.body.id}/invite`, { date: day(1) }), 409, 'not_prereview');
    assertError(await h.spost(`/api/v1/staff/cases/${open.body.id}/accept`), 409, 'not_waiting');
    assertError(await h.spost(`/api/v1/staff/cases/${'0'.repeat(32)}/invite`, { date: day(1) }), 404, 'unknown_case');
  });
});

// The review of 12-07: a resident whose case was handed in from home and
// still in pre-review (not told to come yet) walks into the hall with the
// originals. The window had to press 通知来大厅 with today's date first,
// and the history then said they were invited. `walk_in` on accept takes
// such a case on at once, and the history says it was accepted from
// pre-review; without it accept answers as before (409 not_waiting).
describe('a resident whose web case is still in pre-review walks in (walk_in)', () => {
  const events = async (id) => (await h.sget(`/api/v1/staff/cases/${id}`)).body.events;

  it('accepted from prereview with walk_in; its event says so; without it 409 as before', async () => {
    const c = await residentCase(h, { channel: 'web', prereview: true });
    assertError(await h.spost(`/api/v1/staff/cases/${c.id}/accept`), 409, 'not_waiting');
    assertError(await h.spost(`/api/v1/staff/cases/${c.id}/accept`, { walk_in: false }), 409, 'not_waiting');
    // another type is no ask: refused before anything changes
    assertError(await h.spost(`/api/v1/staff/cases/${c.id}/accept`, { walk_in: 'yes' }), 422, 'invalid_body');
    assertError(await h.spost(`/api/v1/staff/cases/${c.id}/accept`, { walk_in: true, window: 'A 2' }), 422, 'bad_window');
    assert.equal((await h.get(`/api/v1/cases/${c.id}`)).body.status, 'prereview', 'nothing moved');
    const a = await h.spost(`/api/v1/staff/cases/${c.id}/accept`, { walk_in: true, window: '3' });
    assert.equal(a.status, 200, a.text);
    assert.deepEqual([a.body.status, a.body.accepted_by, a.body.owner, a.body.stage], ['accepted', 'wang', 'wang', 0]);
    assert.equal(a.body.invite, null, 'never invited');
    const last = a.body.events.at(-1);
    assert.deepEqual([last.what, last.user, last.channel, last.detail], ['accepted', 'wang', 'window', 'walk_in']);
    assert.deepEqual(a.body.events.filter((e) => e.what === 'invited'), []);
    assert.equal((await h.get(`/api/v1/cases/${c.id}`)).body.status, 'accepted');
    const l = (await h.sget('/api/v1/staff/prereview')).body;
    assert.ok(![...l.prereview, ...l.invited].some((e) => e.id === c.id), 'out of the pre-review lists');
    // done once: a second press is the contract's 409
    assertError(await h.spost(`/api/v1/staff/cases/${c.id}/accept`, { walk_in: true }), 409, 'not_waiting');
  });

  it('walk_in changes nothing for the statuses accept takes, nor for those it refuses', async () => {
    const waiting = await residentCase(h);
    const w = await h.spost(`/api/v1/staff/cases/${waiting.id}/accept`, { walk_in: true });
    assert.equal(w.status, 200, w.text);
    assert.equal((await events(waiting.id)).at(-1).detail, null);
    const invited = await residentCase(h, { channel: 'web', prereview: true });
    assert.equal((await h.spost(`/api/v1/staff/cases/${invited.id}/invite`, { date: day(1) })).status, 200);
    assert.equal((await h.spost(`/api/v1/staff/cases/${invited.id}/accept`, { walk_in: true })).status, 200);
    assert.equal((await events(invited.id)).at(-1).detail, null, 'invited and come: the usual way');
    const open = await h.post('/api/v1/cases', { procedure: 'residence', channel: 'web' });
    assertError(await h.spost(`/api/v1/staff/cases/${open.body.id}/accept`, { walk_in: true }), 409, 'not_waiting');
    const ret = await residentCase(h, { channel: 'web', prereview: true });
    assert.equal((await h.spost(`/api/v1/staff/cases/${ret.id}/return`, { reason: '照片不清楚' })).status, 200);
    assertError(await h.spost(`/api/v1/staff/cases/${ret.id}/accept`, { walk_in: true }), 409, 'not_waiting');
    assert.equal((await h.get(`/api/v1/cases/${ret.id}`)).body.status, 'returned');
  });
});

describe('pre-review is asked for; the contract\'s submit gives a web case a ticket', () => {
  it('a web case submitted with no body waits in the hall queue with a ticket', async () => {
    const c = await residentCase(h, { channel: 'web' });
    assert.match(c.ticket ?? '', /^[A-Z]\d{3,6}$/);
    const pub = await h.get(`/api/v1/cases/${c.id}`);
    assert.equal(pub.body.status, 'waiting');
    assert.equal(pub.body.ticket, c.ticket);
    const q = await h.sget('/api/v1/staff/queue');
    assert.ok(q.body.queue.some((e) => e.id === c.id), 'in the hall queue');
    const l = await h.sget('/api/v1/staff/prereview');
    assert.ok(!l.body.prereview.some((e) => e.id === c.id), 'not in pre-review');
  });

  it('such a case returned and sent to pre-review drops its ticket; its events say which went where', async () => {
    const c = await residentCase(h, { channel: 'web' });
    assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/return`, { reason: '照片不清楚', checklist: ['s0-1'] })).status, 200);
    // a step's body has no pre-review member: one there is not read
    const s0 = await h.post(`/api/v1/cases/${c.id}/steps/0`, { checklist: { 's0-0': true, 's0-1': true }, prereview: 'x' });
    assert.equal(s0.status, 200, s0.text);
    const s = await h.post(`/api/v1/cases/${c.id}/submit`, { prereview: true });
    assert.deepEqual(s.body, { status: 'prereview' });
    const pub = await h.get(`/api/v1/cases/${c.id}`);
    assert.equal(pub.body.ticket, null);
    assertError(await h.sget(`/api/v1/staff/cases/${c.ticket}`), 404, 'unknown_case');
    const v = await h.sget(`/api/v1/staff/cases/${c.id}`);
    assert.deepEqual(v.body.events.filter((e) => e.what === 'submitted').map((e) => e.detail), ['ticket', null]);
  });

  it('pre-review asked for a hall case is 422 and changes nothing; so is a bad ask', async () => {
    const open = await h.post('/api/v1/cases', { procedure: 'residence', channel: 'kiosk' });
    const id = open.body.id;
    assert.equal((await h.post(`/api/v1/cases/${id}/conditions`, { confirmed: [true] })).status, 200);
    assert.equal((await h.post(`/api/v1/cases/${id}/steps/0`, { checklist: { 's0-0': true, 's0-1': true } })).status, 200);
    assert.equal((await h.post(`/api/v1/cases/${id}/steps/1`,
      { fields: { name: '钱阿姨', id_number: '11010519491231002X', phone: '13800138000', proxy: 'no' } })).status, 200);
    assertError(await h.post(`/api/v1/cases/${id}/submit`, { prereview: true }), 422, 'prereview_web_only');
    assertError(await h.post(`/api/v1/cases/${id}/submit`, { prereview: 'yes' }), 422, 'invalid_body');
    assert.equal((await h.get(`/api/v1/cases/${id}`)).body.status, 'open');
    const s = await h.post(`/api/v1/cases/${id}/submit`, { prereview: false });
    assert.equal(s.status, 200, s.text);
    assert.equal(s.body.status, 'waiting');
  });

  it('handed in without every paper: pre-review when asked, else a ticket', async () => {
    for (const [ask, status] of [[true, 'prereview'], [false, 'waiting']]) {
      const open = await h.post('/api/v1/cases', { procedure: 'residence', channel: 'web' });
      const id = open.body.id;
      assert.equal((await h.post(`/api/v1/cases/${id}/conditions`, { confirmed: [true] })).status, 200);
      const r = await h.post(`/api/v1/cases/${id}/steps/0/incomplete`, { checklist: { 's0-0': true }, prereview: ask });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.status, status);
      assert.deepEqual(r.body.missing, ['s0-1']);
      assert.equal(typeof r.body.ticket, ask ? 'undefined' : 'string');
    }
    const open = await h.post('/api/v1/cases', { procedure: 'residence', channel: 'web' });
    assert.equal((await h.post(`/api/v1/cases/${open.body.id}/conditions`, { confirmed: [true] })).status, 200);
    assertError(await h.post(`/api/v1/cases/${open.body.id}/steps/0/incomplete`, { checklist: {}, prereview: 1 }),
      422, 'invalid_body');
  });
});

describe('the staff session as admin', () => {
  it('an admin may read the list (staff routes admit admins)', async () => {
    const r = await request(h.url('/api/v1/staff/prereview'), { headers: { Cookie: h.admin.cookie } });
    assert.equal(r.status, 200, r.text);
    assert.ok(Array.isArray(r.body.prereview));
  });
});

describe('the correction notice of a web case with serve --public-url', () => {
  const hp = useWindow({ args: ['--public-url', 'https://hall.example'] });
  it('sends the phone to the QR, which opens the case', async () => {
    const web = await residentCase(hp, { channel: 'web', prereview: true });
    assert.equal((await hp.spost(`/api/v1/staff/cases/${web.id}/return`, { reason: '照片不清楚' })).status, 200);
    const n = await hp.sget(`/print/staff/cases/${web.id}/correction`);
    assert.equal(n.status, 200, n.text);
    assert.ok(n.text.includes('请用手机或电脑打开您的办件链接（或扫描下面的二维码），修改并重新提交；'), n.text);
    assert.ok(n.text.includes(`data-payload="https://hall.example/#/case/${web.id}"`), n.text);
  });
});
