// Abandonment and retention end to end: cases driven through the public API,
// their clock moved back with the sqlite3 shell while the daemon is stopped
// (an hour cannot pass in a test), then the sweep a start runs:
// - an open case idle for an hour is abandoned, where it stopped is counted;
// - with --retention-days 1 nothing a day old is erased yet;
// - with --retention-days 0 the values, ticks, rating comment, outcome and
//   ticket of completed and abandoned cases are gone, from the API and from
//   the database, while the statistics count them exactly as before;
// - while the daemon runs, the database file and its WAL lose every copy of
//   what was erased, also when a reader was in the middle of a read during
//   the erasure (the checkpoint is tried again once it lets go);
// - nothing typed and no case id reaches the log; the option is bounded.
// The closed case goes through the window for real: returned with a reason,
// handed in again, accepted, completed with an outcome.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  ROOT, BIN, startDaemon, stopChecked, makeTmp, request, getJSON, addUser, login, authHeaders,
  sleep,
} from './helpers.mjs';

const TREE = path.join(ROOT, 'tests', 'fixtures', 'cases', 'walk');
const NAME = '司马晓梅';
const ID = '11010519491231002X';
const NOTE = '住在三号楼二单元';
const COMMENT = '工作人员态度很好';
const OUTCOME = '已为司马晓梅办结';
const REASON = '司马晓梅的户口簿缺少首页';

// Runs SQL on the database with the sqlite3 shell; returns its output.
function sql(db, text) {
  const r = spawnSync('sqlite3', ['-bail', '-cmd', '.timeout 5000', db],
    { input: text, encoding: 'utf8' });
  assert.equal(r.error, undefined, `sqlite3 shell missing? (scripts/deps.sh test): ${r.error}`);
  assert.equal(r.status, 0, `sqlite3: ${r.stderr}`);
  return r.stdout.trim();
}

// A sqlite3 shell in the middle of a read transaction, as an HTTP worker
// may be: until release() its snapshot needs the pages the erasure replaces.
async function holdReader(db) {
  const p = spawn('sqlite3', ['-bail', db], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout.on('data', (b) => { out += b; });
  p.stderr.on('data', (b) => { err += b; });
  p.stdin.write("BEGIN; SELECT 'reading', COUNT(*) FROM case_values;\n");
  for (let i = 0; i < 200 && !out.includes('reading'); i++) await sleep(25);
  assert.match(out, /reading/, `sqlite3 reader: ${err}`);
  return {
    release: async () => {
      p.stdin.write("COMMIT; SELECT 'released';\n");
      for (let i = 0; i < 200 && !out.includes('released'); i++) await sleep(25);
      assert.match(out, /released/, `sqlite3 reader: ${err}`);
    },
    quit: () => new Promise((resolve) => { p.on('close', resolve); p.stdin.end('.quit\n'); }),
  };
}

// The secrets found in the database file or its WAL.
function secretsIn(db, secrets) {
  const found = [];
  for (const f of [db, `${db}-wal`]) {
    if (!fs.existsSync(f)) continue;
    const bytes = fs.readFileSync(f);
    for (const s of secrets) if (bytes.indexOf(Buffer.from(s)) !== -1) found.push(`${s} in ${path.basename(f)}`);
  }
  return found;
}

const iso = (msAgo) => new Date(Date.now() - msAgo).toISOString().replace(/\.\d{3}Z$/, 'Z');
const HOUR = 3600_000;

describe('abandonment and retention across restarts', () => {
  let tmp;
  let db;
  let d = null;
  const logs = [];
  const ids = {};

  const start = async (days) => {
    if (d) await stop();
    d = await startDaemon({ tree: TREE, db, args: ['--retention-days', String(days)] });
    return d;
  };
  const stop = async () => {
    const info = await d.stop();
    logs.push(d.stderr());
    assert.deepEqual({ code: info.code, signal: info.signal }, { code: 0, signal: null }, d.stderr());
    d = null;
  };
  const post = async (p, body, session = null) => {
    const r = await request(`${d.url}${p}`, {
      method: 'POST', body: JSON.stringify(body),
      headers: session ? authHeaders(session) : { 'Content-Type': 'application/json' },
    });
    assert.ok(r.status >= 200 && r.status < 300, `${p}: ${r.status} ${r.text}`);
    return r.body;
  };
  // the start's sweep runs right after the listening line; wait for its report
  const sweepLine = async () => {
    for (let i = 0; i < 100; i++) {
      const m = /spkiosk: sweep: (\d+) case\(s\) abandoned, (\d+) erased/.exec(d.stderr());
      if (m) return [Number(m[1]), Number(m[2])];
      await sleep(50);
    }
    assert.fail(`no sweep report in the log:\n${d.stderr()}`);
  };
  const stats = async () => {
    const s = await login(d.url, 'boss', 'boss-password-1');
    const r = await request(`${d.url}/api/v1/admin/stats?procedure=residence`,
      { headers: { Cookie: s.cookie } });
    assert.equal(r.status, 200, r.text);
    return r.body.procedures[0];
  };

  before(async () => {
    tmp = makeTmp();
    db = path.join(tmp, 'x.db');
    await start(30);
    addUser(db, 'boss', 'admin', 'boss-password-1');
    addUser(db, 'wang', 'staff', 'wang-password-1');
    const staff = await login(d.url, 'wang', 'wang-password-1');
    // idle: two steps done, then the resident walked away; rated with a comment
    const a = await post('/api/v1/cases', { procedure: 'residence' });
    await post(`/api/v1/cases/${a.id}/conditions`, { confirmed: [true, true, true] });
    await post(`/api/v1/cases/${a.id}/steps/0`, { checklist: { 's0-0': true, 's0-1': true } });
    await post(`/api/v1/cases/${a.id}/steps/1`,
      { fields: { name: NAME, id_number: ID, phone: '13800138000', note: NOTE } });
    await post(`/api/v1/cases/${a.id}/rating`, { score: 2, comment: COMMENT });
    // its complaint call-back done: an open one would hold the case's number
    // past retention until its own due date (sweep.c)
    const fl = await request(`${d.url}/api/v1/staff/followups`, { headers: { Cookie: staff.cookie } });
    const f = fl.body.followups.find((x) => x.case === a.id && x.kind === 'complaint');
    assert.ok(f, fl.text);
    await post(`/api/v1/staff/followups/${f.id}`, { result: 'satisfied', note: '已致电说明' }, staff);
    // done: handed in, returned with a reason, handed in again, completed
    const b = await post('/api/v1/cases', { procedure: 'residence' });
    await post(`/api/v1/cases/${b.id}/conditions`, { confirmed: [true, true, true] });
    await post(`/api/v1/cases/${b.id}/steps/0`, { checklist: { 's0-0': true, 's0-1': true } });
    await post(`/api/v1/cases/${b.id}/steps/1`,
      { fields: { name: NAME, id_number: ID, phone: '13800138000' } });
    await post(`/api/v1/cases/${b.id}/steps/2`, { checklist: { 's2-0': true } });
    await post(`/api/v1/cases/${b.id}/submit`, {});
    await post(`/api/v1/staff/cases/${b.id}/return`, { reason: REASON }, staff);
    await post(`/api/v1/cases/${b.id}/submit`, {});
    await post(`/api/v1/staff/cases/${b.id}/accept`, {}, staff);
    await post(`/api/v1/staff/cases/${b.id}/complete`, { outcome: OUTCOME }, staff);
    // fresh: open and active, at its second step; must stay as it is
    const c = await post('/api/v1/cases', { procedure: 'residence' });
    await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true, true] });
    await post(`/api/v1/cases/${c.id}/steps/0`, { checklist: { 's0-0': true, 's0-1': true } });
    Object.assign(ids, { idle: a.id, done: b.id, fresh: c.id });
    await stop();
    // two hours of silence for the idle case; the done one completed an hour ago
    sql(db, `UPDATE cases SET updated_at = '${iso(2 * HOUR)}' WHERE id = '${a.id}';
      UPDATE cases SET updated_at = '${iso(HOUR)}' WHERE id = '${b.id}';`);
  });
  after(async () => {
    if (d) await stop();
    await stopChecked(null, tmp);
  });

  it('a start with --retention-days 1: the idle case is abandoned, nothing is erased', async () => {
    await start(1);
    assert.deepEqual(await sweepLine(), [1, 0]);
    const a = await getJSON(`${d.url}/api/v1/cases/${ids.idle}`);
    assert.equal(a.status, 'abandoned');
    assert.equal(a.values.name, NAME);
    const fresh = await getJSON(`${d.url}/api/v1/cases/${ids.fresh}`);
    assert.equal(fresh.status, 'open');
    // given up when its hour ran out, at the step it was on
    assert.equal(sql(db, `SELECT step FROM case_events WHERE case_id = '${ids.idle}'
      AND what = 'abandoned'`), '2');
    const p = await stats();
    assert.deepEqual([p.started, p.submitted, p.completed, p.abandoned], [3, 1, 1, 1]);
    assert.deepEqual(p.give_up_step, { stage: 'step', step: 2, title: '确认信息', count: 1 });
    // the idle case was rated before any hand-in: kept apart from 满意率
    assert.deepEqual(p.ratings, { count: 1, average: 2, scores: [0, 1, 0, 0, 0],
      counted: { count: 0, average: null, good_rate: null, scores: [0, 0, 0, 0, 0] },
      apart: { staff: 0, not_handed_in: 1 } });
    assert.equal(sql(db, `SELECT COUNT(*) FROM cases WHERE erased_at IS NOT NULL`), '0');
    await stop();
  });

  let before0;
  it('a start with --retention-days 0 erases both closed cases; the open one keeps its data', async () => {
    const reader = await holdReader(db);
    try {
      await start(0);
      assert.deepEqual(await sweepLine(), [0, 2]);
      // the reader's snapshot still needs the old pages
      assert.notDeepEqual(secretsIn(db, [NAME]), [], 'the test must see what a reader keeps');
      await reader.release();
      // the daemon, still running, tries the checkpoint again: the copies go
      let left = [];
      for (let i = 0; i < 100; i++) {
        left = secretsIn(db, [NAME, ID, NOTE, COMMENT, OUTCOME, REASON]);
        if (left.length === 0) break;
        await sleep(100);
      }
      assert.deepEqual(left, [], 'erased values still in the files of a running daemon');
    } finally {
      await reader.quit();
    }
    for (const id of [ids.idle, ids.done]) {
      const c = await getJSON(`${d.url}/api/v1/cases/${id}`);
      assert.deepEqual(c.values, {}, `values of ${id}`);
      assert.deepEqual(c.checklist, {}, `ticks of ${id}`);
      assert.equal(c.ticket, null);
      assert.equal(c.returned_reason, null);
    }
    assert.equal((await getJSON(`${d.url}/api/v1/cases/${ids.idle}`)).status, 'abandoned');
    assert.equal((await getJSON(`${d.url}/api/v1/cases/${ids.done}`)).status, 'completed');
    assert.deepEqual((await getJSON(`${d.url}/api/v1/cases/${ids.fresh}`)).checklist,
      { 's0-0': true, 's0-1': true });
    before0 = await stats();
  });

  it('the case view at the window of an erased case: no values, outcome, reason or comment', async () => {
    const s = await login(d.url, 'wang', 'wang-password-1');
    const r = await request(`${d.url}/api/v1/staff/cases/${ids.done}`, { headers: { Cookie: s.cookie } });
    assert.equal(r.status, 200, r.text);
    const c = r.body;
    assert.equal(c.status, 'completed');
    assert.equal(c.outcome, null);
    assert.equal(c.returned_reason, null);
    assert.equal(c.ticket, null);
    for (const st of c.procedure_steps) for (const f of st.fields) assert.equal(f.value, null, f.key);
    assert.deepEqual(c.values, {}, 'no value in the public shape either');
    assert.deepEqual(c.checklist, {});
    assert.deepEqual(c.events.map((e) => e.what).filter((w) => ['returned', 'accepted', 'completed'].includes(w)),
      ['returned', 'accepted', 'completed'], 'the events stay');
    assert.ok(c.events.every((e) => e.detail === null), 'without their details');
    assert.ok(c.events.some((e) => e.user === 'wang'), 'with who did what');
    const idle = (await request(`${d.url}/api/v1/staff/cases/${ids.idle}`,
      { headers: { Cookie: s.cookie } })).body;
    assert.equal(idle.rating.score, 2);
    assert.ok(!idle.rating.comment, `comment ${JSON.stringify(idle.rating.comment)}`);
  });

  it('the database holds nothing typed for the erased cases, and keeps the figures', () => {
    const both = `('${ids.idle}', '${ids.done}')`;
    assert.equal(sql(db, `SELECT COUNT(*) FROM case_values WHERE case_id IN ${both}`), '0');
    assert.equal(sql(db, `SELECT COUNT(*) FROM case_checklist WHERE case_id IN ${both}`), '0');
    assert.equal(sql(db, `SELECT COUNT(*) FROM cases WHERE id IN ${both} AND erased_at IS NOT NULL
      AND outcome IS NULL AND ticket IS NULL AND returned_reason IS NULL`), '2');
    assert.equal(sql(db, `SELECT COUNT(*) FROM case_events WHERE case_id IN ${both}
      AND detail IS NOT NULL`), '0');
    assert.equal(sql(db, `SELECT score || '|' || comment FROM ratings WHERE case_id = '${ids.idle}'`), '2|');
    assert.equal(sql(db, `SELECT COUNT(*) FROM case_steps WHERE case_id IN ${both}`), '5');
    assert.equal(sql(db, `SELECT COUNT(*) FROM case_checklist WHERE case_id = '${ids.fresh}'`), '2');
  });

  it('the statistics count the erased cases as before', async () => {
    const p = before0;
    assert.deepEqual([p.started, p.submitted, p.completed, p.abandoned], [3, 1, 1, 1]);
    assert.deepEqual(p.give_up_step, { stage: 'step', step: 2, title: '确认信息', count: 1 });
    // the idle case was rated before any hand-in: kept apart from 满意率
    assert.deepEqual(p.ratings, { count: 1, average: 2, scores: [0, 1, 0, 0, 0],
      counted: { count: 0, average: null, good_rate: null, scores: [0, 0, 0, 0, 0] },
      apart: { staff: 0, not_handed_in: 1 } });
    assert.deepEqual(p.steps.map((s) => s.samples), [3, 2, 1]);
    await stop();
  });

  it('the database file itself holds nothing typed any more (secure_delete)', () => {
    for (const f of [db, `${db}-wal`]) {
      if (!fs.existsSync(f)) continue;
      const bytes = fs.readFileSync(f);
      for (const secret of [NAME, ID, NOTE, COMMENT, OUTCOME, REASON]) {
        assert.equal(bytes.indexOf(Buffer.from(secret)), -1, `${secret} in ${path.basename(f)}`);
      }
    }
  });

  it('no log line holds a typed value or a case id', () => {
    const log = logs.join('\n');
    assert.match(log, /spkiosk: sweep: 1 case\(s\) abandoned, 0 erased/);
    for (const secret of [NAME, ID, NOTE, COMMENT, OUTCOME, REASON, ...Object.values(ids)]) {
      assert.ok(!log.includes(secret), `${secret} in the log`);
    }
  });
});

describe('serve --retention-days', () => {
  it('takes 0 to 3650 days and says so otherwise', () => {
    for (const bad of ['-1', '3651', 'x', '', '1.5', '30d']) {
      const r = spawnSync(BIN, ['serve', '--retention-days', bad, '--listen', '127.0.0.1:0'],
        { encoding: 'utf8', timeout: 10_000 });
      assert.equal(r.status, 2, `--retention-days ${JSON.stringify(bad)}: ${r.stderr}`);
      assert.match(r.stderr, /--retention-days takes 0 to 3650/);
    }
    const help = spawnSync(BIN, ['serve', '--help'], { encoding: 'utf8' });
    assert.match(help.stdout, /--retention-days N/);
  });
});
