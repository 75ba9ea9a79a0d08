// 「本事项已更新」 (issue #11 point 6; docs/http-api.md "What changed in a
// procedure"): a staffer's first look at a procedure is their baseline
// (changed false); after the admin saves a new version they see the parts
// that changed, line by line, until they confirm the live version; a
// confirmation of an older version is 409; another staffer still sees the
// change; the list of unread updates (which also sets the baselines);
// a version that shows nothing new (a review date) is none, a new fact
// (办理时限) is one; unknown procedures 404; the guards (no session 401, no CSRF token 403)
// and a body of the wrong shape 400.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { addUser, assertError, authHeaders, login, request } from './helpers.mjs';
import { PW, get, putSource, readFile, sha256, useAdminDaemon } from './admin-helpers.mjs';

const V1 = '---\nversion: v1\n---\n# 测试补贴\n\n测试补贴的简介。\n\n'
  + '## 办理条件\n- 本市户籍\n\n'
  + '## 第一步：准备材料\n- [ ] 身份证原件\n- [ ] 户口簿 {optional}\n\n'
  + '## 第二步：窗口审核\n工作人员核对原件。\n\n'
  + '## 第三步：签字确认\n申请人签字。\n';
// the 户口簿 becomes required, the review step is gone, a step comes last
const V2 = '---\nversion: v2\n---\n# 测试补贴\n\n测试补贴的简介。\n\n'
  + '## 办理条件\n- 本市户籍\n\n'
  + '## 第一步：准备材料\n- [ ] 身份证原件\n- [ ] 户口簿\n\n'
  + '## 第二步：签字确认\n申请人签字。\n\n'
  + '## 第三步：领取结果\n带受理回执领取。\n';
const V3 = V2.replace('version: v2', 'version: v3').replace('带受理回执领取。', '带受理回执和身份证领取。');

describe('what changed in a procedure, until the staffer confirms', () => {
  const h = useAdminDaemon({
    'alpha/README.md': '# 甲类\n\n甲。\n',
    'alpha/sub.md': V1,
    'alpha/other.md': '# 另一项\n\n简介。\n\n## 第一步：准备\n- [ ] 身份证\n',
  });
  let clerk2 = null;
  before(async () => {
    addUser(path.join(h.tmp, 'x.db'), 'clerk2', 'staff', PW);
    clerk2 = await login(h.daemon.url, 'clerk2', PW);
  });
  const changes = (id = 'sub', s = h.staff) => get(h, `/api/v1/staff/procedures/${id}/changes`, s);
  const read = (hash, id = 'sub', s = h.staff, headers = authHeaders(s)) =>
    request(`${h.daemon.url}/api/v1/staff/procedures/${id}/changes/read`, {
      method: 'POST', headers, body: typeof hash === 'string' && /^[[{]/.test(hash) ? hash : JSON.stringify({ hash }),
    });
  const unread = (s = h.staff) => get(h, '/api/v1/staff/changes', s);
  const save = async (text) => {
    const r = await putSource(h, 'sub', text, { 'If-Match': `"${sha256(readFile(h, 'alpha/sub.md'))}"` });
    assert.equal(r.status, 200, r.text);
  };
  let H1 = '';

  it('the first look is the baseline: nothing changed', async () => {
    const r = await changes();
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('cache-control'), /no-store/);
    H1 = r.body.hash;
    assert.match(H1, /^[0-9a-f]{64}$/);
    assert.equal(r.body.id, 'sub');
    assert.equal(r.body.title, '测试补贴');
    assert.equal(r.body.seen, H1);
    assert.equal(r.body.changed, false);
    assert.deepEqual(r.body.parts, []);
    assert.equal(r.body.from.hash, H1);
    assert.equal(r.body.to.version, 'v1');
    const u = await unread();
    assert.deepEqual(u.body.procedures, []);
    // a staffer's own list: no cache may keep it for the next user of the PC
    assert.match(u.headers.get('cache-control'), /no-store/);
  });

  it('after a new version: the parts that changed, line by line', async () => {
    // clerk2 sees the staff page (the list) before the edit: that is their baseline
    assert.deepEqual((await unread(clerk2)).body.procedures, []);
    await save(V2);
    const r = await changes();
    assert.equal(r.status, 200, r.text);
    const b = r.body;
    assert.equal(b.changed, true);
    assert.equal(b.seen, H1);
    assert.notEqual(b.hash, H1);
    assert.deepEqual(b.from, { ...b.from, hash: H1, version: 'v1' });
    assert.equal(b.to.version, 'v2');
    assert.match(b.to.first_loaded, /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(b.parts.map((p) => [p.kind, p.title, p.change]), [
      ['facts', '基本信息', 'changed'],
      ['conditions', '办理条件', 'same'],
      ['step', '第一步：准备材料', 'changed'],
      ['step', '第二步：窗口审核', 'removed'],
      ['step', '第二步：签字确认', 'same'],
      ['step', '第三步：领取结果', 'added'],
    ]);
    // the steps' order is a fact: one removed and one added step change it
    assert.deepEqual(b.parts[0].lines.filter((l) => l.op !== '='), [
      { op: '-', text: '步骤顺序：准备材料 → 窗口审核 → 签字确认' },
      { op: '+', text: '步骤顺序：准备材料 → 签字确认 → 领取结果' }]);
    assert.deepEqual(b.parts[1].lines, []);
    assert.deepEqual(b.parts[2].lines, [
      { op: '=', text: '步骤：准备材料' },
      { op: '=', text: '材料：身份证原件（必需）' },
      { op: '-', text: '材料：户口簿（可选）' },
      { op: '+', text: '材料：户口簿（必需）' },
    ]);
    assert.deepEqual(b.parts[3].lines, [
      { op: '-', text: '步骤：窗口审核' }, { op: '-', text: '工作人员核对原件。' }]);
    assert.deepEqual(b.parts[5].lines, [
      { op: '+', text: '步骤：领取结果' }, { op: '+', text: '带受理回执领取。' }]);
    // the list says so, for both staffers
    for (const s of [h.staff, clerk2]) {
      const l = (await unread(s)).body.procedures;
      assert.deepEqual(l.map((p) => [p.id, p.title, p.hash, p.seen]), [['sub', '测试补贴', b.hash, H1]]);
      assert.equal(l[0].since, b.to.first_loaded);
    }
  });

  it('a confirmation of another version is 409; of the live one clears it', async () => {
    assertError(await read(H1), 409, 'stale_version');
    assertError(await read('f'.repeat(64)), 409, 'stale_version');
    assertError(await read('f'.repeat(5000)), 409, 'stale_version');
    const live = (await changes()).body.hash;
    const r = await read(live);
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('cache-control'), /no-store/);
    assert.equal(r.body.changed, false);
    assert.equal(r.body.seen, live);
    assert.equal((await changes()).body.changed, false);
    assert.deepEqual((await unread()).body.procedures, []);
    // clerk2 has not confirmed: still changed, from the version they saw
    const other = (await changes('sub', clerk2)).body;
    assert.equal(other.changed, true);
    assert.equal(other.seen, H1);
  });

  it('the version moving on while one reads: their confirmation is 409', async () => {
    const seen = (await changes('sub', clerk2)).body.hash;
    await save(V3);
    assertError(await read(seen, 'sub', clerk2), 409, 'stale_version');
    // the diff is from what they confirmed (v1) to the live one (v3)
    const b = (await changes('sub', clerk2)).body;
    assert.equal(b.from.version, 'v1');
    assert.equal(b.to.version, 'v3');
    assert.ok(b.parts.find((p) => p.change === 'added').lines.some((l) => l.text === '带受理回执和身份证领取。'));
    // the first staffer confirmed v2: they see only v2 → v3
    const a = (await changes()).body;
    assert.equal(a.from.version, 'v2');
    assert.deepEqual(a.parts.filter((p) => p.change !== 'same').map((p) => [p.title, p.lines]), [
      ['第三步：领取结果', [
        { op: '=', text: '步骤：领取结果' },
        { op: '-', text: '带受理回执领取。' },
        { op: '+', text: '带受理回执和身份证领取。' }]],
    ]);
    assert.equal((await read(b.hash, 'sub', clerk2)).status, 200);
    assert.deepEqual((await unread(clerk2)).body.procedures, []);
  });

  // a policy-change review: a review date moved on told every staffer
  // 本事项已更新 with every part 未改动; a street office's: a new time limit
  // reached residents while the notice showed no change
  it('a version that shows staff nothing new is no update; a new fact is one', async () => {
    const seen = (await changes()).body.hash;
    assert.equal((await read(seen)).status, 200);
    await save(V3.replace('version: v3\n', 'version: v3\nreview_by: 2099-01-01\n') + '\n');
    const quiet = (await changes()).body;
    assert.notEqual(quiet.hash, seen);
    assert.equal(quiet.changed, false);
    assert.deepEqual(quiet.parts, []);
    assert.deepEqual((await unread()).body.procedures, []);
    await save(V3.replace('version: v3\n', 'version: v3\ntime_limit: 3个工作日\n'));
    const b = (await changes()).body;
    assert.equal(b.changed, true);
    assert.deepEqual([b.parts[0].kind, b.parts[0].title, b.parts[0].change], ['facts', '基本信息', 'changed']);
    assert.deepEqual(b.parts[0].lines, [{ op: '=', text: '事项名称：测试补贴' },
      { op: '=', text: '简介：测试补贴的简介。' }, { op: '+', text: '办理时限：3个工作日' },
      { op: '=', text: '步骤顺序：准备材料 → 签字确认 → 领取结果' }]);
    assert.ok(b.parts.slice(1).every((p) => p.change === 'same'));
    assert.deepEqual((await unread()).body.procedures.map((p) => p.id), ['sub']);
    assert.equal((await read(b.hash)).status, 200);
  });

  // a case keeps the version it started on; the staff view says so when
  // the item has a newer one (a policy-change review: the notice above
  // listed a new paper, the case below was checked by the old rules)
  it('the staff view of a case on an older version names the live one', async () => {
    const post = (p2, body) => request(`${h.daemon.url}${p2}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}),
    });
    const old = (await post('/api/v1/cases', { procedure: 'sub' })).body;
    const view = async (id) => (await get(h, `/api/v1/staff/cases/${id}`)).body;
    assert.equal((await view(old.id)).live_version, null);
    await save(V3.replace('version: v3\n', 'version: v4\nfee: 5元\n'));
    const v = await view(old.id);
    assert.equal(v.hash, old.hash);
    assert.deepEqual(Object.keys(v.live_version), ['hash', 'version', 'since']);
    assert.equal(v.live_version.version, 'v4');
    assert.equal(v.live_version.hash, (await changes()).body.hash);
    assert.match(v.live_version.since, /^\d{4}-\d\d-\d\dT/);
    const fresh = (await post('/api/v1/cases', { procedure: 'sub' })).body;
    assert.equal((await view(fresh.id)).live_version, null);
    // a newer version that shows staff the same (a review date) is not another
    await save(V3.replace('version: v3\n', 'version: v4\nfee: 5元\nreview_by: 2099-01-01\n'));
    assert.notEqual((await changes()).body.hash, fresh.hash);
    assert.equal((await view(fresh.id)).live_version, null);
  });

  // a step longer than the diff lists (VDIFF_PART_LINES, 400 lines a
  // side): the answer says so, and the page tells the staffer the rest is
  // not listed (web/changes.js)
  it('a part longer than is listed says it is truncated', async () => {
    const base = await changes('other');
    assert.equal(base.status, 200, base.text);
    const lines = Array.from({ length: 450 }, (_, i) => `第${i}行`).join('\n\n');
    const r = await putSource(h, 'other', `# 另一项\n\n简介。\n\n## 第一步：准备\n${lines}\n`,
      { 'If-Match': `"${sha256(readFile(h, 'alpha/other.md'))}"` });
    assert.equal(r.status, 200, r.text);
    const b = (await changes('other')).body;
    assert.equal(b.changed, true);
    const step = b.parts.find((p) => p.kind === 'step');
    assert.equal(step.truncated, true);
    assert.ok(step.lines.length <= 2 * 400, `${step.lines.length} lines`);
    assert.ok(b.parts.filter((p) => p !== step).every((p) => p.truncated === false));
  });

  it('unknown procedures 404', async () => {
    assertError(await changes('nope'), 404, 'unknown_procedure');
    assertError(await changes('BAD!id'), 404, 'unknown_procedure');
    assertError(await read(H1, 'nope'), 404, 'unknown_procedure');
  });

  it('the guards and the body', async () => {
    assertError(await get(h, '/api/v1/staff/procedures/sub/changes', null), 401, 'not_logged_in');
    assertError(await get(h, '/api/v1/staff/changes', null), 401, 'not_logged_in');
    const live = (await changes()).body.hash;
    assertError(await read(live, 'sub', h.staff, { Cookie: h.staff.cookie, 'Content-Type': 'application/json' }),
      403, 'csrf_failed');
    assertError(await read(live, 'sub', null, { 'Content-Type': 'application/json' }), 401, 'not_logged_in');
    assertError(await read('{"hash":1}'), 422, 'invalid_body');
    assertError(await read('{}'), 422, 'invalid_body');
    assertError(await read('[]'), 400, 'bad_request');
  });
});

// A version back in use (a revert to an earlier text, or a scheduled text
// whose date came) is news of the day it went live, not of the day it was
// first saved: the notice dates the update by `since`, as the list does
// (the notice once said the date v1 was first loaded, months before).
describe('a version back in use is dated by when it went live', () => {
  const h = useAdminDaemon({
    'alpha/README.md': '# 甲类\n\n甲。\n',
    'alpha/sub.md': V1,
  });
  const save = async (text) => {
    const r = await putSource(h, 'sub', text, { 'If-Match': `"${sha256(readFile(h, 'alpha/sub.md'))}"` });
    assert.equal(r.status, 200, r.text);
  };
  it('the changes carry since, the live version\'s going live', async () => {
    const first = await get(h, '/api/v1/staff/procedures/sub/changes', h.staff);
    assert.equal(first.status, 200, first.text);
    assert.equal(typeof first.body.since, 'string', first.text);
    await save(V2);
    const seen = (await get(h, '/api/v1/staff/procedures/sub/changes', h.staff)).body.hash;
    const ok = await request(`${h.daemon.url}/api/v1/staff/procedures/sub/changes/read`, {
      method: 'POST', headers: authHeaders(h.staff), body: JSON.stringify({ hash: seen }),
    });
    assert.equal(ok.status, 200, ok.text);
    // a second later (the times count whole seconds), v1 comes back
    await new Promise((r) => setTimeout(r, 1100));
    await save(V1);
    const b = (await get(h, '/api/v1/staff/procedures/sub/changes', h.staff)).body;
    assert.equal(b.changed, true);
    assert.equal(b.to.hash, sha256(V1));
    const l = (await get(h, '/api/v1/staff/changes', h.staff)).body.procedures;
    assert.equal(l.length, 1);
    assert.equal(b.since, l[0].since, 'the notice and the list date the update alike');
    assert.ok(Date.parse(b.since) > Date.parse(b.to.first_loaded),
      `since ${b.since} is the revert, not v1's first load ${b.to.first_loaded}`);
  });
});
