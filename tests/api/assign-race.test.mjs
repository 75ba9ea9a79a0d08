// Two hand-overs (转交) of one case from one view: wang has accepted the
// case (its owner); he hands it to li while zhao, whose page also shows
// wang as the owner, hands it to himself. Before, both were told 已转交 and
// the later silently took the case from the one the first chose (li kept
// looking for it in 我的待办). The page now sends the owner it showed; a
// hand-over over a colleague's is 409 owner_moved and nothing changes.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { assertError, addUser, login } from './helpers.mjs';
import { useWindow, residentCase } from './staff-helpers.mjs';

const h = useWindow();
let zhao;

const p = (c, what) => `/api/v1/staff/cases/${c.id}/${what}`;
const view = async (c) => (await h.sget(`/api/v1/staff/cases/${c.id}`)).body;
const assigned = (v) => v.events.filter((e) => e.what === 'assigned').map((e) => [e.user, e.detail]);

async function accepted() {
  const c = await residentCase(h);
  const r = await h.spost(p(c, 'accept'), {}, h.staff);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.owner, 'wang');
  return c;
}

describe('assign from a page that showed another owner', () => {
  // in the suite: the daemon's hook has run by then
  before(async () => {
    addUser(path.join(h.ctx.tmp, 'x.db'), 'zhao', 'staff', 'zhao-password-3');
    zhao = await login(h.ctx.daemon.url, 'zhao', 'zhao-password-3');
  });

  it('after a colleague\'s hand-over: 409 owner_moved, the owner and the history as the colleague left them', async () => {
    const c = await accepted();
    assert.equal((await h.spost(p(c, 'assign'), { user: 'li', owner: 'wang' }, h.staff)).status, 200);
    const r = await h.spost(p(c, 'assign'), { user: 'zhao', owner: 'wang' }, zhao);
    assertError(r, 409, 'owner_moved');
    assert.match(r.body.error.message, /已被同事转交/);
    const v = await view(c);
    assert.equal(v.owner, 'li');
    assert.deepEqual(assigned(v), [['wang', 'li']]);
  });

  it('from a page showing the present owner it goes through; without owner as the contract has it', async () => {
    const c = await accepted();
    assert.equal((await h.spost(p(c, 'assign'), { user: 'li', owner: 'wang' }, h.staff)).status, 200);
    let r = await h.spost(p(c, 'assign'), { user: 'zhao', owner: 'li' }, zhao);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.owner, 'zhao');
    r = await h.spost(p(c, 'assign'), { user: 'wang', owner: null }, h.staff2);
    assert.equal(r.status, 200, r.text);
    r = await h.spost(p(c, 'assign'), { user: 'li' }, h.staff2);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.owner, 'li');
  });

  it('422 bad_text for an owner that is not text; nothing changes', async () => {
    const c = await accepted();
    assertError(await h.spost(p(c, 'assign'), { user: 'li', owner: 5 }, h.staff), 422, 'bad_text');
    assert.equal((await view(c)).owner, 'wang');
  });

  it('two hand-overs from one view at once, many rounds: exactly one is kept, the other told', async () => {
    for (let round = 0; round < 10; round++) {
      const c = await accepted();
      const rs = await Promise.all([
        h.spost(p(c, 'assign'), { user: 'li', owner: 'wang' }, h.staff),
        h.spost(p(c, 'assign'), { user: 'zhao', owner: 'wang' }, zhao)]);
      assert.deepEqual(rs.map((r) => r.status).sort(), [200, 409], rs.map((r) => r.text).join('\n'));
      assertError(rs.find((r) => r.status === 409), 409, 'owner_moved');
      const i = rs.findIndex((r) => r.status === 200);
      const v = await view(c);
      assert.equal(v.owner, ['li', 'zhao'][i]);
      assert.equal(assigned(v).length, 1);
    }
  });
});
