// Two staffers on one 网上预审 list: wang invites a web case to the hall on
// one date (and phones the resident) while li, whose page still shows it
// in pre-review, invites it on another. Before, both were told 已通知 and
// li's date and note silently replaced wang's: the resident was told one
// date and the case page said another. The page now sends the status and
// the date it showed; an invitation over a colleague's is 409
// invite_moved and nothing changes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError } from './helpers.mjs';
import { useWindow, residentCase } from './staff-helpers.mjs';

const h = useWindow();

function day(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}
const invite = (c, body, s) => h.spost(`/api/v1/staff/cases/${c.id}/invite`, body, s);
const view = async (c) => (await h.sget(`/api/v1/staff/cases/${c.id}`)).body;
const invited = (v) => v.events.filter((e) => e.what === 'invited').map((e) => e.detail);
const web = () => residentCase(h, { channel: 'web', prereview: true });

describe('an invitation from a page that showed the case otherwise', () => {
  it('over a colleague\'s first invitation: 409 invite_moved, the date and note as the colleague left them', async () => {
    const c = await web();
    let r = await invite(c, { date: day(2), note: '请带户口簿原件', status: 'prereview', invite_date: null }, h.staff);
    assert.equal(r.status, 200, r.text);
    r = await invite(c, { date: day(3), note: '请带身份证', status: 'prereview', invite_date: null }, h.staff2);
    assertError(r, 409, 'invite_moved');
    assert.match(r.body.error.message, /同事刚刚已通知过/);
    const v = await view(c);
    assert.equal(v.invite.date, day(2));
    assert.equal(v.invite.note, '请带户口簿原件');
    assert.equal(v.invite.by, 'wang');
    assert.deepEqual(invited(v), [day(2)]);
  });

  it('a new date over a colleague\'s new date is refused; from the date shown it goes through', async () => {
    const c = await web();
    assert.equal((await invite(c, { date: day(2), status: 'prereview' }, h.staff)).status, 200);
    let r = await invite(c, { date: day(4), status: 'invited', invite_date: day(2) }, h.staff2);
    assert.equal(r.status, 200, r.text);
    r = await invite(c, { date: day(5), status: 'invited', invite_date: day(2) }, h.staff);
    assertError(r, 409, 'invite_moved');
    assert.equal((await view(c)).invite.date, day(4));
    // without the members, as the contract has it: whatever the case shows
    r = await invite(c, { date: day(6) }, h.staff);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.invite.date, day(6));
  });

  it('members of another type than text are 422 invalid_body (as a note of another type); nothing changes', async () => {
    const c = await web();
    for (const body of [{ status: 5 }, { invite_date: 20261207 }]) {
      assertError(await invite(c, { date: day(2), ...body }, h.staff), 422, 'invalid_body', JSON.stringify(body));
    }
    assert.equal((await view(c)).status, 'prereview');
  });

  it('two invitations from one view at once, many rounds: exactly one is kept', async () => {
    for (let round = 0; round < 10; round++) {
      const c = await web();
      const rs = await Promise.all([
        invite(c, { date: day(2), status: 'prereview', invite_date: null }, h.staff),
        invite(c, { date: day(3), status: 'prereview', invite_date: null }, h.staff2)]);
      assert.deepEqual(rs.map((r) => r.status).sort(), [200, 409], rs.map((r) => r.text).join('\n'));
      const i = rs.findIndex((r) => r.status === 200);
      const v = await view(c);
      assert.equal(v.invite.date, [day(2), day(3)][i]);
      assert.equal(invited(v).length, 1);
    }
  });
});
