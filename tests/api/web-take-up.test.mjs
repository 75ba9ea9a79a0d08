// 窗口接办 (docs/http-api.md "A lost web link", ours): a resident who
// started a case at home (网上办事) comes to the hall without its link. The
// window finds it by the ID number (the lost link's search) and, with
// POST /api/v1/staff/cases/{id}/take-up, goes on with it at the desk
// through the resident's own routes: the same case and history, every
// answer typed at home kept, handed in at this window with a ticket. One
// the sweep gave up after its idle day (never handed in) is opened again;
// one erased by retention, handed in, or not from home is refused.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { assertError, authHeaders } from './helpers.mjs';
import { useWindow, residentCase, ID, NAME, MOBILE } from './staff-helpers.mjs';

describe('a web case taken up at the window', () => {
  const h = useWindow();
  const ids = [];
  const sql = (text) => execFileSync('sqlite3', [path.join(h.ctx.tmp, 'x.db')], { input: text, encoding: 'utf8' }).trim();
  const staff = () => authHeaders(h.staff);

  // started at home: the conditions and the papers, not the form
  async function startedAtHome() {
    const c = (await h.post('/api/v1/cases', { procedure: 'residence', channel: 'web' })).body;
    assert.equal((await h.post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true] })).status, 200);
    assert.equal((await h.post(`/api/v1/cases/${c.id}/steps/0`, { checklist: { 's0-0': true, 's0-1': true } })).status, 200);
    return c.id;
  }
  const found = async (number) => (await h.spost('/api/v1/staff/web-cases/search', { number })).body.cases;

  it('goes on with the same case: what was typed at home kept, handed in at this window with a ticket', async () => {
    const id = await startedAtHome();
    // a step left half done at home: refused, nothing of it kept
    const partial = (await h.post(`/api/v1/cases/${id}/steps/1`, { fields: { name: NAME, id_number: ID } })).body;
    assert.equal(partial.error.code, 'validation_failed');
    ids.push(id);
    let v = (await h.sget(`/api/v1/staff/cases/${id}`)).body;
    assert.equal(v.take_up, true, 'the page offers 在窗口接着办');
    const r = await h.spost(`/api/v1/staff/cases/${id}/take-up`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.id, id, 'the same case, not a copy');
    assert.equal(r.body.status, 'open');
    assert.equal(r.body.channel, 'web');
    const ev = r.body.events.filter((e) => e.what === 'taken_up');
    assert.equal(ev.length, 1);
    assert.equal(ev[0].user, 'wang');
    assert.equal(ev[0].channel, 'window');
    assert.equal(ev[0].detail, null);
    // listed under 办理中 for the window to come back to, as a 代填 is
    const q = (await h.sget('/api/v1/staff/queue')).body;
    assert.deepEqual(q.filling.filter((e) => e.id === id).map((e) => e.channel), ['web']);
    // the window goes on from where the resident stopped: the papers ticked at home stand
    const mine = (await h.get(`/api/v1/cases/${id}`)).body;
    assert.deepEqual(mine.done, [0]);
    assert.deepEqual(mine.checklist, { 's0-0': true, 's0-1': true });
    let s = await h.post(`/api/v1/cases/${id}/steps/1`, { fields: { name: NAME, id_number: ID, phone: MOBILE, proxy: 'no' } }, staff());
    assert.equal(s.status, 200, s.text);
    s = await h.post(`/api/v1/cases/${id}/submit`, {}, staff());
    assert.equal(s.status, 200, s.text);
    assert.equal(s.body.status, 'waiting');
    assert.match(s.body.ticket, /^A\d{3}$/);
    v = (await h.sget(`/api/v1/staff/cases/${id}`)).body;
    assert.equal(v.handed_in_by, 'wang', 'handed in at this desk: not called to another window');
    assert.equal(v.take_up, false);
    assert.deepEqual(v.events.map((e) => e.what).filter((w) => w !== 'step_rejected'),
      ['created', 'conditions', 'step', 'taken_up', 'step', 'submitted'], 'one history');
    assert.equal(v.events[0].user, null, 'started by the resident');
    assert.equal((await h.spost(`/api/v1/staff/cases/${id}/accept`)).status, 200);
    // and the resident's own link follows it
    assert.equal((await h.get(`/api/v1/cases/${id}`)).body.status, 'accepted');
    assert.deepEqual(await found(ID).then((l) => l.filter((c) => c.id === id).map((c) => c.status)), ['accepted']);
  });

  it('a case the idle day gave up is open again, its answers kept; the history says so', async () => {
    const id = await startedAtHome();
    assert.equal((await h.post(`/api/v1/cases/${id}/steps/1`,
      { fields: { name: NAME, id_number: ID, phone: MOBILE, proxy: 'no' } })).status, 200);
    // as the sweep leaves it after a day without activity
    sql(`UPDATE cases SET status = 'abandoned' WHERE id = '${id}';`
      + ` INSERT INTO case_events (case_id, at, what, step) VALUES ('${id}', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'abandoned', 2);`);
    assert.equal((await h.get(`/api/v1/cases/${id}`)).body.status, 'abandoned');
    assert.equal((await h.sget(`/api/v1/staff/cases/${id}`)).body.take_up, true);
    const r = await h.spost(`/api/v1/staff/cases/${id}/take-up`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'open');
    assert.equal(r.body.events.at(-1).what, 'taken_up');
    assert.equal(r.body.events.at(-1).detail, 'abandoned');
    const mine = (await h.get(`/api/v1/cases/${id}`)).body;
    assert.deepEqual(mine.done, [0, 1]);
    assert.equal(mine.values.name, NAME);
    assert.equal(mine.values.phone, MOBILE);
    const s = await h.post(`/api/v1/cases/${id}/submit`, {}, staff());
    assert.equal(s.status, 200, s.text);
    assert.equal(s.body.status, 'waiting');
  });

  it('taking it up twice is harmless; a colleague\'s 放弃 cannot delete the resident\'s answers', async () => {
    const id = await startedAtHome();
    assert.equal((await h.spost(`/api/v1/staff/cases/${id}/take-up`)).status, 200);
    assert.equal((await h.spost(`/api/v1/staff/cases/${id}/take-up`, {}, h.staff2)).status, 200);
    assertError(await h.spost(`/api/v1/staff/cases/${id}/discard`), 409, 'not_discardable');
    assertError(await h.spost(`/api/v1/staff/cases/${id}/discard`, {}, h.admin), 409, 'not_discardable');
    assert.equal((await h.get(`/api/v1/cases/${id}`)).body.status, 'open');
  });

  it('refused: a case not from home, one handed in, a no-show, one erased; nothing changes', async () => {
    const kiosk = await residentCase(h);
    assertError(await h.spost(`/api/v1/staff/cases/${kiosk.id}/take-up`), 409, 'not_web');
    assert.equal((await h.sget(`/api/v1/staff/cases/${kiosk.id}`)).body.take_up, false);
    const pre = await residentCase(h, { channel: 'web', prereview: true });
    assertError(await h.spost(`/api/v1/staff/cases/${pre.id}/take-up`), 409, 'not_open');
    // handed in from home, then given up by retention: not the idle day's
    sql(`UPDATE cases SET status = 'abandoned' WHERE id = '${pre.id}';`);
    assertError(await h.spost(`/api/v1/staff/cases/${pre.id}/take-up`), 409, 'not_open');
    // from home with a hall ticket, called, not come: the window's no-show
    // (过号后到场，受理 takes it), not a case left half filled
    const late = await residentCase(h, { channel: 'web' });
    assert.equal((await h.spost(`/api/v1/staff/cases/${late.id}/call`)).status, 200);
    assert.equal((await h.spost(`/api/v1/staff/cases/${late.id}/no-show`)).status, 200);
    assertError(await h.spost(`/api/v1/staff/cases/${late.id}/take-up`), 409, 'not_open');
    const gone = await startedAtHome();
    sql(`UPDATE cases SET status = 'abandoned', erased_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = '${gone}';`);
    assertError(await h.spost(`/api/v1/staff/cases/${gone}/take-up`), 409, 'erased');
    for (const c of [pre.id, late.id, gone]) {
      const v = (await h.sget(`/api/v1/staff/cases/${c}`)).body;
      assert.equal(v.status, 'abandoned');
      assert.equal(v.events.filter((e) => e.what === 'taken_up').length, 0);
    }
    assertError(await h.spost(`/api/v1/staff/cases/${'0'.repeat(32)}/take-up`), 404, 'unknown_case');
  });

  it('needs a session and its CSRF token', async () => {
    const id = await startedAtHome();
    assertError(await h.post(`/api/v1/staff/cases/${id}/take-up`), 401, 'not_logged_in');
    assertError(await h.post(`/api/v1/staff/cases/${id}/take-up`, {}, { Cookie: h.staff.cookie }), 403, 'csrf_failed');
    assert.equal((await h.sget(`/api/v1/staff/cases/${id}`)).body.events.filter((e) => e.what === 'taken_up').length, 0);
  });

  it('the daemon log holds neither the case id nor the number', () => {
    const log = h.ctx.daemon.stderr();
    assert.ok(ids.length && !ids.some((id) => log.includes(id)), 'no case id');
    assert.ok(!log.includes(ID) && !log.includes(MOBILE), log.slice(-2000));
  });
});
