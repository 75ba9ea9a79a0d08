// The list of missing papers printed before a number (所缺材料清单,
// GET /print/cases/{id}/missing?items=…) tells the resident: 带齐后，在自助机上
// 扫描下面的二维码，接着办理（已填写的内容会保留）. Found by a review: the case
// stayed `open`, so the sweep gave it up after an hour idle like any kiosk
// case left half-way, and the resident who came back with the papers the
// next day scanned the sheet to 这次办理已经结束 and a 409 on every step.
// Now the print keeps the case open for the retention period of a
// handed-in case (a `kept_open` event, once), and no longer. The hours
// pass by moving the case's updated_at back with the daemon stopped; the
// sweep runs at the start.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { makeTmp, rmTmp, startDaemon, request } from './helpers.mjs';
import { WINDOW_TREE } from './staff-helpers.mjs';

describe('a case whose list of missing papers was printed', () => {
  let tmp;
  let db;
  let daemon;
  const url = (p) => `${daemon.url}${p}`;
  const post = (p, body) => request(url(p), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const sql = (text) => execFileSync('sqlite3', [db, text], { encoding: 'utf8' }).trim();
  // the case idle since `ago` (an SQLite modifier), as the sweep at the
  // next start sees it
  const idle = async (ids, ago) => {
    await daemon.stop();
    sql(`UPDATE cases SET updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '${ago}')`
      + ` WHERE id IN (${ids.map((x) => `'${x}'`).join(', ')})`);
    daemon = await startDaemon({ tree: WINDOW_TREE, db });
  };
  // the start's sweep runs once the daemon listens: waits (a deadline, not
  // a measure) until it gave up `id`
  const abandoned = async (id) => {
    let st;
    for (let i = 0; i < 100; i++) {
      st = (await request(url(`/api/v1/cases/${id}`))).body.status;
      if (st === 'abandoned') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(st, 'abandoned');
  };
  // a resident at the first step without the 户口簿 (s0-1)
  const halfWay = async () => {
    const c = await post('/api/v1/cases', { procedure: 'residence', channel: 'kiosk' });
    assert.equal(c.status, 201, c.text);
    assert.equal((await post(`/api/v1/cases/${c.body.id}/conditions`, { confirmed: [true] })).status, 200);
    const s = await post(`/api/v1/cases/${c.body.id}/steps/0`, { checklist: { 's0-0': true } });
    assert.equal(s.status, 422, s.text);
    assert.deepEqual(s.body.checklist, ['s0-1']);
    return c.body.id;
  };

  before(async () => {
    tmp = makeTmp('spkiosk-missing-kept-');
    db = path.join(tmp, 'x.db');
    daemon = await startDaemon({ tree: WINDOW_TREE, db });
  });
  after(async () => {
    try {
      if (daemon) await daemon.stop();
    } finally {
      rmTmp(tmp);
    }
  });

  let kept;
  it('is there to go on with the next day; one left without a sheet is given up', async () => {
    kept = await halfWay();
    const left = await halfWay();
    for (let i = 0; i < 2; i++) {
      const sheet = await request(url(`/print/cases/${kept}/missing?items=s0-1`));
      assert.equal(sheet.status, 200, sheet.text);
      assert.match(sheet.text, /接着办理（已填写的内容会保留）/);
    }
    await idle([kept, left], '-20 hours');
    // the same pass of the sweep looked at both
    await abandoned(left);
    const back = await request(url(`/api/v1/cases/${kept}`));
    assert.equal(back.body.status, 'open', 'the sheet\'s case is still open');
    assert.equal(sql(`SELECT count(*) FROM case_events WHERE case_id = '${kept}' AND what = 'kept_open'`), '1',
      'one row however often it is printed');
    const go = await post(`/api/v1/cases/${kept}/steps/0`, { checklist: { 's0-0': true, 's0-1': true } });
    assert.equal(go.status, 200, go.text);
    assert.deepEqual(go.body.done, [0]);
  });

  it('is given up once the retention period of a handed-in case has passed', async () => {
    await idle([kept], '-100 days');
    await abandoned(kept);
  });
});
