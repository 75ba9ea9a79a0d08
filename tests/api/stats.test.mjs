// Statistics: GET /api/v1/admin/stats (JSON and CSV) over
// tests/fixtures/cases/walk — who may call it (401, 403 for staff), every
// 400 (dates, range, format, procedure) and the 404, the figures after cases
// driven through the public API, the CSV's shape, and the page's route.
// Retention end to end is in stats-retention.test.mjs.
// Decisions: docs/http-api.md "Statistics".
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  ROOT, request, assertError, assertJSONType, useDaemon, adminPassword, addUser, login, logLine,
} from './helpers.mjs';

const ctx = useDaemon({ tree: path.join(ROOT, 'tests', 'fixtures', 'cases', 'walk') });
const url = (p) => `${ctx.daemon.url}${p}`;
const STATS = '/api/v1/admin/stats';

function post(p, body) {
  return request(url(p), {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
}
async function ok(p, body) {
  const r = await post(p, body);
  assert.ok(r.status >= 200 && r.status < 300, `${p}: ${r.status} ${r.text}`);
  return r.body;
}

// The local date (the daemon's time zone is the test's) n days from today.
function localDate(n = 0) {
  const d = new Date();
  d.setDate(d.getDate() + n);
  const p = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

let admin;
let staff;
const get = (p, s = admin, extra = {}) => request(url(p), { headers: { Cookie: s.cookie, ...extra } });

describe('who may see the statistics', () => {
  before(async () => {
    admin = await login(ctx.daemon.url, 'admin', adminPassword(ctx.daemon));
    addUser(ctx.db, 'wang', 'staff', 'window-password-1');
    staff = await login(ctx.daemon.url, 'wang', 'window-password-1');
  });

  it('nobody logged in: 401 not_logged_in, for JSON and CSV', async () => {
    assertError(await request(url(STATS)), 401, 'not_logged_in');
    assertError(await request(url(`${STATS}?format=csv`)), 401, 'not_logged_in');
    assertError(await request(url(STATS), { headers: { Cookie: 'spk_session=nonsense' } }),
      401, 'not_logged_in');
  });

  it('a staff user: 403 forbidden', async () => {
    assertError(await get(STATS, staff), 403, 'forbidden');
    assertError(await get(`${STATS}?format=csv`, staff), 403, 'forbidden');
  });

  it('an admin: 200 JSON without needing the CSRF token (a read)', async () => {
    const r = await get(STATS);
    assert.equal(r.status, 200, r.text);
    assertJSONType(r, 'stats');
    assert.match(r.headers.get('cache-control') ?? '', /no-cache/);
  });

  it('only GET (and HEAD): POST is 405', async () => {
    const r = await request(url(STATS), { method: 'POST', headers: { Cookie: admin.cookie } });
    assert.equal(r.status, 405);
  });
});

describe('the range and the other arguments', () => {
  it('the default is the last 30 local days, ending today', async () => {
    const { body } = await get(STATS);
    assert.ok([localDate(0), localDate(-1)].includes(body.to), `to ${body.to}`);
    const days = (Date.parse(body.to) - Date.parse(body.from)) / 86400000 + 1;
    assert.equal(days, 30);
  });

  it('from alone runs to today; to alone starts 29 days before', async () => {
    // forty days back, not a fixed date: over 366 days is refused
    const from = localDate(-40);
    let { body } = await get(`${STATS}?from=${from}`);
    assert.equal(body.from, from);
    assert.ok([localDate(0), localDate(-1)].includes(body.to));
    ({ body } = await get(`${STATS}?to=2026-03-01`));
    assert.deepEqual([body.from, body.to], ['2026-01-31', '2026-03-01']);
    ({ body } = await get(`${STATS}?from=2026-02-01&to=2026-02-01`));
    assert.deepEqual([body.from, body.to], ['2026-02-01', '2026-02-01']);
  });

  it('366 days is the longest range', async () => {
    const r = await get(`${STATS}?from=2024-01-01&to=2024-12-31`);
    assert.equal(r.status, 200, r.text);
    assertError(await get(`${STATS}?from=2024-01-01&to=2025-01-01`), 400, 'range_too_long');
    assertError(await get(`${STATS}?from=2020-01-01&to=2026-01-01&format=csv`), 400, 'range_too_long');
  });

  it('malformed or impossible dates: 400 bad_date', async () => {
    for (const q of ['from=2026-02-30', 'to=2026-13-01', 'from=2026-1-5', 'from=20260105',
      'to=yesterday', 'from=2026-01-05T00:00', 'from=1999-12-31', 'to=%2B2026-01-01',
      `from=${'9'.repeat(300)}`]) {
      const r = await get(`${STATS}?${q}`);
      assertError(r, 400, 'bad_date', q);
      // a well-formed date out of the years taken is not told its format is wrong
      assert.match(r.body.error.message, /2000 到 2999 年之间的真实日期/, q);
    }
  });

  it('from after to: 400 bad_range', async () => {
    assertError(await get(`${STATS}?from=2026-03-02&to=2026-03-01`), 400, 'bad_range');
  });

  it('an unknown format or a malformed procedure id: 400 bad_request', async () => {
    assertError(await get(`${STATS}?format=xlsx`), 400, 'bad_request', 'format');
    assertError(await get(`${STATS}?procedure=Residence!`), 400, 'bad_request', 'procedure');
    assertError(await get(`${STATS}?procedure=${'a'.repeat(65)}`), 400, 'bad_request', 'long id');
  });

  it('a procedure never loaded: 404 unknown_procedure', async () => {
    assertError(await get(`${STATS}?procedure=nope`), 404, 'unknown_procedure');
  });
});

// Values typed in this file; none may reach the log.
const NAME = '欧阳晓梅';
const ID = '11010519491231002X';
const COMMENT = '排队太久了';

describe('figures after cases driven through the public API', () => {
  const ids = [];

  before(async () => {
    // 1: all steps, handed in, rated 5; 2: one step, rated 3; 3: just started
    const a = await ok('/api/v1/cases', { procedure: 'residence' });
    await ok(`/api/v1/cases/${a.id}/conditions`, { confirmed: [true, true, true] });
    await ok(`/api/v1/cases/${a.id}/steps/0`, { checklist: { 's0-0': true, 's0-1': true } });
    await ok(`/api/v1/cases/${a.id}/steps/1`,
      { fields: { name: NAME, id_number: ID, phone: '13800138000' } });
    await ok(`/api/v1/cases/${a.id}/steps/2`, { checklist: { 's2-0': true } });
    await ok(`/api/v1/cases/${a.id}/submit`, {});
    await ok(`/api/v1/cases/${a.id}/rating`, { score: 5, comment: COMMENT });
    const b = await ok('/api/v1/cases', { procedure: 'residence' });
    await ok(`/api/v1/cases/${b.id}/conditions`, { confirmed: [true, true, true] });
    await ok(`/api/v1/cases/${b.id}/steps/0`, { checklist: { 's0-0': true, 's0-1': true } });
    await ok(`/api/v1/cases/${b.id}/rating`, { score: 3 });
    const c = await ok('/api/v1/cases', { procedure: 'residence' });
    ids.push(a.id, b.id, c.id);
  });

  it('per procedure: started, submitted, completed, abandoned, steps, ratings', async () => {
    const r = await get(`${STATS}?from=${localDate(-1)}&to=${localDate(1)}`);
    assert.equal(r.status, 200, r.text);
    const body = r.body;
    assert.deepEqual(Object.keys(body).sort(), ['from', 'idle_minutes', 'procedures', 'to']);
    assert.equal(body.idle_minutes, 60);
    // live procedures only (the policy document is not one), in catalog order
    assert.deepEqual(body.procedures.map((p) => p.id).sort(), ['residence', 'simple']);
    const p = body.procedures.find((x) => x.id === 'residence');
    assert.equal(p.title, '居住登记');
    assert.equal(p.live, true);
    assert.deepEqual([p.started, p.submitted, p.completed, p.abandoned], [3, 1, 0, 0]);
    assert.equal(p.median_minutes_per_step.length, 3);
    for (const m of p.median_minutes_per_step) assert.ok(typeof m === 'number' && m >= 0, String(m));
    assert.deepEqual(p.steps.map((s) => [s.step, s.title, s.samples]),
      [[0, '准备材料', 2], [1, '填写登记表', 1], [2, '确认信息', 1]]);
    assert.deepEqual(p.steps.map((s) => s.median_minutes), p.median_minutes_per_step);
    // nobody idle for an hour yet
    assert.equal(p.give_up_step, null);
    assert.deepEqual(p.give_up, []);
    // the contract's figures count every rating; 满意率 (ours, counted)
    // leaves out b's, given on a case never handed in (rating-apart.test)
    assert.deepEqual(p.ratings, { count: 2, average: 4, scores: [0, 0, 1, 0, 1],
      counted: { count: 1, average: 5, good_rate: 1, scores: [0, 0, 0, 0, 1] },
      apart: { staff: 0, not_handed_in: 1 } });
    assert.equal(p.average_rating, 4);
    const s = body.procedures.find((x) => x.id === 'simple');
    assert.deepEqual([s.started, s.submitted, s.completed, s.abandoned], [0, 0, 0, 0]);
    assert.deepEqual(s.median_minutes_per_step, [null]);
    assert.deepEqual(s.ratings, { count: 0, average: null, scores: [0, 0, 0, 0, 0],
      counted: { count: 0, average: null, good_rate: null, scores: [0, 0, 0, 0, 0] },
      apart: { staff: 0, not_handed_in: 0 } });
    assert.equal(s.average_rating, null);
  });

  it('?procedure= narrows to one; a range before the cases counts none', async () => {
    let r = await get(`${STATS}?procedure=simple&from=${localDate(-1)}&to=${localDate(1)}`);
    assert.deepEqual(r.body.procedures.map((p) => p.id), ['simple']);
    r = await get(`${STATS}?procedure=residence&from=2025-01-01&to=2025-01-31`);
    assert.equal(r.body.procedures.length, 1);
    assert.equal(r.body.procedures[0].started, 0);
    assert.equal(r.body.procedures[0].ratings.count, 0);
  });

  it('CSV: UTF-8 with BOM, attachment, CRLF rows, one per procedure, same figures', async () => {
    const q = `from=${localDate(-1)}&to=${localDate(1)}`;
    const res = await fetch(url(`${STATS}?${q}&format=csv`), { headers: { Cookie: admin.cookie } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(res.headers.get('content-disposition'),
      `attachment; filename="spkiosk-stats-${localDate(-1)}-${localDate(1)}.csv"`);
    const bytes = Buffer.from(await res.arrayBuffer());
    // the access log counts the file's bytes (docs/deployment.md, "Monitoring")
    const id = res.headers.get('x-request-id');
    const line = await logLine(ctx.daemon, id);
    assert.match(line, new RegExp(` bytes=${bytes.length} `), line);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'byte order mark');
    const text = bytes.subarray(3).toString('utf8');
    assert.ok(text.endsWith('\r\n'));
    const lines = text.slice(0, -2).split('\r\n');
    assert.ok(lines.every((l) => !l.includes('\n')), 'no bare LF');
    const head = lines[0].split(',');
    assert.deepEqual(head.slice(0, 15), ['事项编号', '事项名称', '开始', '提交', '办结', '放弃',
      '最多放弃于', '在该处放弃', '评价数', '平均评分', '1分', '2分', '3分', '4分', '5分']);
    // then what 满意率 counts and leaves out (schema/043), before the steps
    assert.deepEqual(head.slice(15), ['期内办结', '按期办结', '按期办结率',
      '计入满意率的评价数', '计入满意率的平均评分', '好评率(计入满意率的)', '计入满意率的1分', '计入满意率的2分',
      '计入满意率的3分', '计入满意率的4分', '计入满意率的5分', '工作人员登录的浏览器评价(不计满意率)',
      '未交到大厅的办件评价(不计满意率)', '第1步用时中位数(分钟)', '第2步用时中位数(分钟)', '第3步用时中位数(分钟)']);
    const json = (await get(`${STATS}?${q}`)).body;
    assert.equal(lines.length, json.procedures.length + 1);
    const row = lines.find((l) => l.startsWith('residence,')).split(',');
    assert.equal(row.length, head.length);
    assert.deepEqual(row.slice(0, 15),
      ['residence', '居住登记', '3', '1', '0', '0', '', '', '2', '4.00', '0', '0', '1', '0', '1']);
    const p = json.procedures.find((x) => x.id === 'residence');
    assert.deepEqual(row.slice(15, 18), ['0', '0', ''], 'no chain finished');
    // the page's figures: the 3 was rated before its case was handed in, kept apart
    const c = p.ratings.counted;
    assert.deepEqual(row.slice(18, 28), [String(c.count), c.average.toFixed(2), `${(c.good_rate * 100).toFixed(1)}%`,
      ...c.scores.map(String), String(p.ratings.apart.staff), String(p.ratings.apart.not_handed_in)]);
    assert.deepEqual(row.slice(18, 28), ['1', '5.00', '100.0%', '0', '0', '0', '0', '1', '0', '1']);
    assert.deepEqual(row.slice(28).map(Number), p.median_minutes_per_step);
    const simple = lines.find((l) => l.startsWith('simple,')).split(',');
    assert.deepEqual(simple.slice(2), ['0', '0', '0', '0', '', '', '0', '', '0', '0', '0', '0', '0',
      '0', '0', '', '0', '', '', '0', '0', '0', '0', '0', '0', '0', '', '', '']);
  });

  it('nothing a resident typed and no case id reaches the log', () => {
    const log = ctx.daemon.stderr();
    for (const secret of [NAME, ID, COMMENT, ...ids]) assert.ok(!log.includes(secret), secret);
    assert.match(log, / method=GET route=\S+ path=\/api\/v1\/admin\/stats status=200 /);
  });
});

describe('the page', () => {
  it('GET /admin/stats is the statistics page under the CSP; its assets load', async () => {
    const r = await request(url('/admin/stats'));
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.match(r.text, /<script type="module" src="\/assets\/stats\.[0-9a-f]{8}\.js">/);
    assert.match(r.text, /href="\/admin"/);
    for (const a of ['stats.js', 'stats.css', 'auth.js', 'console.css']) {
      const x = await request(url(`/assets/${a}`));
      assert.equal(x.status, 200, a);
    }
  });
});
