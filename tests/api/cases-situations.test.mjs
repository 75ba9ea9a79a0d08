// Situations (情形) in a case, over tests/fixtures/cases/situations
// (proxy/permit.md): step 0 asks `proxy` (yesno); step 1 「代办人信息」 exists
// only {if proxy=yes}; step 2 has checklist items and fields with
// {if proxy=yes} / {if proxy!=yes}. A part whose condition does not hold is
// not asked, not validated, not stored and not shown; changing the answer
// drops what no longer applies and asks again for what now does.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, request, getJSON, assertError, useDaemon } from './helpers.mjs';

const ctx = useDaemon({ tree: path.join(ROOT, 'tests', 'fixtures', 'cases', 'situations') });
const api = (p) => `${ctx.daemon.url}${p}`;

function post(p, body) {
  return request(api(p), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
}
async function createCase() {
  const r = await post('/api/v1/cases', { procedure: 'permit' });
  assert.equal(r.status, 201, r.text);
  return r.body.id;
}
const getCase = (id) => getJSON(api(`/api/v1/cases/${id}`));
// Every accepted step's answer is the case as a fresh read has it: the
// answer is drawn from the state the step's transaction read, unless the
// step dropped answers that no longer apply (then it is read again), and
// these situations take both paths.
async function step(id, n, body, expectStatus = 200) {
  const r = await post(`/api/v1/cases/${id}/steps/${n}`, body);
  assert.equal(r.status, expectStatus, `step ${n} ${JSON.stringify(body)} -> ${r.status} ${r.text}`);
  if (r.status === 200) {
    const g = await getCase(id);
    assert.deepEqual(r.body, { step: g.step, applicable: g.applicable, done: g.done },
      `step ${n}'s answer against a read after it`);
  }
  return r;
}

const AGENT_ID = '11010519491231002X';
const SELF = { name: '赵大爷', proxy: 'no' };
const PROXY = { name: '赵大爷', proxy: 'yes' };
const AGENT = { agent_name: '赵小明', agent_id: AGENT_ID };
// the public case route shows ID numbers masked to their last four characters
const masked = (id) => '*'.repeat(id.length - 4) + id.slice(-4);
const AGENT_SHOWN = { ...AGENT, agent_id: masked(AGENT_ID) };
const STEP2_SELF = { checklist: { 's2-0': true, 's2-2': true }, fields: { self_phone: '13800138000' } };
const STEP2_PROXY = { checklist: { 's2-0': true, 's2-1': true }, fields: { agent_phone: '13912345678' } };

describe('the procedure JSON carries the conditions', () => {
  it('step 1, items and fields have "if"', async () => {
    const p = await getJSON(api('/api/v1/procedures/permit'));
    assert.equal(p.steps.length, 3);
    assert.equal(p.steps[0].if, undefined);
    assert.deepEqual(p.steps[1].if, { key: 'proxy', op: '=', value: 'yes' });
    assert.deepEqual(p.steps[2].checklist.map((i) => [i.id, i.required, i.if ?? null]), [
      ['s2-0', true, null],
      ['s2-1', true, { key: 'proxy', op: '=', value: 'yes' }],
      ['s2-2', true, { key: 'proxy', op: '!=', value: 'yes' }],
      ['s2-3', false, { key: 'proxy', op: '=', value: 'yes' }],
    ]);
    assert.deepEqual(p.steps[2].fields.map((f) => [f.key, f.if]), [
      ['agent_phone', { key: 'proxy', op: '=', value: 'yes' }],
      ['self_phone', { key: 'proxy', op: '!=', value: 'yes' }],
    ]);
  });
});

describe('proxy=no: the agent parts are skipped', () => {
  let id;

  it('a fresh case: every step applies until proxy is answered', async () => {
    id = await createCase();
    const g = await getCase(id);
    assert.equal(g.steps, 3);
    assert.equal(g.step, 0);
    assert.equal(g.conditions_confirmed, true);
    // proxy unanswered counts as empty: "proxy=yes" does not hold
    assert.deepEqual(g.applicable, [0, 2]);
  });

  it('answering no: NEXT is step 2, applicable leaves out step 1, steps stays 3', async () => {
    const r = await step(id, 0, { fields: SELF });
    assert.deepEqual(r.body, { step: 2, applicable: [0, 2], done: [0] });
    const g = await getCase(id);
    assert.equal(g.steps, 3);
    assert.equal(g.step, 2);
    assert.deepEqual(g.values, SELF);
  });

  it('posting step 1 is 409 step_not_applicable', async () => {
    assertError(await post(`/api/v1/cases/${id}/steps/1`, { fields: AGENT }), 409, 'step_not_applicable');
    assert.deepEqual((await getCase(id)).values, SELF, 'nothing of it is stored');
  });

  it('step 2 requires the proxy!=yes item and field, not the proxy=yes ones', async () => {
    const r = await step(id, 2, {}, 422);
    assertError(r, 422, 'validation_failed');
    assert.deepEqual(r.body.field_codes, { self_phone: 'required' }, r.text);
    assert.deepEqual([...r.body.checklist].sort(), ['s2-0', 's2-2'], r.text);
  });

  it('the proxy=yes field is not validated, and nothing of the skipped parts is stored', async () => {
    const r = await step(id, 2, {
      checklist: { 's2-0': true, 's2-1': true, 's2-2': true, 's2-3': true },
      fields: { self_phone: '138 0013 8000', agent_phone: 'not a phone at all' },
    });
    assert.deepEqual(r.body, { step: 3, applicable: [0, 2], done: [0, 2] });
    const g = await getCase(id);
    assert.deepEqual(g.values, { ...SELF, self_phone: '13800138000' });
    assert.deepEqual(g.checklist, { 's2-0': true, 's2-2': true });
  });

  it('submit: 200 waiting with a ticket', async () => {
    const r = await post(`/api/v1/cases/${id}/submit`, {});
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'waiting');
    assert.match(r.body.ticket, /^[A-Z]\d{3}$/);
  });
});

describe('proxy=yes: the agent step is required', () => {
  let id;

  it('answering yes (JSON true): NEXT is the agent step', async () => {
    id = await createCase();
    const r = await step(id, 0, { fields: { name: PROXY.name, proxy: true } });
    assert.deepEqual(r.body, { step: 1, applicable: [0, 1, 2], done: [0] });
    assert.deepEqual((await getCase(id)).values, PROXY);
  });

  it('step 2 is 409 step_not_reached and submit 409 not_finished', async () => {
    assertError(await post(`/api/v1/cases/${id}/steps/2`, STEP2_PROXY), 409, 'step_not_reached');
    assertError(await post(`/api/v1/cases/${id}/submit`, {}), 409, 'not_finished');
  });

  it('the agent step validates its fields', async () => {
    const r = await step(id, 1, { fields: { agent_name: '', agent_id: '110105194912310021' } }, 422);
    assertError(r, 422, 'validation_failed');
    assert.deepEqual(r.body.field_codes, { agent_name: 'required', agent_id: 'cn_id_checksum' }, r.text);
    const r2 = await step(id, 1, { fields: AGENT });
    assert.deepEqual(r2.body, { step: 2, applicable: [0, 1, 2], done: [0, 1] });
  });

  it('step 2 requires the proxy=yes item and field, not the proxy!=yes ones', async () => {
    const r = await step(id, 2, { fields: { self_phone: 'nonsense' } }, 422);
    assertError(r, 422, 'validation_failed');
    assert.deepEqual(r.body.field_codes, { agent_phone: 'required' }, r.text);
    assert.deepEqual([...r.body.checklist].sort(), ['s2-0', 's2-1'], r.text);
    const r2 = await step(id, 2, { ...STEP2_PROXY, checklist: { ...STEP2_PROXY.checklist, 's2-2': true, 's2-3': true } });
    assert.deepEqual(r2.body, { step: 3, applicable: [0, 1, 2], done: [0, 1, 2] });
    const g = await getCase(id);
    assert.deepEqual(g.values, { ...PROXY, ...AGENT_SHOWN, agent_phone: '13912345678' });
    assert.deepEqual(g.checklist, { 's2-0': true, 's2-1': true, 's2-3': true });
  });

  it('correcting step 0 from yes to no drops the agent\'s answers', async () => {
    const r = await step(id, 0, { fields: SELF });
    assert.deepEqual(r.body.applicable, [0, 2]);
    const g = await getCase(id);
    assert.deepEqual(g.applicable, [0, 2]);
    for (const k of ['agent_name', 'agent_id', 'agent_phone']) {
      assert.ok(!(k in g.values), `${k} still shown: ${JSON.stringify(g.values)}`);
    }
    assert.deepEqual(g.values, SELF);
    assert.ok(!('s2-1' in g.checklist) && !('s2-3' in g.checklist), JSON.stringify(g.checklist));
    // step 2 now needs 本人到场签字 and self_phone, which were never given
    assert.equal(g.step, 2, 'step 2 must be done again for the new answer');
    assertError(await post(`/api/v1/cases/${id}/submit`, {}), 409, 'not_finished');
  });

  it('the dropped answers are gone, not hidden: switching back to yes asks for them again', async () => {
    const r = await step(id, 0, { fields: PROXY });
    assert.equal(r.body.step, 1);
    const g = await getCase(id);
    assert.deepEqual(g.values, PROXY, 'no agent value comes back');
    assert.deepEqual(g.done, [0]);
    assertError(await post(`/api/v1/cases/${id}/submit`, {}), 409, 'not_finished');
  });
});

describe('correcting no→yes after finishing', () => {
  let id;

  it('a case finished with proxy=no', async () => {
    id = await createCase();
    await step(id, 0, { fields: SELF });
    const r = await step(id, 2, STEP2_SELF);
    assert.deepEqual(r.body, { step: 3, applicable: [0, 2], done: [0, 2] });
  });

  it('answering yes sends the case back to the agent step', async () => {
    const r = await step(id, 0, { fields: PROXY });
    assert.equal(r.body.step, 1);
    assert.deepEqual(r.body.applicable, [0, 1, 2]);
    assert.ok(r.body.done.includes(0) && !r.body.done.includes(1), JSON.stringify(r.body));
    const g = await getCase(id);
    assert.equal(g.step, 1);
    assert.ok(!('self_phone' in g.values), `the proxy!=yes field is dropped: ${JSON.stringify(g.values)}`);
    assert.ok(!('s2-2' in g.checklist), JSON.stringify(g.checklist));
  });

  it('submit is 409 not_finished until the agent step is done', async () => {
    assertError(await post(`/api/v1/cases/${id}/submit`, {}), 409, 'not_finished');
    const r = await step(id, 1, { fields: AGENT });
    // step 2 now requires 授权委托书 and agent_phone, never given
    assert.equal(r.body.step, 2, JSON.stringify(r.body));
    assertError(await post(`/api/v1/cases/${id}/submit`, {}), 409, 'not_finished', 'step 2 incomplete');
    const r2 = await step(id, 2, STEP2_PROXY);
    assert.deepEqual(r2.body, { step: 3, applicable: [0, 1, 2], done: [0, 1, 2] });
    const s = await post(`/api/v1/cases/${id}/submit`, {});
    assert.equal(s.status, 200, s.text);
    const g = await getCase(id);
    assert.equal(g.status, 'waiting');
    assert.deepEqual(g.values, { ...PROXY, ...AGENT_SHOWN, agent_phone: '13912345678' });
  });
});

describe('correcting the step a situation depends on, before reaching the rest', () => {
  it('an answer changed before step 2 leaves step 2 asked as the new answer says', async () => {
    const id = await createCase();
    await step(id, 0, { fields: PROXY });
    await step(id, 1, { fields: AGENT });
    const r = await step(id, 0, { fields: SELF });
    assert.deepEqual(r.body, { step: 2, applicable: [0, 2], done: [0] });
    assertError(await post(`/api/v1/cases/${id}/steps/1`, { fields: AGENT }), 409, 'step_not_applicable');
    const bad = await step(id, 2, STEP2_PROXY, 422);
    assert.deepEqual(bad.body.field_codes, { self_phone: 'required' }, bad.text);
    assert.deepEqual(bad.body.checklist, ['s2-2'], bad.text);
  });
});
