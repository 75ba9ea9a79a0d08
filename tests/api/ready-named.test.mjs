// 待领取 by name: POST /api/v1/staff/ready/search {"name"} (ours; a POST so
// that the name is in no address: a proxy's access log keeps those). A resident comes
// back for a certificate days later without the slip and gives their name;
// the staff page's lists carry no names (they are seen over a staffer's
// shoulder), so the page could find the case by the ID number's last four
// only. The route answers the ready cases of which a text field holds
// exactly that name, as queue entries (the name itself is never in the
// answer nor in the log). Over the sample library's 残疾人证 (pickup: yes).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { SAMPLE_TREE, assertError, request } from './helpers.mjs';
import { useWindow } from './staff-helpers.mjs';

const h = useWindow({ tree: SAMPLE_TREE });
const PROC = 'disability-certificate';

// An ID number of 17 digits with its check character (GB 11643).
function cnId(d17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...d17].reduce((a, c, i) => a + Number(c) * w[i], 0);
  return d17 + '10X98765432'[sum % 11];
}

async function ok(r, what) {
  assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${r.text}`);
  return r.body;
}

// A 残疾人证 case of name and ID number, handed in and accepted; with
// ready, passed along its chain and done (待领取). Returns its id.
async function disabilityCase(name, idNumber, { ready = true } = {}) {
  const P = await ok(await h.get(`/api/v1/procedures/${PROC}`), 'procedure');
  const id = (await ok(await h.post('/api/v1/cases', { procedure: PROC, channel: 'kiosk' }), 'create')).id;
  await ok(await h.post(`/api/v1/cases/${id}/conditions`, { confirmed: P.conditions.map(() => true) }), 'conditions');
  const answers = { category: '肢体', guardian_apply: 'no', name, id_number: idNumber,
    mobile: '13800138000', address: '幸福路12号3单元401室' };
  for (const [n, s] of P.steps.entries()) {
    if (s.if) continue;
    const body = {};
    if (s.fields.length) body.fields = Object.fromEntries(s.fields.filter((f) => !f.if).map((f) => [f.key, answers[f.key]]));
    if (s.checklist.length) body.checklist = Object.fromEntries(s.checklist.map((i) => [i.id, true]));
    await ok(await h.post(`/api/v1/cases/${id}/steps/${n}`, body), `step ${n}`);
  }
  await ok(await h.post(`/api/v1/cases/${id}/submit`), 'submit');
  await ok(await h.spost(`/api/v1/staff/cases/${id}/accept`), 'accept');
  if (!ready) return id;
  await ok(await h.spost(`/api/v1/staff/cases/${id}/pass`, { note: '已发评定表' }), 'pass 1');
  await ok(await h.spost(`/api/v1/staff/cases/${id}/pass`, { note: '评定为肢体三级' }), 'pass 2');
  assert.equal((await ok(await h.spost(`/api/v1/staff/cases/${id}/complete`, { outcome: '残疾人证已送回社区' }), 'complete')).status, 'ready');
  return id;
}

describe('POST /api/v1/staff/ready/search', () => {
  let zhang, li, older;
  before(async () => {
    older = await disabilityCase('张晓梅', '11010519491231002X');
    li = await disabilityCase('李秀英', cnId('11010519500315002'));
    zhang = await disabilityCase('张晓梅', cnId('11010519520617002'));
    // the same name, accepted but not done: not waiting to be collected
    await disabilityCase('张晓梅', cnId('11010519530701004'), { ready: false });
  });

  const named = (name) => h.spost('/api/v1/staff/ready/search', { name });

  it('answers the ready cases of that name, first done first, as queue entries', async () => {
    const r = await named('张晓梅');
    assert.equal(r.status, 200, r.text);
    // the queue's order (ready_at to the second, then id: cases done within
    // the same second, as here, come by id) and its entries
    const q = await ok(await h.sget('/api/v1/staff/queue'), 'queue');
    const mine = q.ready.filter((e) => e.id === older || e.id === zhang);
    assert.equal(mine.length, 2);
    assert.deepEqual(r.body.ready, mine, 'the entries the queue lists, in its order');
    assert.ok(mine[0].ready_at <= mine[1].ready_at, 'first done first');
    assert.deepEqual(r.body.ready.map((e) => e.ids.map((x) => x.value)).sort(),
      [['**************002X'], ['**************' + cnId('11010519520617002').slice(-4)]].sort());
    assert.ok(!r.text.includes('张晓梅'), 'the answer never carries the name');
  });

  it('the name as the resident wrote it: trimmed, whole, of a text field', async () => {
    assert.deepEqual((await ok(await named(' 李秀英\u3000'), 'padded')).ready.map((e) => e.id), [li]);
    assert.deepEqual((await ok(await named('张晓'), 'part of a name')).ready, []);
    assert.deepEqual((await ok(await named('王芳'), 'nobody')).ready, []);
    // 肢体 is the answer of a choice (残疾类别), not a name
    assert.deepEqual((await ok(await named('肢体'), 'a choice')).ready, []);
  });

  it('a case handed out leaves the answer', async () => {
    await ok(await h.spost(`/api/v1/staff/cases/${older}/handout`), 'handout');
    assert.deepEqual((await ok(await named('张晓梅'), 'after')).ready.map((e) => e.id), [zhang]);
  });

  it('no name, a blank one, one too long or not text: 422 bad_name, in Chinese', async () => {
    for (const body of [{}, { name: '' }, { name: ' \u3000' }, { name: '张'.repeat(86) }, { name: 5 }, { name: null }]) {
      const r = await h.spost('/api/v1/staff/ready/search', body);
      assertError(r, 422, 'bad_name', JSON.stringify(body));
      assert.match(r.body.error.message, /姓名/);
    }
    // 85 characters (255 bytes) are still a name to look up
    assert.deepEqual((await ok(await named('张'.repeat(85)), 'long')).ready, []);
  });

  it('no name in an address: the GET of its first day is gone', async () => {
    assert.equal((await h.sget('/api/v1/staff/ready?name=' + encodeURIComponent('张晓梅'))).status, 404);
  });

  it('staff only; the log holds the path, never the name', async () => {
    assertError(await request(h.url('/api/v1/staff/ready/search'), {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: '张晓梅' }),
    }), 401, 'not_logged_in');
    assert.ok(!h.ctx.daemon.stderr().includes('张晓梅'), 'the name is in the log');
    assert.ok(!h.ctx.daemon.stderr().includes(encodeURIComponent('张晓梅')), 'the name is in the log, encoded');
  });
});
