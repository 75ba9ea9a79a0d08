// A resident's case shows ID numbers masked (**************002X); a page
// reopened from its link or slip has only that. Sent back to a step as it
// came, the masked number stands for the one the case has, so a resident
// correcting another answer does not type it again; unless the window
// flagged that very number when it returned the case, and never for a
// case that has no number yet or a mask of another number.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError } from './helpers.mjs';
import { useWindow, residentCase, ID, NAME, masked } from './staff-helpers.mjs';

const h = useWindow();

const step1 = (id, idNumber, phone) => h.post(`/api/v1/cases/${id}/steps/1`,
  { fields: { name: NAME, id_number: idNumber, phone, proxy: 'no' } });
const staffView = async (id) => (await h.sget(`/api/v1/staff/cases/${id}`)).body;
const value = (v, key) => v.values[key] ?? v.procedure_steps.flatMap((s) => s.fields).find((f) => f.key === key)?.value;

describe('a masked number sent back to a step', () => {
  it('keeps the stored number when the window flagged something else', async () => {
    const c = await residentCase(h);
    const r = await h.spost(`/api/v1/staff/cases/${c.id}/return`, { reason: '电话号码不对', fields: ['phone'] });
    assert.equal(r.status, 200, r.text);
    const pub = (await h.get(`/api/v1/cases/${c.id}`)).body;
    assert.equal(pub.values.id_number, masked(ID), 'the resident sees it masked');
    const s = await step1(c.id, pub.values.id_number, '13900139000');
    assert.equal(s.status, 200, s.text);
    const v = await staffView(c.id);
    assert.equal(value(v, 'id_number'), ID, 'the number the case had, in full');
    assert.equal(value(v, 'phone'), '13900139000');
    assert.equal((await h.post(`/api/v1/cases/${c.id}/submit`)).status, 200);
  });

  it('is not the number when it masks another one', async () => {
    const c = await residentCase(h);
    assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/return`, { reason: '电话号码不对', fields: ['phone'] })).status, 200);
    const r = await step1(c.id, '*'.repeat(14) + '0000', '13900139000');
    assertError(r, 422, 'validation_failed');
    assert.ok(r.body.fields.id_number, JSON.stringify(r.body));
  });

  it('is refused for the number the window flagged: it must be typed anew', async () => {
    const c = await residentCase(h);
    assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/return`,
      { reason: '身份证号码与原件不符', fields: ['id_number'] })).status, 200);
    const r = await step1(c.id, masked(ID), '13800138000');
    assertError(r, 422, 'validation_failed');
    assert.ok(r.body.fields.id_number, JSON.stringify(r.body));
    const fixed = '110105194912310038';
    assert.equal((await step1(c.id, fixed, '13800138000')).status, 200);
    assert.equal(value(await staffView(c.id), 'id_number'), fixed);
  });

  it('is nothing for a case that has no number yet', async () => {
    const c = await h.post('/api/v1/cases', { procedure: 'residence', channel: 'kiosk' });
    await h.post(`/api/v1/cases/${c.body.id}/conditions`, { confirmed: [true] });
    await h.post(`/api/v1/cases/${c.body.id}/steps/0`, { checklist: { 's0-0': true, 's0-1': true } });
    const r = await step1(c.body.id, masked(ID), '13800138000');
    assertError(r, 422, 'validation_failed');
    assert.ok(r.body.fields.id_number, JSON.stringify(r.body));
  });
});
