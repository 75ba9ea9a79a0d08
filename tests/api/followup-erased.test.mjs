// A call-back tried (联系不上 before the last, followup.c) on a case that
// retention then erases keeps its tries: they are the case's `followup`
// events "unreachable_try KIND", and the sweep erased every event's detail,
// so the call-back came back as never tried, listed as due again the same
// day, with three more tries to close it. A complaint on a case without a
// number is the one an open call-back does not keep from the sweep
// (sweep.c). A note written on such a call-back after the erasure is
// erased in its turn. The daemon's clock is a stopped one, moved on two
// seconds before each restart whose sweep (--retention-days 0) erases the
// case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  LIBFAKETIME, addUser, assertError, login, makeTmp, request, startDaemon, stopChecked, stoppedClockAtInstant,
  stoppedClockEnv,
  setShortcuts,
} from './helpers.mjs';
import { WINDOW_TREE } from './staff-helpers.mjs';

// Every database made as without tests/api/db-shortcuts.mjs (no template,
// no cached hash): a migration's test: the daemon makes and migrates every database.
setShortcuts({ template: false, hashes: false });

const TZ = 'Asia/Shanghai';

test('a tried call-back whose case retention erased is still tried, and still waits for its day',
  { skip: fs.existsSync(LIBFAKETIME) ? false : 'needs libfaketime' }, async () => {
    const tmp = makeTmp();
    const db = path.join(tmp, 'x.db');
    const clock = path.join(tmp, 'clock');
    const t0 = new Date('2026-12-16T10:00:00+08:00'); // a Wednesday
    stoppedClockAtInstant(clock, t0, TZ);
    const opts = { tree: WINDOW_TREE, db, args: ['--retention-days', '0'], env: stoppedClockEnv(clock, TZ) };
    addUser(db, 'wang', 'staff', 'wang-password-1');
    let d = await startDaemon(opts);
    try {
      const post = (p, body, s) => request(`${d.url}${p}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(s ? { Cookie: s.cookie, 'X-CSRF-Token': s.csrf } : {}) },
        body: JSON.stringify(body ?? {}),
      });
      let s = await login(d.url, 'wang', 'wang-password-1');
      const list = async (q = '') => {
        const r = await request(`${d.url}/api/v1/staff/followups${q}`, { headers: { Cookie: s.cookie } });
        assert.equal(r.status, 200, r.text);
        return r.body;
      };
      const c = (await post('/api/v1/cases', { procedure: 'simple' })).body;
      assert.equal((await post(`/api/v1/cases/${c.id}/steps/0`, { checklist: { 's0-0': true } })).status, 200);
      assert.equal((await post(`/api/v1/cases/${c.id}/submit`)).status, 200);
      assert.equal((await post(`/api/v1/staff/cases/${c.id}/accept`, {}, s)).status, 200);
      assert.equal((await post(`/api/v1/staff/cases/${c.id}/complete`, { outcome: '已办结' }, s)).status, 200);
      assert.equal((await post(`/api/v1/cases/${c.id}/rating`, { score: 1 })).status, 204);
      const f0 = (await list()).followups.find((x) => x.case === c.id && x.kind === 'complaint');
      assert.ok(f0, 'the complaint is due');
      assert.equal(f0.phone, null, 'a case without a number');
      const r = await post(`/api/v1/staff/followups/${f0.id}`, { result: 'unreachable', note: '打了单位电话，没人接' }, s);
      assert.equal(r.status, 200, r.text);

      await d.stop();
      stoppedClockAtInstant(clock, new Date(t0.getTime() + 2000), TZ);
      d = await startDaemon(opts);
      for (let i = 0; i < 100 && !/sweep: .*1 erased/.test(d.stderr()); i++)
        await new Promise((res) => setTimeout(res, 50));
      assert.match(d.stderr(), /sweep: .*1 erased/);
      s = await login(d.url, 'wang', 'wang-password-1');

      const f = (await list('?done=today')).followups.find((x) => x.id === f0.id);
      assert.ok(f, 'still owed');
      assert.deepEqual([f.done, f.tries, f.tried?.by, f.retry_on, f.waiting], [null, 1, 'wang', '2026-12-17', true]);
      assert.equal(f.note, null, 'what was written of the call is erased with the case');
      assert.ok(!(await list()).followups.some((x) => x.id === f0.id), 'not due again before its day');
      assertError(await post(`/api/v1/staff/followups/${f0.id}`, { result: 'unreachable', note: '再打' }, s),
        409, 'already_done');

      // the resident calls back and the complaint is closed with its note,
      // on the erased case: the sweep erases the case again (the event
      // touched it), and the note with it. The followup row, already marked
      // erased, kept what was written after for good.
      const note = '已向王阿姨致歉，窗口已调整';
      const done = await post(`/api/v1/staff/followups/${f0.id}?done=today`, { result: 'satisfied', note }, s);
      assert.equal(done.status, 200, done.text);
      assert.equal(done.body.followups.find((x) => x.id === f0.id).note, note);
      await d.stop();
      stoppedClockAtInstant(clock, new Date(t0.getTime() + 4000), TZ);
      d = await startDaemon(opts);
      for (let i = 0; i < 100 && !/sweep: .*1 erased/.test(d.stderr()); i++)
        await new Promise((res) => setTimeout(res, 50));
      assert.match(d.stderr(), /sweep: .*1 erased/);
      s = await login(d.url, 'wang', 'wang-password-1');
      const g = (await list('?done=today')).followups.find((x) => x.id === f0.id);
      assert.deepEqual([g?.result, g?.note], ['satisfied', null], 'the note erased with the case');

      // a note an older build left on such a call-back (its case erased and
      // marked done): schema/047 sends the case back to the sweep
      await d.stop();
      const sq = (q) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, q], { encoding: 'utf8' }).trim();
      sq(`UPDATE followups SET note = '旧版留下的备注' WHERE id = ${f0.id};` +
        `UPDATE cases SET needs_erase = 0 WHERE id = '${c.id}'; PRAGMA user_version = 46;`);
      stoppedClockAtInstant(clock, new Date(t0.getTime() + 6000), TZ);
      d = await startDaemon(opts);
      for (let i = 0; i < 100 && !/sweep: .*1 erased/.test(d.stderr()); i++)
        await new Promise((res) => setTimeout(res, 50));
      assert.match(d.stderr(), /sweep: .*1 erased/);
      assert.equal(sq(`SELECT coalesce(note, 'NULL') FROM followups WHERE id = ${f0.id}`), 'NULL');
      assert.ok(Number(sq('PRAGMA user_version')) >= 47);
    } finally {
      await stopChecked(d, tmp);
    }
  });
