// 好差评 the manager reads: the case's rating route is public and answers
// 204 to anyone (the contract; a refusal of staff sessions was reverted),
// so a staffer rating from the window's PC, and anyone who makes a case
// and rates it 1 at once, were counted in the day's report and the
// statistics as residents' ratings of a service. They are still recorded,
// still 204, still in the contract's `ratings`; the satisfaction figures
// (`ratings_counted`, `ratings.counted`) leave them out and list them
// apart, and the call-back list says where a 差评 came from.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  makeTmp, startDaemon, stopChecked, adminPassword, login, request,
  setShortcuts,
} from './helpers.mjs';
import { useWindow, residentCase, WINDOW_TREE } from './staff-helpers.mjs';

// Every database made as without tests/api/db-shortcuts.mjs (no template,
// no cached hash): a migration's test: the daemon makes and migrates every database.
setShortcuts({ template: false, hashes: false });

const h = useWindow();

// today as the daemon counts it (local: the test runs in the daemon's zone)
const today = () => {
  const d = new Date();
  const p = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
};

describe('ratings kept apart from the satisfaction figures', () => {
  const cases = {};
  before(async () => {
    // a resident's case, served and rated 4 by the resident: counted
    cases.resident = await residentCase(h);
    assert.equal((await h.spost(`/api/v1/staff/cases/${cases.resident.id}/accept`)).status, 200);
    assert.equal((await h.spost(`/api/v1/staff/cases/${cases.resident.id}/complete`, { outcome: '已办结' })).status, 200);
    assert.equal((await h.post(`/api/v1/cases/${cases.resident.id}/rating`, { score: 4 })).status, 204);
    // li's own case rated 5 from li's browser (the cookie alone, as the
    // kiosk page beside the staff page sends it): 204 all the same
    cases.staff = await residentCase(h);
    assert.equal((await h.spost(`/api/v1/staff/cases/${cases.staff.id}/accept`, {}, h.staff2)).status, 200);
    assert.equal((await h.spost(`/api/v1/staff/cases/${cases.staff.id}/complete`, { outcome: '已办结' }, h.staff2)).status, 200);
    const r = await h.post(`/api/v1/cases/${cases.staff.id}/rating`, { score: 5 }, { Cookie: h.staff2.cookie });
    assert.equal(r.status, 204, r.text);
    // a case made and rated 1 at once, never handed in: 204, and a
    // complaint call-back with no number (the contract's)
    const c = await h.post('/api/v1/cases', { procedure: 'residence', channel: 'kiosk' });
    assert.equal(c.status, 201, c.text);
    cases.unserved = c.body;
    assert.equal((await h.post(`/api/v1/cases/${c.body.id}/rating`, { score: 1 })).status, 204);
  });

  it('the day\'s report counts every rating in `ratings`, the residents\' in `ratings_counted`, the rest apart', async () => {
    const r = await h.sget(`/api/v1/admin/report?date=${today()}`, h.admin);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.ratings, { 1: 1, 2: 0, 3: 0, 4: 1, 5: 1 });
    assert.deepEqual(r.body.ratings_counted, { 1: 0, 2: 0, 3: 0, 4: 1, 5: 0 });
    assert.deepEqual(r.body.ratings_apart, { staff: 1, not_handed_in: 1, staff_users: [{ user: 'li', count: 1 }] });
    const csv = await h.sget(`/api/v1/admin/report?date=${today()}&format=csv`, h.admin);
    assert.match(csv.text, /\r\n评价5分,1\r\n其中工作人员登录的浏览器评价\(不计满意率\),1\r\n其中未交到大厅的办件评价\(不计满意率\),1\r\n/);
    assert.match(csv.text, /\r\n计入满意率的评价4分,1\r\n计入满意率的评价5分,0\r\n/);
    // the 1 opened a call-back all the same (the contract's), owed at the day's end,
    // and the manager reading 差评整改 beside 满意率 is told it came from a rating kept apart
    assert.deepEqual(r.body.followups_owed, { open: 1, overdue: 0, complaints: 1, complaints_apart: 1, retrying: 0 });
    assert.match(csv.text, /\r\n其中差评整改,1\r\n/);
    assert.match(csv.text, /\r\n待回访差评整改中由不计满意率的评价引起,1\r\n/);
  });

  it('the statistics keep the contract\'s average over all, and count 满意率 over the residents\' alone', async () => {
    const r = await h.sget(`/api/v1/admin/stats?procedure=residence`, h.admin);
    assert.equal(r.status, 200, r.text);
    const p = r.body.procedures[0];
    assert.equal(p.average_rating, 3.33);
    assert.deepEqual(p.ratings.scores, [1, 0, 0, 1, 1]);
    assert.deepEqual(p.ratings.counted, { count: 1, average: 4, good_rate: 1, scores: [0, 0, 0, 1, 0] });
    assert.deepEqual(p.ratings.apart, { staff: 1, not_handed_in: 1 });
    // the unserved case's 1 opened a complaint still open, said apart
    assert.equal(p.followups.complaints_open, 1);
    assert.equal(p.followups.complaints_open_apart, 1);
  });

  it('the call-back list says where the 差评 came from', async () => {
    const r = await h.sget('/api/v1/staff/followups');
    assert.equal(r.status, 200, r.text);
    const f = r.body.followups.find((x) => x.case === cases.unserved.id);
    assert.ok(f, r.text);
    assert.equal(f.kind, 'complaint');
    assert.equal(f.phone, null);
    assert.equal(f.rating_apart, 'not_handed_in');
    assert.equal(f.rated_by, null);
  });

  it('a staffer\'s 差评 is marked with the staffer, and one through the window\'s evaluator is not', async () => {
    const a = await residentCase(h);
    assert.equal((await h.post(`/api/v1/cases/${a.id}/rating`, { score: 2 }, { Cookie: h.staff.cookie })).status, 204);
    const b = await residentCase(h);
    assert.equal((await h.spost(`/api/v1/staff/cases/${b.id}/accept`)).status, 200);
    assert.equal((await h.spost(`/api/v1/staff/cases/${b.id}/complete`, { outcome: '已办结', window: '7' })).status, 200);
    const o = await h.rate('?window=7');
    assert.ok(o.body.offer, o.text);
    // the tablet's browser holding an admin's cookie (the address opened
    // from the admin page on the tablet) is still the resident's evaluator
    const s = await h.post(`/api/v1/rate/${o.body.offer.token}`, { score: 1 }, { Cookie: h.admin.cookie });
    assert.equal(s.status, 204, s.text);
    const r = await h.sget('/api/v1/staff/followups');
    const fa = r.body.followups.find((x) => x.case === a.id);
    const fb = r.body.followups.find((x) => x.case === b.id);
    assert.deepEqual([fa.rating_apart, fa.rated_by], ['staff', 'wang']);
    assert.deepEqual([fb.rating_apart, fb.rated_by], [null, null]);
    // the staff case view says it too (its rating's staff and handed_in)
    const va = (await h.sget(`/api/v1/staff/cases/${a.id}`)).body.rating;
    assert.deepEqual([va.score, va.staff, va.handed_in], [2, 'wang', true]);
    const vb = (await h.sget(`/api/v1/staff/cases/${b.id}`)).body.rating;
    assert.deepEqual([vb.score, vb.staff, vb.handed_in], [1, null, true]);
    const vu = (await h.sget(`/api/v1/staff/cases/${cases.unserved.id}`)).body.rating;
    assert.deepEqual([vu.score, vu.staff, vu.handed_in], [1, null, false]);
  });
});

// schema/043 marks the ratings given before it from the case's events: one
// of a case never handed in is kept apart, one of a case handed in (here
// returned and handed in again, so that cases.submitted_at, the last
// hand-in, comes after the rating) is counted.
describe('ratings from before schema 043', () => {
  const t = { d: null, tmp: null };
  before(async () => {
    t.tmp = makeTmp();
    t.db = path.join(t.tmp, 'x.db');
    t.d = await startDaemon({ tree: WINDOW_TREE, db: t.db });
  });
  after(() => stopChecked(t.d, t.tmp));

  it('are marked by the case\'s hand-ins', async () => {
    const w = { url: (p) => `${t.d.url}${p}` };
    w.post = (p, body, headers = {}) => request(w.url(p), {
      method: 'POST', headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const a = await residentCase(w);
    assert.equal((await w.post(`/api/v1/cases/${a.id}/rating`, { score: 2 })).status, 204);
    const b = await w.post('/api/v1/cases', { procedure: 'residence', channel: 'kiosk' });
    assert.equal((await w.post(`/api/v1/cases/${b.body.id}/rating`, { score: 1 })).status, 204);
    const info = await t.d.stop();
    assert.equal(info.code, 0, t.d.stderr());
    const sql = (text) => execFileSync('sqlite3', [t.db], { input: text, encoding: 'utf8' }).trim();
    // a's rating before its last hand-in, as a case returned and handed in again
    sql(`UPDATE cases SET submitted_at = '2999-01-01T00:00:00Z' WHERE id = '${a.id}';
ALTER TABLE ratings DROP COLUMN staff;
ALTER TABLE ratings DROP COLUMN handed_in;
PRAGMA user_version = 41;`);
    t.d = await startDaemon({ tree: WINDOW_TREE, db: t.db });
    assert.equal(sql('SELECT case_id, handed_in, staff IS NULL FROM ratings ORDER BY score'),
      `${b.body.id}|0|1\n${a.id}|1|1`);
  });
});
