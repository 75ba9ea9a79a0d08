// Retiring an item from the admin console (停办, ours): GET …/retire says
// what it would do (cases still open, the practice file, files that link
// it), POST …/retire with the file's If-Match deletes the file and the
// load retires the item as a deletion on the server does; a file another
// file links is refused (the triage would stop loading and the kiosk keep
// its old flow); POST …/restore writes the retired version back.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
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

  // The set-aside name is one per file: an item made again under that name
  // (a new file, not 恢复) and retired again met the first retirement's
  // practice file there. Before, a retirement without a practice file left
  // it, and 恢复 brought the first version's scenarios back beside the
  // second's text; one with a practice file wrote over it. An earlier one
  // is now kept as .retired.1, .2, …, and the name holds this one's alone.
  it('a second retirement neither overwrites nor inherits the first one\'s practice file', async () => {
    const ONE2 = proc('劳动手册（新）');
    const P2 = '# 劳动手册（新） · 练习\n';
    const aside = 'alpha/.one.practice.md.retired';
    fs.unlinkSync(file(h, 'alpha/one.md'));
    await eventually(h, async () => entry(await list(h), 'one', 'retired'), 'the broken file gone');
    const made = await request(`${h.daemon.url}/api/v1/admin/procedures/one/source?category=alpha`, {
      method: 'PUT', body: ONE2,
      headers: { ...authHeaders(h.admin), 'If-None-Match': '*', 'Content-Type': 'text/markdown; charset=utf-8' },
    });
    assert.equal(made.status, 201, made.text);
    assert.equal((await retire('one', { 'If-Match': `"${sha256(ONE2)}"` })).status, 200);
    assert.equal(fs.existsSync(file(h, aside)), false, 'the first retirement\'s file is not this one\'s');
    assert.equal(readFile(h, `${aside}.1`), PRACTICE, 'kept');
    const r = await restore('one');
    assert.equal(r.status, 201, r.text);
    assert.equal(readFile(h, 'alpha/one.md'), ONE2);
    assert.equal(fs.existsSync(file(h, 'alpha/one.practice.md')), false, 'no scenarios of another version');
    // now with a practice file of its own, over an earlier one set aside
    fs.writeFileSync(file(h, 'alpha/one.practice.md'), P2);
    fs.writeFileSync(file(h, aside), PRACTICE);
    assert.equal((await retire('one', { 'If-Match': `"${sha256(ONE2)}"` })).status, 200);
    assert.equal(readFile(h, aside), P2);
    assert.equal(readFile(h, `${aside}.1`), PRACTICE);
    assert.equal(readFile(h, `${aside}.2`), PRACTICE, 'the earlier one kept, not written over');
    const back = await restore('one');
    assert.equal(back.status, 201, back.text);
    assert.equal(readFile(h, 'alpha/one.practice.md'), P2, 'its own scenarios back beside it');
  });

  // 恢复 takes what 停办 set aside. With a practice file put in its place
  // meanwhile (by hand, a pull), 恢复 kept that one and left the set-aside
  // one under the name, where the next 停办 without a practice file left it
  // and the 恢复 after brought those scenarios back beside another text.
  it('恢复 with a practice file already in its place keeps that one and moves the set-aside one out of the way', async () => {
    const ONE2 = proc('劳动手册（新）');
    const P2 = '# 劳动手册（新） · 练习\n';
    const P3 = '# 劳动手册 · 放回来的练习\n';
    const aside = 'alpha/.one.practice.md.retired';
    // one is live with P2 (above); .1 and .2 hold earlier ones
    assert.equal((await retire('one', { 'If-Match': `"${sha256(ONE2)}"` })).status, 200);
    assert.equal(readFile(h, aside), P2);
    fs.writeFileSync(file(h, 'alpha/one.practice.md'), P3);
    const r = await restore('one');
    assert.equal(r.status, 201, r.text);
    assert.equal(readFile(h, 'alpha/one.practice.md'), P3, 'the one in place stays');
    assert.equal(fs.existsSync(file(h, aside)), false, 'nothing waits under the name after 恢复');
    assert.equal(readFile(h, `${aside}.3`), P2, 'kept, numbered, never deleted');
    // the next 停办 without a practice file and 恢复 bring nothing back
    fs.unlinkSync(file(h, 'alpha/one.practice.md'));
    await eventually(h, async () => (await impact('one')).body?.practice_file === null, 'no practice file seen');
    assert.equal((await retire('one', { 'If-Match': `"${sha256(ONE2)}"` })).status, 200);
    assert.equal((await restore('one')).status, 201);
    assert.equal(fs.existsSync(file(h, 'alpha/one.practice.md')), false, 'no scenarios of another time');
  });

  // A category folder that is a symbolic link is not read by the loader
  // (its target may be anywhere: a commit can make one); before, 停办 with
  // ?file= through it deleted a file outside the library and moved another.
  it('never deletes or moves a file through a linked folder the library does not read', async () => {
    const outside = path.join(h.tmp, 'outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'victim.md'), ONE);
    fs.writeFileSync(path.join(outside, 'victim.practice.md'), PRACTICE);
    fs.symlinkSync(outside, file(h, 'linked'));
    assertError(await request(`${h.daemon.url}/api/v1/admin/procedures/victim/retire?file=linked/victim.md`,
      { headers: { Cookie: h.admin.cookie } }), 404, 'file_not_found');
    const r = await request(`${h.daemon.url}/api/v1/admin/procedures/victim/retire?file=linked/victim.md`,
      { method: 'POST', body: '{}', headers: { ...authHeaders(h.admin), 'If-Match': `"${sha256(ONE)}"` } });
    assertError(r, 409, 'file_changed');
    assert.deepEqual(fs.readdirSync(outside).sort(), ['victim.md', 'victim.practice.md']);
    assert.equal(fs.readFileSync(path.join(outside, 'victim.md'), 'utf8'), ONE);
  });
});
