// The correction notice (补正告知单) promises 当天排队号不变 (submitted again
// the same day, the ticket stays) only when it is true: the case holds a
// ticket of today. A case accepted days ago and returned from the back
// office holds an earlier day's ticket, and one returned from a home visit
// or online pre-review holds none; submitted again, each draws a new
// number, so the promise was wrong on their notices.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { writeTree, stoppedClockFor } from './helpers.mjs';
import { useWindow } from './staff-helpers.mjs';

const PROC = '---\nversion: 2026-01-01\nphone: 0535-7654321\nvisit: yes\n---\n# 高龄津贴\n\n简介。\n\n'
  + '## 第一步：准备\n- [ ] 身份证\n';

// The daemon's clock stands still at the instant this file was loaded, in
// this process's zone (the daemon's): today below is its today for the whole
// run. On a running clock a run begun just before midnight drew the new
// ticket on the next day, or had the visit for today refused as past
// (forced with faketime: ticket_day '2026-12-06' against '2026-12-07', and
// a 422). Without libfaketime it runs on the real clock and may fail so.
const NOW = new Date();
const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const TODAY = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(NOW);
const today = () => TODAY;

const h = useWindow({
  env: stoppedClockFor(NOW, ZONE),
  tree: (tmp) => writeTree(path.join(tmp, 'p'), { 'a/README.md': '# 甲\n\n甲。\n', 'a/aid.md': PROC }),
});
const sql = (q) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', path.join(h.ctx.tmp, 'x.db')],
  { input: q, encoding: 'utf8' });

async function handedIn(body) {
  const c = await h.post('/api/v1/cases', { procedure: 'aid', channel: 'kiosk' });
  assert.equal(c.status, 201, c.text);
  assert.equal((await h.post(`/api/v1/cases/${c.body.id}/steps/0`, { checklist: { 's0-0': true } })).status, 200);
  const s = await h.post(`/api/v1/cases/${c.body.id}/submit`, body);
  assert.equal(s.status, 200, s.text);
  return { id: c.body.id, ticket: s.body.ticket };
}

async function notice(id) {
  assert.equal((await h.spost(`/api/v1/staff/cases/${id}/return`, { reason: '身份证复印件不清楚' })).status, 200);
  const r = await h.sget(`/print/staff/cases/${id}/correction`);
  assert.equal(r.status, 200, r.text);
  return r.text;
}

describe('the correction notice and the ticket', () => {
  it('a ticket of today: submitted again today, it stays', async () => {
    const c = await handedIn();
    assert.match(await notice(c.id), /当天排队号不变/);
  });

  it('an earlier day\'s ticket (accepted days ago, returned from the back office): no such promise', async () => {
    const c = await handedIn();
    assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/accept`)).status, 200);
    sql(`UPDATE cases SET ticket_day = '2020-01-02' WHERE id = '${c.id}';`);
    const t = await notice(c.id);
    assert.ok(t.includes(c.ticket), 'the ticket still names the case');
    assert.doesNotMatch(t, /排队号不变/);
    assert.match(t, /新的排队号/);
    // and it is so: submitted again today, it draws today's next number
    const s = await h.post(`/api/v1/cases/${c.id}/submit`);
    assert.equal(s.status, 200, s.text);
    const v = await h.sget(`/api/v1/staff/cases/${c.id}`);
    assert.equal(v.body.ticket_day, today());
  });

  it('no ticket (a home visit returned at the home): no such promise', async () => {
    const c = await handedIn({ visit: { date: today(), slot: '上午', address: '幸福路1号', phone: '13800138000' } });
    assert.equal(c.ticket, undefined);
    const t = await notice(c.id);
    assert.doesNotMatch(t, /排队号不变/);
  });
});
