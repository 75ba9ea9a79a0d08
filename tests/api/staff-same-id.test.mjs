// The staff queue flags waiting cases that carry the same ID number
// ("same_id": {"group","count"}), without ever listing the number: a
// resident who drew two tickets, or an agent queuing for several people.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useWindow, residentCase, ID, AGENT_ID } from './staff-helpers.mjs';

const h = useWindow();
const OTHER = '110102198506150031';
const ALONE = '320106197001011239';

describe('GET /api/v1/staff/queue: the same ID number in two waiting cases', () => {
  it('groups them, numbered in queue order, and lists no number', async () => {
    const lone = await residentCase(h, { idNumber: ALONE });
    const a = await residentCase(h);                                   // ID
    const b = await residentCase(h, { idNumber: AGENT_ID });
    const c = await residentCase(h);                                   // ID again
    // applicant OTHER, agent AGENT_ID: b's applicant is d's agent
    const d = await residentCase(h, { proxy: 'yes', idNumber: OTHER });
    const r = await h.sget('/api/v1/staff/queue');
    assert.equal(r.status, 200);
    const by = Object.fromEntries(r.body.queue.map((x) => [x.id, x.same_id]));
    assert.equal(by[lone.id], null);
    assert.deepEqual(by[a.id], { group: 1, count: 2 });
    assert.deepEqual(by[c.id], { group: 1, count: 2 });
    assert.deepEqual(by[b.id], { group: 2, count: 2 });
    assert.deepEqual(by[d.id], { group: 2, count: 2 });
    for (const n of [ID, AGENT_ID, OTHER, ALONE])
      assert.ok(!r.text.includes(n), 'no full ID number in the queue');
  });

  it('drops the flag once the other case leaves the queue', async () => {
    const q = (await h.sget('/api/v1/staff/queue')).body.queue;
    const first = q.find((x) => x.same_id && x.same_id.group === 1);
    const acc = await h.spost(`/api/v1/staff/cases/${first.id}/accept`);
    assert.equal(acc.status, 200, acc.text);
    const after = (await h.sget('/api/v1/staff/queue')).body.queue;
    const other = q.find((x) => x.same_id && x.same_id.group === 1 && x.id !== first.id);
    assert.equal(after.find((x) => x.id === other.id).same_id, null);
    // the remaining pair is now the first group
    assert.ok(after.filter((x) => x.same_id).every((x) => x.same_id.group === 1));
  });

  it('counts the first case of the queue too', async () => {
    // the lone case leaves: the head of the queue is now one of a pair
    const q = (await h.sget('/api/v1/staff/queue')).body.queue;
    assert.equal(q[0].same_id, null);
    const acc = await h.spost(`/api/v1/staff/cases/${q[0].id}/accept`);
    assert.equal(acc.status, 200, acc.text);
    const after = (await h.sget('/api/v1/staff/queue')).body.queue;
    assert.deepEqual(after[0].same_id, { group: 1, count: 2 });
    assert.equal(after.filter((x) => x.same_id).length, 2);
  });
});
