// The sample library's scenarios (issue #11, point 4), played over HTTP as a
// trainee would: every procedure (not a policy) is on offer at
// /staff/practice with at least three scenarios, and among them one the
// window accepts, one it returns for correction and, where the procedure
// has eligibility conditions, one it refuses. Each scenario is answered
// `accept` first; a wrong answer reveals what was expected, and the same
// scenario (the first not yet passed) is answered that way next, so every
// scenario is also shown to be playable and passable end to end.
// `spkiosk check procedures` (make check) proves each scenario against its
// procedure; this test sees them through the practice API itself.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  SAMPLE_TREE, addUser, authHeaders, getJSON, login, makeTmp, request, startDaemon, stopChecked,
} from './helpers.mjs';

const PW = 'correct-horse-9';
let daemon;
let tmp;
let staff;

before(async () => {
  tmp = makeTmp();
  const db = path.join(tmp, 'x.db');
  daemon = await startDaemon({ tree: SAMPLE_TREE, db });
  addUser(db, 'trainee', 'staff', PW);
  staff = await login(daemon.url, 'trainee', PW);
});
after(() => stopChecked(daemon, tmp));

const post = async (p, body) => {
  const r = await request(`${daemon.url}${p}`, {
    method: 'POST',
    headers: authHeaders(staff, { 'Content-Type': 'application/json' }),
    body: JSON.stringify(body),
  });
  return r;
};

// Plays every scenario of one item; returns {title: expected decision}.
async function playAll(id, n) {
  const seen = new Map();
  for (let round = 0; round < 2 * n + 2; round++) {
    const s = await post(`/api/v1/staff/practice/${id}`, {});
    assert.equal(s.status, 201, `${id}: ${s.text}`);
    const { title } = s.body.scenario;
    assert.ok(title && s.body.scenario.text, `${id}: a scenario has a title and a story`);
    const guess = seen.get(title)?.expected ?? { decision: 'accept', flags: [], condition: 0 };
    const a = await post(`/api/v1/staff/practice/${s.body.id}/answer`, {
      decision: guess.decision, flags: guess.flags ?? [], condition: guess.condition ?? 0,
    });
    assert.equal(a.status, 200, `${id} / ${title}: ${a.text}`);
    assert.ok(Array.isArray(a.body.explain) && a.body.explain.length > 0, `${id} / ${title}: says why`);
    if (seen.has(title)) {
      assert.equal(a.body.correct, true, `${id} / ${title}: the expected answer is right`);
      seen.get(title).passed = true;
    } else {
      seen.set(title, { expected: a.body.expected, passed: a.body.correct });
    }
    // the next start gives the first scenario not passed: done when all are
    if ([...seen.values()].every((v) => v.passed) && seen.size === n) break;
  }
  return seen;
}

describe('the sample library\'s practice scenarios', () => {
  it('every procedure has at least three playable scenarios: accept, return, and refuse where it has conditions', async () => {
    const list = await getJSON(`${daemon.url}/api/v1/procedures`);
    const offered = await request(`${daemon.url}/api/v1/staff/practice`, { headers: authHeaders(staff) });
    assert.equal(offered.status, 200, offered.text);
    const byId = new Map(offered.body.procedures.map((p) => [p.id, p]));
    let procedures = 0;
    for (const item of list.procedures) {
      const d = { body: await getJSON(`${daemon.url}/api/v1/procedures/${item.id}`) };
      if (d.body.kind !== 'procedure')
        continue;
      procedures++;
      const p = byId.get(item.id);
      assert.ok(p, `${item.id} (${d.body.title}) has no practice scenarios on offer`);
      assert.ok(p.scenarios >= 3, `${item.id}: ${p.scenarios} scenarios, at least 3 wanted`);
      const seen = await playAll(item.id, p.scenarios);
      assert.equal(seen.size, p.scenarios, `${item.id}: every scenario comes in turn`);
      for (const [title, v] of seen)
        assert.ok(v.passed, `${item.id} / ${title}: not passed with its expected answer`);
      const kinds = new Set([...seen.values()].map((v) => v.expected.decision));
      assert.ok(kinds.has('accept'), `${item.id}: no accept scenario`);
      assert.ok(kinds.has('return'), `${item.id}: no return scenario`);
      if (d.body.conditions.length > 0)
        assert.ok(kinds.has('refuse'), `${item.id}: has conditions but no refuse scenario`);
    }
    assert.ok(procedures >= 20, `only ${procedures} procedures in the sample library`);
    // every item now shows as passed for the trainee
    const after = await request(`${daemon.url}/api/v1/staff/practice`, { headers: authHeaders(staff) });
    for (const p of after.body.procedures)
      assert.ok(p.passed, `${p.id}: not passed after every scenario was answered right`);
  });
});
