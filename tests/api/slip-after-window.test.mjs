// The slip printed again after the window took the case (a resident's
// link, a scanned code, the kiosk's 我有凭条): it told them 请留意叫号 and to
// bring papers already handed over, for a call that never comes. Past the
// window it says where the case stands instead; while the case may still be
// called (waiting) it is the slip as before.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useWindow, residentCase } from './staff-helpers.mjs';

describe('the slip of a case past the window', () => {
  const h = useWindow();

  it('says where the case stands, with no queue and no papers to bring', async () => {
    const c = await residentCase(h);
    let slip = await h.get(`/print/cases/${c.id}`);
    assert.equal(slip.status, 200, slip.text);
    assert.match(slip.text, /请留意叫号/);
    assert.match(slip.text, /请带上以下材料到综合窗口/);

    const a = await h.spost(`/api/v1/staff/cases/${c.id}/accept`);
    assert.equal(a.status, 200, a.text);
    slip = await h.get(`/print/cases/${c.id}`);
    assert.equal(slip.status, 200, slip.text);
    assert.ok(slip.text.includes(c.ticket), 'the ticket is still on it');
    assert.match(slip.text, /<p class="stands">窗口已经受理了这件事，不用再排队/);
    assert.doesNotMatch(slip.text, /class="ahead"/);
    assert.doesNotMatch(slip.text, /请留意叫号/);
    assert.doesNotMatch(slip.text, /请带上以下材料/);

    const done = await h.spost(`/api/v1/staff/cases/${c.id}/complete`, { outcome: '已办结' });
    assert.equal(done.status, 200, done.text);
    slip = await h.get(`/print/cases/${c.id}`);
    assert.match(slip.text, /这件事已经办结|已经办好/);
    assert.doesNotMatch(slip.text, /请留意叫号/);
  });

  it('a rejected case says so', async () => {
    const c = await residentCase(h);
    assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/accept`)).status, 200);
    const r = await h.spost(`/api/v1/staff/cases/${c.id}/reject`, { reason: '不符合办理条件' });
    assert.equal(r.status, 200, r.text);
    const slip = await h.get(`/print/cases/${c.id}`);
    assert.equal(slip.status, 200, slip.text);
    assert.match(slip.text, /这件事不予办理/);
    assert.doesNotMatch(slip.text, /请留意叫号/);
  });
});
