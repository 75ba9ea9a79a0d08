// Cases (the kiosk walkthrough) over tests/fixtures/cases/walk: the whole
// life of a case (conditions, steps in order, validation of a step as a
// whole, corrections, submit with a ticket, rating), the errors of the case
// endpoints, and that the log never holds a case id or a submitted value.
// Contract: shared/spec/http-api.md; decisions: docs/http-api.md "Cases".
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ROOT, request, getJSON, assertError, assertJSONType, useDaemon } from './helpers.mjs';

const ctx = useDaemon({ tree: path.join(ROOT, 'tests', 'fixtures', 'cases', 'walk') });
const api = (p) => `${ctx.daemon.url}${p}`;
const HAN = /[\u3400-\u9fff]/;

function post(p, body) {
  return request(api(p), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
}
function postRaw(p, text) {
  return request(api(p), { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
}
async function createCase(procedure, extra = {}) {
  const r = await post('/api/v1/cases', { procedure, ...extra });
  assert.equal(r.status, 201, `create ${procedure}: ${r.status} ${r.text}`);
  return r.body;
}
const getCase = (id) => getJSON(api(`/api/v1/cases/${id}`));

// A 422 validation_failed: the standard error plus fields/field_codes/checklist.
function assertRejected(r, { fields = {}, checklist = [] }, what = '') {
  assertError(r, 422, 'validation_failed', what);
  const ctxt = `${what}: ${r.text}`;
  // ours: how many parts failed, fields and items together
  assert.equal(r.body.error.count, Object.keys(fields).length + checklist.length, `count: ${ctxt}`);
  assert.deepEqual(Object.keys(r.body.fields ?? {}).sort(), Object.keys(fields).sort(), `fields named: ${ctxt}`);
  assert.deepEqual(r.body.field_codes, fields, `field_codes: ${ctxt}`);
  for (const [k, m] of Object.entries(r.body.fields)) {
    assert.equal(typeof m, 'string', `message of ${k}: ${ctxt}`);
    assert.match(m, HAN, `message of ${k} is not Chinese: ${ctxt}`);
  }
  assert.deepEqual([...(r.body.checklist ?? [])].sort(), [...checklist].sort(), `checklist: ${ctxt}`);
}

// Values submitted in this file; none of them may reach the log.
const NAME = '张晓梅';
const NAME2 = '欧阳建国';
const ID = '11010519491231002X';
// the public case route shows ID numbers masked to their last four characters
const masked = (id) => '*'.repeat(id.length - 4) + id.slice(-4);

const BAD_ID = '110105194912310021';
const MOBILE = '13800138000';
const NOTE = '住在三号楼二单元';
const COMMENT = '服务很好';
const caseIds = [];

describe('a case from start to rating', () => {
  let c;
  let detail;

  it('POST /api/v1/cases creates an open case on the live version', async () => {
    detail = await getJSON(api('/api/v1/procedures/residence'));
    const r = await post('/api/v1/cases', { procedure: 'residence', channel: 'kiosk' });
    assert.equal(r.status, 201, r.text);
    assertJSONType(r, 'create');
    c = r.body;
    caseIds.push(c.id);
    assert.match(c.id, /^[0-9a-f]{32}$/);
    assert.equal(c.procedure, 'residence');
    assert.equal(c.hash, detail.hash);
    assert.equal(c.status, 'open');
    assert.equal(c.step, 0);
    assert.equal(c.steps, 3);
    assert.equal(c.steps, detail.steps.length);
    assert.deepEqual(c.applicable, [0, 1, 2]);
    assert.deepEqual(c.done, []);
    assert.equal(c.conditions, 3);
  });

  it('every case gets its own id', async () => {
    const ids = new Set([c.id]);
    for (let i = 0; i < 5; i++) {
      const o = await createCase('residence');
      caseIds.push(o.id);
      assert.match(o.id, /^[0-9a-f]{32}$/);
      ids.add(o.id);
    }
    assert.equal(ids.size, 6);
  });

  it('GET /api/v1/cases/{id} shows the fresh case', async () => {
    const g = await getCase(c.id);
    assert.equal(g.id, c.id);
    assert.equal(g.procedure, 'residence');
    assert.equal(g.hash, detail.hash);
    assert.equal(g.status, 'open');
    assert.equal(g.step, 0);
    assert.equal(g.steps, 3);
    assert.equal(g.conditions_confirmed, false);
    assert.deepEqual(g.values, {});
    assert.deepEqual(g.checklist, {});
    assert.equal(g.ticket, null);
    // only a waiting case's ticket can be of an earlier day
    assert.equal(g.ticket_expired, false);
    assert.equal(g.returned_reason, null);
    assert.equal(g.channel, 'kiosk');
    assert.equal(typeof g.created_at, 'string');
    assert.ok(g.created_at.length >= 10, g.created_at);
    assert.equal(g.rating, null);
  });

  it('a case is JSON with Cache-Control: no-cache, and HEAD works', async () => {
    const r = await request(api(`/api/v1/cases/${c.id}`));
    assert.equal(r.status, 200);
    assertJSONType(r, 'GET case');
    assert.match(r.headers.get('cache-control') ?? '', /no-cache|no-store/);
    const h = await request(api(`/api/v1/cases/${c.id}`), { method: 'HEAD' });
    assert.equal(h.status, 200);
    assert.equal(h.text, '');
    assertJSONType(h, 'HEAD case');
  });

  it('step 0 is 409 conditions_unconfirmed before the conditions are confirmed', async () => {
    const r = await post(`/api/v1/cases/${c.id}/steps/0`, { checklist: { 's0-0': true, 's0-1': true } });
    assertError(r, 409, 'conditions_unconfirmed');
    assert.deepEqual((await getCase(c.id)).done, []);
  });

  it('a condition not confirmed is 422 conditions_unmet with its index', async () => {
    let r = await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true, false, true] });
    assertError(r, 422, 'conditions_unmet', 'one false');
    assert.deepEqual(r.body.unmet, [1]);
    r = await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [false, true, false] });
    assertError(r, 422, 'conditions_unmet', 'two false');
    assert.deepEqual(r.body.unmet, [0, 2]);
  });

  it('missing conditions count as unmet', async () => {
    let r = await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true] });
    assertError(r, 422, 'conditions_unmet', 'one of three');
    assert.deepEqual(r.body.unmet, [1, 2]);
    r = await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [] });
    assertError(r, 422, 'conditions_unmet', 'none');
    assert.deepEqual(r.body.unmet, [0, 1, 2]);
  });

  it('a confirmation that is not a boolean array is 422, a body that is not JSON 400', async () => {
    for (const body of [{ confirmed: [true, 'yes', true] }, { confirmed: [1, 1, 1] },
      { confirmed: [true, null, true] }, { confirmed: 'true' }, { confirmed: true }, {}]) {
      assertError(await post(`/api/v1/cases/${c.id}/conditions`, body), 422, 'invalid_body', JSON.stringify(body));
    }
    assertError(await postRaw(`/api/v1/cases/${c.id}/conditions`, '{"confirmed":[true,'), 400, 'bad_request', 'malformed');
    // one JSON value and nothing after it but white space
    assertError(await postRaw(`/api/v1/cases/${c.id}/conditions`, '{"confirmed":[true]} x'), 400, 'bad_request', 'trailing');
    assertError(await postRaw(`/api/v1/cases/${c.id}/conditions`, '{"confirmed":[true]}{}'), 400, 'bad_request', 'two values');
    assertError(await postRaw(`/api/v1/cases/${c.id}/conditions`, '[true,true,true]'), 400, 'bad_request', 'an array body');
    assert.equal((await getCase(c.id)).conditions_confirmed, false, 'nothing refused may confirm');
  });

  it('all conditions confirmed: 200 {"conditions_confirmed":true,"step":0}', async () => {
    const r = await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true, true] });
    assert.equal(r.status, 200, r.text);
    assertJSONType(r, 'conditions');
    assert.deepEqual(r.body, { conditions_confirmed: true, step: 0 });
  });

  it('GET shows the conditions confirmed', async () => {
    const g = await getCase(c.id);
    assert.equal(g.conditions_confirmed, true);
    assert.equal(g.step, 0);
  });

  it('a later 否 takes the confirmation back: the steps wait until it is confirmed again', async () => {
    assertError(await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true, false, true] }), 422, 'conditions_unmet');
    assert.equal((await getCase(c.id)).conditions_confirmed, false);
    assertError(await post(`/api/v1/cases/${c.id}/steps/0`, { checklist: { 's0-0': true, 's0-1': true } }), 409,
      'conditions_unconfirmed');
    assert.equal((await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true, true] })).status, 200);
    assert.equal((await getCase(c.id)).conditions_confirmed, true);
  });

  it('a later step is 409 step_not_reached', async () => {
    for (const n of [1, 2]) {
      const r = await post(`/api/v1/cases/${c.id}/steps/${n}`, { checklist: { 's2-0': true } });
      assertError(r, 409, 'step_not_reached', `step ${n}`);
    }
  });

  it('a step outside 0…steps-1 or not a plain number is 404 unknown_step', async () => {
    // 2^64 and 2^64 + 1 would wrap round to steps 0 and 1 if read past 3 digits
    for (const n of ['3', '4', '99', '-1', 'abc', '01x', '1.0', '%20', '01', '00',
      '18446744073709551616', '18446744073709551617']) {
      const r = await post(`/api/v1/cases/${c.id}/steps/${n}`, {});
      assertError(r, 404, 'unknown_step', `steps/${n}`);
    }
  });

  it('submit before the last step is 409 not_finished', async () => {
    assertError(await post(`/api/v1/cases/${c.id}/submit`, {}), 409, 'not_finished');
  });

  it('an unticked required item is named; an optional one is not', async () => {
    const r = await post(`/api/v1/cases/${c.id}/steps/0`, { checklist: { 's0-0': true, 's0-2': true } });
    assertRejected(r, { checklist: ['s0-1'] });
    const r2 = await post(`/api/v1/cases/${c.id}/steps/0`, {});
    assertRejected(r2, { checklist: ['s0-0', 's0-1'] });
    const r3 = await post(`/api/v1/cases/${c.id}/steps/0`, { checklist: { 's0-0': true, 's0-1': false } });
    assertRejected(r3, { checklist: ['s0-1'] }, 'false is not ticked');
    const g = await getCase(c.id);
    assert.deepEqual(g.checklist, {}, 'nothing of a rejected step is kept');
    assert.deepEqual(g.done, []);
    assert.equal(g.step, 0);
  });

  it('step 0 with its required items ticked: 200 {"step":1,...}', async () => {
    const r = await post(`/api/v1/cases/${c.id}/steps/0`,
      { checklist: { 's0-0': true, 's0-1': true, 's0-2': true, 'no-such-item': true } });
    assert.equal(r.status, 200, r.text);
    assertJSONType(r, 'step 0');
    assert.deepEqual(r.body, { step: 1, applicable: [0, 1, 2], done: [0] });
    const g = await getCase(c.id);
    assert.deepEqual(g.checklist, { 's0-0': true, 's0-1': true, 's0-2': true });
    assert.equal(g.step, 1);
    assert.deepEqual(g.done, [0]);
  });

  // the 200 names the step the case has reached, not the first one (a
  // mutation review found "step" unpinned past 0): a resident confirming
  // again goes on where they were, their answers kept
  it('conditions confirmed again after step 0: 200 names step 1, the answers stay', async () => {
    const r = await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true, true] });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { conditions_confirmed: true, step: 1 });
    const g = await getCase(c.id);
    assert.deepEqual(g.done, [0]);
    assert.deepEqual(g.checklist, { 's0-0': true, 's0-1': true, 's0-2': true });
  });

  it('step 2 is still 409 step_not_reached', async () => {
    assertError(await post(`/api/v1/cases/${c.id}/steps/2`, { checklist: { 's2-0': true } }),
      409, 'step_not_reached');
  });

  it('empty required fields are each named with the code required', async () => {
    const r = await post(`/api/v1/cases/${c.id}/steps/1`, { fields: {} });
    assertRejected(r, { fields: { name: 'required', id_number: 'required', phone: 'required' } });
    const r2 = await post(`/api/v1/cases/${c.id}/steps/1`, { fields: { name: '   ', id_number: '', phone: null } });
    assertRejected(r2, { fields: { name: 'required', id_number: 'required', phone: 'required' } }, 'blank');
  });

  it('422 names every failing field at once', async () => {
    const r = await post(`/api/v1/cases/${c.id}/steps/1`, {
      fields: { name: '张'.repeat(21), id_number: BAD_ID, phone: '12345', note: NOTE },
    });
    assertRejected(r, { fields: { name: 'too_long', id_number: 'cn_id_checksum', phone: 'cn_mobile' } });
    assert.match(r.body.fields.id_number, /校验码/);
    const g = await getCase(c.id);
    assert.deepEqual(g.values, {}, 'the valid note of a rejected step is not kept');
    assert.equal(g.step, 1);
  });

  it('valid fields are accepted and stored normalised', async () => {
    const r = await post(`/api/v1/cases/${c.id}/steps/1`, {
      fields: { name: ` ${NAME} `, id_number: ID.toLowerCase(), phone: `+86 ${MOBILE.slice(0, 3)}-${MOBILE.slice(3, 7)}-${MOBILE.slice(7)}`, note: NOTE, unknown_key: 'x' },
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { step: 2, applicable: [0, 1, 2], done: [0, 1] });
    const g = await getCase(c.id);
    assert.deepEqual(g.values, { name: NAME, id_number: masked(ID), phone: MOBILE, note: NOTE });
  });

  it('a rejected correction keeps nothing: the old values stay', async () => {
    // name valid, phone not: neither the new name nor anything else is stored
    const r = await post(`/api/v1/cases/${c.id}/steps/1`, {
      fields: { name: NAME2, id_number: ID, phone: '999', note: '新的备注' },
    });
    assertRejected(r, { fields: { phone: 'cn_mobile' } });
    const g = await getCase(c.id);
    assert.deepEqual(g.values, { name: NAME, id_number: masked(ID), phone: MOBILE, note: NOTE });
    assert.equal(g.step, 2);
    assert.deepEqual(g.done, [0, 1]);
  });

  it('an earlier step sent again replaces its values', async () => {
    const r = await post(`/api/v1/cases/${c.id}/steps/1`, {
      fields: { name: NAME2, id_number: ID, phone: MOBILE },
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.step, 2, 'correcting step 1 does not move the case back');
    const g = await getCase(c.id);
    assert.deepEqual(g.values, { name: NAME2, id_number: masked(ID), phone: MOBILE }, 'the dropped note is gone');
  });

  it('an earlier step\'s checklist sent again replaces its ticks', async () => {
    const r = await post(`/api/v1/cases/${c.id}/steps/0`, { checklist: { 's0-0': true, 's0-1': true } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.step, 2);
    const g = await getCase(c.id);
    assert.deepEqual(g.checklist, { 's0-0': true, 's0-1': true });
    assert.deepEqual(g.values, { name: NAME2, id_number: masked(ID), phone: MOBILE }, 'other steps untouched');
  });

  it('the last step: unticked 422, ticked 200 with step = steps', async () => {
    assertRejected(await post(`/api/v1/cases/${c.id}/steps/2`, {}), { checklist: ['s2-0'] });
    assertError(await post(`/api/v1/cases/${c.id}/submit`, {}), 409, 'not_finished', 'before the last step');
    const r = await post(`/api/v1/cases/${c.id}/steps/2`, { checklist: { 's2-0': true } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { step: 3, applicable: [0, 1, 2], done: [0, 1, 2] });
    assert.equal((await getCase(c.id)).step, 3);
  });

  it('a case not submitted can be rated too, once (a resident turned away rates the service)', async () => {
    const other = (await post('/api/v1/cases', { procedure: 'residence' })).body;
    const r = await post(`/api/v1/cases/${other.id}/rating`, { score: 2, comment: '条件不符' });
    assert.equal(r.status, 204, r.text);
    assert.equal((await getCase(other.id)).rating, 2);
    assertError(await post(`/api/v1/cases/${other.id}/rating`, { score: 5 }), 409, 'already_rated');
  });

  it('submit: 200 {"status":"waiting","ticket":"A001"}', async () => {
    const r = await post(`/api/v1/cases/${c.id}/submit`, {});
    assert.equal(r.status, 200, r.text);
    assertJSONType(r, 'submit');
    assert.deepEqual(r.body, { status: 'waiting', ticket: 'A001' });
    const g = await getCase(c.id);
    assert.equal(g.status, 'waiting');
    assert.equal(g.ticket, 'A001');
    assert.equal(g.step, 3);
    assert.deepEqual(g.values, { name: NAME2, id_number: masked(ID), phone: MOBILE });
  });

  it('a second submit is 409 already_submitted and keeps the ticket', async () => {
    assertError(await post(`/api/v1/cases/${c.id}/submit`, {}), 409, 'already_submitted');
    assert.equal((await getCase(c.id)).ticket, 'A001');
  });

  it('a submitted case can no longer be changed (409 case_closed)', async () => {
    assertError(await post(`/api/v1/cases/${c.id}/steps/1`, { fields: { name: NAME, id_number: ID, phone: MOBILE } }),
      409, 'case_closed', 'step');
    assertError(await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true, true] }),
      409, 'case_closed', 'conditions');
    assert.equal((await getCase(c.id)).values.name, NAME2);
  });

  it('a second case gets the next ticket, A002', async () => {
    const o = await createCase('simple');
    caseIds.push(o.id);
    assert.equal((await post(`/api/v1/cases/${o.id}/steps/0`, { checklist: { 's0-0': true } })).status, 200);
    const r = await post(`/api/v1/cases/${o.id}/submit`, {});
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { status: 'waiting', ticket: 'A002' });
  });

  it('a score outside 1…5 or not an integer is 422 bad_score', async () => {
    for (const score of [0, 6, -1, 2.5, '5', '', null, true, [5]]) {
      assertError(await post(`/api/v1/cases/${c.id}/rating`, { score, comment: COMMENT }), 422, 'bad_score',
        JSON.stringify(score));
    }
    assertError(await post(`/api/v1/cases/${c.id}/rating`, { comment: COMMENT }), 422, 'bad_score', 'no score');
    assert.equal((await getCase(c.id)).rating, null);
  });

  it('a comment over 500 characters is 422 (characters, not bytes)', async () => {
    const r = await post(`/api/v1/cases/${c.id}/rating`, { score: 4, comment: '好'.repeat(501) });
    assert.equal(r.status, 422, r.text);
    assertJSONType(r, 'rating');
    assert.equal(typeof r.body?.error?.code, 'string', r.text);
    assert.match(r.body.error.message, HAN, r.text);
    assert.equal((await getCase(c.id)).rating, null);
  });

  it('a comment holding a control or a direction override is 422 bad_text (the one text policy)', async () => {
    for (const ch of ['\u0007', '\u0085', '\u202e', '\u2066', '\u2028']) {
      assertError(await post(`/api/v1/cases/${c.id}/rating`, { score: 4, comment: `很好${ch}谢谢` }), 422,
        'bad_text', JSON.stringify(ch));
    }
    assert.equal((await getCase(c.id)).rating, null);
  });

  it('a malformed rating body is 400', async () => {
    assertError(await postRaw(`/api/v1/cases/${c.id}/rating`, '{"score":'), 400, 'bad_request', 'malformed');
    assertError(await postRaw(`/api/v1/cases/${c.id}/rating`, '5'), 400, 'bad_request', 'not an object');
  });

  it('rating: 204, then 409 already_rated; GET shows the score', async () => {
    const r = await post(`/api/v1/cases/${c.id}/rating`, { score: 4, comment: '好'.repeat(499) + COMMENT.slice(0, 1) });
    assert.equal(r.status, 204, r.text);
    assert.equal(r.text, '');
    assert.equal((await getCase(c.id)).rating, 4);
    assertError(await post(`/api/v1/cases/${c.id}/rating`, { score: 5 }), 409, 'already_rated');
    assert.equal((await getCase(c.id)).rating, 4, 'the first rating stays');
  });

  it('a rating without a comment is fine', async () => {
    const o = await createCase('simple');
    caseIds.push(o.id);
    await post(`/api/v1/cases/${o.id}/steps/0`, { checklist: { 's0-0': true } });
    assert.equal((await post(`/api/v1/cases/${o.id}/submit`, {})).status, 200);
    const r = await post(`/api/v1/cases/${o.id}/rating`, { score: 1 });
    assert.equal(r.status, 204, r.text);
    assert.equal((await getCase(o.id)).rating, 1);
  });
});

describe('a procedure without conditions', () => {
  it('starts confirmed: step 0 can be sent at once', async () => {
    const o = await createCase('simple');
    caseIds.push(o.id);
    assert.equal(o.steps, 1);
    assert.equal(o.conditions, 0);
    const g = await getCase(o.id);
    assert.equal(g.conditions_confirmed, true);
    const r = await post(`/api/v1/cases/${o.id}/steps/0`, { checklist: { 's0-0': true } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { step: 1, applicable: [0], done: [0] });
  });

  it('an empty confirmation is all it needs', async () => {
    const o = await createCase('simple');
    caseIds.push(o.id);
    const r = await post(`/api/v1/cases/${o.id}/conditions`, { confirmed: [] });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.conditions_confirmed, true);
  });
});

describe('channels', () => {
  it('channel defaults to kiosk; window and web are accepted', async () => {
    const a = await createCase('simple');
    caseIds.push(a.id);
    assert.equal((await getCase(a.id)).channel, 'kiosk');
    for (const ch of ['window', 'web']) {
      const o = await createCase('simple', { channel: ch });
      caseIds.push(o.id);
      assert.equal((await getCase(o.id)).channel, ch);
    }
  });

  it('a null channel is the default; a channel of another type is 422 and says so', async () => {
    const r = await post('/api/v1/cases', { procedure: 'simple', channel: null });
    assert.equal(r.status, 201, r.text);
    caseIds.push(r.body.id);
    assert.equal((await getCase(r.body.id)).channel, 'kiosk');
    for (const channel of [1, true, ['kiosk'], { kiosk: true }]) {
      const x = await post('/api/v1/cases', { procedure: 'simple', channel });
      assertError(x, 422, 'invalid_body', JSON.stringify(channel));
      assert.match(x.body.error.message, /办理方式/, 'the channel is at fault, not the procedure');
    }
  });

  it('any other channel is 422 bad_channel', async () => {
    for (const channel of ['phone', 'KIOSK', '', 'kiosk ']) {
      assertError(await post('/api/v1/cases', { procedure: 'residence', channel }), 422, 'bad_channel', channel);
    }
  });
});

describe('errors of the case endpoints', () => {
  const unknown = randomBytes(16).toString('hex');

  it('an unknown case id is 404 unknown_case everywhere', async () => {
    const ids = [unknown, unknown.slice(0, 31), `${unknown}0`, 'x'];
    for (const id of ids) {
      assertError(await request(api(`/api/v1/cases/${id}`)), 404, 'unknown_case', `GET ${id}`);
    }
    assertError(await post(`/api/v1/cases/${unknown}/conditions`, { confirmed: [true] }), 404, 'unknown_case', 'conditions');
    assertError(await post(`/api/v1/cases/${unknown}/steps/0`, {}), 404, 'unknown_case', 'steps/0');
    assertError(await post(`/api/v1/cases/${unknown}/submit`, {}), 404, 'unknown_case', 'submit');
    assertError(await post(`/api/v1/cases/${unknown}/rating`, { score: 5 }), 404, 'unknown_case', 'rating');
    assertError(await request(api(`/print/cases/${unknown}`)), 404, 'unknown_case', 'print');
  });

  it('an unknown procedure is 404 unknown_procedure', async () => {
    for (const procedure of ['no-such-thing', 'hall', 'Residence', '']) {
      assertError(await post('/api/v1/cases', { procedure }), 404, 'unknown_procedure', procedure);
    }
  });

  it('a policy document is 422 policy_document', async () => {
    assertError(await post('/api/v1/cases', { procedure: 'rules' }), 422, 'policy_document');
  });

  it('a malformed body is 400 bad_request', async () => {
    for (const text of ['{"procedure":', '', 'residence', '{procedure: "residence"}']) {
      assertError(await postRaw('/api/v1/cases', text), 400, 'bad_request', JSON.stringify(text));
    }
  });

  it('a body that is not an object is 400, an object without a procedure string 422', async () => {
    for (const body of ['residence', ['residence'], 5, null]) {
      assertError(await post('/api/v1/cases', body), 400, 'bad_request', JSON.stringify(body));
    }
    for (const body of [{}, { procedure: 5 }, { procedure: null }, { procedure: ['residence'] }]) {
      assertError(await post('/api/v1/cases', body), 422, 'invalid_body', JSON.stringify(body));
    }
  });

  it('a step body whose fields or checklist is not an object is 422', async () => {
    const o = await createCase('simple');
    caseIds.push(o.id);
    for (const body of [{ fields: [] }, { fields: 'name=x' }, { fields: 5 }, { checklist: ['s0-0'] },
      { checklist: true }]) {
      assertError(await post(`/api/v1/cases/${o.id}/steps/0`, body), 422, 'invalid_body', JSON.stringify(body));
    }
    for (const text of ['{"checklist":', '[]', '"x"', '']) {
      assertError(await postRaw(`/api/v1/cases/${o.id}/steps/0`, text), 400, 'bad_request', JSON.stringify(text));
    }
    const g = await getCase(o.id);
    assert.deepEqual(g.done, [], 'nothing refused is kept');
  });

  it('the case routes refuse other methods with 405', async () => {
    const o = await createCase('simple');
    caseIds.push(o.id);
    assertError(await request(api('/api/v1/cases'), { method: 'GET' }), 405, 'method_not_allowed', 'GET /cases');
    assertError(await request(api(`/api/v1/cases/${o.id}`), { method: 'POST' }), 405, 'method_not_allowed', 'POST case');
    assertError(await request(api(`/api/v1/cases/${o.id}/submit`)), 405, 'method_not_allowed', 'GET submit');
  });
});

// docs/http-api.md "General": an answer holding the case's answers is
// no-store (no browser keeps it on disk, a staffer's shared PC above all),
// every other JSON answer no-cache; a mutation review found either way
// unpinned for each case route but the visit's.
describe('Cache-Control of each case answer', () => {
  const cache = (r) => r.headers.get('cache-control');

  it('the case made and read: no-store; its procedure, conditions, steps and ticket: no-cache', async () => {
    const made = await post('/api/v1/cases', { procedure: 'residence' });
    assert.equal(made.status, 201, made.text);
    assert.equal(cache(made), 'no-store', 'POST /cases');
    const id = made.body.id;
    caseIds.push(id);
    const read = await request(api(`/api/v1/cases/${id}`));
    assert.equal(read.status, 200);
    assert.equal(cache(read), 'no-store', 'GET case');
    const proc = await request(api(`/api/v1/cases/${id}/procedure`));
    assert.equal(proc.status, 200, proc.text);
    assert.equal(cache(proc), 'no-cache', 'the pinned procedure');
    const unmet = await post(`/api/v1/cases/${id}/conditions`, { confirmed: [false] });
    assertError(unmet, 422, 'conditions_unmet');
    assert.equal(cache(unmet), 'no-cache', 'conditions 422');

    const o = await createCase('simple');
    caseIds.push(o.id);
    const conf = await post(`/api/v1/cases/${o.id}/conditions`, { confirmed: [] });
    assert.equal(conf.status, 200, conf.text);
    assert.equal(cache(conf), 'no-cache', 'conditions 200');
    const rejected = await post(`/api/v1/cases/${o.id}/steps/0`, {});
    assertError(rejected, 422, 'validation_failed');
    assert.equal(cache(rejected), 'no-cache', 'step 422');
    const step = await post(`/api/v1/cases/${o.id}/steps/0`, { checklist: { 's0-0': true } });
    assert.equal(step.status, 200, step.text);
    assert.equal(cache(step), 'no-cache', 'step 200');
    const ticket = await post(`/api/v1/cases/${o.id}/submit`, {});
    assert.equal(ticket.status, 200, ticket.text);
    assert.equal(cache(ticket), 'no-cache', 'submit 200');
  });
});

describe('privacy of the log', () => {
  it('a path that misses the routes with a case id in it logs {id} too', async () => {
    const id = caseIds[0];
    const misses = [`//api/v1/cases/${id}`, `/api/v1/cases//${id}`, `/case/${id}`,
      `/api/v1/CASES/${id.toUpperCase()}`, `/x/${id}.json`];
    const before = (ctx.daemon.stderr().match(/ route=none /g) ?? []).length;
    for (const p of misses) assert.equal((await request(api(p))).status, 404, p);
    // each request's line is written as it ends: wait for the five
    for (let i = 0; i < 100 && (ctx.daemon.stderr().match(/ route=none /g) ?? []).length < before + misses.length; i++) {
      await new Promise((ok) => setTimeout(ok, 50));
    }
    const log = ctx.daemon.stderr();
    assert.ok(!log.includes(id) && !log.includes(id.toUpperCase()), `case id in the log:\n${log.slice(-2000)}`);
    assert.match(log, / path=\/case\/\{id\} status=404 /);
  });

  it('stderr never holds a case id or a submitted value', () => {
    const log = ctx.daemon.stderr();
    assert.match(log, / method=POST route=\S+ path=\/api\/v1\/cases\/\{id\}\/steps\/1 /, 'the step requests are logged, with {id}');
    assert.ok(caseIds.length > 10, 'cases were made');
    for (const id of caseIds) assert.ok(!log.includes(id), `case id ${id} in the log`);
    for (const v of [NAME, NAME2, ID, ID.toLowerCase(), BAD_ID, MOBILE, '0013-8000', NOTE, COMMENT]) {
      assert.ok(!log.includes(v), `submitted value ${v} in the log:\n${log}`);
    }
  });
});
