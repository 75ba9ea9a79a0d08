// Two windows calling one resident (docs/http-api.md, `…/call`): li has
// A001 open on the staff page, not called yet, and presses 再次叫号 just
// after wang's 叫下一个号 took the same number to window 1. Before, both
// calls went through and the call screen sent the resident to window 1
// and window 2 at once. The page now sends the calls it showed; a call
// over a colleague's is 409 called_meanwhile and nothing is called.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, request } from './helpers.mjs';
import { useWindow, residentCase } from './staff-helpers.mjs';

const h = useWindow();
const display = async () => (await request(h.url('/api/v1/display'))).body;
const view = async (c) => (await h.sget(`/api/v1/staff/cases/${c.id}`)).body;
const call = (c, body, s) => h.spost(`/api/v1/staff/cases/${c.id}/call`, body, s);
const windowsOf = (d, ticket) => d.calls.filter((x) => x.ticket === ticket).map((x) => x.window);

describe('a call from a page that showed the case not called yet', () => {
  it('a colleague\'s call-next meanwhile: 409 called_meanwhile, one call, one window on the screen', async () => {
    const c = await residentCase(h);
    const seen = await view(c); // li's page
    assert.equal(seen.calls, 0);
    const n = await h.spost('/api/v1/staff/call-next', { window: '1' }, h.staff);
    assert.equal(n.status, 200, n.text);
    assert.equal(n.body.id, c.id);
    const r = await call(c, { window: '2', calls: seen.calls }, h.staff2);
    assertError(r, 409, 'called_meanwhile');
    assert.match(r.body.error.message, /已有同事叫过/);
    const v = await view(c);
    assert.equal(v.calls, 1);
    assert.equal(v.called_by, 'wang');
    assert.equal(v.events.filter((e) => e.what === 'called').length, 1);
    assert.deepEqual(windowsOf(await display(), c.ticket), ['1']);
  });

  it('from a page showing the present calls it calls again; without calls as the contract has it', async () => {
    const c = await residentCase(h);
    assert.equal((await h.spost('/api/v1/staff/call-next', { window: '1' }, h.staff)).status, 200);
    let r = await call(c, { window: '1', calls: 1 }, h.staff);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.calls, 2);
    r = await call(c, { window: '1' }, h.staff);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.calls, 3);
    assert.equal(await call(c, '', h.staff).then((x) => x.status), 200, 'no body at all');
  });

  it('422 bad_calls for a count that is not a whole number; nothing called', async () => {
    const c = await residentCase(h);
    for (const calls of ['0', -1, 1.5, true, [0], {}, 1e300]) {
      assertError(await call(c, { window: '2', calls }, h.staff2), 422, 'bad_calls', JSON.stringify(calls));
    }
    assert.equal((await view(c)).calls, 0);
    assert.equal(await call(c, { calls: null }, h.staff2).then((x) => x.status), 200, 'null is none');
  });

  it('call-next and a call of the same number at once, many rounds: one window each time', async () => {
    for (let round = 0; round < 12; round++) {
      const c = await residentCase(h);
      // the queue holds this one case only: call-next takes it unless the call came first
      const rs = await Promise.all([
        h.spost('/api/v1/staff/call-next', { window: '1' }, h.staff),
        call(c, { window: '2', calls: 0 }, h.staff2)]);
      const ok = rs.filter((r) => r.status === 200);
      assert.equal(ok.length, 1, rs.map((r) => `${r.status} ${r.text}`).join('\n'));
      const lost = rs.find((r) => r.status !== 200);
      assertError(lost, 409, ['called_meanwhile', 'queue_empty']);
      assert.equal((await view(c)).calls, 1);
      assert.equal(windowsOf(await display(), c.ticket).length, 1);
    }
  });
});
