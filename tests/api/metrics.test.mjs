// Observability (issue #14 item 3): GET /metrics parsed by a strict reader
// of the Prometheus text format 0.0.4 written here, its counters and gauges
// moving with known requests, the route hidden from addresses not allowed;
// the request log's key=value lines with the id of X-Request-Id and no typed
// value; --log-file reopened on SIGHUP. Decisions: docs/deployment.md
// ("Monitoring").
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { startDaemon, makeTmp, rmTmp, writeTree, request, sleep, BIN, ROOT } from './helpers.mjs';

const good = (title, extra = '') => `---
version: 2026-01-01
keywords: 测试
---
# ${title}

${title}的简介。${extra}

## 第一步:准备材料
- [ ] 本人居民身份证原件

## 第二步:填写信息
- 姓名: name
`;

const FILES = {
  'alpha/README.md': '# 甲类\n\n甲类事项。\n',
  'alpha/one.md': good('第一个事项'),
  'alpha/two.md': good('第二个事项'),
};

// ---- a strict reader of the text format ------------------------------------

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const VALUE = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Inf|NaN)$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

// Labels `{a="x",b="y"}` from s at i (just after `{`): [labels, index after `}`].
function readLabels(s, i, where) {
  const labels = {};
  for (;;) {
    if (s[i] === '}') return [labels, i + 1];
    const eq = s.indexOf('=', i);
    assert.ok(eq > i, `${where}: a label name`);
    const name = s.slice(i, eq);
    assert.match(name, LABEL, `${where}: label name ${name}`);
    assert.equal(s[eq + 1], '"', `${where}: a label value is quoted`);
    let v = '';
    let j = eq + 2;
    for (; j < s.length && s[j] !== '"'; j++) {
      if (s[j] === '\\') {
        const e = s[++j];
        assert.ok(e === '\\' || e === '"' || e === 'n', `${where}: escape \\${e}`);
        v += e === 'n' ? '\n' : e;
      } else {
        assert.notEqual(s[j], '\n', `${where}: raw newline in a label value`);
        v += s[j];
      }
    }
    assert.equal(s[j], '"', `${where}: label value closed`);
    assert.ok(!(name in labels), `${where}: label ${name} twice`);
    labels[name] = v;
    i = j + 1;
    if (s[i] === ',') i++;
    else assert.equal(s[i], '}', `${where}: , or } after a label`);
  }
}

// The whole exposition: {families: Map(name -> {type, help, samples: [{name, labels, value}]})}.
function parseExposition(text) {
  assert.ok(text.endsWith('\n'), 'the exposition ends with a newline');
  const families = new Map();
  const typeOf = new Map();
  const family = (name) => {
    for (const suffix of ['_bucket', '_sum', '_count', '']) {
      if (suffix && !name.endsWith(suffix)) continue;
      const base = suffix ? name.slice(0, -suffix.length) : name;
      const t = typeOf.get(base);
      if (t && (suffix === '' || t === 'histogram' || t === 'summary')) return base;
    }
    return null;
  };
  const seen = new Set();
  text.slice(0, -1).split('\n').forEach((line, n) => {
    const where = `line ${n + 1}: ${line}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = line.match(/^# (HELP|TYPE) (\S+) ?(.*)$/);
      if (!m) return; // any other comment
      const [, kind, name, rest] = m;
      assert.match(name, NAME, where);
      if (kind === 'TYPE') {
        assert.ok(TYPES.has(rest), `${where}: type`);
        assert.ok(!typeOf.has(name), `${where}: a second TYPE`);
        assert.ok(!families.has(name), `${where}: TYPE after its samples`);
        typeOf.set(name, rest);
        families.set(name, { type: rest, help: families.get(name)?.help, samples: [] });
      } else {
        assert.doesNotMatch(rest.replace(/\\[\\n]/g, ''), /\\/, `${where}: HELP escapes`);
      }
      return;
    }
    const m = line.match(/^([^{\s]+)(\{)?/);
    const name = m[1];
    assert.match(name, NAME, `${where}: metric name`);
    let i = name.length;
    let labels = {};
    if (m[2]) [labels, i] = readLabels(line, i + 1, where);
    const rest = line.slice(i);
    const parts = rest.match(/^ (\S+)(?: (-?\d+))?$/);
    assert.ok(parts, `${where}: name{labels} value [timestamp]`);
    assert.match(parts[1], VALUE, `${where}: value`);
    const base = family(name);
    assert.ok(base, `${where}: a sample of no family with a TYPE`);
    const key = name + JSON.stringify(Object.entries(labels).sort());
    assert.ok(!seen.has(key), `${where}: a series twice`);
    seen.add(key);
    families.get(base).samples.push({ name, labels, value: Number(parts[1]) });
  });
  for (const [name, f] of families) {
    if (f.type !== 'histogram') continue;
    const buckets = f.samples.filter((s) => s.name === `${name}_bucket`);
    assert.ok(buckets.length > 1, `${name}: buckets`);
    let prev = -1;
    let prevLe = -Infinity;
    for (const b of buckets) {
      assert.ok('le' in b.labels, `${name}: a bucket without le`);
      const le = b.labels.le === '+Inf' ? Infinity : Number(b.labels.le);
      assert.ok(le > prevLe, `${name}: le in increasing order`);
      assert.ok(b.value >= prev, `${name}: buckets cumulative`);
      prev = b.value;
      prevLe = le;
    }
    assert.equal(buckets.at(-1).labels.le, '+Inf', `${name}: the last bucket is +Inf`);
    const count = f.samples.find((s) => s.name === `${name}_count`);
    assert.ok(count && f.samples.find((s) => s.name === `${name}_sum`), `${name}: _sum and _count`);
    assert.equal(buckets.at(-1).value, count.value, `${name}: +Inf equals _count`);
  }
  return families;
}

// One sample's value, 0 when the series is absent (a counter not yet moved).
function value(families, name, labels = {}, fam = name) {
  const f = families.get(fam);
  assert.ok(f, `family ${name}`);
  const s = f.samples.find((x) => x.name === name &&
    Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  return s ? s.value : 0;
}

async function scrape(d) {
  const r = await request(`${d.url}/metrics`);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  return parseExposition(r.text);
}

// ---- the request log's lines -------------------------------------------------

// One key=value line to an object; throws on a line of any other shape.
function parseKV(line) {
  const out = {};
  let i = 0;
  while (i < line.length) {
    const eq = line.indexOf('=', i);
    assert.ok(eq > i, `a key at ${i}: ${line}`);
    const key = line.slice(i, eq);
    assert.match(key, /^[a-z_]+$/, line);
    let j = eq + 1;
    let v = '';
    if (line[j] === '"') {
      for (j++; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\') {
          const e = line[++j];
          if (e === 'x') { v += String.fromCharCode(parseInt(line.slice(j + 1, j + 3), 16)); j += 2; }
          else v += { n: '\n', t: '\t', r: '\r' }[e] ?? e;
        } else v += line[j];
      }
      assert.equal(line[j], '"', `closed quote: ${line}`);
      j++;
    } else {
      while (j < line.length && line[j] !== ' ') v += line[j++];
      assert.ok(v.length > 0, `an empty bare value: ${line}`);
    }
    assert.ok(!(key in out), `${key} twice: ${line}`);
    out[key] = v;
    if (j < line.length) assert.equal(line[j], ' ', `one space between pairs: ${line}`);
    i = j + 1;
  }
  return out;
}

const requestLines = (log) => log.split('\n').filter((l) => l.startsWith('ts=')).map(parseKV);

// ---- the daemon ----------------------------------------------------------------

describe('/metrics', () => {
  let tmp, tree, d;
  before(async () => {
    tmp = makeTmp();
    tree = writeTree(path.join(tmp, 'tree'), FILES);
    d = await startDaemon({ tree, db: path.join(tmp, 'x.db') });
  });
  after(async () => { if (d) await d.stop(); rmTmp(tmp); });

  it('parses by the text-format rules, with every family the contract lists', async () => {
    const f = await scrape(d);
    for (const [name, type] of [
      ['spkiosk_http_requests_total', 'counter'], ['spkiosk_http_request_duration_seconds', 'histogram'],
      ['spkiosk_cases', 'gauge'], ['spkiosk_queue_waiting', 'gauge'], ['spkiosk_cases_overdue', 'gauge'],
      ['spkiosk_loads_total', 'counter'], ['spkiosk_load_failures_total', 'counter'],
      ['spkiosk_load_file_errors_total', 'counter'], ['spkiosk_notifications_pending', 'gauge'],
      ['spkiosk_database_bytes', 'gauge'], ['spkiosk_database_wal_bytes', 'gauge'],
      ['spkiosk_process_start_time_seconds', 'gauge'], ['spkiosk_http_connections_open', 'gauge'],
      ['spkiosk_build_info', 'gauge'], ['spkiosk_database_up', 'gauge'], ['spkiosk_clock_behind_seconds', 'gauge'],
    ]) assert.equal(f.get(name)?.type, type, name);
    assert.equal(value(f, 'spkiosk_database_up'), 1);
    assert.ok(value(f, 'spkiosk_database_bytes') > 0, 'the database has a size');
    assert.ok(value(f, 'spkiosk_http_connections_open') >= 1, 'this scrape is a connection');
    const info = f.get('spkiosk_build_info').samples;
    assert.equal(info.length, 1);
    assert.match(info[0].labels.version, /^\d+\.\d+\.\d+/);
    // the commit of the build, as --version says it (an IT officer could not
    // tell builds apart: every one said 0.1.0)
    const v = spawnSync(BIN, ['--version'], { encoding: 'utf8' }).stdout.trim();
    assert.equal(v, `spkiosk ${info[0].labels.version}${info[0].labels.commit ? ` (${info[0].labels.commit})` : ''}`);
    assert.equal(typeof info[0].labels.commit, 'string', 'the commit label, "" outside a git checkout');
    if (info[0].labels.commit) assert.match(info[0].labels.commit, /^[0-9a-f]{12}(-dirty)?$/);
    assert.equal(info[0].value, 1);
    const started = value(f, 'spkiosk_process_start_time_seconds');
    assert.ok(Math.abs(started - Date.now() / 1000) < 600, `start time ${started}`);
  });

  it('counts requests by route pattern and status, never by the raw path', async () => {
    const route = { method: 'GET', route: '/api/v1/procedures/{}', code: '200' };
    const miss = { method: 'GET', route: '/api/v1/procedures/{}', code: '404' };
    const before1 = await scrape(d);
    for (const id of ['one', 'two', 'one']) assert.equal((await request(`${d.url}/api/v1/procedures/${id}`)).status, 200);
    assert.equal((await request(`${d.url}/api/v1/procedures/nope-${Date.now()}`)).status, 404);
    const probe = `/no/such/path-${process.pid}`;
    assert.equal((await request(`${d.url}${probe}`)).status, 404);
    const after1 = await scrape(d);
    assert.equal(value(after1, 'spkiosk_http_requests_total', route) - value(before1, 'spkiosk_http_requests_total', route), 3);
    assert.equal(value(after1, 'spkiosk_http_requests_total', miss) - value(before1, 'spkiosk_http_requests_total', miss), 1);
    const none = { route: 'none', code: '404' };
    assert.equal(value(after1, 'spkiosk_http_requests_total', none) - value(before1, 'spkiosk_http_requests_total', none), 1);
    const routes = new Set(after1.get('spkiosk_http_requests_total').samples.map((s) => s.labels.route));
    for (const r of routes) assert.ok(r === 'none' || r.startsWith('/'), r);
    assert.ok(![...routes].some((r) => r.endsWith('/one') || r.endsWith('/two') || r.includes('path-')), 'no raw path as a label');
    // the scrape before the second one, and the five requests, are in the histogram
    const n = (f) => value(f, 'spkiosk_http_request_duration_seconds_count', {}, 'spkiosk_http_request_duration_seconds');
    assert.ok(n(after1) - n(before1) >= 6, `${n(before1)} -> ${n(after1)}`);
  });

  it('shows a new case by its status, the database as it is now', async () => {
    const before1 = await scrape(d);
    const r = await request(`${d.url}/api/v1/cases`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ procedure: 'one' }),
    });
    assert.equal(r.status, 201, r.text);
    const after1 = await scrape(d);
    assert.equal(value(after1, 'spkiosk_cases', { status: 'open' }) - value(before1, 'spkiosk_cases', { status: 'open' }), 1);
    assert.equal(value(after1, 'spkiosk_cases', { status: 'waiting' }), 0);
    assert.equal(value(after1, 'spkiosk_queue_waiting'), 0);
    assert.equal(value(after1, 'spkiosk_cases_overdue'), 0);
    assert.equal(value(after1, 'spkiosk_notifications_pending'), 0);
    assert.equal(after1.get('spkiosk_cases').samples.length, 11, 'every status, 0 included');
  });

  // each gauge its own figure: a case handed in is waiting, not overdue, a
  // notification owed is pending;
  // the WAL's size is the -wal file's (read around the scrape: a write or
  // a checkpoint in between leaves nothing to compare)
  it('shows a case handed in as waiting, a notification owed, and the WAL file as it is', async () => {
    const post = (p, body) => request(`${d.url}${p}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const c = await post('/api/v1/cases', { procedure: 'one' });
    assert.equal(c.status, 201, c.text);
    assert.equal((await post(`/api/v1/cases/${c.body.id}/steps/0`, { checklist: { 's0-0': true } })).status, 200);
    assert.equal((await post(`/api/v1/cases/${c.body.id}/steps/1`, { fields: { name: '张三' } })).status, 200);
    const s = await post(`/api/v1/cases/${c.body.id}/submit`, {});
    assert.equal(s.status, 200, s.text);
    assert.equal(s.body.status, 'waiting');
    // a notification owed to a resident with a number (as a return queues)
    const ins = spawnSync('sqlite3', [path.join(tmp, 'x.db'), '.timeout 5000',
      `INSERT INTO notifications (case_id, ticket, title, kind, phone, text, created_at)
       VALUES ('${c.body.id}', 'A001', 't', 'returned', '13800000000', 't', '2026-01-01T00:00:00Z')`],
    { encoding: 'utf8' });
    assert.equal(ins.status, 0, ins.stderr);
    const wal = () => fs.statSync(path.join(tmp, 'x.db-wal'), { throwIfNoEntry: false })?.size ?? 0;
    let f, w0, w1;
    for (let i = 0; i < 5; i++) {
      w0 = wal();
      f = await scrape(d);
      w1 = wal();
      if (w0 === w1) break;
    }
    assert.equal(value(f, 'spkiosk_cases', { status: 'waiting' }), 1);
    assert.equal(value(f, 'spkiosk_queue_waiting'), 1);
    assert.equal(value(f, 'spkiosk_cases_overdue'), 0);
    assert.equal(value(f, 'spkiosk_notifications_pending'), 1);
    assert.equal(w0, w1, 'the WAL held still for one of five scrapes');
    assert.ok(w0 > 0, 'a write left a WAL');
    assert.equal(value(f, 'spkiosk_database_wal_bytes'), w0);
  });

  // an idle connection is open but holds no request: the two gauges differ
  it('counts an idle connection as open, not as a request in flight', async () => {
    const idle = net.connect(Number(new URL(d.url).port), '127.0.0.1');
    await new Promise((resolve, reject) => { idle.once('connect', resolve); idle.once('error', reject); });
    try {
      let f;
      // the daemon accepts it on its own time: scrape until it is counted
      for (let i = 0; i < 100; i++) {
        f = await scrape(d);
        if (value(f, 'spkiosk_http_connections_open') >= 2) break;
        await sleep(50);
      }
      assert.ok(value(f, 'spkiosk_http_connections_open') >= 2, 'the idle one and this scrape');
      assert.equal(value(f, 'spkiosk_http_requests_in_flight'), 1, 'this scrape alone');
    } finally {
      idle.destroy();
    }
  });

  it('counts loads and the files with errors they find', async () => {
    const before1 = await scrape(d);
    fs.writeFileSync(path.join(tree, 'alpha/two.md'), good('第二个事项', '改了。'));
    let f = before1;
    for (let i = 0; i < 100 && value(f, 'spkiosk_loads_total') === value(before1, 'spkiosk_loads_total'); i++) {
      await sleep(50);
      f = await scrape(d);
    }
    assert.equal(value(f, 'spkiosk_loads_total') - value(before1, 'spkiosk_loads_total'), 1, 'the change reloaded once');
    assert.equal(value(f, 'spkiosk_load_file_errors_total'), value(before1, 'spkiosk_load_file_errors_total'));
    fs.writeFileSync(path.join(tree, 'alpha/two.md'), '---\nreview_by: 2027-02-30\n---\n# 第二个事项\n');
    const mid = f;
    for (let i = 0; i < 100 && value(f, 'spkiosk_loads_total') === value(mid, 'spkiosk_loads_total'); i++) {
      await sleep(50);
      f = await scrape(d);
    }
    assert.equal(value(f, 'spkiosk_load_file_errors_total') - value(mid, 'spkiosk_load_file_errors_total'), 1);
    assert.equal(value(f, 'spkiosk_load_failures_total'), 0, 'a file with errors is not a failed load');
    // the files broken now, as the admin console lists them (the counter only sums loads)
    assert.equal(value(before1, 'spkiosk_files_with_errors'), 0);
    assert.equal(value(f, 'spkiosk_files_with_errors'), 1);
    // SIGHUP reloads too
    const mid2 = f;
    d.proc.kill('SIGHUP');
    for (let i = 0; i < 100 && value(f, 'spkiosk_loads_total') === value(mid2, 'spkiosk_loads_total'); i++) {
      await sleep(50);
      f = await scrape(d);
    }
    assert.equal(value(f, 'spkiosk_loads_total') - value(mid2, 'spkiosk_loads_total'), 1, 'SIGHUP reloaded');
    // a broken practice file is a file with errors too: the counter and the
    // load line counted procedures only, so the documented alert stayed
    // silent (an IT officer's review)
    const mid3 = f;
    fs.writeFileSync(path.join(tree, 'alpha/one.practice.md'), '# 练习\n\n## 情景一\n\n```case\nexpect = bogus\n```\n');
    for (let i = 0; i < 100 && value(f, 'spkiosk_loads_total') === value(mid3, 'spkiosk_loads_total'); i++) {
      await sleep(50);
      f = await scrape(d);
    }
    assert.equal(value(f, 'spkiosk_files_with_errors'), 2);
    assert.equal(value(f, 'spkiosk_load_file_errors_total') - value(mid3, 'spkiosk_load_file_errors_total'), 2);
    assert.match(d.stderr().split('spkiosk: loaded ').pop(), /; 2 files with errors in all\n/);
  });

  it('answers the method it does not serve as any route would (405 from an allowed address)', async () => {
    const r = await request(`${d.url}/metrics`, { method: 'POST' });
    assert.equal(r.status, 405);
  });
});

// `spkiosk backup` is a process of its own (the nightly timer): the daemon
// knew nothing of it, and a full backup disk or a broken timer went
// unnoticed until the day a restore was needed. The command records its
// outcome in the database it copied from, once the copy is on the disk,
// and /metrics shows it (docs/deployment.md, "Backup and restore").
describe('backups in /metrics', () => {
  let tmp, tree, db, d;
  const seen = {};
  const backup = (...args) => spawnSync(BIN, ['backup', '--db', db, ...args], { encoding: 'utf8' });
  const sql = (file, q) => spawnSync('sqlite3', [file, q], { encoding: 'utf8' });
  const now = () => Date.now() / 1000;
  before(async () => {
    tmp = makeTmp();
    tree = writeTree(path.join(tmp, 'tree'), FILES);
    db = path.join(tmp, 'x.db');
    d = await startDaemon({ tree, db });
  });
  after(async () => { if (d) await d.stop(); rmTmp(tmp); });

  it('shows the last good copy of either form, its size, and none before the first', async () => {
    let f = await scrape(d);
    for (const [name, type] of [
      ['spkiosk_backup_last_success_timestamp_seconds', 'gauge'], ['spkiosk_backup_last_success_bytes', 'gauge'],
      ['spkiosk_backup_last_failure_timestamp_seconds', 'gauge'], ['spkiosk_backup_failures_total', 'counter'],
    ]) {
      assert.equal(f.get(name)?.type, type, name);
      assert.equal(f.get(name).samples.length, 1, `${name}: one sample, 0 included`);
      assert.equal(value(f, name), 0, `${name} before any backup`);
    }
    // backup FILE
    let t0 = Math.floor(now());
    const one = path.join(tmp, 'one.db');
    let r = backup(one);
    let t1 = Math.ceil(now());
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '', 'a good backup says nothing');
    f = await scrape(d);
    const at1 = value(f, 'spkiosk_backup_last_success_timestamp_seconds');
    assert.ok(at1 >= t0 && at1 <= t1, `${t0} <= ${at1} <= ${t1}`);
    assert.equal(value(f, 'spkiosk_backup_last_success_bytes'), fs.statSync(one).size);
    assert.equal(value(f, 'spkiosk_backup_last_failure_timestamp_seconds'), 0);
    assert.equal(value(f, 'spkiosk_backup_failures_total'), 0);
    // backup --keep N DIR, once the clock has passed the first one's second
    while (now() < at1 + 1) await sleep(100);
    t0 = Math.floor(now());
    r = backup('--keep', '3', path.join(tmp, 'nightly'));
    t1 = Math.ceil(now());
    assert.equal(r.status, 0, r.stderr);
    const two = r.stdout.trim();
    f = await scrape(d);
    const at2 = value(f, 'spkiosk_backup_last_success_timestamp_seconds');
    assert.ok(at2 >= t0 && at2 <= t1 && at2 > at1, `${t0} <= ${at2} <= ${t1}, after ${at1}`);
    assert.equal(value(f, 'spkiosk_backup_last_success_bytes'), fs.statSync(two).size);
    // each copy holds the outcomes before it, never its own success
    assert.equal(sql(one, "SELECT count(*) FROM backup_outcomes").stdout, '0\n');
    assert.equal(sql(two, "SELECT at FROM backup_outcomes WHERE outcome = 'ok'").stdout, `${at1}\n`);
    Object.assign(seen, { at1, at2, two, bytes2: fs.statSync(two).size });
  });

  // a DIR that cannot be made (a file is in the way: as a full or
  // unmounted backup disk, and it fails for root too), then a FILE whose
  // folder is missing: each is said, exits 1, and is counted
  it('shows the last failure and counts them, the last good copy kept', async () => {
    const good = value(await scrape(d), 'spkiosk_backup_last_success_timestamp_seconds');
    assert.ok(good > 0, 'the test before made a copy');
    fs.writeFileSync(path.join(tmp, 'disk'), 'not a folder');
    let t0 = Math.floor(now());
    let r = backup('--keep', '3', path.join(tmp, 'disk', 'spkiosk'));
    let t1 = Math.ceil(now());
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^spkiosk backup: cannot create .*disk\/spkiosk: Not a directory\n$/);
    let f = await scrape(d);
    const at = value(f, 'spkiosk_backup_last_failure_timestamp_seconds');
    assert.ok(at >= t0 && at <= t1, `${t0} <= ${at} <= ${t1}`);
    assert.equal(value(f, 'spkiosk_backup_failures_total'), 1);
    assert.equal(value(f, 'spkiosk_backup_last_success_timestamp_seconds'), good, 'a failure is no good copy');
    t0 = Math.floor(now());
    r = backup(path.join(tmp, 'missing', 'copy.db'));
    t1 = Math.ceil(now());
    assert.equal(r.status, 1, r.stderr);
    f = await scrape(d);
    assert.equal(value(f, 'spkiosk_backup_failures_total'), 2);
    const at2 = value(f, 'spkiosk_backup_last_failure_timestamp_seconds');
    assert.ok(at2 >= t0 && at2 <= t1, `${t0} <= ${at2} <= ${t1}`);
    // the reason is kept for the IT officer who looks
    const why = spawnSync('sqlite3', [db, '.timeout 5000', "SELECT reason FROM backup_outcomes WHERE outcome = 'failed'"],
      { encoding: 'utf8' });
    assert.match(why.stdout,
      /^cannot create .*missing\/copy\.db\.tmp: No such file or directory\n$/);
  });

  // a database at an older schema (a daemon of the older binary still
  // serving it after an upgrade) is not migrated by the backup: the copy is
  // made all the same, and the command says why nothing was recorded
  it('a database at an older schema is copied, and not recorded, with a word why', () => {
    const old = path.join(tmp, 'old.db');
    const made = backup(old);
    assert.equal(made.status, 0, made.stderr);
    assert.equal(sql(old, 'DROP TABLE backup_outcomes; PRAGMA user_version = 38').status, 0);
    const copy = path.join(tmp, 'old-copy.db');
    const r = spawnSync(BIN, ['backup', '--db', old, copy], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${copy}\n`);
    assert.match(r.stderr, /^spkiosk backup: the copy is made, but it is not recorded for \/metrics: .*old\.db is at schema 38, which has no place for it \(this spkiosk's is \d+; the daemon's next start migrates it\)\n$/);
    assert.equal(sql(copy, 'PRAGMA integrity_check').stdout, 'ok\n');
    assert.equal(sql(old, 'PRAGMA user_version').stdout, '38\n', 'not migrated by the backup');
  });

  // The copy holds the outcomes from before it: restored where there was
  // no database, /metrics shows the backup before it (older, never newer
  // than a copy on the disk). Restored over the database it was taken from,
  // the newer outcomes that one recorded are carried, as today's ticket
  // number is: the copies on the backup disk did not go away, and the
  // "no backup in 36 hours" alert must not fire because of a restore.
  it('a restored database shows the copy\'s outcomes, or the newer ones of the database it replaced', async () => {
    assert.ok(seen.two, 'the first test made the copies');
    const fresh = path.join(tmp, 'fresh', 'x.db');
    let r = spawnSync(BIN, ['restore', '--db', fresh, seen.two], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    let d2 = await startDaemon({ tree, db: fresh });
    try {
      const f = await scrape(d2);
      assert.equal(value(f, 'spkiosk_backup_last_success_timestamp_seconds'), seen.at1, 'the backup before the copy');
      assert.equal(value(f, 'spkiosk_backup_failures_total'), 0);
    } finally {
      assert.equal((await d2.stop()).code, 0);
    }
    // the newest outcomes the database had: the test before backed it up
    // once more (old.db), a second after seen.at2 on a slow run
    const before = await scrape(d);
    const lastAt = value(before, 'spkiosk_backup_last_success_timestamp_seconds');
    const lastBytes = value(before, 'spkiosk_backup_last_success_bytes');
    assert.ok(lastAt >= seen.at2, `${lastAt} >= ${seen.at2}`);
    assert.equal((await d.stop()).code, 0);
    d = null;
    r = spawnSync(BIN, ['restore', '--db', db, seen.two], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /could not be carried/);
    d = await startDaemon({ tree, db });
    const f = await scrape(d);
    assert.equal(value(f, 'spkiosk_backup_last_success_timestamp_seconds'), lastAt, 'the last good copy before the restore, carried');
    assert.equal(value(f, 'spkiosk_backup_last_success_bytes'), lastBytes);
    assert.equal(value(f, 'spkiosk_backup_failures_total'), 2, 'the failures after it, carried');
  });
});

// A hall without internet has no time server: a server restarted with a
// dead clock battery, or a clock set back, numbers tickets and counts due
// dates by a wrong day. The newest case event was written by a clock ahead
// of this one: the start says so, and /metrics gives how far for an alert.
const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

// The alert docs/deployment.md gives for "the last backup failed", read
// from the doc and evaluated on the figures. A run of --keep whose copy is
// made but whose pruning fails records its success and then its failure,
// both in the same second: the rule must fire on that (the backup disk
// fills unseen otherwise), and not on a hall that never backed up, nor
// once a later backup went well.
describe('the documented alert for a failed backup', () => {
  let tmp, db, d;
  const backup = (...args) => spawnSync(BIN, ['backup', '--db', db, ...args], { encoding: 'utf8' });
  before(async () => {
    tmp = makeTmp();
    db = path.join(tmp, 'x.db');
    d = await startDaemon({ tree: writeTree(path.join(tmp, 'tree'), FILES), db });
  });
  after(async () => { if (d) await d.stop(); rmTmp(tmp); });

  // the rule's expr: comparisons of figures and numbers joined by "and"
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'deployment.md'), 'utf8');
  const expr = doc.match(/- alert: SpkioskBackupFailed\n\s+expr: (.+)\n/)?.[1];
  function fires(f) {
    assert.ok(expr, 'the rule is in docs/deployment.md');
    return expr.split(/\s+and\s+/).every((clause) => {
      const m = clause.match(/^(\S+)\s*(>=|<=|>|<|==|!=)\s*(\S+)$/);
      assert.ok(m, `a clause this test can evaluate: ${clause}`);
      const [a, b] = [m[1], m[3]].map((x) => (/^[\d.]+$/.test(x) ? Number(x) : value(f, x)));
      return { '>=': a >= b, '<=': a <= b, '>': a > b, '<': a < b, '==': a === b, '!=': a !== b }[m[2]];
    });
  }

  it('fires on a copy made whose pruning failed, and on nothing else', async () => {
    assert.equal(fires(await scrape(d)), false, 'a hall that never backed up (the other rule says so)');
    const dir = path.join(tmp, 'nightly');
    let r = backup('--keep', '1', dir);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(fires(await scrape(d)), false, 'a good backup');
    // a folder in the way, named as an old copy: pruning cannot delete it
    fs.mkdirSync(path.join(dir, 'spkiosk-20200101T000000Z.db'));
    while (Date.now() / 1000 < Math.floor(value(await scrape(d), 'spkiosk_backup_last_success_timestamp_seconds')) + 1)
      await sleep(100);
    r = backup('--keep', '1', dir);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /pruning failed: cannot delete .*spkiosk-20200101T000000Z\.db: Is a directory/);
    const f = await scrape(d);
    assert.equal(value(f, 'spkiosk_backup_failures_total'), 1);
    assert.equal(fires(f), true, `${expr}: the copy is made, but the disk will fill`);
    fs.rmdirSync(path.join(dir, 'spkiosk-20200101T000000Z.db'));
    while (Date.now() / 1000 < value(f, 'spkiosk_backup_last_failure_timestamp_seconds') + 1) await sleep(100);
    r = backup('--keep', '1', dir);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(fires(await scrape(d)), false, 'a good backup after it');
  });
});

describe('a clock behind the database', () => {
  let tmp, tree, db;
  before(() => {
    tmp = makeTmp();
    tree = writeTree(path.join(tmp, 'tree'), FILES);
    db = path.join(tmp, 'x.db');
  });
  after(() => rmTmp(tmp));

  it('is said at start and measured by spkiosk_clock_behind_seconds; a right clock is not', async () => {
    let d = await startDaemon({ tree, db });
    try {
      const c = await request(`${d.url}/api/v1/cases`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ procedure: 'one' }),
      });
      assert.equal(c.status, 201, c.text);
      assert.equal(value(await scrape(d), 'spkiosk_clock_behind_seconds'), 0);
      assert.doesNotMatch(d.stderr(), /clock says/);
    } finally {
      assert.equal((await d.stop()).code, 0);
    }
    // a record a few seconds ahead (an NTP step back, another process's
    // write a moment ago) is no sign of a wrong clock: no warning
    const ahead = spawnSync('sqlite3', [db, "UPDATE case_events SET at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+30 seconds')"],
      { encoding: 'utf8' });
    assert.equal(ahead.status, 0, ahead.stderr);
    d = await startDaemon({ tree, db });
    try {
      assert.doesNotMatch(d.stderr(), /clock says/);
    } finally {
      assert.equal((await d.stop()).code, 0);
    }
    // ten minutes ahead is past the minute of slack (docs/deployment.md,
    // "The clock"): said, unless this start took nine minutes
    const tenMin = spawnSync('sqlite3', [db, "UPDATE case_events SET at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+10 minutes')"],
      { encoding: 'utf8' });
    assert.equal(tenMin.status, 0, tenMin.stderr);
    d = await startDaemon({ tree, db });
    try {
      assert.match(d.stderr(), /clock says .*, behind the newest record in the database/);
    } finally {
      assert.equal((await d.stop()).code, 0);
    }
    // as if the last day's work had been done by a clock a year ahead
    const r = spawnSync('sqlite3', [db, "UPDATE case_events SET at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+365 days')"],
      { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    d = await startDaemon({ tree, db });
    try {
      assert.match(d.stderr(), /spkiosk: warning: this machine's clock says \d{4}-\d\d-\d\dT[\d:]{8}Z, behind the newest record in the database \(\d{4}-[^)]*Z\): tickets, due dates, sessions and backups follow this clock; set it right .*; if this clock is right, a clock running ahead wrote that record/);
      const behind = value(await scrape(d), 'spkiosk_clock_behind_seconds');
      assert.ok(behind > 364 * 86400 && behind <= 365 * 86400, String(behind));
    } finally {
      assert.equal((await d.stop()).code, 0);
    }
  });

  // a new hall's server, its database empty: no record to compare, but no
  // hall ran this before 2026-12. libfaketime (scripts/deps.sh test) moves
  // the daemon's clock alone, preloaded rather than by the faketime command,
  // which would stand between the test and the daemon's exit; an ASan
  // build lets the preload come before its runtime.
  it('a clock before this version was made is said at start, on an empty database too',
    { skip: fs.existsSync(LIBFAKETIME) ? false : `no ${LIBFAKETIME} (scripts/deps.sh test installs it)` }, async () => {
    const d = await startDaemon({
      tree, db: path.join(tmp, 'empty.db'),
      env: {
        LD_PRELOAD: process.env.LD_PRELOAD ? `${LIBFAKETIME}:${process.env.LD_PRELOAD}` : LIBFAKETIME,
        FAKETIME: '@2010-01-01 08:00:00', DONT_FAKE_MONOTONIC: '1', FAKETIME_FORCE_MONOTONIC_FIX: '0',
        ASAN_OPTIONS: `${process.env.ASAN_OPTIONS ? `${process.env.ASAN_OPTIONS}:` : ''}verify_asan_link_order=0`,
      },
    });
    try {
      assert.match(d.stderr(), /spkiosk: warning: this machine's clock says 2010-01-01T0\d:\d\d:\d\dZ, before this version was made: tickets, due dates/);
      assert.equal((await request(`${d.url}/healthz`)).status, 200, 'a warning: the kiosk goes on');
    } finally {
      assert.equal((await d.stop()).code, 0);
    }
  });
});

describe('/metrics from an address not allowed', () => {
  let tmp, d;
  before(async () => {
    tmp = makeTmp();
    const tree = writeTree(path.join(tmp, 'tree'), FILES);
    d = await startDaemon({ tree, db: path.join(tmp, 'x.db'), args: ['--metrics-allow', '10.9.9.9', '--metrics-allow', 'fd00::/8'] });
  });
  after(async () => { if (d) await d.stop(); rmTmp(tmp); });

  it('is 404 not_found, as a path that does not exist, whatever the method', async () => {
    for (const method of ['GET', 'HEAD', 'POST', 'PUT']) {
      const r = await request(`${d.url}/metrics`, { method });
      assert.equal(r.status, 404, method);
      if (method !== 'HEAD') assert.equal(r.body?.error?.code, 'not_found', method);
      assert.equal(r.headers.get('allow'), null, `${method}: no Allow to tell it exists`);
    }
    assert.equal((await request(`${d.url}/healthz`)).status, 200, 'the rest is served');
  });

  it('refuses bad --metrics-allow values at start', () => {
    for (const bad of ['10.0.0.0/33', 'localhost', '::1/129', '10.0.0.1/', '']) {
      const r = spawnSync(BIN, ['serve', '--metrics-allow', bad], { encoding: 'utf8', timeout: 10_000 });
      assert.equal(r.status, 2, `${bad}: ${r.stderr}`);
      assert.match(String(r.stderr), /--metrics-allow/);
    }
  });
});

describe('/metrics behind a trusted proxy on loopback', () => {
  // The proxy arrives from 127.0.0.1, which the default allows: the client
  // it forwards is what is judged, or the proxy would open /metrics to all.
  let tmp, d;
  before(async () => {
    tmp = makeTmp();
    const tree = writeTree(path.join(tmp, 'tree'), FILES);
    d = await startDaemon({ tree, db: path.join(tmp, 'x.db'), args: ['--trusted-proxy', '127.0.0.1'] });
  });
  after(async () => { if (d) await d.stop(); rmTmp(tmp); });

  it('is 404 for a client forwarded from outside, served to the proxy itself and a local client', async () => {
    const outside = await request(`${d.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
    assert.equal(outside.status, 404);
    const local = await request(`${d.url}/metrics`, { headers: { 'x-forwarded-for': '127.0.0.1' } });
    assert.equal(local.status, 200);
    const direct = await request(`${d.url}/metrics`);
    assert.equal(direct.status, 200, 'no header: the proxy\'s own address, loopback');
  });

  // docs/deployment.md: loopback is 127.0.0.0/8 and ::1 by default; an IPv6
  // client is judged as such, and one from outside is still refused
  it('judges a forwarded IPv6 client: ::1 served, another refused', async () => {
    const v6 = await request(`${d.url}/metrics`, { headers: { 'x-forwarded-for': '::1' } });
    assert.equal(v6.status, 200);
    const far = await request(`${d.url}/metrics`, { headers: { 'x-forwarded-for': '2001:db8::7' } });
    assert.equal(far.status, 404);
  });
});

describe('the request log', () => {
  let tmp, d;
  const TYPED = '办理居住证的材料清单xyz';
  const NAME = '张三丰测试';
  before(async () => {
    tmp = makeTmp();
    const tree = writeTree(path.join(tmp, 'tree'), FILES);
    d = await startDaemon({ tree, db: path.join(tmp, 'x.db') });
  });
  after(async () => { if (d) await d.stop(); rmTmp(tmp); });

  it('one key=value line per request, its id the X-Request-Id, no typed value', async () => {
    const ids = [];
    const q = await request(`${d.url}/api/v1/procedures?q=${encodeURIComponent(TYPED)}`);
    assert.equal(q.status, 200);
    ids.push(q.headers.get('x-request-id'));
    const c = await request(`${d.url}/api/v1/cases`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ procedure: 'one' }),
    });
    assert.equal(c.status, 201, c.text);
    ids.push(c.headers.get('x-request-id'));
    const caseId = c.body.id;
    const g = await request(`${d.url}/api/v1/cases/${caseId}`);
    ids.push(g.headers.get('x-request-id'));
    const s = await request(`${d.url}/api/v1/cases/${caseId}/steps/1`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fields: { name: NAME } }),
    });
    ids.push(s.headers.get('x-request-id'));
    const weird = await request(`${d.url}/no%20such%22path=x`);
    assert.equal(weird.status, 404);
    ids.push(weird.headers.get('x-request-id'));
    for (const id of ids) assert.match(id ?? '', /^[0-9a-f]{16}$/);
    assert.equal(new Set(ids).size, ids.length, 'ids differ');

    let lines = [];
    for (let i = 0; i < 40; i++) {
      lines = requestLines(d.stderr());
      if (ids.every((id) => lines.some((l) => l.id === id))) break;
      await sleep(50);
    }
    const KEYS = ['ts', 'level', 'id', 'method', 'route', 'path', 'status', 'bytes', 'ms', 'addr'];
    for (const l of lines) {
      assert.deepEqual(Object.keys(l).slice(0, KEYS.length), KEYS, JSON.stringify(l));
      assert.match(l.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.match(l.status, /^\d{3}$/);
      assert.match(l.ms, /^\d+\.\d$/);
      assert.match(l.bytes, /^\d+$/);
      assert.equal(l.addr, '127.0.0.1');
    }
    const byId = (id) => lines.find((l) => l.id === id);
    const search = byId(ids[0]);
    assert.ok(search, 'the search is logged');
    assert.equal(search.route, '/api/v1/procedures');
    assert.equal(search.path, '/api/v1/procedures');
    assert.equal(search.qlen, String(Buffer.byteLength(TYPED)), 'the search is told by its length');
    assert.deepEqual([byId(ids[1]).method, byId(ids[1]).route, byId(ids[1]).status], ['POST', '/api/v1/cases', '201']);
    assert.equal(byId(ids[2]).route, '/api/v1/cases/{}');
    assert.equal(byId(ids[2]).path, '/api/v1/cases/{id}', 'the case id is masked');
    assert.equal(byId(ids[3]).path, '/api/v1/cases/{id}/steps/1');
    assert.equal(byId(ids[4]).route, 'none');
    assert.equal(byId(ids[4]).path, '/no such"path=x', 'a path with a space and a quote, quoted and read back');
    const log = d.stderr();
    for (const v of [TYPED, encodeURIComponent(TYPED), NAME, caseId]) assert.ok(!log.includes(v), `the log holds ${v}`);
  });

  // A method is any token libmicrohttpd takes, and a path is logged as it
  // came: both escaped and cut at LOGLINE_VALUE_MAX, together they passed
  // LOGLINE_MAX, and the pairs that no longer fitted (path, then status,
  // bytes, ms, addr) were left out: a client could drop its own address
  // from its line. Every key is there whatever the request.
  it('a long method and path leave every key in the line', async () => {
    const method = 'M'.repeat(700);
    const pathPart = '/x' + '%01'.repeat(300);
    const head = await new Promise((resolve, reject) => {
      const sock = net.connect(d.port, '127.0.0.1', () => {
        sock.write(`${method} ${pathPart} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
      });
      let got = '';
      sock.on('data', (b) => { got += b.toString('latin1'); });
      sock.on('end', () => resolve(got));
      sock.on('error', reject);
    });
    const id = (head.match(/^x-request-id: ([0-9a-f]{16})\r$/im) ?? [])[1];
    assert.ok(id, `an X-Request-Id in:\n${head.slice(0, 400)}`);
    let line;
    for (let i = 0; i < 40 && !line; i++) {
      line = requestLines(d.stderr()).find((l) => l.id === id);
      if (!line) await sleep(50);
    }
    assert.ok(line, 'the request is logged');
    const KEYS = ['ts', 'level', 'id', 'method', 'route', 'path', 'status', 'bytes', 'ms', 'addr'];
    assert.deepEqual(Object.keys(line).slice(0, KEYS.length), KEYS, JSON.stringify(line).slice(0, 300));
    assert.equal(line.addr, '127.0.0.1');
    assert.match(line.status, /^\d{3}$/);
    assert.ok(line.method.startsWith('MMMM') && line.method.endsWith('...'), 'the method cut');
    assert.ok(line.path.startsWith('/x\x01'), 'the path, escaped');
  });
});

describe('--log-file and SIGHUP', () => {
  let tmp, proc;
  after(() => { if (proc && proc.exitCode === null) proc.kill('SIGKILL'); rmTmp(tmp); });

  it('writes the log to the file, and after a rename and SIGHUP to a new file', async () => {
    tmp = makeTmp();
    const tree = writeTree(path.join(tmp, 'tree'), FILES);
    const logFile = path.join(tmp, 'spkiosk.log');
    proc = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--db', path.join(tmp, 'x.db'), '--procedures', tree,
      '--log-file', logFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (b) => { stderr += b; });
    const read = (p) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '');
    let port = 0;
    for (let i = 0; i < 200 && !port; i++) {
      const m = read(logFile).match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) port = Number(m[1]);
      else await sleep(50);
    }
    assert.ok(port, `no listening line in the log file:\n${read(logFile)}\nstderr:\n${stderr}`);
    const url = `http://127.0.0.1:${port}`;
    const first = (await request(`${url}/healthz`)).headers.get('x-request-id');
    // the polls are bounds, not speeds: 20 s each, for a loaded machine
    // under faketime (check-days saw this test fail once, beside four reviews)
    const waitFor = async (p, id) => {
      for (let i = 0; i < 400; i++) {
        if (requestLines(read(p)).some((l) => l.id === id)) return true;
        await sleep(50);
      }
      return false;
    };
    assert.ok(await waitFor(logFile, first), 'the first request is in the log file');
    const rotated = `${logFile}.1`;
    fs.renameSync(logFile, rotated);
    proc.kill('SIGHUP');
    for (let i = 0; i < 400 && !fs.existsSync(logFile); i++) await sleep(50);
    assert.ok(fs.existsSync(logFile), 'SIGHUP opened a new file');
    const second = (await request(`${url}/healthz`)).headers.get('x-request-id');
    assert.ok(await waitFor(logFile, second), `the next request lands in the new file:\n${read(logFile)}`);
    assert.ok(!requestLines(read(rotated)).some((l) => l.id === second), 'not in the rotated one');
    assert.match(read(logFile), /SIGHUP: reloading/, 'the reload is told in the new file');
    assert.equal(stderr, '', 'nothing on standard error once the file is open');
    proc.kill('SIGTERM');
    const code = await new Promise((resolve) => proc.on('exit', (c) => resolve(c)));
    assert.equal(code, 0);
  });
});

// A SIGHUP whose --log-file cannot be opened again (its folder moved
// away): the daemon writes on in the file it has, says so there, and
// reloads all the same; losing the log or the reload would go unseen.
describe('--log-file that SIGHUP cannot open again', () => {
  let tmp, proc;
  after(() => { if (proc && proc.exitCode === null) proc.kill('SIGKILL'); rmTmp(tmp); });

  it('says so in the old file, goes on logging there and reloads', async () => {
    tmp = makeTmp();
    const tree = writeTree(path.join(tmp, 'tree'), FILES);
    const logFile = path.join(tmp, 'logs', 'spkiosk.log');
    fs.mkdirSync(path.dirname(logFile));
    proc = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--db', path.join(tmp, 'x.db'), '--procedures', tree,
      '--log-file', logFile], { stdio: ['ignore', 'ignore', 'ignore'] });
    const exited = new Promise((resolve) => proc.on('exit', (c, sig) => resolve({ c, s: sig })));
    const moved = path.join(tmp, 'logs.old', 'spkiosk.log');
    const read = (p) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '');
    let listening = false;
    for (let i = 0; i < 400 && !listening; i++) {
      listening = /listening on http/.test(read(logFile));
      if (!listening) await sleep(50);
    }
    assert.ok(listening, `no listening line in the log file:\n${read(logFile)}`);
    fs.renameSync(path.dirname(logFile), path.dirname(moved));
    proc.kill('SIGHUP');
    const want = /^spkiosk: cannot reopen the log file .*; writing on in the old one\nspkiosk: SIGHUP: reloading /m;
    for (let i = 0; i < 400 && !want.test(read(moved)); i++) await sleep(50);
    assert.match(read(moved), want);
    assert.ok(!fs.existsSync(logFile), 'no file made where the folder was');
    proc.kill('SIGTERM');
    // bounded: a daemon that does not stop is killed, and the test fails
    const kill = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    const stopped = await exited;
    clearTimeout(kill);
    assert.deepEqual(stopped, { c: 0, s: null });
    assert.match(read(moved), /SIGTERM: stopping/);
  });
});

// A --log-file that cannot be opened (its folder missing, no right to
// it) stops the start with exit 1: served on, the daemon's whole log would
// go where nobody looks for it.
describe('--log-file that cannot be opened', () => {
  let tmp;
  after(() => rmTmp(tmp));

  it('is said on standard error, and the daemon exits 1 without listening', () => {
    tmp = makeTmp();
    const tree = writeTree(path.join(tmp, 'tree'), FILES);
    const logFile = path.join(tmp, 'no-such-folder', 'spkiosk.log');
    // bounded: a daemon that serves anyway would never return
    const r = spawnSync(BIN, ['serve', '--listen', '127.0.0.1:0', '--db', path.join(tmp, 'x.db'), '--procedures', tree,
      '--log-file', logFile], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^spkiosk: cannot open the log file ${logFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `, 'm'));
    assert.doesNotMatch(r.stderr, /listening on/);
  });
});

// A daemon started with standard error closed (a supervisor that closes
// what it does not pass on): the first descriptor the daemon made, its
// signalfd, took number 2, and --log-file's dup2 onto 2 then replaced it,
// so the main loop polled the log file (always readable), spun, and never
// saw SIGTERM. The log must land in the file and SIGTERM must stop it.
describe('--log-file with standard error closed at start', () => {
  let tmp, proc;
  after(() => { if (proc && proc.exitCode === null) proc.kill('SIGKILL'); rmTmp(tmp); });

  it('logs into the file and stops on SIGTERM', async () => {
    tmp = makeTmp();
    const tree = writeTree(path.join(tmp, 'tree'), FILES);
    const logFile = path.join(tmp, 'spkiosk.log');
    proc = spawn('/bin/sh', ['-c', 'exec 2>&- && exec "$0" "$@"', BIN, 'serve', '--listen', '127.0.0.1:0',
      '--db', path.join(tmp, 'x.db'), '--procedures', tree, '--log-file', logFile],
    { stdio: ['ignore', 'ignore', 'ignore'] });
    const exited = new Promise((resolve) => proc.on('exit', (c, s) => resolve({ c, s })));
    const read = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
    let port = 0;
    for (let i = 0; i < 200 && !port; i++) {
      const m = read().match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) port = Number(m[1]);
      else await sleep(50);
    }
    assert.ok(port, `no listening line in the log file:\n${read()}`);
    const id = (await request(`http://127.0.0.1:${port}/healthz`)).headers.get('x-request-id');
    let logged = false;
    for (let i = 0; i < 100 && !logged; i++) {
      logged = requestLines(read()).some((l) => l.id === id);
      if (!logged) await sleep(50);
    }
    assert.ok(logged, `the request is in the log file:\n${read()}`);
    proc.kill('SIGTERM');
    const stopped = await Promise.race([exited, sleep(10_000).then(() => null)]);
    assert.ok(stopped, `SIGTERM did not stop the daemon:\n${read()}`);
    assert.deepEqual(stopped, { c: 0, s: null });
    assert.match(read(), /SIGTERM: stopping/);
  });
});

// A start that fails once the log file is open (a damaged database, the
// lock held, a port taken) said why in that file alone: under the unit,
// `systemctl status` and `journalctl -u spkiosk` showed the service
// failing and starting again every 5 s without a word of the reason. The
// reason stays in the file, and standard error (the journal) is told that
// the start failed and where to read why.
describe('--log-file and a start that fails', () => {
  let tmp;
  after(() => rmTmp(tmp));

  it('says on standard error that the start failed and which file says why', () => {
    tmp = makeTmp();
    const tree = writeTree(path.join(tmp, 'tree'), FILES);
    const db = path.join(tmp, 'x.db');
    fs.writeFileSync(db, 'not a database, '.repeat(400));
    const logFile = path.join(tmp, 'spkiosk.log');
    const r = spawnSync(BIN, ['serve', '--listen', '127.0.0.1:0', '--db', db, '--procedures', tree,
      '--log-file', logFile], { encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(fs.readFileSync(logFile, 'utf8'), /database: cannot configure .*file is not a database/);
    assert.equal(r.stderr, `spkiosk: the start failed; why is in the log file ${logFile}\n`);
  });
});
