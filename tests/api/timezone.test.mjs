// A server left in UTC serves a hall eight hours off Beijing time: tickets,
// due dates and receipts of the wrong day from 16:00 to midnight (a review
// accepted a case at 01:21 local time and was told it was already due).
// serve says so at start when the zone is UTC and nobody chose it (TZ
// unset); with TZ set it says nothing.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, FIXTURE_TREE, addUser, makeTmp, monthAgo, rmTmp, startDaemon } from './helpers.mjs';

const WARNING = /warning: this machine's time zone is UTC.*timedatectl set-timezone Asia\/Shanghai/;

// Whether this machine's own zone (TZ unset) is UTC, asked of a child
// process as the daemon will find it.
function machineIsUtc() {
  const env = { ...process.env };
  delete env.TZ;
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(new Date().getTimezoneOffset()))'], { env, encoding: 'utf8' });
  return r.stdout === '0';
}

describe('the time zone at start', () => {
  const tmp = makeTmp();
  after(() => rmTmp(tmp));

  it('is warned of when it is UTC by default, not when TZ chooses it', async () => {
    const env = { ...process.env };
    delete env.TZ;
    let d = await startDaemon({ tree: FIXTURE_TREE, db: path.join(tmp, 'a.db'), env, baseEnv: false });
    await d.stop();
    const log = d.stderr();
    if (machineIsUtc()) assert.match(log, WARNING);
    else assert.doesNotMatch(log, WARNING);
    for (const tz of ['Asia/Shanghai', 'UTC0']) {
      d = await startDaemon({ tree: FIXTURE_TREE, db: path.join(tmp, 'b.db'), env: { TZ: tz } });
      await d.stop();
      assert.doesNotMatch(d.stderr(), WARNING, tz);
    }
  });

  // export cuts its days at the local midnight: run from a shell left at
  // UTC it counts the hall's early-morning cases on the day before, so it
  // warns as serve does, and only then
  it('is warned of by export too, when it is UTC by default, not when TZ chooses it', () => {
    const db = path.join(tmp, 'e.db');
    addUser(db, 'wang', 'staff', 'a-long-enough-password');
    const EXPORT_WARNING = /^spkiosk export: warning: this machine's time zone is UTC.*TZ=Asia\/Shanghai/m;
    const exportWith = (env) => spawnSync(BIN, ['export', '--db', db, '--since', monthAgo(), '--format', 'csv',
      '--hall', 'h'], { env, encoding: 'utf8', timeout: 30_000 });
    const env = { ...process.env };
    delete env.TZ;
    let r = exportWith(env);
    assert.equal(r.status, 0, r.stderr);
    if (machineIsUtc()) assert.match(r.stderr, EXPORT_WARNING);
    else assert.doesNotMatch(r.stderr, EXPORT_WARNING);
    for (const tz of ['Asia/Shanghai', 'UTC0']) {
      r = exportWith({ ...process.env, TZ: tz });
      assert.equal(r.status, 0, r.stderr);
      assert.doesNotMatch(r.stderr, EXPORT_WARNING, tz);
    }
  });
});
