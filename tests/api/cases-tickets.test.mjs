// Tickets: numbered per day from A001, unique and increasing, and stored, so
// a restart on the same database goes on from the last one; cases survive a
// restart. Over tests/fixtures/cases/walk (simple.md: no conditions, one step).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, startDaemon, makeTmp, rmTmp, request, getJSON, assertError } from './helpers.mjs';

const TREE = path.join(ROOT, 'tests', 'fixtures', 'cases', 'walk');

describe('tickets across a restart', () => {
  let tmp, db, d = null;
  before(() => {
    tmp = makeTmp();
    db = path.join(tmp, 'x.db');
  });
  after(async () => {
    try {
      if (d) await d.stop('SIGKILL');
    } finally {
      rmTmp(tmp);
    }
  });

  const post = (p, body) => request(`${d.url}${p}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  async function finished() {
    const c = await post('/api/v1/cases', { procedure: 'simple' });
    assert.equal(c.status, 201, c.text);
    const s = await post(`/api/v1/cases/${c.body.id}/steps/0`, { checklist: { 's0-0': true } });
    assert.equal(s.status, 200, s.text);
    return c.body.id;
  }
  async function submit(id) {
    const r = await post(`/api/v1/cases/${id}/submit`, {});
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'waiting');
    return r.body.ticket;
  }
  async function stop() {
    const info = await d.stop();
    assert.deepEqual({ code: info.code, signal: info.signal }, { code: 0, signal: null }, d.stderr());
    d = null;
  }

  const ids = [];
  it('the first two submitted cases of the day get A001 and A002', async () => {
    d = await startDaemon({ tree: TREE, db });
    ids.push(await finished(), await finished(), await finished());
    // submitted in another order than created: tickets follow submission
    assert.equal(await submit(ids[1]), 'A001');
    assert.equal(await submit(ids[0]), 'A002');
    assertError(await post(`/api/v1/cases/${ids[0]}/submit`, {}), 409, 'already_submitted');
    await stop();
  });

  it('after a restart on the same database the next ticket is A003', async () => {
    d = await startDaemon({ tree: TREE, db });
    // a case finished before the restart is submitted after it
    assert.equal(await submit(ids[2]), 'A003');
    const another = await finished();
    assert.equal(await submit(another), 'A004');
    ids.push(another);
  });

  it('the cases and their tickets survived the restart', async () => {
    const tickets = [];
    for (const id of ids) {
      const g = await getJSON(`${d.url}/api/v1/cases/${id}`);
      assert.equal(g.id, id);
      assert.equal(g.status, 'waiting');
      tickets.push(g.ticket);
    }
    assert.deepEqual(tickets, ['A002', 'A001', 'A003', 'A004']);
  });

  it('concurrent submits get distinct, consecutive tickets', async () => {
    const batch = [];
    for (let i = 0; i < 12; i++) batch.push(await finished());
    const rs = await Promise.all(batch.map((id) => post(`/api/v1/cases/${id}/submit`, {})));
    for (const r of rs) assert.equal(r.status, 200, r.text);
    const got = rs.map((r) => r.body.ticket).sort();
    const want = Array.from({ length: 12 }, (_, i) => `A${String(i + 5).padStart(3, '0')}`);
    assert.deepEqual(got, want);
  });

  it('one case submitted many times at once gets one ticket', async () => {
    const id = await finished();
    const rs = await Promise.all(Array.from({ length: 8 }, () => post(`/api/v1/cases/${id}/submit`, {})));
    const oks = rs.filter((r) => r.status === 200);
    assert.equal(oks.length, 1, rs.map((r) => `${r.status} ${r.text}`).join('\n'));
    assert.equal(oks[0].body.ticket, 'A017');
    for (const r of rs.filter((x) => x.status !== 200)) assertError(r, 409, 'already_submitted');
    assert.equal((await getJSON(`${d.url}/api/v1/cases/${id}`)).ticket, 'A017');
  });

  it('one case rated many times at once keeps one rating', async () => {
    const id = ids[0];
    const rs = await Promise.all([1, 2, 3, 4, 5, 1, 2, 3].map((score) =>
      post(`/api/v1/cases/${id}/rating`, { score })));
    const oks = rs.filter((r) => r.status === 204);
    assert.equal(oks.length, 1, rs.map((r) => `${r.status} ${r.text}`).join('\n'));
    for (const r of rs.filter((x) => x.status !== 204)) assertError(r, 409, 'already_rated');
    const g = await getJSON(`${d.url}/api/v1/cases/${id}`);
    assert.ok(g.rating >= 1 && g.rating <= 5);
    await stop();
  });
});

describe('after A999 comes B001', () => {
  let tmp, d = null;
  before(() => { tmp = makeTmp(); });
  after(async () => {
    try {
      if (d) await d.stop('SIGKILL');
    } finally {
      rmTmp(tmp);
    }
  });

  it('1000 submissions: A001 … A999, then B001', async () => {
    // a thousand cases from one address: past the public's quota (quota.h)
    d = await startDaemon({ tree: TREE, db: path.join(tmp, 'x.db'),
      args: ['--case-quota', '1100/1000,1100/1000'] });
    const post = (p, body) => request(`${d.url}${p}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const one = async () => {
      const c = await post('/api/v1/cases', { procedure: 'simple' });
      assert.equal(c.status, 201, c.text);
      const s = await post(`/api/v1/cases/${c.body.id}/steps/0`, { checklist: { 's0-0': true } });
      assert.equal(s.status, 200, s.text);
      const r = await post(`/api/v1/cases/${c.body.id}/submit`, {});
      assert.equal(r.status, 200, r.text);
      return r.body.ticket;
    };
    const tickets = [];
    for (let i = 0; i < 999; i += 37) {
      const n = Math.min(37, 999 - i);
      tickets.push(...await Promise.all(Array.from({ length: n }, one)));
    }
    const want = Array.from({ length: 999 }, (_, i) => `A${String(i + 1).padStart(3, '0')}`);
    assert.deepEqual([...tickets].sort(), want);
    assert.equal(await one(), 'B001');
    assert.equal(await one(), 'B002');
    const info = await d.stop();
    assert.equal(info.code, 0, d.stderr().slice(-2000));
    d = null;
  });
});
