// A version scheduled with `effective:` whose date passed while the daemon
// was stopped goes live at the next start. The start's load line told the
// IT officer "0 went live on their date" all the same: the journal then
// said nothing of the texts that changed under the residents that morning.
// The daemon runs on a stopped clock (libfaketime), stopped, its clock
// moved past the date, and started again on the same database.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  LIBFAKETIME, makeTmp, request, sleep, startDaemon, stopChecked, stoppedClockAt, stoppedClockEnv, writeTree,
} from './helpers.mjs';
import { proc } from './admin-helpers.mjs';

const DAY = 86400;
const NO_FAKETIME = fs.existsSync(LIBFAKETIME) ? false : 'needs libfaketime';

// the daemon's load lines, the start's first
const loadLines = (d) => d.stderr().split('\n').filter((l) => /spkiosk: loaded /.test(l));

describe('a date that passed while the daemon was stopped', { skip: NO_FAKETIME }, () => {
  let tmp, tree, db, clock, d = null;
  before(() => {
    tmp = makeTmp();
    clock = path.join(tmp, 'clock');
    stoppedClockAt(clock, 0); // 2026-01-05 10:00 UTC
    tree = writeTree(path.join(tmp, 'tree'), {
      'jobs/README.md': '# 就业\n\n就业创业。\n',
      'jobs/reg.md': proc('就业登记'),
      // its review date comes within 30 days by the restart: the start
      // parses it again (reg's text it reuses), the way an upgrade that
      // renders anew, or a changed _posts.md for a chain, parses a file
      'jobs/late.md': proc('新事项', { front: 'effective: 2026-01-06\nreview_by: 2026-02-05\n' }),
    });
    db = path.join(tmp, 'x.db');
  });
  after(() => stopChecked(d, tmp));

  it('the start counts the versions that went live at it', async () => {
    d = await startDaemon({ tree, db, env: stoppedClockEnv(clock) });
    assert.match(loadLines(d)[0], /1 versions scheduled, 0 went live on their date;/, d.stderr());
    // reg's new text waits for the same date; the watcher loads it
    fs.writeFileSync(path.join(tree, 'jobs/reg.md'), proc('就业登记（新版）', { front: 'effective: 2026-01-06\n' }));
    for (let i = 0; i < 100 && loadLines(d).length < 2; i++) await sleep(50);
    assert.match(loadLines(d)[1] ?? '', /1 versions scheduled, 0 went live on their date;/, d.stderr());
    assert.equal((await request(`${d.url}/api/v1/procedures/reg`)).body.title, '就业登记');
    assert.equal((await request(`${d.url}/api/v1/procedures/late`)).status, 404);
    const info = await d.stop();
    assert.deepEqual({ code: info.code, signal: info.signal }, { code: 0, signal: null });
    d = null;

    // stopped over the date: started again on 2026-01-07
    stoppedClockAt(clock, 2 * DAY);
    d = await startDaemon({ tree, db, env: stoppedClockEnv(clock) });
    assert.equal((await request(`${d.url}/api/v1/procedures/reg`)).body.title, '就业登记（新版）');
    assert.equal((await request(`${d.url}/api/v1/procedures/late`)).status, 200);
    const line = loadLines(d)[0];
    assert.match(line, /\(1 parsed, 1 unchanged,/, 'one text read again, one reused');
    assert.match(line, /0 versions scheduled, 2 went live on their date;/, d.stderr());
  });
});
