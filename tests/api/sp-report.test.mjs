// "This step is wrong" (SP有误, issue #11 part 5; docs/http-api.md "Steps
// reported wrong"): a staffer reports a step of a procedure version by its
// id, hash and step index (no case), every refusal of the report route, a
// report on an older version after an edit (still accepted, no longer
// live) and one on a hash that never was; the bound (the same open report
// twice, five open ones a day per staffer and procedure); the admin's list
// (open first, newest first, counts, filters), the count beside each file
// in the admin list; marking dealt with, once (409 the second time); the
// guards: residents 401, staff may report but neither list nor mark (403).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { assertError, request, sleep } from './helpers.mjs';
import { useWindow, residentCase, WINDOW_TREE } from './staff-helpers.mjs';

let TREE = '';
function tree(tmp) {
  TREE = path.join(tmp, 'procedures');
  fs.cpSync(WINDOW_TREE, TREE, { recursive: true });
  return TREE;
}

describe('SP有误: reporting a step, the admin list, dealt with', () => {
  const h = useWindow({ tree });
  const report = (body, s = h.staff, id = 'residence') =>
    h.spost(`/api/v1/staff/procedures/${id}/reports`, body, s);
  const list = (q = '') => h.sget(`/api/v1/admin/reports${q}`, h.admin);
  const deal = (n, body = {}, s = h.admin) => h.spost(`/api/v1/admin/reports/${n}/dealt`, body, s);
  let HASH = '';

  before(async () => {
    HASH = (await h.get('/api/v1/procedures/residence')).body.hash;
    assert.match(HASH, /^[0-9a-f]{64}$/);
  });

  it('a report from the staff case view names the version and step, never the case', async () => {
    const c = await residentCase(h);
    const view = (await h.sget(`/api/v1/staff/cases/${c.id}`)).body;
    assert.equal(view.hash, HASH);
    const step = view.procedure_steps[1];
    const r = await report({ hash: view.hash, step: 1, kind: 'wrong', note: '  登记表样式已经换了新版  ' });
    assert.equal(r.status, 201, r.text);
    assert.match(r.headers.get('cache-control'), /no-store/);
    assert.equal(typeof r.body.id, 'number');
    assert.deepEqual({ ...r.body, id: 0, at: '' }, {
      id: 0, procedure: 'residence', title: view.title, hash: HASH, version: r.body.version, live: true,
      step: 1, step_title: step.title, kind: 'wrong', note: '登记表样式已经换了新版', by: 'wang', at: '',
      dealt_at: null, dealt_by: null, reply: null,
    });
    assert.match(r.body.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // nothing of the case went in: its id, its ticket, its values
    for (const s of [c.id, c.ticket, '张晓梅']) assert.ok(!r.text.includes(s), s);
    const l = await list();
    assert.equal(l.status, 200);
    assert.ok(!l.text.includes(c.id));
  });

  it('refuses what is not a step of a stored version, and bad kinds and notes', async () => {
    const ok = { hash: HASH, step: 0, kind: 'unclear', note: '复印件要几份没写' };
    assertError(await report(ok, h.staff, 'no-such-item'), 404, 'unknown_procedure');
    assertError(await report(ok, h.staff, 'BAD!id'), 404, 'unknown_procedure');
    assertError(await report({ ...ok, hash: 'f'.repeat(64) }), 422, 'unknown_version');
    assertError(await report({ ...ok, hash: 'f'.repeat(5000) }), 422, 'unknown_version');
    assertError(await report({ ...ok, step: 3 }), 422, 'unknown_step');
    assertError(await report({ ...ok, step: -1 }), 422, 'unknown_step');
    assertError(await report({ ...ok, step: 0.5 }), 422, 'unknown_step');
    assertError(await report({ ...ok, step: 1e300 }), 422, 'unknown_step');
    assertError(await report({ ...ok, kind: 'typo' }), 422, 'bad_kind');
    assertError(await report({ ...ok, kind: undefined }), 422, 'bad_kind');
    assertError(await report({ ...ok, note: ' \u3000 ' }), 422, 'note_required');
    assertError(await report({ ...ok, note: null }), 422, 'note_required');
    assertError(await report({ ...ok, note: '长'.repeat(501) }), 422, 'note_too_long');
    assertError(await report({ ...ok, note: 'a\u0000b' }), 422, 'bad_text');
    assertError(await report({ ...ok, note: 'a\u0007b' }), 422, 'bad_text');
    for (const bad of [{ ...ok, hash: 1 }, { ...ok, step: '0' }, { ...ok, hash: undefined },
      { ...ok, step: undefined }, { ...ok, kind: 1 }, { ...ok, note: 5 }]) {
      assertError(await report(bad), 422, 'invalid_body', JSON.stringify(bad));
    }
    assertError(await report('[]'), 400, 'bad_request');
    assertError(await report('{'), 400, 'bad_request');
    // 500 characters exactly is fine
    const r = await report({ ...ok, note: '长'.repeat(500) }, h.staff2);
    assert.equal(r.status, 201, r.text);
    assert.equal((await list()).body.reports.filter((x) => x.by === 'li').length, 1);
  });

  it('bounds: the same open report twice, five open ones a day per staffer and procedure', async () => {
    const base = { hash: HASH, step: 2, kind: 'unclear' };
    const first = await report({ ...base, note: '代办人要不要带户口本？' });
    assert.equal(first.status, 201, first.text);
    assertError(await report({ ...base, note: '代办人要不要带户口本？' }), 409, 'already_reported');
    // another staffer may report the same thing
    assert.equal((await report({ ...base, note: '代办人要不要带户口本？' }, h.staff2)).status, 201);
    const mine = () => list('?procedure=residence&open=1').then((l) => l.body.reports.filter((x) => x.by === 'wang'));
    let n = (await mine()).length;
    for (; n < 5; n++) assert.equal((await report({ ...base, note: `第 ${n} 条` })).status, 201);
    assertError(await report({ ...base, note: '第六条' }), 409, 'too_many_reports');
    // another procedure is another bound
    const simpleHash = (await h.get('/api/v1/procedures/simple')).body.hash;
    const s = await report({ hash: simpleHash, step: 0, kind: 'wrong', note: '步骤写反了' }, h.staff, 'simple');
    assert.equal(s.status, 201, s.text);
    // one dealt with frees a place
    assert.equal((await deal(first.body.id)).status, 200);
    assert.equal((await report({ ...base, note: '第六条' })).status, 201);
    assertError(await report({ ...base, note: '第七条' }), 409, 'too_many_reports');
    // the same words as an open report stay refused before the bound
    assertError(await report({ ...base, note: '第 4 条' }), 409, 'already_reported');
  });

  it('lists open first then newest first, with counts, and the count beside each file', async () => {
    const all = (await list()).body;
    assert.equal(all.reports.length, 9, 'the reports of the tests above');
    const open = all.reports.filter((x) => !x.dealt_at);
    assert.deepEqual(all.reports.slice(0, open.length), open, 'open ones first');
    for (let i = 1; i < open.length; i++) assert.ok(open[i - 1].id > open[i].id, 'newest first');
    assert.equal(all.counts.open, open.length);
    assert.equal(all.counts.dealt, all.reports.length - open.length);
    const res = (await list('?procedure=residence')).body;
    assert.ok(res.reports.every((x) => x.procedure === 'residence'));
    assert.equal(res.counts.open + res.counts.dealt, res.reports.length);
    const o = (await list('?procedure=residence&open=1')).body;
    assert.ok(o.reports.every((x) => x.dealt_at === null));
    assert.equal(o.reports.length, res.counts.open);
    assert.deepEqual((await list('?procedure=none-such')).body, { reports: [], counts: { open: 0, dealt: 0 } });
    assertError(await list('?procedure=BAD!'), 400, 'bad_request');
    assertError(await list('?open=yes'), 400, 'bad_request');
    // open=0 and an empty open or procedure are no filter: every report
    assert.ok(all.counts.dealt > 0, 'some dealt with, to tell the filters apart');
    for (const q of ['?open=0', '?open=', '?procedure=', '?procedure=&open=0']) {
      assert.deepEqual((await list(q)).body, all, q);
    }
    const files = (await h.sget('/api/v1/admin/procedures', h.admin)).body.procedures;
    const byId = Object.fromEntries(files.map((p) => [p.id, p.reports_open]));
    assert.equal(byId.residence, res.counts.open);
    assert.equal(byId.simple, 1);
  });

  it('marks dealt with once, with an optional reply', async () => {
    const r = await report({ hash: HASH, step: 0, kind: 'wrong', note: '材料清单少了一项' }, h.staff2);
    assert.equal(r.status, 201, r.text);
    assertError(await deal(r.body.id, { reply: '长'.repeat(501) }), 422, 'reply_too_long');
    assertError(await deal(r.body.id, { reply: 'x\u0001' }), 422, 'bad_text');
    assertError(await deal(r.body.id, { reply: 7 }), 422, 'invalid_body');
    const d = await deal(r.body.id, { reply: ' 已改，下一版上线 ' });
    assert.equal(d.status, 200, d.text);
    assert.equal(d.body.id, r.body.id);
    assert.equal(d.body.dealt_by, 'admin');
    assert.equal(d.body.reply, '已改，下一版上线');
    assert.match(d.body.dealt_at, /Z$/);
    // the second time, whatever the reply: already dealt with
    assertError(await deal(r.body.id), 409, 'already_dealt');
    assertError(await deal(r.body.id, { reply: '长'.repeat(501) }), 409, 'already_dealt');
    // a blank reply is no reply
    const r2 = await report({ hash: HASH, step: 0, kind: 'unclear', note: '原件还是复印件？' }, h.staff2);
    const d2 = await deal(r2.body.id, { reply: '  ' });
    assert.equal(d2.status, 200, d2.text);
    assert.equal(d2.body.reply, null);
    assertError(await deal(999999), 404, 'not_found');
    assertError(await deal('abc'), 404, 'not_found');
    assertError(await deal('0'), 404, 'not_found');
    assertError(await deal('1'.repeat(30)), 404, 'not_found');
  });

  it('guards: residents 401, staff report but neither list nor mark', async () => {
    const body = JSON.stringify({ hash: HASH, step: 0, kind: 'wrong', note: '居民' });
    const asResident = await request(h.url('/api/v1/staff/procedures/residence/reports'),
      { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assertError(asResident, 401, 'not_logged_in');
    assertError(await h.get('/api/v1/admin/reports'), 401, 'not_logged_in');
    assertError(await h.post('/api/v1/admin/reports/1/dealt', {}), 401, 'not_logged_in');
    assertError(await h.sget('/api/v1/admin/reports'), 403, 'forbidden');
    assertError(await deal(1, {}, h.staff), 403, 'forbidden');
    // without the CSRF token
    const noCsrf = await request(h.url('/api/v1/staff/procedures/residence/reports'),
      { method: 'POST', headers: { Cookie: h.staff.cookie, 'content-type': 'application/json' }, body });
    assertError(noCsrf, 403, 'csrf_failed');
    // an admin may report too (HTTP_STAFF lets admins in)
    const a = await report({ hash: HASH, step: 1, kind: 'unclear', note: '管理员自己看到的' }, h.admin);
    assert.equal(a.status, 201, a.text);
  });

  it('an older version stays reportable after an edit; the report is no longer on the live one', async () => {
    const f = path.join(TREE, 'hall', 'residence.md');
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('## 第一步:准备材料', '## 第一步:准备好材料'));
    let now = HASH;
    for (let i = 0; i < 100 && now === HASH; i++) {
      await sleep(100);
      now = (await h.get('/api/v1/procedures/residence')).body.hash;
    }
    assert.notEqual(now, HASH, 'the edit went live');
    const old = await report({ hash: HASH, step: 0, kind: 'wrong', note: '旧版的第一步' }, h.staff2);
    assert.equal(old.status, 201, old.text);
    assert.equal(old.body.live, false);
    assert.equal(old.body.step_title, '第一步:准备材料');
    const cur = await report({ hash: now, step: 0, kind: 'wrong', note: '新版的第一步' }, h.staff2);
    assert.equal(cur.status, 201, cur.text);
    assert.equal(cur.body.live, true);
    assert.equal(cur.body.step_title, '第一步:准备好材料');
    // the steps of another procedure's version are not this one's
    const simpleHash = (await h.get('/api/v1/procedures/simple')).body.hash;
    assertError(await report({ hash: simpleHash, step: 0, kind: 'wrong', note: '错版本' }, h.staff2), 422, 'unknown_version');
  });
});
