// A reason or note a staffer types for the resident (退回补正, 不予办理, 通知来大厅)
// may quote an ID number (身份证号…与原件不符). The resident's case page is
// public to whoever holds the slip or the link, and the contract shows ID
// numbers in full only in the staff case view: there the reason keeps the
// number, on the resident's page it is masked to its last four. Before, the
// resident's page showed it in full.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useWindow, residentCase, ID, masked } from './staff-helpers.mjs';

const h = useWindow();
const WRONG = '110101198001011232';
const reason = `身份证号${WRONG}与原件不符，请核对`;
const shown = `身份证号${masked(WRONG)}与原件不符，请核对`;

// the next working day after today, local (an invitation's date)
async function nextDay() {
  const r = await h.get('/api/v1/visit/days');
  return r.status === 200 && r.body.days && r.body.days[0];
}

describe('an ID number in a staffer\'s words to the resident', () => {
  it('a return reason: masked on the resident\'s page, in full for staff', async () => {
    const c = await residentCase(h);
    const r = await h.spost(`/api/v1/staff/cases/${c.id}/return`, { reason });
    assert.equal(r.status, 200, r.text);
    const pub = await h.get(`/api/v1/cases/${c.id}`);
    assert.ok(!pub.text.includes(WRONG), pub.text);
    assert.equal(pub.body.returned_reason, shown);
    assert.equal((await h.sget(`/api/v1/staff/cases/${c.id}`)).body.returned_reason, reason);
  });

  it('a rejection reason likewise', async () => {
    const c = await residentCase(h);
    assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/accept`, {})).status, 200);
    const r = await h.spost(`/api/v1/staff/cases/${c.id}/reject`, { reason });
    assert.equal(r.status, 200, r.text);
    const pub = await h.get(`/api/v1/cases/${c.id}`);
    assert.ok(!pub.text.includes(WRONG), pub.text);
    assert.equal(pub.body.rejected_reason, shown);
  });

  it('an invitation\'s note likewise', async () => {
    const c = await residentCase(h, { channel: 'web', prereview: true });
    const date = await nextDay();
    assert.ok(date, 'a working day to invite on');
    const r = await h.spost(`/api/v1/staff/cases/${c.id}/invite`, { date, note: `请带${WRONG}的原件` });
    assert.equal(r.status, 200, r.text);
    const pub = await h.get(`/api/v1/cases/${c.id}`);
    assert.ok(!pub.text.includes(WRONG), pub.text);
    assert.equal(pub.body.invite.note, `请带${masked(WRONG)}的原件`);
    assert.ok(!pub.text.includes(ID), 'nor the applicant\'s');
  });
});
