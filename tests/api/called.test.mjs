// The resident's case page of a ticket already called (a hall review): a
// resident who missed the call and opened the slip's case was told 请记住
// 排队号，留意叫号 for a call that had been made, and the call screen no
// longer listed it after four newer calls. The public case view now says
// that it was called and to which window; a ticket and a window are on the
// call screen already, nothing personal.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useWindow, residentCase, NAME, ID } from './staff-helpers.mjs';

const h = useWindow();
const view = async (id) => {
  const r = await h.get(`/api/v1/cases/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.body;
};

describe('a called ticket on the resident\'s case page', () => {
  it('null before the call; the window of the last call after; null once accepted', async () => {
    const c = await residentCase(h);
    assert.equal((await view(c.id)).called, null);
    assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/call`, { window: '5' })).status, 200);
    let v = await view(c.id);
    assert.deepEqual([v.called.window, v.called.calls], ['5', 1]);
    assert.match(v.called.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // called again at another window: the last one counts
    assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/call`, { window: '综合窗口' })).status, 200);
    v = await view(c.id);
    assert.deepEqual([v.called.window, v.called.calls], ['综合窗口', 2]);
    for (const secret of [NAME, ID, 'wang']) assert.ok(!JSON.stringify(v.called).includes(secret));
    assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/accept`)).status, 200);
    assert.equal((await view(c.id)).called, null, 'at the window now');
  });

  it('a call without a window: called, window ""', async () => {
    const c = await residentCase(h);
    assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/call`, {})).status, 200);
    const v = await view(c.id);
    assert.deepEqual([v.called.window, v.called.calls], ['', 1]);
  });
});
