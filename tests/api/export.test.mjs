// `spkiosk export` (issue #14 item 4): the hall's anonymous daily figures
// per procedure, channel and chain stage. Known cases are made through the
// HTTP API (kiosk, window and web channels; one- and two-stage chains;
// some accepted, passed, completed, one rated), then the NDJSON and the CSV
// are checked row by row with exact counts, and neither holds anything a
// resident typed (a distinctive name, mobile, ID number, rating comment)
// nor a case id. The date checks: malformed, reversed, too long a range.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  BIN, makeTmp, writeTree, startDaemon, stopChecked, addUser, userCmd, login, request, authHeaders,
  stoppedClockFor,
} from './helpers.mjs';

const TZ = 'Etc/GMT-8'; // UTC+8, the hall's
const NAME = '欧阳出口测试人';
const MOBILE = '13912345678';
const IDNO = '11010519491231002X';
const COMMENT = '独特的评价文字XYZZY';
const REASON = '独特的不予办理理由QWERTY';

const POSTS = '# 岗位\n\n- window 综合窗口\n- civil 民政专干\n';
const FORM = `\`\`\`form
name | 姓名 | text | required
idno | 身份证号 | cn_id | required
mobile | 手机号码 | cn_mobile | required
\`\`\``;
const QUICK = `---\ntime_limit: 即办\n---\n# 当场办理\n\n简介。\n\n## 办理流程\n当场。\n\n\`\`\`chain
handle | 当场办理 | window | 0
\`\`\`\n\n## 第一步：信息\n${FORM}\n`;
const TWO = `---\ntime_limit: 4个工作日\n---\n# 两级审核\n\n简介。\n\n## 办理流程\n两级。\n\n\`\`\`chain
accept | 社区受理 | window | 1
review | 民政审核 | civil | 3
\`\`\`\n\n## 第一步：信息\n${FORM}\n`;

// The daemons' clocks stand still at the instant this file was loaded
// (each in its zone): the days the tests name are the days the daemons
// wrote, however long the run. On running clocks a run begun 0.7-1.2 s
// before midnight in UTC+8 (faketime) made its cases on the next day and
// the first describe's rows were not today's. Without libfaketime they run
// on the real clock and may fail so.
const NOW = new Date();
const dateIn = (tz) => new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(NOW);
const today = () => dateIn(TZ);

function exportCmd(args) {
  return spawnSync(BIN, ['export', ...args], { encoding: 'utf8', env: { ...process.env, TZ } });
}

describe('spkiosk export', () => {
  const ENV = stoppedClockFor(NOW, TZ);
  let tmp, db, d, wang, ids = [];
  const url = (p) => `${d.url}${p}`;
  const post = (p, body, s = null) => request(url(p), {
    method: 'POST', headers: s ? authHeaders(s) : { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  async function handIn(procedure, channel, submit = true) {
    const c = await post('/api/v1/cases', { procedure, channel });
    assert.equal(c.status, 201, c.text);
    ids.push(c.body.id);
    const r1 = await post(`/api/v1/cases/${c.body.id}/steps/0`,
      { fields: { name: NAME, idno: IDNO, mobile: MOBILE } });
    assert.equal(r1.status, 200, r1.text);
    if (submit) {
      const r = await post(`/api/v1/cases/${c.body.id}/submit`);
      assert.equal(r.status, 200, r.text);
    }
    return c.body.id;
  }
  async function move(id, what, body = {}) {
    const r = await post(`/api/v1/staff/cases/${id}/${what}`, body, wang);
    assert.equal(r.status, 200, `${what}: ${r.text}`);
  }

  before(async () => {
    tmp = makeTmp();
    db = path.join(tmp, 'x.db');
    const tree = path.join(tmp, 'tree');
    writeTree(tree, {
      '_posts.md': POSTS,
      'hall/README.md': '# 大厅\n\n事项。\n',
      'hall/quick.md': QUICK,
      'hall/two.md': TWO,
    });
    addUser(db, 'wang', 'staff', 'wang-password-1');
    assert.equal(userCmd(['posts', 'wang', 'window,civil', '--db', db]).status, 0);
    d = await startDaemon({ tree, db, env: ENV });
    wang = await login(d.url, 'wang', 'wang-password-1');

    const q = [await handIn('quick', 'kiosk'), await handIn('quick', 'kiosk'), await handIn('quick', 'kiosk')];
    for (const id of q.slice(0, 2)) {
      await move(id, 'accept');
      await move(id, 'complete', { outcome: '已办结' });
    }
    const w = await handIn('quick', 'window');
    await move(w, 'accept');
    await move(w, 'complete', { outcome: '已办结' });
    const web = await handIn('quick', 'web', false);
    const t = [await handIn('two', 'kiosk'), await handIn('two', 'kiosk')];
    await move(t[0], 'accept');
    await move(t[0], 'pass', { stage: 'accept' });
    await move(t[1], 'accept');
    await move(t[1], 'reject', { reason: REASON });
    const r = await post(`/api/v1/cases/${q[0]}/rating`, { score: 4, comment: COMMENT });
    assert.equal(r.status, 204, r.text);
    const r2 = await post(`/api/v1/cases/${w}/rating`, { score: 1, reasons: ['wait'] });
    assert.equal(r2.status, 204, r2.text);
    // kept out of 满意率 (schema/043): wang's browser rates q[1] 5, and the web
    // case never handed in is rated 2; in `ratings`, apart in the new columns
    const r3 = await request(url(`/api/v1/cases/${q[1]}/rating`), { method: 'POST',
      headers: { 'content-type': 'application/json', Cookie: wang.cookie }, body: JSON.stringify({ score: 5 }) });
    assert.equal(r3.status, 204, r3.text);
    const r4 = await post(`/api/v1/cases/${web}/rating`, { score: 2 });
    assert.equal(r4.status, 204, r4.text);
  });
  after(() => stopChecked(d, tmp));

  const zero = { created: 0, submitted: 0, completed: 0, rejected: 0, abandoned: 0, ratings: 0,
    rating_sum: 0, rating_avg: null, stages_done: 0, on_time: 0, late: 0,
    ratings_counted: 0, rating_counted_sum: 0, rating_counted_avg: null, ratings_counted_good: 0,
    ratings_staff: 0, ratings_not_handed_in: 0 };
  const expected = () => [
    { procedure: 'quick', channel: 'kiosk', stage: null, ...zero, created: 3, submitted: 3, completed: 2,
      ratings: 2, rating_sum: 9, rating_avg: 4.5,
      ratings_counted: 1, rating_counted_sum: 4, rating_counted_avg: 4, ratings_counted_good: 1, ratings_staff: 1 },
    { procedure: 'quick', channel: 'kiosk', stage: 'handle', ...zero, stages_done: 2, on_time: 2 },
    { procedure: 'quick', channel: 'web', stage: null, ...zero, created: 1, ratings: 1, rating_sum: 2, rating_avg: 2,
      ratings_not_handed_in: 1 },
    { procedure: 'quick', channel: 'window', stage: null, ...zero, created: 1, submitted: 1, completed: 1,
      ratings: 1, rating_sum: 1, rating_avg: 1, ratings_counted: 1, rating_counted_sum: 1, rating_counted_avg: 1 },
    { procedure: 'quick', channel: 'window', stage: 'handle', ...zero, stages_done: 1, on_time: 1 },
    { procedure: 'two', channel: 'kiosk', stage: null, ...zero, created: 2, submitted: 2, rejected: 1 },
    { procedure: 'two', channel: 'kiosk', stage: 'accept', ...zero, stages_done: 1, on_time: 1 },
  ].map((row) => ({ date: today(), hall: '东湖社区, "一厅"', ...row }));

  function assertAnonymous(text) {
    for (const v of [NAME, MOBILE, IDNO, IDNO.slice(-4) + '"', COMMENT, REASON, 'wang', '已办结', ...ids])
      assert.ok(!text.includes(v), `the export holds ${v}`);
  }

  it('NDJSON: one object per line, the exact counts, nothing personal', () => {
    const r = exportCmd(['--db', db, '--since', today(), '--format', 'ndjson', '--hall', '东湖社区, "一厅"']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.endsWith('\n'));
    const rows = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(rows, expected());
    assert.deepEqual(Object.keys(rows[0]), ['date', 'hall', 'procedure', 'channel', 'stage', 'created',
      'submitted', 'completed', 'rejected', 'abandoned', 'ratings', 'rating_sum', 'rating_avg',
      'stages_done', 'on_time', 'late', 'ratings_counted', 'rating_counted_sum', 'rating_counted_avg',
      'ratings_counted_good', 'ratings_staff', 'ratings_not_handed_in']);
    assertAnonymous(r.stdout);
  });

  it('CSV: a header, CRLF lines, RFC 4180 quoting of the hall, the same rows', () => {
    const r = exportCmd(['--db', db, '--since', today(), '--until', today(), '--format', 'csv',
      '--hall', '东湖社区, "一厅"']);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\r\n');
    assert.equal(lines.pop(), '', 'ends with CRLF');
    assert.equal(lines[0], 'date,hall,procedure,channel,stage,created,submitted,completed,rejected,'
      + 'abandoned,ratings,rating_sum,rating_avg,stages_done,on_time,late,'
      + 'ratings_counted,rating_counted_sum,rating_counted_avg,ratings_counted_good,ratings_staff,ratings_not_handed_in');
    const avg = (x) => (x === null ? '' : x.toFixed(2));
    const want = expected().map((o) => [o.date, '"东湖社区, ""一厅"""', o.procedure, o.channel, o.stage ?? '',
      o.created, o.submitted, o.completed, o.rejected, o.abandoned, o.ratings, o.rating_sum,
      avg(o.rating_avg), o.stages_done, o.on_time, o.late, o.ratings_counted, o.rating_counted_sum,
      avg(o.rating_counted_avg), o.ratings_counted_good, o.ratings_staff, o.ratings_not_handed_in].join(','));
    assert.deepEqual(lines.slice(1), want);
    assertAnonymous(r.stdout);
  });

  it('a range without cases gives only the header', () => {
    const r = exportCmd(['--db', db, '--since', '2020-01-01', '--until', '2020-12-31', '--format', 'csv', '--hall', 'h']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.split('\r\n').length, 2);
  });

  it('bad dates, ranges, formats and halls are refused with a message and status 2', () => {
    const base = ['--db', db, '--hall', 'h', '--format', 'csv'];
    for (const [args, msg] of [
      [['--since', '2026-02-30'], /--since takes/],
      [['--since', '20260101'], /--since takes/],
      [['--since', '2026-01-02', '--until', '2026-01-01'], /after/],
      [['--since', '2024-01-01', '--until', '2025-01-01'], /367 days/],
      [['--since', today(), '--until', 'x'], /--until takes/],
      [['--since', today(), '--format', 'xml'], /--format/],
      [['--since', today(), '--hall', '=cmd()'], /--hall/],
      [['--since', today(), '--hall', 'a\nb'], /--hall/],
      [['--format', 'csv'], /--since/],
      [['--since', today(), '--bogus', 'x'], /--bogus is not an option/],
      [['--since', today(), '--hall'], /--hall needs a value/],
    ]) {
      const r = exportCmd([...base, ...args]);
      assert.equal(r.status, 2, `${args}: ${r.stderr}`);
      assert.match(r.stderr, msg, args.join(' '));
      assert.equal(r.stdout, '');
    }
    const none = exportCmd(['--db', path.join(tmp, 'none.db'), '--since', today(), '--format', 'csv', '--hall', 'h']);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /no database/);
  });
});

// A stage passed after its due date counts as late: the case is accepted by
// a daemon at UTC−12 (its due date that local day, a 0-day stage) and
// completed by one at UTC+14, one or two local days later (as
// relay.test.mjs crosses days without waiting for midnight). A 0-day stage
// begun on a rest day is due the next working day, so the accepting day is
// written as a 班 when it falls on a weekend (run on a Monday morning, UTC−12
// is still Sunday and the stage was on time).
describe('spkiosk export: a stage done late', () => {
  const EARLY = 'Etc/GMT+12', LATE = 'Etc/GMT-14';
  // the same instant in both zones: LATE's day is one or two after EARLY's
  const ENV = { [EARLY]: stoppedClockFor(NOW, EARLY), [LATE]: stoppedClockFor(NOW, LATE) };
  const weekend = (s) => [0, 6].includes(new Date(`${s}T00:00:00Z`).getUTCDay());
  let tmp, db, tree, d = null, wang;
  const post = (p, body, s = null) => request(`${d.url}${p}`, {
    method: 'POST', headers: s ? authHeaders(s) : { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  async function serve(tz) {
    if (d) assert.equal((await d.stop()).code, 0);
    d = await startDaemon({ tree, db, env: ENV[tz] });
    wang = await login(d.url, 'wang', 'wang-password-1');
  }
  before(async () => {
    tmp = makeTmp();
    db = path.join(tmp, 'x.db');
    const early = dateIn(EARLY);
    tree = writeTree(path.join(tmp, 'tree'), {
      '_posts.md': POSTS, 'hall/README.md': '# 大厅\n\n事项。\n', 'hall/quick.md': QUICK,
      '_calendar.md': `# 日历\n\n${weekend(early) ? `- ${early} 班\n` : ''}`,
    });
    addUser(db, 'wang', 'staff', 'wang-password-1');
    assert.equal(userCmd(['posts', 'wang', 'window', '--db', db]).status, 0);
    await serve(EARLY);
  });
  after(() => stopChecked(d, tmp));

  it('late counts it, on_time does not', async () => {
    const c = await post('/api/v1/cases', { procedure: 'quick', channel: 'kiosk' });
    assert.equal(c.status, 201, c.text);
    assert.equal((await post(`/api/v1/cases/${c.body.id}/steps/0`, { fields: { name: NAME, idno: IDNO, mobile: MOBILE } })).status, 200);
    assert.equal((await post(`/api/v1/cases/${c.body.id}/submit`)).status, 200);
    assert.equal((await post(`/api/v1/staff/cases/${c.body.id}/accept`, {}, wang)).status, 200);
    await serve(LATE);
    const r = await post(`/api/v1/staff/cases/${c.body.id}/complete`, { outcome: '已办结' }, wang);
    assert.equal(r.status, 200, r.text);
    assert.ok(dateIn(LATE) > dateIn(EARLY));
    const x = spawnSync(BIN, ['export', '--db', db, '--since', dateIn(EARLY), '--format', 'ndjson', '--hall', 'h'],
      { encoding: 'utf8', env: { ...process.env, TZ: LATE } });
    assert.equal(x.status, 0, x.stderr);
    const rows = x.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    const stage = rows.filter((o) => o.stage === 'handle');
    assert.equal(stage.length, 1, x.stdout);
    assert.deepEqual([stage[0].date, stage[0].stages_done, stage[0].on_time, stage[0].late], [dateIn(LATE), 1, 0, 1]);
  });
});

// A month-end review found past days changing under the district's loader,
// which replaces a hall's day with its latest export: a case handed in,
// returned for 补正 and handed in again on a later day lost its first
// hand-in (submitted_at holds the last), and an abandoned case moved to the
// day of a late rating (updated_at). Both are now read from the events.
describe('spkiosk export: what happened on a day stays on that day', () => {
  const ENV = stoppedClockFor(NOW, TZ);
  let tmp, db, d, wang;
  const post = (p, body, s = null) => request(`${d.url}${p}`, {
    method: 'POST', headers: s ? authHeaders(s) : { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  const sql = (text) => spawnSync('sqlite3', ['-cmd', '.timeout 5000', db], { input: text, encoding: 'utf8' });
  const dayOf = (ms) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date(ms));
  before(async () => {
    tmp = makeTmp();
    db = path.join(tmp, 'x.db');
    const tree = writeTree(path.join(tmp, 'tree'), { '_posts.md': POSTS, 'hall/README.md': '# 大厅\n\n事项。\n', 'hall/quick.md': QUICK });
    addUser(db, 'wang', 'staff', 'wang-password-1');
    assert.equal(userCmd(['posts', 'wang', 'window', '--db', db]).status, 0);
    d = await startDaemon({ tree, db, env: ENV });
    wang = await login(d.url, 'wang', 'wang-password-1');
  });
  after(() => stopChecked(d, tmp));

  it('a hand-in again counts on both days; an abandonment keeps its day after a late rating', async () => {
    const walk = async () => {
      const c = await post('/api/v1/cases', { procedure: 'quick', channel: 'kiosk' });
      assert.equal(c.status, 201, c.text);
      assert.equal((await post(`/api/v1/cases/${c.body.id}/steps/0`, { fields: { name: NAME, idno: IDNO, mobile: MOBILE } })).status, 200);
      assert.equal((await post(`/api/v1/cases/${c.body.id}/submit`)).status, 200);
      return c.body.id;
    };
    const a = await walk();
    assert.equal((await post(`/api/v1/staff/cases/${a}/return`, { reason: '请补正' }, wang)).status, 200);
    const again = await post(`/api/v1/cases/${a}/submit`);
    assert.equal(again.status, 200, again.text);
    const b = await walk();
    assert.equal((await post(`/api/v1/staff/cases/${b}/call`, {}, wang)).status, 200);
    assert.equal((await post(`/api/v1/staff/cases/${b}/no-show`, {}, wang)).status, 200);
    // a's first hand-in and b's 未到 a day ago (the events' own dates)
    // (a day before the daemon's clock, not the sqlite3 shell's)
    const back = `'${new Date(NOW.getTime() - 86_400_000).toISOString().slice(0, 19)}Z'`;
    const u = sql(`UPDATE case_events SET at = ${back} WHERE id = (SELECT min(id) FROM case_events`
      + ` WHERE case_id = '${a}' AND what = 'submitted');`
      + `UPDATE case_events SET at = ${back} WHERE case_id = '${b}' AND what = 'no_show';`);
    assert.equal(u.status, 0, u.stderr);
    // a late 差评 today on the case given up yesterday
    assert.equal((await post(`/api/v1/cases/${b}/rating`, { score: 2, reasons: ['wait'] })).status, 204);
    const yesterday = dayOf(NOW.getTime() - 86_400_000), today = dayOf(NOW.getTime());
    const r = exportCmd(['--db', db, '--since', yesterday, '--format', 'ndjson', '--hall', 'h']);
    assert.equal(r.status, 0, r.stderr);
    const rows = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l)).filter((x) => x.stage === null);
    const on = (day) => rows.find((x) => x.date === day) ?? {};
    assert.equal(on(yesterday).submitted, 1, `a's first hand-in: ${r.stdout}`);
    assert.equal(on(yesterday).abandoned, 1, 'b given up yesterday');
    assert.equal(on(today).submitted, 2, 'a again and b');
    assert.equal(on(today).abandoned, 0, 'the rating does not move it');
    assert.equal(on(today).ratings, 1);
  });
});
