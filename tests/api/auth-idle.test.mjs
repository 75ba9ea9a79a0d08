// A staff page's timers do not keep its session alive (issue #12, item 6):
// requests marked X-Spk-Poll: 1 (the queue's refresh every 5 s) leave the
// idle clock alone, so a session polled past --session-idle ends (401),
// while one a person uses lives on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startDaemon, makeTmp, stopChecked, request, assertError, addUser, login, sleep } from './helpers.mjs';

test('a session polled by the page past the idle limit ends; one in use does not', async () => {
  const tmp = makeTmp();
  const db = path.join(tmp, 'x.db');
  addUser(db, 'ma', 'staff', 'ma-pass-123');
  addUser(db, 'li', 'staff', 'li-pass-123');
  const d = await startDaemon({ db, args: ['--session-idle', '3'] });
  try {
    const polled = await login(d.url, 'ma', 'ma-pass-123');
    const used = await login(d.url, 'li', 'li-pass-123');
    const queue = (s, headers = {}) =>
      request(`${d.url}/api/v1/staff/queue`, { headers: { Cookie: s.cookie, ...headers } });
    const statuses = [];
    // every half second for 6 s: twice the limit
    for (let i = 0; i < 12; i++) {
      statuses.push((await queue(polled, { 'X-Spk-Poll': '1' })).status);
      assert.equal((await queue(used)).status, 200, `request ${i} of the session in use`);
      await sleep(500);
    }
    assert.equal(statuses[0], 200, 'live at first');
    assert.ok(statuses.includes(401), `the polled session ended: ${statuses}`);
    assert.equal(statuses.lastIndexOf(200) < statuses.indexOf(401), true,
      `once ended it stays ended: ${statuses}`);
    assertError(await queue(polled), 401, 'not_logged_in');
    // the session route, polled, does not extend it either
    const s = await login(d.url, 'ma', 'ma-pass-123');
    const body = (await request(`${d.url}/api/v1/session`, { headers: { Cookie: s.cookie } })).body;
    assert.equal(body.idle, 3, 'the page learns the limit');
    for (let i = 0; i < 10; i++) {
      await sleep(500);
      if ((await request(`${d.url}/api/v1/session`,
        { headers: { Cookie: s.cookie, 'X-Spk-Poll': '1' } })).status === 401) break;
    }
    assertError(await request(`${d.url}/api/v1/session`, { headers: { Cookie: s.cookie } }),
      401, 'not_logged_in');
  } finally {
    await stopChecked(d, tmp);
  }
});
