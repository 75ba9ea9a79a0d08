// A staff page's timers do not keep its session alive (issue #12, item 6):
// requests marked X-Spk-Poll: 1 (the queue's refresh every 5 s) leave the
// idle clock alone, so a session polled past --session-idle ends (401),
// while one a person uses lives on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startDaemon, makeTmp, stopChecked, request, assertError, addUser, login, LIBFAKETIME, stoppedClockAt,
  stoppedClockEnv } from './helpers.mjs';

// The daemon's clock stands still (libfaketime, its time read from a file
// the test rewrites), and the test moves it a second at a time. On the
// real clock the two logins' hashing sat between a login and its first use:
// a loaded run took over 3 s there, and the polled session had ended
// before its first poll ("live at first"). As in auth-throttle.test.mjs.

test('a session polled by the page past the idle limit ends; one in use does not',
  { skip: fs.existsSync(LIBFAKETIME) ? false : `no ${LIBFAKETIME} (scripts/deps.sh test installs it)` }, async () => {
  const tmp = makeTmp();
  const db = path.join(tmp, 'x.db');
  const clock = path.join(tmp, 'clock');
  const at = (secs) => stoppedClockAt(clock, secs);
  at(0);
  addUser(db, 'ma', 'staff', 'ma-pass-123');
  addUser(db, 'li', 'staff', 'li-pass-123');
  const d = await startDaemon({
    db, args: ['--session-idle', '3'],
    env: stoppedClockEnv(clock),
  });
  try {
    const polled = await login(d.url, 'ma', 'ma-pass-123');
    const used = await login(d.url, 'li', 'li-pass-123');
    const queue = (s, headers = {}) =>
      request(`${d.url}/api/v1/staff/queue`, { headers: { Cookie: s.cookie, ...headers } });
    const statuses = [];
    // every second for 8 s: more than twice the limit
    for (let i = 0; i <= 8; i++) {
      at(i);
      statuses.push((await queue(polled, { 'X-Spk-Poll': '1' })).status);
      assert.equal((await queue(used)).status, 200, `request ${i} of the session in use`);
    }
    assert.equal(statuses[0], 200, 'live at first');
    assert.ok(statuses.includes(401), `the polled session ended: ${statuses}`);
    assert.equal(statuses.lastIndexOf(200) < statuses.indexOf(401), true,
      `once ended it stays ended: ${statuses}`);
    assertError(await queue(polled), 401, 'not_logged_in');
    // the session route, polled, does not extend it either
    at(20);
    const s = await login(d.url, 'ma', 'ma-pass-123');
    const body = (await request(`${d.url}/api/v1/session`, { headers: { Cookie: s.cookie } })).body;
    assert.equal(body.idle, 3, 'the page learns the limit');
    for (let i = 1; i <= 8; i++) {
      at(20 + i);
      if ((await request(`${d.url}/api/v1/session`,
        { headers: { Cookie: s.cookie, 'X-Spk-Poll': '1' } })).status === 401) break;
    }
    assertError(await request(`${d.url}/api/v1/session`, { headers: { Cookie: s.cookie } }),
      401, 'not_logged_in');
  } finally {
    await stopChecked(d, tmp);
  }
});
