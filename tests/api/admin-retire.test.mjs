// Retiring an item from the admin console (停办, ours): GET …/retire says
// what it would do (cases still open, the practice file, files that link
// it), POST …/retire with the file's If-Match deletes the file and the
// load retires the item as a deletion on the server does; a file another
// file links is refused (the triage would stop loading and the kiosk keep
// its old flow); POST …/restore writes the retired version back.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { assertError, authHeaders, request } from './helpers.mjs';
import { entry, eventually, file, list, proc, readFile, sha256, useAdminDaemon } from './admin-helpers.mjs';

const ONE = proc('劳动手册');
const TWO = proc('居住证明');
const PRACTICE = '# 劳动手册 · 练习\n';
const h = useAdminDaemon({
  'alpha/README.md': '# 甲类\n\n甲。\n',
  'alpha/one.md': ONE,
  'alpha/one.practice.md': PRACTICE,
  'alpha/two.md': TWO,
  '_triage.md': '# 不知道办什么?\n\n## 您想办什么? {#start}\n- [开证明](alpha/two.md)\n- 其他请到窗口\n',
});

const pub = (id) => request(`${h.daemon.url}/api/v1/procedures/${id}`);
const impact = (id, session = h.admin) => request(`${h.daemon.url}/api/v1/admin/procedures/${id}/retire`,
  { headers: { Cookie: session.cookie } });
const retire = (id, headers = {}, session = h.admin) => request(`${h.daemon.url}/api/v1/admin/procedures/${id}/retire`,
  { method: 'POST', body: '{}', headers: { ...authHeaders(session), ...headers } });
const restore = (id) => request(`${h.daemon.url}/api/v1/admin/procedures/${id}/restore`,
  { method: 'POST', body: '{}', headers: authHeaders(h.admin) });

describe('retiring an item from the console', () => {
  let caseId;

  it('says first what it would do: cases still open, the practice file, nothing broken', async () => {
    const c = await request(`${h.daemon.url}/api/v1/cases`, {
      method: 'POST', body: JSON.stringify({ procedure: 'one', channel: 'kiosk' }),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(c.status, 201, c.text);
    caseId = c.body.id;
    const r = await impact('one');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, {
      id: 'one', file: 'alpha/one.md', file_hash: sha256(ONE), practice_file: 'alpha/one.practice.md',
      cases: { open: 1, queued: 0, in_hand: 0 }, breaks: [],
    });
    assertError(await impact('nope'), 404, 'unknown_procedure');
    assertError(await impact('one', h.staff), 403, 'forbidden');
  });

  it('needs the file as the admin saw it (428, 409), deleting nothing', async () => {
    assertError(await retire('one'), 428, 'precondition_required');
    assertError(await retire('one', { 'If-Match': `"${sha256('older')}"` }), 409, 'file_changed');
    assert.equal(readFile(h, 'alpha/one.md'), ONE);
    assert.equal((await pub('one')).status, 200);
  });

  it('refuses an item the triage links, naming the line (422), deleting nothing', async () => {
    const r = await impact('two');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.breaks.length, 1, r.text);
    assert.equal(r.body.breaks[0].file, '_triage.md');
    assert.equal(r.body.breaks[0].line, 4);
    const p = await retire('two', { 'If-Match': `"${sha256(TWO)}"` });
    assertError(p, 422, 'retire_breaks');
    assert.deepEqual(p.body.breaks, r.body.breaks);
    assert.equal(readFile(h, 'alpha/two.md'), TWO);
    assert.equal((await pub('two')).status, 200);
  });

  it('deletes the file; the item is retired, its open case goes on, its practice file is set aside', async () => {
    const r = await retire('one', { 'If-Match': `"${sha256(ONE)}"` });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.retired, true);
    assert.equal(r.body.practice_file, 'alpha/one.practice.md');
    assert.equal(fs.existsSync(file(h, 'alpha/one.md')), false);
    // out of the library (an orphan is an error of it), kept for 恢复
    assert.equal(fs.existsSync(file(h, 'alpha/one.practice.md')), false);
    assert.equal(readFile(h, 'alpha/.one.practice.md.retired'), PRACTICE);
    assertError(await pub('one'), 404, 'unknown_procedure');
    const doc = await list(h);
    const e = entry(doc, 'one', 'retired');
    assert.ok(e, 'listed as retired');
    assert.equal(doc.procedures.filter((p) => p.errors.length).length, 0, 'no file left with an error');
    assert.equal(e.retired.hash, sha256(ONE));
    const c = await request(`${h.daemon.url}/api/v1/cases/${caseId}`);
    assert.equal(c.status, 200, c.text);
    assert.equal(c.body.status, 'open');
    assert.equal((await request(`${h.daemon.url}/api/v1/cases/${caseId}/procedure`)).body.title, '劳动手册');
    await eventually(h, () => h.daemon.stderr().includes('spkiosk: admin: boss: alpha/one.md deleted: item retired\n'),
      'who retired what, in the log');
    assertError(await retire('one', { 'If-Match': `"${sha256(ONE)}"` }), 404, 'unknown_procedure');
  });

  it('恢复 writes the retired version back to its file, and it is live again', async () => {
    const r = await restore('one');
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.file, 'alpha/one.md');
    assert.equal(r.body.hash, sha256(ONE));
    assert.equal(r.body.live, true);
    assert.equal(readFile(h, 'alpha/one.md'), ONE);
    assert.equal(readFile(h, 'alpha/one.practice.md'), PRACTICE, 'its scenarios back beside it');
    assert.equal(fs.existsSync(file(h, 'alpha/.one.practice.md.retired')), false);
    assert.equal((await pub('one')).body.hash, sha256(ONE));
    assertError(await restore('one'), 404, 'not_retired');
    assertError(await restore('two'), 404, 'not_retired');
  });

  it('恢复 never writes over a file put back meanwhile (412)', async () => {
    assert.equal((await retire('one', { 'If-Match': `"${sha256(ONE)}"` })).status, 200);
    // a broken file at the path: not loaded, so the item stays retired
    fs.writeFileSync(file(h, 'alpha/one.md'), '# 坏的\n');
    await eventually(h, async () => entry(await list(h), 'one', 'error_not_live'), 'the broken file seen');
    assertError(await restore('one'), 412, 'file_exists');
    assert.equal(readFile(h, 'alpha/one.md'), '# 坏的\n');
    // its scenarios stay aside: beside a file that is not the item, they
    // would be proved against nothing
    assert.equal(fs.existsSync(file(h, 'alpha/one.practice.md')), false);
    assert.equal(readFile(h, 'alpha/.one.practice.md.retired'), PRACTICE);
  });
});
