// A no-show is `abandoned`, so retention erases it like any closed case; a
// resident who turns up after that cannot be served from an empty case:
// accepting it is 409 `erased` (before the erasure it is accepted; see
// staff.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  startDaemon, stopChecked, makeTmp, request, addUser, login, authHeaders, assertError,
} from './helpers.mjs';
import { WINDOW_TREE, residentCase } from './staff-helpers.mjs';

test('a no-show erased by retention cannot be accepted', async () => {
  const tmp = makeTmp();
  const db = path.join(tmp, 'x.db');
  const args = ['--retention-days', '0'];
  addUser(db, 'wang', 'staff', 'wang-password-1');
  let d = await startDaemon({ tree: WINDOW_TREE, db, args });
  try {
    const h = {
      post: (p, body, headers = {}) => request(`${d.url}${p}`, {
        method: 'POST', headers: { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    };
    const s = await login(d.url, 'wang', 'wang-password-1');
    const c = await residentCase(h);
    const move = (what) => request(`${d.url}/api/v1/staff/cases/${c.id}/${what}`,
      { method: 'POST', headers: authHeaders(s), body: '{}' });
    assert.equal((await move('call')).status, 200);
    assert.equal((await move('no-show')).status, 200);
    // the sweep runs at start: with 0 days a case closed before that second
    // is erased at once (times are kept to the second)
    await new Promise((r) => setTimeout(r, 1100));
    await d.stop();
    d = await startDaemon({ tree: WINDOW_TREE, db, args });
    for (let i = 0; i < 100 && !/sweep: .*1 erased/.test(d.stderr()); i++)
      await new Promise((r) => setTimeout(r, 50));
    assert.match(d.stderr(), /sweep: .*1 erased/);
    assertError(await move('accept'), 409, 'erased');
    const view = await request(`${d.url}/api/v1/staff/cases/${c.id}`, { headers: { Cookie: s.cookie } });
    assert.equal(view.status, 200);
    assert.equal(view.body.status, 'abandoned');
  } finally {
    await stopChecked(d, tmp);
  }
});
