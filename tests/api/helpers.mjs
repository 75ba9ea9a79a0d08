// Shared helpers for the HTTP tests: start/stop the real daemon, temp dirs,
// small request wrappers and assertions on the error shape.
// Node 20 built-ins only.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { addUserFast, copyTemplate, hashShimEnv, rememberUser } from './db-shortcuts.mjs';

export { setShortcuts } from './db-shortcuts.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

export const ROOT = path.resolve(here, '..', '..');
export const BIN = process.env.SPKIOSK_BIN || path.join(ROOT, 'build', 'spkiosk');
export const FIXTURE_TREE = path.join(ROOT, 'tests', 'fixtures', 'tree');
export const SAMPLE_TREE = path.join(ROOT, 'procedures');

const LISTEN_RE = /spkiosk: listening on (https?):\/\/127\.0\.0\.1:(\d+)/;
// An upper bound, never a figure: a first start hashes the admin's password
// (Argon2id, 64 MiB), which under ASan on a machine busy with other builds
// once took past 10 s (check-asan, 2026-12-06); a daemon that never starts
// still fails here.
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export function makeTmp(prefix = 'spkiosk-api-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function rmTmp(dir) {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

// Writes {relative/path: content} under dir.
export function writeTree(dir, files) {
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return dir;
}

export function sha256File(p) {
  return createHash('sha256').update(fs.readFileSync(p)).digest('hex');
}

// Starts `spkiosk serve` on a free port and resolves once it printed its
// listening line. opts: {tree, db, cwd, args, env, wrap, fresh}; wrap: a command
// that execs the daemon after its own arguments (['prlimit', '--nofile=64:96']),
// so that proc is still the daemon. A db not there yet starts as a copy of
// the run's migrated template (tests/api/db-shortcuts.mjs), unless fresh:
// true (a test of how a database is made, migrated or first started) or a
// wrap is given: then the daemon makes it. Its password hashes are cheap
// (db-shortcuts.mjs, hashShimEnv) unless realHash: true (a test of what a
// hash's cost does: the hashing slots) or baseEnv: false.
// Returns {url, port, proc, stop(signal) -> Promise<{code, signal}>,
//          stderr() -> string, stdout() -> string, exited}.
export async function startDaemon(opts = {}) {
  if (!fs.existsSync(BIN)) {
    throw new Error(`spkiosk binary not found at ${BIN} (set SPKIOSK_BIN or build it)`);
  }
  const tree = opts.tree ?? FIXTURE_TREE;
  const cwd = opts.cwd ?? path.dirname(opts.db);
  // another --db or a configuration among args would name another file; a
  // wrapper may run another build, or as another user (who could not open
  // a copy made by this one)
  if (!opts.fresh && !opts.wrap && !(opts.args ?? []).some((a) => /^--(db|config)\b/.test(a))) {
    copyTemplate(BIN, path.resolve(cwd, opts.db));
  }
  const args = ['serve', '--listen', '127.0.0.1:0', '--db', opts.db, '--procedures', tree,
    ...(opts.args ?? [])];
  const wrap = opts.wrap ?? [];
  const proc = spawn(wrap.length ? wrap[0] : BIN, wrap.length ? [...wrap.slice(1), BIN, ...args] : args, {
    cwd,
    // baseEnv: false gives exactly opts.env (a variable left out is unset)
    env: opts.baseEnv === false ? { ...(opts.env ?? {}) }
      : opts.realHash ? { ...process.env, ...(opts.env ?? {}) }
        : hashShimEnv(BIN, { ...process.env, ...(opts.env ?? {}) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let out = '';
  proc.stderr.setEncoding('utf8');
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (d) => { out += d; });

  let exitInfo = null;
  let scheme = 'http';
  const exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => { exitInfo = { code, signal }; resolve(exitInfo); });
  });

  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`daemon did not print its listening line within ${START_TIMEOUT_MS} ms; ` +
        `stderr:\n${err}\nstdout:\n${out}`));
    }, START_TIMEOUT_MS);
    const onData = (d) => {
      err += d;
      const m = LISTEN_RE.exec(err);
      if (m) {
        clearTimeout(timer);
        scheme = m[1];
        resolve(Number(m[2]));
      }
    };
    proc.stderr.on('data', onData);
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    exited.then((info) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited early (${JSON.stringify(info)}); stderr:\n${err}\nstdout:\n${out}`));
    });
  });
  // keep collecting stderr after the listening line
  assert.ok(port > 0 && port < 65536, `bad port ${port}`);

  const url = `${scheme}://127.0.0.1:${port}`;
  async function stop(signal = 'SIGTERM') {
    if (exitInfo) return exitInfo;
    proc.kill(signal);
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve(null), STOP_TIMEOUT_MS);
    });
    const info = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    if (info === null) {
      proc.kill('SIGKILL');
      await exited;
      return { code: null, signal: 'timeout', stderr: err };
    }
    return info;
  }
  return { url, port, proc, stop, exited, stderr: () => err, stdout: () => out };
}

// fetch wrapper: returns {status, headers, text, body} where body is the parsed
// JSON or undefined if the text is not JSON.
export async function request(url, init = {}) {
  const res = await fetch(url, { redirect: 'manual', ...init });
  const text = await res.text();
  let body;
  try { body = text === '' ? undefined : JSON.parse(text); } catch { body = undefined; }
  return { status: res.status, headers: res.headers, text, body };
}

export async function getJSON(url, init = {}) {
  const r = await request(url, init);
  assert.equal(r.status, 200, `GET ${url}: status ${r.status}, body ${r.text.slice(0, 500)}`);
  assertJSONType(r, url);
  assert.notEqual(r.body, undefined, `GET ${url}: body is not JSON: ${r.text.slice(0, 500)}`);
  return r.body;
}

export function assertJSONType(r, what = '') {
  const ct = r.headers.get('content-type') ?? '';
  assert.match(ct, /^application\/json\b/i, `${what}: Content-Type is ${JSON.stringify(ct)}`);
}

const HAN = /[\u3400-\u9fff]/;

// Asserts the error shape {"error":{"code","message"}} with the status and code.
export function assertError(r, status, code, what = '') {
  const ctx = `${what} -> ${r.status} ${r.text.slice(0, 300)}`;
  assert.equal(r.status, status, `status: ${ctx}`);
  assertJSONType(r, ctx);
  assert.ok(r.body && typeof r.body === 'object', `body is not a JSON object: ${ctx}`);
  assert.ok(r.body.error && typeof r.body.error === 'object', `no "error" object: ${ctx}`);
  if (Array.isArray(code)) {
    assert.ok(code.includes(r.body.error.code), `code ${r.body.error.code} not in ${code}: ${ctx}`);
  } else {
    assert.equal(r.body.error.code, code, `code: ${ctx}`);
  }
  assert.equal(typeof r.body.error.message, 'string', `message type: ${ctx}`);
  assert.ok(r.body.error.message.trim().length > 0, `empty message: ${ctx}`);
  assert.match(r.body.error.message, HAN, `message is not Chinese text: ${ctx}`);
}

// Raw HTTP/1.1 exchange over a socket, for what fetch hides (HEAD bodies,
// oversized uploads). `head` is the request line and headers without the final
// blank line; `body` is a Buffer/string or an async function(socket) that writes
// it. Resolves {status, headers (lower-case keys), body: Buffer, raw: Buffer}.
export function rawRequest(port, head, body = null, { timeoutMs = 10_000 } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const chunks = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const raw = Buffer.concat(chunks);
      const sep = raw.indexOf('\r\n\r\n');
      if (sep < 0) {
        reject(new Error(`no complete HTTP response received (${raw.length} bytes): ` +
          raw.toString('utf8').slice(0, 300)));
        return;
      }
      const lines = raw.subarray(0, sep).toString('latin1').split('\r\n');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
      if (!m) { reject(new Error(`bad status line ${lines[0]}`)); return; }
      const headers = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      resolve({ status: Number(m[1]), headers, body: raw.subarray(sep + 4), raw });
    };
    const timer = setTimeout(() => { sock.destroy(); finish(); }, timeoutMs);
    sock.on('data', (d) => chunks.push(d));
    sock.on('end', finish);
    sock.on('close', finish);
    sock.on('error', () => { /* EPIPE/ECONNRESET after an early answer: keep what we got */ });
    sock.on('connect', async () => {
      try {
        sock.write(`${head}\r\n\r\n`);
        if (typeof body === 'function') await body(sock);
        else if (body != null) sock.write(body);
      } catch { /* the server may close early */ }
    });
  });
}

// Parses a JSON body of a raw response.
export function rawJSON(r) {
  return JSON.parse(r.body.toString('utf8'));
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The access log's line for a request id (X-Request-Id), waited for: a
// worker writes it after the answer has gone out. Fails the test when none
// comes within two seconds.
export async function logLine(daemon, id) {
  for (let i = 0; i < 100; i++) {
    const line = daemon.stderr().split('\n').find((l) => l.includes(` id=${id} `));
    if (line) return line;
    await sleep(20);
  }
  assert.fail(`no log line for ${id}`);
}

// A date a month back (YYYY-MM-DD, UTC): a `--since` for export that stays
// within its 366-day range whatever day the tests run, in any time zone.
export const monthAgo = () => new Date(Date.now() - 30 * 86400e3).toISOString().slice(0, 10);

// Under faketime (make check-days) the process's clock is moved but the
// kernel stamps files with the real time, so a file made a moment ago looks
// days old (or from the future) to a backup clearing dead copies by age.
// The few tests that age files skip there, with this reason.
export const FILE_TIMES_REAL = process.env.FAKETIME
  ? 'under faketime, files carry the real time while the clock is moved' : false;

// A daemon whose clock stands still (libfaketime, scripts/deps.sh test
// installs it): stoppedClockEnv(file) is its environment, its time read
// from `file`, which stoppedClockAt(file, secs) sets to secs seconds after
// 2026-01-05 10:00:00 UTC. A wait owed is then an exact number of seconds,
// never one a slow run changed.
export const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
// The clock file replaced whole: with FAKETIME_NO_CACHE the daemon reads it
// at every clock call, and libfaketime takes an empty or half-written file
// for no file (the real date), so a write in place let the daemon see
// today's date for a moment (x1: a suspect of resume-marks' flake).
function clockFileWrite(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
export function stoppedClockAt(file, secs) {
  // no "@": the clock stands still at this time until the file says another
  clockFileWrite(file, new Date(Date.UTC(2026, 0, 5, 10, 0, secs)).toISOString().replace('T', ' ').slice(0, 19));
}
// stoppedClockAtInstant(file, date, tz): the clock stands at date (a Date,
// to the second), for a daemon whose zone is tz: libfaketime reads the
// file's time as the daemon's local time.
export function stoppedClockAtInstant(file, date, tz = 'UTC') {
  const f = new Intl.DateTimeFormat('sv-SE', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  clockFileWrite(file, f.format(date));
}
// The environment of a daemon whose clock stands still at `date` in zone tz
// for the rest of this file (its clock file removed after it); without
// libfaketime, the real clock's, in tz. For a test that takes today once
// and compares it with the daemon's later: on a running clock, a run across
// midnight compared two days.
export function stoppedClockFor(date, tz) {
  const dir = makeTmp('spkiosk-clock-');
  const file = path.join(dir, 'clock');
  stoppedClockAtInstant(file, date, tz);
  after(() => rmTmp(dir));
  return fs.existsSync(LIBFAKETIME) ? stoppedClockEnv(file, tz) : { TZ: tz };
}
// tz: the daemon's zone (the stoppedClockAt file's times are UTC's)
export function stoppedClockEnv(file, tz = 'UTC') {
  return {
    LD_PRELOAD: process.env.LD_PRELOAD ? `${LIBFAKETIME}:${process.env.LD_PRELOAD}` : LIBFAKETIME,
    // under check-days' `faketime -f OFFSET` the offset it passes down
    // would win over the file: this daemon's clock is the file's alone
    FAKETIME: undefined, FAKETIME_SHARED: undefined,
    FAKETIME_TIMESTAMP_FILE: file, FAKETIME_NO_CACHE: '1', TZ: tz,
    DONT_FAKE_MONOTONIC: '1', FAKETIME_FORCE_MONOTONIC_FIX: '0',
    ASAN_OPTIONS: `${process.env.ASAN_OPTIONS ? `${process.env.ASAN_OPTIONS}:` : ''}verify_asan_link_order=0`,
  };
}

// Every "html" string in a procedure JSON.
export function allHtml(p) {
  const out = [p.summary_html];
  for (const s of p.sections ?? []) out.push(s.html);
  for (const s of p.steps ?? []) out.push(s.html);
  return out;
}

// Registers hooks for the enclosing file or suite: before, start a daemon on
// a fresh temporary database (over `tree`, or over a tree written from
// `files`; a copy of the run's template unless `fresh`, see startDaemon);
// after, stop it with SIGTERM, require exit 0, remove the files.
// The returned handle's `daemon` is set once the hook has run.
export function useDaemon({ tree, files, fresh, realHash } = {}) {
  const h = { daemon: null, tmp: null, db: null };
  before(async () => {
    h.tmp = makeTmp();
    const t = files ? writeTree(path.join(h.tmp, 'tree'), files) : (tree ?? FIXTURE_TREE);
    h.db = path.join(h.tmp, 'x.db');
    h.daemon = await startDaemon({ tree: t, db: h.db, fresh, realHash });
  });
  after(() => stopChecked(h.daemon, h.tmp));
  return h;
}

// Stops a daemon with SIGTERM, requires a clean exit 0 (a sanitizer build
// exits otherwise on a leak), and removes its temporary folder.
export async function stopChecked(daemon, tmp) {
  try {
    if (daemon) {
      const info = await daemon.stop();
      assert.deepEqual({ code: info.code, signal: info.signal }, { code: 0, signal: null },
        `daemon did not exit 0 on SIGTERM; stderr:\n${daemon.stderr()}`);
      assert.doesNotMatch(daemon.stderr(), /statement left open/,
        'a statement kept a read open (stale snapshot)');
    }
  } finally {
    rmTmp(tmp);
  }
}

// --- accounts and sessions -------------------------------------------------

// The password the daemon printed for the `admin` it created on its first
// start with no users (throws when it printed none).
export function adminPassword(daemon) {
  const m = /created user admin with password (\S+)/.exec(daemon.stdout());
  assert.ok(m, `no admin password on stdout:\n${daemon.stdout()}`);
  return m[1];
}

// Runs `spkiosk user ARGS...` with input on stdin; returns {status, stdout, stderr}.
// Its hashes are cheap (db-shortcuts.mjs, hashShimEnv) unless realHash.
export function userCmd(args, input = '', { realHash = false } = {}) {
  const r = spawnSync(BIN, ['user', ...args], { input, encoding: 'utf8', timeout: 30_000,
    env: realHash ? process.env : hashShimEnv(BIN, process.env) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Creates a user in the database at dbPath (the daemon may be running), as
// `spkiosk user add NAME --role ROLE --db DBPATH` does. The first user of a
// (role, password) in a run is added by that command; the next ones get
// its row (the same Argon2id hash) under their name, inserted with the
// sqlite3 shell (tests/api/db-shortcuts.mjs). A dbPath not there yet
// starts as a copy of the run's template. opts.cli: true runs the command
// every time, on the file as it is (a test of `user add` itself);
// opts.realHash too, its hash at the real limits (a daemon started with
// realHash, whose hashes' cost is what is tested).
export function addUser(dbPath, name, role, password, { cli = false, realHash = false } = {}) {
  if (!cli && !realHash && addUserFast(BIN, dbPath, name, role, password)) return;
  const r = userCmd(['add', name, '--role', role, '--db', dbPath], `${password}\n`, { realHash });
  assert.equal(r.status, 0, `user add ${name}: ${r.stderr}`);
  if (!cli && !realHash) rememberUser(BIN, dbPath, name, role, password);
}

// Logs in; returns {cookie, csrf, user, role}. Throws unless 200.
export async function login(baseUrl, name, password) {
  const res = await fetch(`${baseUrl}/api/v1/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `login ${name}: ${res.status} ${text}`);
  const set = res.headers.get('set-cookie') ?? '';
  const m = /^(spk_session=[^;]+)/.exec(set);
  assert.ok(m, `login ${name}: no session cookie in ${JSON.stringify(set)}`);
  const body = JSON.parse(text);
  return { cookie: m[1], csrf: body.csrf, user: body.user, role: body.role, display: body.display };
}

// Headers for a logged-in call: the cookie, the CSRF token, JSON.
export function authHeaders(session, extra = {}) {
  return { Cookie: session.cookie, 'X-CSRF-Token': session.csrf,
    'Content-Type': 'application/json', ...extra };
}

// The route table of src/api.c, the one list of routes: [{method, pattern,
// handler, access: 'PUBLIC'|'STAFF'|'ADMIN', csrf}] in table order. Every
// entry must match the expected shape, so that a route written differently
// is an error here rather than a route the guard tests silently skip.
export function routeTable() {
  const src = fs.readFileSync(path.join(ROOT, 'src', 'api.c'), 'utf8');
  const body = src.match(/const struct http_route api_routes\[\] = \{\n([\s\S]*?)\n\};/);
  assert.ok(body, 'the api_routes table in src/api.c');
  const entry = /^\{"(GET|POST|PUT|DELETE|PATCH)", "([^"]+)", (\w+), HTTP_(PUBLIC|SHARED|STAFF|ADMIN|MONITOR), (true|false)\},$/;
  const routes = [];
  for (const raw of body[1].split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('/*') || line.startsWith('*')) continue;
    const m = line.match(entry);
    assert.ok(m, `src/api.c: a route table line of an unexpected shape: ${line}`);
    const [, method, pattern, handler, access, csrf] = m;
    routes.push({ method, pattern, handler, access, csrf: csrf === 'true' });
  }
  assert.ok(routes.length > 0, 'routes in src/api.c');
  return routes;
}
