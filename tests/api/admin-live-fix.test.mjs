// A typo in the live version while a new version waits for its date
// (ours): PUT …/live-source fixes the text residents read today and writes
// the waiting text back, scheduled as it was; before, the only way was to
// withdraw the schedule (撤回排期), fix, save, and paste the new text back.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { assertError, authHeaders, request } from './helpers.mjs';
import { entry, get, list, proc, putSource, readFile, sha256, useAdminDaemon } from './admin-helpers.mjs';

const FAR = '2099-01-01';
const LIVE = proc('就业登计');
const WAITING = proc('就业登记（新政策）', { front: `effective: ${FAR}\n` });
const h = useAdminDaemon({
  'jobs/README.md': '# 就业\n\n就业。\n',
  'jobs/reg.md': LIVE,
  'jobs/other.md': proc('别的事项'),
  'jobs/move.md': proc('旧编号的事项'),
});

const pub = (id) => request(`${h.daemon.url}/api/v1/procedures/${id}`);
const fixLive = (id, body, { live, waiting, query = '' }) => request(
  `${h.daemon.url}/api/v1/admin/procedures/${id}/live-source?${waiting ? `waiting=${waiting}` : ''}${query}`, {
    method: 'PUT', body,
    headers: { ...authHeaders(h.admin), 'Content-Type': 'text/markdown; charset=utf-8',
      ...(live ? { 'If-Match': `"${live}"` } : {}) },
  });

describe('fixing the live version while a new one waits', () => {
  it('is set up: the new version waits, the typo is live', async () => {
    const r = await putSource(h, 'reg', WAITING, { 'If-Match': `"${sha256(LIVE)}"` });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.scheduled, FAR);
    assert.equal((await pub('reg')).body.title, '就业登计');
  });

  it('refuses what it cannot do safely, writing nothing', async () => {
    const fixed = LIVE.replace('登计', '登记');
    assertError(await fixLive('reg', fixed, { live: sha256(LIVE) }), 428, 'precondition_required');
    assertError(await fixLive('reg', fixed, { waiting: sha256(WAITING) }), 428, 'precondition_required');
    // the waiting hash with anything after it was cut to 64 characters and
    // matched: a page that sends something else than the hash is told so
    for (const bad of [`${sha256(WAITING)}zz`, `${sha256(WAITING)}0`, sha256(WAITING).slice(1), 'g'.repeat(64)]) {
      const r = await fixLive('reg', fixed, { live: sha256(LIVE), waiting: bad });
      assertError(r, 400, 'bad_request');
      assert.match(r.body.error.message, /64 位十六进制/);
    }
    // the waiting text changed since the editor opened it
    assertError(await fixLive('reg', fixed, { live: sha256(LIVE), waiting: sha256('older') }), 409, 'file_changed');
    // the live version changed since (the new one went live, another fix)
    assertError(await fixLive('reg', fixed, { live: sha256('older'), waiting: sha256(WAITING) }), 409, 'live_changed');
    // a fix that would itself wait for a date, or move the item to another id
    let r = await fixLive('reg', proc('就业登记', { front: `effective: ${FAR}\n` }),
      { live: sha256(LIVE), waiting: sha256(WAITING) });
    assertError(r, 422, 'invalid_procedure');
    assert.match(r.body.errors.map((e) => e.message).join(), /不能写以后的生效日期/);
    r = await fixLive('reg', proc('就业登记', { front: 'id: reg-two\n' }), { live: sha256(LIVE), waiting: sha256(WAITING) });
    assertError(r, 422, 'invalid_procedure');
    assert.match(r.body.errors.map((e) => e.message).join(), /不能改编号/);
    // nothing waits in this file: an ordinary save is what is meant
    const other = proc('别的事项');
    assertError(await fixLive('other', other, { live: sha256(other), waiting: sha256(other) }), 409, 'not_scheduled');
    assert.equal(readFile(h, 'jobs/reg.md'), WAITING);
    assert.equal((await pub('reg')).body.title, '就业登计');
  });

  it('puts the fix live and keeps the new version waiting, byte for byte', async () => {
    const live = await get(h, '/api/v1/admin/procedures/reg/source?version=live');
    assert.equal(live.text, LIVE);
    const fixed = LIVE.replace('登计', '登记');
    const r = await fixLive('reg', fixed, { live: sha256(LIVE), waiting: sha256(WAITING), query: '&editorial=1' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.live, true);
    assert.equal(r.body.rescheduled, true);
    assert.equal(r.body.editorial, true);
    assert.equal(r.body.hash, sha256(fixed));
    assert.equal(r.body.waiting_hash, sha256(WAITING));
    const served = (await pub('reg')).body;
    assert.equal(served.title, '就业登记');
    assert.equal(served.updated, undefined, 'a typo fix, saved as one');
    assert.equal(readFile(h, 'jobs/reg.md'), WAITING, 'the file holds the waiting text again');
    const e = entry(await list(h), 'reg');
    assert.equal(e.state, 'scheduled');
    assert.equal(e.live.hash, sha256(fixed));
    assert.equal(e.scheduled.hash, sha256(WAITING));
    assert.equal(e.scheduled.effective, FAR);
    assert.equal((await get(h, '/api/v1/admin/procedures/reg/source?version=live')).text, fixed);
    // said before the first write, so that a crash between the two leaves
    // the IT officer the hash, and the documented query gives the text back
    // (docs/deployment.md, "A live fix cut off")
    const said = h.daemon.stderr().split('\n').find((l) => l.includes('fixing the live version'));
    assert.ok(said && said.includes(`the waiting text ${sha256(WAITING)} is written back next`), said);
    const back = execFileSync('sqlite3', ['-cmd', '.timeout 5000', path.join(h.tmp, 'x.db'),
      `SELECT CAST(source AS TEXT) FROM procedure_versions WHERE hash = '${sha256(WAITING)}'`], { encoding: 'utf8' });
    assert.equal(back, WAITING + '\n', 'the CLI prints the text and a newline');
  });

  // A waiting version may move the item to a new id (docs/procedure-format.md:
  // the old id stays live until the date). The fix is of the live version,
  // the old id: before, the live check looked up the waiting text's id,
  // found nothing live and answered 409 live_changed on every try.
  it('fixes the live version of a file whose waiting text moves the item to a new id', async () => {
    const live = proc('旧编号的事项');
    const moving = proc('新编号的事项', { front: `id: move-new\neffective: ${FAR}\n` });
    const s = await putSource(h, 'move', moving, { 'If-Match': `"${sha256(live)}"` });
    assert.equal(s.status, 200, s.text);
    assert.equal(s.body.scheduled, FAR);
    const fixed = live.replace('简介', '介绍');
    const r = await fixLive('move', fixed, { live: sha256(live), waiting: sha256(moving) });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.id, 'move');
    assert.equal(r.body.live, true);
    assert.equal(r.body.rescheduled, true);
    assert.match(JSON.stringify((await pub('move')).body), /旧编号的事项的介绍/);
    assert.equal(readFile(h, 'jobs/move.md'), moving, 'the waiting text is the file again');
    assert.equal((await pub('move-new')).status, 404, 'the new id still waits for its date');
    // the fix may not take the waiting text's id either: that is the new version's
    assertError(await fixLive('move', proc('旧编号的事项', { front: 'id: move-new\n' }),
      { live: sha256(fixed), waiting: sha256(moving) }), 422, 'invalid_procedure');
  });
});
