// The street office's district database (issue #14 item 5): a real
// PostgreSQL 15 started by the test (initdb and pg_ctl in a temporary
// folder, a unix socket there, no TCP, as nobody when run as root since
// postgres refuses root), contrib/district/schema.sql and views.sql, then
// two halls' exports loaded with contrib/district/load.sh, and the views'
// figures checked exactly; a second load of the same files changes
// nothing, a file with a foreign header is refused whole.
//
// The exports are real: two daemons get known cases through the HTTP API
// (one stage made late in the database) and `spkiosk export` writes them.
// Skipped, with the reason printed, only when PostgreSQL 15 is not
// installed (scripts/deps.sh test installs it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  BIN, ROOT, addUser, authHeaders, login, makeTmp, request, rmTmp, startDaemon, stopChecked, userCmd, writeTree,
  stoppedClockFor,
} from '../api/helpers.mjs';

const PGBIN = '/usr/lib/postgresql/15/bin';
const CONTRIB = path.join(ROOT, 'contrib', 'district');
const HALL_A = '东湖社区';
const HALL_B = '西湖社区, "二厅"'; // a comma and quotes: the CSV's quoting on the way in

const skipReason = fs.existsSync(path.join(PGBIN, 'initdb')) && fs.existsSync(path.join(PGBIN, 'pg_ctl'))
  ? null : `PostgreSQL 15 is not installed (${PGBIN}/initdb); scripts/deps.sh test installs it`;
if (skipReason) console.log(`# district test skipped: ${skipReason}`);

// ---- the halls' cases ----------------------------------------------------

const POSTS = '# 岗位\n\n- window 综合窗口\n- civil 民政专干\n';
const FORM = '```form\nname | 姓名 | text | required\nmobile | 手机号码 | cn_mobile | required\n```';
const QUICK = `---\ntime_limit: 即办\n---\n# 当场办理\n\n简介。\n\n## 办理流程\n当场。\n\n\`\`\`chain
handle | 当场办理 | window | 0
\`\`\`\n\n## 第一步：信息\n${FORM}\n`;
const TWO = `---\ntime_limit: 4个工作日\n---\n# 两级审核\n\n简介。\n\n## 办理流程\n两级。\n\n\`\`\`chain
accept | 社区受理 | window | 1
review | 民政审核 | civil | 3
\`\`\`\n\n## 第一步：信息\n${FORM}\n`;

const localDate = (d) => {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
};

// The halls' daemons' clock stands still at the instant this file was
// loaded, in this process's zone (theirs): each hall's day is one day. On a
// running clock a hall whose script ran across midnight had a case begun on
// one day and rejected on the next, two rows where the tests count on one
// (forced with a sleep to 3 ms before midnight under faketime: 'a later
// export of a day replaces that hall's day' and the test after it failed).
// Without libfaketime they run on the real clock and may fail so.
const NOW = new Date();
const HALL_ENV = stoppedClockFor(NOW, Intl.DateTimeFormat().resolvedOptions().timeZone);

// Runs script(hall) against a fresh daemon and returns its export as CSV.
async function hallExport(name, script) {
  const tmp = makeTmp('spkiosk-district-');
  const db = path.join(tmp, 'x.db');
  const tree = writeTree(path.join(tmp, 'tree'),
    { '_posts.md': POSTS, 'hall/README.md': '# 大厅\n\n事项。\n', 'hall/quick.md': QUICK, 'hall/two.md': TWO });
  addUser(db, 'wang', 'staff', 'wang-password-1');
  assert.equal(userCmd(['posts', 'wang', 'window,civil', '--db', db]).status, 0);
  const d = await startDaemon({ tree, db, env: HALL_ENV });
  try {
    const wang = await login(d.url, 'wang', 'wang-password-1');
    const post = (p, body, s = null) => request(`${d.url}${p}`, {
      method: 'POST', headers: s ? authHeaders(s) : { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
    const hall = {
      async handIn(procedure, channel, submit = true) {
        const c = await post('/api/v1/cases', { procedure, channel });
        assert.equal(c.status, 201, c.text);
        const s = await post(`/api/v1/cases/${c.body.id}/steps/0`, { fields: { name: '张三', mobile: '13912345678' } });
        assert.equal(s.status, 200, s.text);
        if (submit) assert.equal((await post(`/api/v1/cases/${c.body.id}/submit`)).status, 200);
        return c.body.id;
      },
      async move(id, what, body = {}) {
        const r = await post(`/api/v1/staff/cases/${id}/${what}`, body, wang);
        assert.equal(r.status, 200, `${what}: ${r.text}`);
      },
      async rate(id, score) {
        const r = await post(`/api/v1/cases/${id}/rating`, { score });
        assert.equal(r.status, 204, r.text);
      },
      // from wang's browser (the session's cookie): kept out of 满意率
      async rateAsStaff(id, score) {
        const r = await request(`${d.url}/api/v1/cases/${id}/rating`, { method: 'POST',
          headers: { 'content-type': 'application/json', Cookie: wang.cookie }, body: JSON.stringify({ score }) });
        assert.equal(r.status, 204, r.text);
      },
      // the stage's due date moved into the past: passing it now is late
      late(id) {
        execFileSync('sqlite3', [db, `UPDATE case_stages SET due = '2000-01-01' WHERE case_id = '${id}'`]);
      },
    };
    await script(hall);
    const since = localDate(new Date(NOW.getTime() - 86_400_000));
    const x = spawnSync(BIN, ['export', '--db', db, '--since', since, '--format', 'csv', '--hall', name],
      { encoding: 'utf8' });
    assert.equal(x.status, 0, x.stderr);
    return x.stdout;
  } finally {
    await stopChecked(d, tmp);
  }
}

// 东湖: quick — 3 at the kiosk, all handed in, 2 completed (one late), rated
// 5 and 2, the third rated 3 from wang's browser; 1 on the website, not
// handed in, rated 1. two — 1 at the window, its first stage passed on time.
async function eastLake(h) {
  const k = [await h.handIn('quick', 'kiosk'), await h.handIn('quick', 'kiosk'), await h.handIn('quick', 'kiosk')];
  await h.move(k[0], 'accept');
  await h.move(k[0], 'complete', { outcome: '已办结' });
  await h.move(k[1], 'accept');
  h.late(k[1]);
  await h.move(k[1], 'complete', { outcome: '已办结' });
  await h.rate(k[0], 5);
  await h.rate(k[1], 2);
  await h.rateAsStaff(k[2], 3);
  await h.rate(await h.handIn('quick', 'web', false), 1);
  const t = await h.handIn('two', 'window');
  await h.move(t, 'accept');
  await h.move(t, 'pass', { stage: 'accept' });
}

// 西湖: quick — 2 at the window, both completed on time, one rated 4. two —
// 1 at the kiosk, accepted then rejected.
async function westLake(h) {
  const w = [await h.handIn('quick', 'window'), await h.handIn('quick', 'window')];
  for (const id of w) {
    await h.move(id, 'accept');
    await h.move(id, 'complete', { outcome: '已办结' });
  }
  await h.rate(w[0], 4);
  const t = await h.handIn('two', 'kiosk');
  await h.move(t, 'accept');
  await h.move(t, 'reject', { reason: '材料不符' });
}

// ---- PostgreSQL ------------------------------------------------------------

const asRoot = process.getuid && process.getuid() === 0;
const PG_USER = 'district';

describe('the district database in PostgreSQL', { skip: skipReason ?? false }, () => {
  const pg = {};
  const env = () => ({ ...process.env, PGHOST: pg.sock, PGUSER: PG_USER, PGDATABASE: 'postgres', PGCONNECT_TIMEOUT: '10' });
  // postgres refuses to run as root: as nobody then, in a folder it owns
  const server = (cmd, args) => (asRoot
    ? execFileSync('runuser', ['-u', 'nobody', '--', path.join(PGBIN, cmd), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    : execFileSync(path.join(PGBIN, cmd), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  const psql = (...args) => execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...args],
    { env: env(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  // a query's rows as objects (psql's JSON, so types are PostgreSQL's own)
  const rows = (sql) => JSON.parse(psql('-A', '-t', '-c', `SELECT coalesce(json_agg(q), '[]') FROM (${sql}) q`));
  const load = (...files) => spawnSync(path.join(CONTRIB, 'load.sh'), files, { env: env(), encoding: 'utf8' });

  before(async () => {
    pg.tmp = makeTmp('spkiosk-pg-');
    pg.data = path.join(pg.tmp, 'data');
    pg.sock = pg.tmp;
    if (asRoot) execFileSync('chown', ['-R', 'nobody', pg.tmp]);
    server('initdb', ['-D', pg.data, '-U', PG_USER, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    server('pg_ctl', ['-D', pg.data, '-w', '-t', '60', '-l', path.join(pg.tmp, 'log'), '-o',
      `-c listen_addresses='' -c unix_socket_directories='${pg.sock}' -c fsync=off`, 'start']);
    pg.started = true;
    psql('-f', path.join(CONTRIB, 'schema.sql'));
    psql('-f', path.join(CONTRIB, 'views.sql'));

    pg.exports = path.join(pg.tmp, 'exports');
    fs.mkdirSync(pg.exports);
    if (asRoot) execFileSync('chown', ['nobody', pg.exports]);
    pg.a = path.join(pg.exports, 'east.csv');
    pg.b = path.join(pg.exports, 'west.csv');
    fs.writeFileSync(pg.a, await hallExport(HALL_A, eastLake));
    fs.writeFileSync(pg.b, await hallExport(HALL_B, westLake));
  });

  after(() => {
    try {
      if (pg.started) server('pg_ctl', ['-D', pg.data, '-w', '-m', 'fast', 'stop']);
    } finally {
      rmTmp(pg.tmp);
    }
  });

  const cases = () => rows('SELECT hall, procedure, created, submitted, completed, rejected, abandoned FROM district_cases ORDER BY hall, procedure');
  const onTime = () => rows('SELECT hall, stages_done, on_time, late, on_time_rate FROM district_on_time ORDER BY hall');
  const ratings = () => rows('SELECT * FROM district_ratings ORDER BY hall');
  const WANT_CASES = [
    { hall: HALL_A, procedure: 'quick', created: 4, submitted: 3, completed: 2, rejected: 0, abandoned: 0 },
    { hall: HALL_A, procedure: 'two', created: 1, submitted: 1, completed: 0, rejected: 0, abandoned: 0 },
    { hall: HALL_B, procedure: 'quick', created: 2, submitted: 2, completed: 2, rejected: 0, abandoned: 0 },
    { hall: HALL_B, procedure: 'two', created: 1, submitted: 1, completed: 0, rejected: 1, abandoned: 0 },
  ];
  // 东湖: handle ×2 (one late) + accept ×1; 西湖: handle ×2 (a rejection passes no stage)
  const WANT_ON_TIME = [
    { hall: HALL_A, stages_done: 3, on_time: 2, late: 1, on_time_rate: 0.6667 },
    { hall: HALL_B, stages_done: 2, on_time: 2, late: 0, on_time_rate: 1.0000 },
  ];
  // every rating, then what the halls' pages count in 满意率 and keep apart
  const WANT_RATINGS = [
    { hall: HALL_A, ratings: 4, rating_sum: 11, rating_avg: 2.75, ratings_counted: 2, rating_counted_sum: 7,
      rating_counted_avg: 3.50, good_rate: 0.5000, ratings_staff: 1, ratings_not_handed_in: 1, ratings_unsorted: 0 },
    { hall: HALL_B, ratings: 1, rating_sum: 4, rating_avg: 4.00, ratings_counted: 1, rating_counted_sum: 4,
      rating_counted_avg: 4.00, good_rate: 1.0000, ratings_staff: 0, ratings_not_handed_in: 0, ratings_unsorted: 0 },
  ];

  it('loads two halls\' exports and the views give their exact figures', () => {
    const r = load(pg.a, pg.b);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(cases(), WANT_CASES);
    assert.deepEqual(onTime(), WANT_ON_TIME);
    assert.deepEqual(ratings(), WANT_RATINGS);
    // the rows keep the channel and stage as exported
    assert.deepEqual(rows("SELECT channel, stage, stages_done, on_time, late FROM hall_daily WHERE hall = '东湖社区' AND stage <> '' ORDER BY procedure, channel, stage"),
      [{ channel: 'kiosk', stage: 'handle', stages_done: 2, on_time: 1, late: 1 },
        { channel: 'window', stage: 'accept', stages_done: 1, on_time: 1, late: 0 }]);
  });

  it('loading the same files again counts nothing twice', () => {
    const n = rows('SELECT count(*)::int AS n FROM hall_daily')[0].n;
    const r = load(pg.b, pg.a, pg.b);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(rows('SELECT count(*)::int AS n FROM hall_daily')[0].n, n);
    assert.deepEqual(cases(), WANT_CASES);
    assert.deepEqual(onTime(), WANT_ON_TIME);
    assert.deepEqual(ratings(), WANT_RATINGS);
  });

  it('a later export of a day replaces that hall\'s day, rows gone from it included', () => {
    // 西湖's day again with one case fewer started and no rejection row
    const text = fs.readFileSync(pg.b, 'utf8');
    const lines = text.split('\r\n');
    const i = lines.findIndex((l) => /,two,kiosk,,/.test(l));
    assert.ok(i > 0, text);
    const redo = path.join(pg.exports, 'west-again.csv');
    fs.writeFileSync(redo, lines.filter((_, j) => j !== i).join('\r\n'));
    assert.equal(load(redo).status, 0);
    assert.deepEqual(cases().filter((c) => c.hall === HALL_B).map((c) => c.procedure), ['quick']);
    assert.equal(load(pg.b).status, 0);
    assert.deepEqual(cases(), WANT_CASES);
  });

  it('an export made before the satisfaction columns loads, its ratings unsorted until exported again', () => {
    // 北湖 on an older build: 西湖's rows with the first 16 columns only
    const text = fs.readFileSync(pg.b, 'utf8').replaceAll(HALL_B.replaceAll('"', '""'), '北湖社区');
    const cut = text.split('\r\n').map((l) => (l ? l.split(',').slice(0, 16).join(',') : l)).join('\r\n');
    assert.match(cut, /^date,hall,procedure,channel,stage,created,submitted,completed,rejected,abandoned,ratings,rating_sum,rating_avg,stages_done,on_time,late\r\n/);
    const old = path.join(pg.exports, 'north-old.csv');
    fs.writeFileSync(old, cut);
    const r = load(old);
    assert.equal(r.status, 0, r.stderr);
    const north = () => ratings().find((x) => x.hall === '北湖社区');
    assert.deepEqual(north(), { hall: '北湖社区', ratings: 1, rating_sum: 4, rating_avg: 4.00, ratings_counted: 0,
      rating_counted_sum: 0, rating_counted_avg: null, good_rate: null, ratings_staff: 0, ratings_not_handed_in: 0,
      ratings_unsorted: 1 });
    // the upgraded hall's export of the same days replaces them, sorted
    const sorted = path.join(pg.exports, 'north-new.csv');
    fs.writeFileSync(sorted, text);
    assert.equal(load(sorted).status, 0);
    assert.deepEqual(north(), { ...WANT_RATINGS[1], hall: '北湖社区' });
    psql('-c', "DELETE FROM hall_daily WHERE hall = '北湖社区'");
    assert.deepEqual(ratings(), WANT_RATINGS);
  });

  it('a file whose header is not the export\'s is refused and nothing of it kept', () => {
    const bad = path.join(pg.exports, 'bad.csv');
    const text = fs.readFileSync(pg.a, 'utf8').replace('procedure,channel', 'channel,procedure')
      .replaceAll(HALL_A, '南湖社区');
    fs.writeFileSync(bad, text);
    const r = load(bad);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /bad\.csv: not loaded/);
    assert.deepEqual(rows("SELECT hall FROM hall_daily WHERE hall = '南湖社区'"), []);
    assert.deepEqual(cases(), WANT_CASES);
  });
});
