// Returning a case to the resident (docs/http-api.md "Staff"): the reason
// and the flagged parts, which steps reopen, what the resident's case route
// then shows, the correction notice (补正告知单) with everything at once and
// no value, and the resubmission: same ticket, a new turn in the queue, no
// trace of an earlier acceptance; a staffer correcting a returned case at
// the window; flags of parts that do not apply and characters that change
// how a text reads are refused.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, authHeaders } from './helpers.mjs';
import { useWindow, residentCase, NAME, ID, MOBILE, AGENT, AGENT_ID } from './staff-helpers.mjs';

const h = useWindow();

describe('return with a reason', () => {
  let c;
  before(async () => { c = await residentCase(h, { proxy: 'yes' }); });

  it('422 for no reason, a blank one, one over 500 characters, a flag not of this procedure', async () => {
    const p = `/api/v1/staff/cases/${c.id}/return`;
    assertError(await h.spost(p, {}), 422, 'reason_required');
    assertError(await h.spost(p, { reason: '   ' }), 422, 'reason_required');
    assertError(await h.spost(p, { reason: ['x'] }), 422, 'bad_text');
    assertError(await h.spost(p, { reason: '缺'.repeat(501) }), 422, 'reason_too_long');
    assertError(await h.spost(p, { reason: '缺材料', fields: ['nope'] }), 422, 'bad_flag');
    assertError(await h.spost(p, { reason: '缺材料', fields: 'name' }), 422, 'bad_flag');
    assertError(await h.spost(p, { reason: '缺材料', fields: [1] }), 422, 'bad_flag');
    assertError(await h.spost(p, { reason: '缺材料', checklist: ['s9-9'] }), 422, 'bad_flag');
    assertError(await h.spost(p, { reason: '缺材料', checklist: ['name'] }), 422, 'bad_flag');
    assertError(await h.spost(p, { reason: '缺材料', checklist: Array(401).fill('s0-0') }), 422, 'bad_flag');
    assertError(await h.spost(p, '"text"'), 400, 'bad_request');
    const v = await h.sget(`/api/v1/staff/cases/${c.id}`);
    assert.equal(v.body.status, 'waiting', 'nothing moved');
  });

  it('409 not_returned: no correction notice before a return', async () => {
    assertError(await h.sget(`/print/staff/cases/${c.id}/correction`), 409, 'not_returned');
  });

  it('from waiting: returned, with reason, flags, who and when; flagged steps reopen', async () => {
    const reason = '户口簿缺少本人页;代办人身份证号与证件不符。';
    const r = await h.spost(`/api/v1/staff/cases/${c.id}/return`,
      { reason: `  ${reason} `, fields: ['agent_id', 'agent_id'], checklist: ['s0-1'] });
    assert.equal(r.status, 200, r.text);
    const v = r.body;
    assert.equal(v.status, 'returned');
    assert.equal(v.returned_reason, reason);
    assert.equal(v.returned_by, 'wang');
    assert.match(v.returned_at, /^\d{4}-/);
    assert.deepEqual(v.returned_items, { fields: ['agent_id'], checklist: ['s0-1'] });
    const last = v.events.at(-1);
    assert.deepEqual([last.what, last.user, last.channel, last.detail], ['returned', 'wang', 'window', reason]);
    assert.equal(v.procedure_steps[0].done, false, 'step 0 (flagged item) reopened');
    assert.equal(v.procedure_steps[1].done, true);
    assert.equal(v.procedure_steps[2].done, false, 'step 2 (flagged field) reopened');
    assert.equal(v.procedure_steps[0].checklist.find((x) => x.id === 's0-1').flagged, true);
    assert.equal(v.procedure_steps[2].fields.find((x) => x.key === 'agent_id').flagged, true);
    // the answers themselves stay: the resident corrects, not retypes
    assert.equal(v.procedure_steps[2].fields.find((x) => x.key === 'agent_id').value, AGENT_ID);
  });

  it('the resident\'s case route shows the reason and what to correct, and leads to the step', async () => {
    const r = await h.get(`/api/v1/cases/${c.id}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'returned');
    assert.equal(r.body.returned_reason, '户口簿缺少本人页;代办人身份证号与证件不符。');
    assert.deepEqual(r.body.returned_items, { fields: ['agent_id'], checklist: ['s0-1'] });
    assert.equal(r.body.step, 0);
    assert.deepEqual(r.body.done, [1]);
  });

  it('the case is out of the queue; a second return, accept and call are 409', async () => {
    const q = await h.sget('/api/v1/staff/queue');
    assert.ok(!q.body.queue.some((x) => x.id === c.id));
    assertError(await h.spost(`/api/v1/staff/cases/${c.id}/return`, { reason: '再退' }), 409, 'not_returnable');
    assertError(await h.spost(`/api/v1/staff/cases/${c.id}/accept`), 409, 'not_waiting');
    assertError(await h.spost(`/api/v1/staff/cases/${c.id}/call`), 409, 'not_waiting');
  });

  it('the correction notice lists everything at once, by label, with no value', async () => {
    const r = await h.sget(`/print/staff/cases/${c.id}/correction`, h.staff2);
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.match(r.headers.get('content-security-policy') ?? '', /default-src/);
    const t = r.text;
    assert.match(t, /补正告知单/);
    assert.match(t, /<link rel="stylesheet" href="\/assets\/print.css">/);
    assert.ok(t.includes(c.ticket), 'ticket');
    assert.ok(t.includes('居住登记'), 'procedure');
    assert.ok(t.includes('户口簿缺少本人页;代办人身份证号与证件不符。'), 'reason');
    assert.ok(t.includes('户口簿'), 'flagged item');
    assert.ok(t.includes('代办人身份证号'), 'flagged field label');
    assert.ok(t.includes('wang'), 'the staffer who returned it');
    assert.ok(t.includes('0535-1234567') && t.includes('周一至周五 9:00-17:00'), 'contact details');
    assert.match(t, /\d{4}年\d{2}月\d{2}日/);
    assert.match(t, /<svg/);
    for (const v of [NAME, ID, MOBILE, AGENT, AGENT_ID]) assert.ok(!t.includes(v), `value ${v} printed`);
    // the items that were fine are not listed as to correct
    assert.ok(!t.includes('本人居民身份证原件'), 'an item not flagged');
  });

  it('the resident corrects the reopened steps and submits again: same ticket, a new turn', async () => {
    const before = await h.sget(`/api/v1/staff/cases/${c.id}`);
    assertError(await h.post(`/api/v1/cases/${c.id}/submit`), 409, 'not_finished');
    let r = await h.post(`/api/v1/cases/${c.id}/steps/0`, { checklist: { 's0-0': true, 's0-1': true } });
    assert.equal(r.status, 200, r.text);
    r = await h.post(`/api/v1/cases/${c.id}/steps/2`, { fields: { agent_name: AGENT, agent_id: '440304199003070018' } });
    assert.equal(r.status, 200, r.text);
    r = await h.post(`/api/v1/cases/${c.id}/submit`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { status: 'waiting', ticket: c.ticket });
    const pub = await h.get(`/api/v1/cases/${c.id}`);
    assert.equal(pub.body.returned_reason, null);
    assert.equal(pub.body.returned_items, null);
    const v = await h.sget(`/api/v1/staff/cases/${c.id}`);
    assert.equal(v.body.status, 'waiting');
    assert.equal(v.body.calls, 0);
    assert.equal(v.body.returned_reason, null);
    assert.ok(v.body.submitted_at >= before.body.submitted_at);
    assert.equal(v.body.procedure_steps[2].fields.find((x) => x.key === 'agent_id').value, '440304199003070018');
    // the history keeps the return and its reason
    const whats = v.body.events.map((e) => e.what);
    assert.deepEqual(whats.slice(-4), ['returned', 'step', 'step', 'submitted']);
    // a new turn: at the back of the queue
    const other = await residentCase(h);
    const q = await h.sget('/api/v1/staff/queue');
    const ids = q.body.queue.map((x) => x.id);
    assert.ok(ids.indexOf(other.id) > ids.indexOf(c.id) && ids.indexOf(c.id) >= 0);
    assertError(await h.sget(`/print/staff/cases/${c.id}/correction`), 409, 'not_returned');
  });

  it('from accepted, with only a reason: no step reopens; submitted again as it is', async () => {
    const d = await residentCase(h);
    assert.equal((await h.spost(`/api/v1/staff/cases/${d.id}/accept`)).status, 200);
    const r = await h.spost(`/api/v1/staff/cases/${d.id}/return`, { reason: '请带户口簿原件来窗口' }, h.staff2);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.returned_by, 'li');
    assert.deepEqual(r.body.returned_items, { fields: [], checklist: [] });
    assert.ok(r.body.procedure_steps.filter((s) => s.applicable).every((s) => s.done));
    const n = await h.sget(`/print/staff/cases/${d.id}/correction`);
    assert.equal(n.status, 200);
    assert.ok(n.text.includes('请带户口簿原件来窗口'));
    assert.ok(n.text.includes('见上面的退回原因'));
    const s = await h.post(`/api/v1/cases/${d.id}/submit`);
    assert.deepEqual(s.body, { status: 'waiting', ticket: d.ticket });
    // a new turn: nobody has accepted it yet (the events keep who did before)
    const v = await h.sget(`/api/v1/staff/cases/${d.id}`);
    assert.equal(v.body.status, 'waiting');
    assert.equal(v.body.accepted_at, null);
    assert.equal(v.body.accepted_by, null);
    assert.equal(v.body.no_show_at, null);
    assert.deepEqual(v.body.events.filter((e) => e.what === 'accepted').map((e) => e.user), ['wang']);
    const q = await h.sget('/api/v1/staff/queue');
    const e = q.body.queue.find((x) => x.id === d.id);
    assert.deepEqual([e.accepted_at, e.accepted_by], [null, null]);
    assert.ok(!q.body.in_progress.some((x) => x.id === d.id));
    const a = await h.spost(`/api/v1/staff/cases/${d.id}/accept`, {}, h.staff2);
    assert.equal(a.status, 200, a.text);
    assert.equal(a.body.accepted_by, 'li');
  });
});

// accept vs return (a review): wang reads a waiting case and writes a
// return reason; li accepts it meanwhile, the resident at li's window.
// Sent with the status wang saw, the return is 409 case_moved and li's
// acceptance stands (before: the case went back to the resident, its
// chain paused, under li's feet).
describe('a return written against a status a colleague changed', () => {
  it('is 409 case_moved and changes nothing; with the status as it is now it goes through', async () => {
    const c = await residentCase(h);
    const a = await h.spost(`/api/v1/staff/cases/${c.id}/accept`, {}, h.staff2);
    assert.equal(a.status, 200, a.text);
    assertError(await h.spost(`/api/v1/staff/cases/${c.id}/return`, { reason: '缺户口簿', status: 'waiting' }),
      409, 'case_moved');
    const v = (await h.sget(`/api/v1/staff/cases/${c.id}`)).body;
    assert.equal(v.status, 'accepted');
    assert.equal(v.returned_reason, null);
    assertError(await h.spost(`/api/v1/staff/cases/${c.id}/return`, { reason: '缺户口簿', status: 5 }), 422, 'bad_text');
    const r = await h.spost(`/api/v1/staff/cases/${c.id}/return`, { reason: '缺户口簿', status: 'accepted' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'returned');
  });
});

describe('what a return may flag, and what its texts may hold', () => {
  it('422 bad_flag for a field or an item that does not apply to the case; nothing moves', async () => {
    const c = await residentCase(h); // in person: the agent's step does not apply
    const p = `/api/v1/staff/cases/${c.id}/return`;
    assertError(await h.spost(p, { reason: '代办人身份证号有误', fields: ['agent_id'] }), 422, 'bad_flag');
    assertError(await h.spost(p, { reason: '缺授权委托书', checklist: ['s2-0'] }), 422, 'bad_flag');
    assertError(await h.spost(p, { reason: '缺材料', fields: ['name', 'agent_name'] }), 422, 'bad_flag');
    const v = await h.sget(`/api/v1/staff/cases/${c.id}`);
    assert.equal(v.body.status, 'waiting', 'nothing moved');
    assert.ok(v.body.procedure_steps.filter((x) => x.applicable).every((x) => x.done), 'no step reopened');
    // the same parts of a case by an agent apply, and so may be flagged
    const d = await residentCase(h, { proxy: 'yes' });
    const r = await h.spost(`/api/v1/staff/cases/${d.id}/return`,
      { reason: '缺授权委托书', fields: ['agent_id'], checklist: ['s2-0'] });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.returned_items, { fields: ['agent_id'], checklist: ['s2-0'] });
  });

  it('422 bad_text for C1 controls, direction marks and overrides, isolates and line separators', async () => {
    const c = await residentCase(h);
    const p = `/api/v1/staff/cases/${c.id}/return`;
    const bad = ['\u0080', '\u0085', '\u009f', '\u007f', '\u200e', '\u200f', '\u2028', '\u2029',
      '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
    for (const ch of bad) {
      const what = 'U+' + ch.codePointAt(0).toString(16).padStart(4, '0');
      assertError(await h.spost(p, { reason: `户口簿${ch}缺少本人页` }), 422, 'bad_text', what);
    }
    assert.equal((await h.sget(`/api/v1/staff/cases/${c.id}`)).body.status, 'waiting');
    // what a staffer does type is fine: line breaks, tabs, full-width marks, the zero-width joiner
    assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/accept`)).status, 200);
    assertError(await h.spost(`/api/v1/staff/cases/${c.id}/complete`, { outcome: '已办结\u202e证件' }),
      422, 'bad_text');
    const outcome = '已办结:\n\t当场发证(居住证明)。👩\u200d💼';
    const r = await h.spost(`/api/v1/staff/cases/${c.id}/complete`, { outcome });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.outcome, outcome);
  });
});

describe('a returned case at the window', () => {
  it('a staffer corrects it through the resident\'s routes: events name the staffer, it waits again and is accepted', async () => {
    const c = await residentCase(h, { proxy: 'yes' });
    let r = await h.spost(`/api/v1/staff/cases/${c.id}/return`, { reason: '代办人身份证号有误', fields: ['agent_id'] });
    assert.equal(r.status, 200, r.text);
    const headers = authHeaders(h.staff2);
    r = await h.post(`/api/v1/cases/${c.id}/steps/2`, { fields: { agent_name: AGENT, agent_id: '440304199003070018' } }, headers);
    assert.equal(r.status, 200, r.text);
    r = await h.post(`/api/v1/cases/${c.id}/submit`, undefined, headers);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { status: 'waiting', ticket: c.ticket });
    const v = await h.sget(`/api/v1/staff/cases/${c.id}`);
    assert.equal(v.body.status, 'waiting');
    assert.deepEqual(v.body.events.slice(-3).map((e) => [e.what, e.user, e.channel]),
      [['returned', 'wang', 'window'], ['step', 'li', 'kiosk'], ['submitted', 'li', 'kiosk']]);
    r = await h.spost(`/api/v1/staff/cases/${c.id}/accept`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'accepted');
  });

  it('the notice also lists what applies, is required and is missing though nobody flagged it', async () => {
    const c = await residentCase(h); // in person
    let r = await h.spost(`/api/v1/staff/cases/${c.id}/return`, { reason: '请核对是否代办', fields: ['proxy'] });
    assert.equal(r.status, 200, r.text);
    // the resident now says an agent came: the agent's step applies and is empty
    r = await h.post(`/api/v1/cases/${c.id}/steps/1`, { fields: { name: NAME, id_number: ID, phone: MOBILE, proxy: 'yes' } });
    assert.equal(r.status, 200, r.text);
    r = await h.sget(`/print/staff/cases/${c.id}/correction`);
    assert.equal(r.status, 200, r.text);
    const items = [...r.text.matchAll(/<li><span class="what">([^<]*)<\/span>([^<]*)<\/li>/g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(items.map((x) => x[1]), ['是否代办', '代办人姓名', '代办人身份证号'], r.text);
    assert.match(items[0][0], /核对/);
    assert.match(items[1][0], /填写/);
    assert.match(items[2][0], /填写/);
    assert.ok(!r.text.includes('授权委托书'), 'an optional item is not missing');
    assert.ok(!r.text.includes('见上面的退回原因'));
  });
});

// What a mutation review found unpinned in src/print.c.
describe('the printed pages beyond the defaults', () => {
  it('the slip marks an optional paper 如有, and says nothing of the queue once accepted', async () => {
    const c = await residentCase(h);
    let r = await h.get(`/print/cases/${c.id}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.text.includes('<li>户口簿</li>'), 'a required paper without the note');
    assert.ok(r.text.includes('<li>近期一寸照片<span class="note">（如有）</span></li>'), r.text);
    assert.ok(r.text.includes('class="ahead"'), 'waiting: how many before it');
    assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/accept`)).status, 200);
    r = await h.get(`/print/cases/${c.id}`);
    assert.equal(r.status, 200, r.text);
    // at the window: neither "nobody before you" nor a count (docs/http-api.md)
    assert.ok(!r.text.includes('class="ahead"'), r.text);
  });

  it('the correction notice lists a flagged optional paper, though nothing requires it', async () => {
    const c = await residentCase(h);
    const r = await h.spost(`/api/v1/staff/cases/${c.id}/return`, { reason: '照片不清楚', checklist: ['s0-2'] });
    assert.equal(r.status, 200, r.text);
    const n = await h.sget(`/print/staff/cases/${c.id}/correction`);
    assert.equal(n.status, 200, n.text);
    assert.ok(n.text.includes('<li><span class="what">材料：</span>近期一寸照片</li>'), n.text);
    assert.ok(!n.text.includes('见上面的退回原因'));
  });
});

describe('a called case returned and handed in again the same day', () => {
  it('is not called yet and waits behind those handed in before it', async () => {
    const x = await residentCase(h);
    const y = await residentCase(h);
    assert.equal((await h.spost(`/api/v1/staff/cases/${x.id}/call`, { window: '3' })).status, 200);
    let r = await h.spost(`/api/v1/staff/cases/${x.id}/return`, { reason: '请带户口簿原件来窗口' });
    assert.equal(r.status, 200, r.text);
    r = await h.post(`/api/v1/cases/${x.id}/submit`);
    assert.deepEqual(r.body, { status: 'waiting', ticket: x.ticket });
    // a call of the earlier turn does not carry over: call-next and the screen's count see it
    const v = await h.sget(`/api/v1/staff/cases/${x.id}`);
    assert.equal(v.body.calls, 0);
    assert.equal(v.body.called_at, null);
    // a new turn: behind y, handed in after x's first turn but before this one
    const ids = (await h.sget('/api/v1/staff/queue')).body.queue.map((c) => c.id);
    assert.ok(ids.indexOf(y.id) >= 0 && ids.indexOf(x.id) > ids.indexOf(y.id), JSON.stringify(ids));
  });
});
