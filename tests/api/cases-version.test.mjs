// A case pins the procedure version it started on: after the file changes
// and the daemon reloads (SIGHUP) or restarts, the procedure detail shows
// the new version, but the case keeps its hash, its steps and its fields and
// rules. Trees: tests/fixtures/cases/version-v1 and version-v2 (pin/change.md:
// v1 has two steps and a field old_field; v2 one step and new_field instead).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, startDaemon, makeTmp, rmTmp, request, getJSON, assertError, sleep } from './helpers.mjs';

const FIX = path.join(ROOT, 'tests', 'fixtures', 'cases');

// Sends SIGHUP to daemon d and waits (a deadline, not a measure) for the
// load after its line. The watcher sees the change on disk too and may load
// before or after it: CI once saw three load lines where the test counted
// on exactly two.
async function hupLoad(d) {
  const from = d.stderr().length;
  const hup = /SIGHUP: reloading[^\n]*\n(?:[^\n]*\n)*?spkiosk: loaded /;
  d.proc.kill('SIGHUP');
  for (let i = 0; i < 400 && !hup.test(d.stderr().slice(from)); i++) await sleep(25);
  assert.match(d.stderr().slice(from), hup, `no load after SIGHUP:\n${d.stderr()}`);
}

describe('a case keeps its version across a reload and a restart', () => {
  let tmp, tree, db, d = null;
  before(() => {
    tmp = makeTmp();
    tree = path.join(tmp, 'tree');
    db = path.join(tmp, 'x.db');
    fs.cpSync(path.join(FIX, 'version-v1'), tree, { recursive: true });
  });
  after(async () => {
    try {
      if (d) await d.stop('SIGKILL');
    } finally {
      rmTmp(tmp);
    }
  });

  const post = (p, body) => request(`${d.url}${p}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const getCase = (id) => getJSON(`${d.url}/api/v1/cases/${id}`);

  let v1, old, oldDone;
  it('cases started on v1', async () => {
    d = await startDaemon({ tree, db });
    v1 = await getJSON(`${d.url}/api/v1/procedures/change`);
    assert.equal(v1.steps.length, 2);
    let r = await post('/api/v1/cases', { procedure: 'change' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.hash, v1.hash);
    assert.equal(r.body.steps, 2);
    old = r.body.id;
    r = await post('/api/v1/cases', { procedure: 'change' });
    oldDone = r.body.id;
    r = await post(`/api/v1/cases/${oldDone}/steps/0`,
      { checklist: { 's0-0': true }, fields: { name: '孙丽', old_field: '2468' } });
    assert.equal(r.status, 200, r.text);
  });

  let v2;
  it('the file changes and SIGHUP reloads it: the detail has a new hash', async () => {
    fs.copyFileSync(path.join(FIX, 'version-v2', 'pin', 'change.md'), path.join(tree, 'pin', 'change.md'));
    await hupLoad(d);
    v2 = await getJSON(`${d.url}/api/v1/procedures/change`);
    assert.notEqual(v2.hash, v1.hash);
    assert.equal(v2.title, '变更登记(新版)');
    assert.equal(v2.steps.length, 1);
  });

  it('the old case keeps its hash and its two steps', async () => {
    const g = await getCase(old);
    assert.equal(g.hash, v1.hash);
    assert.equal(g.steps, 2);
    assert.deepEqual(g.applicable, [0, 1]);
    const h = await getCase(oldDone);
    assert.equal(h.hash, v1.hash);
    assert.deepEqual(h.values, { name: '孙丽', old_field: '2468' });
    assert.equal(h.step, 1);
  });

  it('GET /api/v1/cases/{id}/procedure serves the version the case pinned', async () => {
    const p = await getJSON(`${d.url}/api/v1/cases/${old}/procedure`);
    assert.deepEqual(p, v1, 'exactly the v1 detail the public route served before the change');
    const q = await getJSON(`${d.url}/api/v1/cases/${oldDone}/procedure`);
    assert.equal(q.hash, v1.hash);
    assertError(await request(`${d.url}/api/v1/cases/${'0'.repeat(32)}/procedure`), 404, 'unknown_case');
  });

  it('the old case is validated by v1\'s fields and rules', async () => {
    let r = await post(`/api/v1/cases/${old}/steps/0`,
      { checklist: { 's0-0': true }, fields: { name: '周强', new_field: '新版的值' } });
    assertError(r, 422, 'validation_failed', 'v1 requires old_field');
    assert.deepEqual(r.body.field_codes, { old_field: 'required' }, r.text);
    r = await post(`/api/v1/cases/${old}/steps/0`,
      { checklist: { 's0-0': true }, fields: { name: '周强', old_field: '12' } });
    assertError(r, 422, 'validation_failed', 'v1 pattern');
    assert.deepEqual(r.body.field_codes, { old_field: 'pattern' }, r.text);
    r = await post(`/api/v1/cases/${old}/steps/0`,
      { checklist: { 's0-0': true }, fields: { name: '周强', old_field: '1357', new_field: '新版的值' } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { step: 1, applicable: [0, 1], done: [0] });
    const g = await getCase(old);
    assert.deepEqual(g.values, { name: '周强', old_field: '1357' }, 'a field v1 does not have is not stored');
  });

  it('the old case\'s step 1, gone from v2, can still be done and submitted', async () => {
    let r = await post(`/api/v1/cases/${old}/steps/1`, { checklist: { 's1-0': true } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { step: 2, applicable: [0, 1], done: [0, 1] });
    r = await post(`/api/v1/cases/${old}/submit`, {});
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.ticket, 'A001');
  });

  it('the slip of the old case shows v1\'s title and items', async () => {
    const r = await request(`${d.url}/print/cases/${old}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.text.includes('变更登记(旧版)'), 'v1 title');
    assert.ok(r.text.includes('旧版材料') && r.text.includes('旧版确认事项'), 'v1 items');
    assert.ok(!r.text.includes('新版材料'), 'no v2 item');
  });

  let fresh;
  it('a new case starts on v2', async () => {
    let r = await post('/api/v1/cases', { procedure: 'change' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.hash, v2.hash);
    assert.equal(r.body.steps, 1);
    fresh = r.body.id;
    r = await post(`/api/v1/cases/${fresh}/steps/0`,
      { checklist: { 's0-0': true }, fields: { name: '周强', old_field: '1357' } });
    assertError(r, 422, 'validation_failed');
    assert.deepEqual(r.body.field_codes, { new_field: 'required' }, r.text);
    assertError(await post(`/api/v1/cases/${fresh}/steps/1`, {}), 404, 'unknown_step');
  });

  it('after a restart on v2 the v1 cases still have v1', async () => {
    const info = await d.stop();
    assert.equal(info.code, 0, d.stderr());
    d = await startDaemon({ tree, db });
    assert.equal((await getJSON(`${d.url}/api/v1/procedures/change`)).hash, v2.hash);
    const h = await getCase(oldDone);
    assert.equal(h.hash, v1.hash);
    assert.equal(h.steps, 2);
    assert.equal(h.step, 1);
    assert.deepEqual(h.values, { name: '孙丽', old_field: '2468' });
    let r = await post(`/api/v1/cases/${oldDone}/steps/0`,
      { checklist: { 's0-0': true }, fields: { name: '孙丽', old_field: 'abcd' } });
    assertError(r, 422, 'validation_failed');
    assert.deepEqual(r.body.field_codes, { old_field: 'pattern' }, r.text);
    r = await post(`/api/v1/cases/${oldDone}/steps/1`, { checklist: { 's1-0': true } });
    assert.equal(r.status, 200, r.text);
    r = await post(`/api/v1/cases/${oldDone}/submit`, {});
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.ticket, 'A002');
    assert.equal((await getCase(fresh)).hash, v2.hash);
    const info2 = await d.stop();
    assert.equal(info2.code, 0, d.stderr());
    d = null;
  });
});

describe('a case outlives its procedure file', () => {
  let tmp, tree, d = null;
  before(() => {
    tmp = makeTmp();
    tree = path.join(tmp, 'tree');
    fs.cpSync(path.join(FIX, 'version-v1'), tree, { recursive: true });
  });
  after(async () => {
    try {
      if (d) await d.stop('SIGKILL');
    } finally {
      rmTmp(tmp);
    }
  });

  it('a deleted file retires the procedure but its cases go on', async () => {
    d = await startDaemon({ tree, db: path.join(tmp, 'x.db') });
    const post = (p, body) => request(`${d.url}${p}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const c = await post('/api/v1/cases', { procedure: 'change' });
    assert.equal(c.status, 201, c.text);
    const id = c.body.id;
    fs.rmSync(path.join(tree, 'pin', 'change.md'));
    await hupLoad(d);
    assertError(await request(`${d.url}/api/v1/procedures/change`), 404, 'unknown_procedure');
    assertError(await post('/api/v1/cases', { procedure: 'change' }), 404, 'unknown_procedure');
    const g = await getJSON(`${d.url}/api/v1/cases/${id}`);
    assert.equal(g.hash, c.body.hash);
    assert.equal(g.steps, 2);
    let r = await post(`/api/v1/cases/${id}/steps/0`,
      { checklist: { 's0-0': true }, fields: { name: '吴敏', old_field: '2024' } });
    assert.equal(r.status, 200, r.text);
    r = await post(`/api/v1/cases/${id}/steps/1`, { checklist: { 's1-0': true } });
    assert.equal(r.status, 200, r.text);
    r = await post(`/api/v1/cases/${id}/submit`, {});
    assert.equal(r.status, 200, r.text);
    const p = await request(`${d.url}/print/cases/${id}`);
    assert.equal(p.status, 200);
    assert.ok(p.text.includes('变更登记(旧版)'));
    const info = await d.stop();
    assert.equal(info.code, 0, d.stderr());
    d = null;
  });
});
