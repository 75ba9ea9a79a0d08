// Accounts and sessions: the first admin, `spkiosk user`, login/logout,
// the session route, cookie flags, the same 401 for an unknown name and a
// wrong password, the login throttle (auth-throttle.test.mjs has the rest), disabled
// users and changed passwords ending sessions, and what reaches the disk.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  startDaemon, makeTmp, stopChecked, request, assertError, adminPassword, addUser, userCmd,
  login, authHeaders, useDaemon, BIN, logLine,
} from './helpers.mjs';
import { loginFrom } from './auth-helpers.mjs';

async function post(url, body, headers = {}) {
  return request(url, {
    method: 'POST', headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

// fresh: the daemon makes each database, as on a hall's first start (not a
// copy of the run's template, tests/api/db-shortcuts.mjs)
describe('first start', () => {
  test('creates admin once, prints its password once, and it logs in', async () => {
    const tmp = makeTmp();
    const db = path.join(tmp, 'x.db');
    let d = await startDaemon({ db, fresh: true });
    let pw;
    try {
      pw = adminPassword(d);
      assert.match(pw, /^[A-Za-z2-9]{16}$/);
      // standard error is a pipe here, as a harness reading only it has:
      // the same lines there too (a --log-file never: the test below)
      assert.match(d.stderr(), new RegExp(`^spkiosk: created user admin with password ${pw}$`, 'm'));
      const s = await login(d.url, 'admin', pw);
      assert.equal(s.role, 'admin');
      await d.stop();
      d = await startDaemon({ db });
      assert.doesNotMatch(d.stdout(), /password/, 'a second start prints no password');
      const again = await login(d.url, 'admin', pw);
      assert.equal(again.user, 'admin');
      const list = userCmd(['list', '--db', db]);
      assert.equal(list.status, 0);
      assert.match(list.stdout, /^admin admin active \d{4}-\d\d-\d\dT/m);
    } finally {
      await stopChecked(d, tmp);
    }
  });

  // The log is a file an officer keeps: the password goes to standard
  // output only (the journal, once), never into --log-file.
  test('prints the password to standard output, never into --log-file', async () => {
    const tmp = makeTmp();
    const logFile = path.join(tmp, 'spkiosk.log');
    const proc = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--db', path.join(tmp, 'x.db'),
      '--procedures', path.join(tmp, 'none'), '--log-file', logFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    proc.stdout.on('data', (b) => { out += b; });
    proc.stderr.on('data', (b) => { err += b; });
    const read = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
    try {
      let port = 0;
      // a bound for a loaded machine, not a speed
      for (let i = 0; i < 600 && !port; i++) {
        const m = read().match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
        if (m) port = Number(m[1]);
        else await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(port, `no listening line in the log file:\n${read()}\nstderr:\n${err}`);
      const m = /created user admin with password (\S+)/.exec(out);
      assert.ok(m, `no password on standard output:\n${out}`);
      const s = await login(`http://127.0.0.1:${port}`, 'admin', m[1]);
      assert.equal(s.role, 'admin');
      assert.ok(!read().includes(m[1]), 'the password reached the log file');
      assert.ok(!err.includes(m[1]), 'the password reached standard error');
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.on('exit', r)));
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  // Under systemd standard error is the journal's stream, named in
  // JOURNAL_STREAM: the journal has the line once, from standard output.
  test('prints the password once into the journal: not on a standard error systemd names', async () => {
    const tmp = makeTmp();
    const proc = spawn('sh', ['-c', 'export JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2); exec "$0" "$@"', BIN,
      'serve', '--listen', '127.0.0.1:0', '--db', path.join(tmp, 'x.db'), '--procedures', path.join(tmp, 'none')],
    { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    proc.stdout.on('data', (b) => { out += b; });
    proc.stderr.on('data', (b) => { err += b; });
    try {
      for (let i = 0; i < 600 && !/listening on/.test(err); i++) await new Promise((r) => setTimeout(r, 50));
      assert.match(err, /listening on/, err);
      assert.match(out, /created user admin with password \S+/, out);
      assert.doesNotMatch(err, /created user admin/, err);
    } finally {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.on('exit', r)));
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('no admin is made when users exist before the first start', async () => {
    const tmp = makeTmp();
    const db = path.join(tmp, 'x.db');
    addUser(db, 'wang', 'staff', 'window-pass-1', { cli: true });
    const d = await startDaemon({ db, fresh: true });
    try {
      assert.doesNotMatch(d.stdout(), /created user admin/);
      assertError(await post(`${d.url}/api/v1/login`, { name: 'admin', password: 'whatever1' }),
        401, 'login_failed');
    } finally {
      await stopChecked(d, tmp);
    }
  });
});

describe('spkiosk user', () => {
  test('add, list, passwd, disable and their refusals', () => {
    const tmp = makeTmp();
    const db = path.join(tmp, 'u.db');
    try {
      // at the real limits (the check of what is on disk, below)
      assert.equal(userCmd(['add', 'li', '--role', 'staff', '--db', db], 'pass-word-1\n',
        { realHash: true }).status, 0);
      let r = userCmd(['add', 'li', '--role', 'admin', '--db', db], 'pass-word-2\n');
      assert.equal(r.status, 1);
      assert.match(r.stderr, /already exists/);
      r = userCmd(['add', 'Bad Name', '--role', 'staff', '--db', db], 'pass-word-2\n');
      assert.equal(r.status, 1);
      assert.match(r.stderr, /user name/);
      r = userCmd(['add', 'zhao', '--role', 'staff', '--db', db], 'short\n');
      assert.equal(r.status, 1);
      assert.match(r.stderr, /8 to 256 bytes/);
      r = userCmd(['add', 'zhao', '--role', 'staff', '--db', db], `${'x'.repeat(257)}\n`);
      assert.equal(r.status, 1, 'an over-long password is refused, not cut');
      // a password nobody could type at the login is refused, not stored:
      // a NUL (the login's JSON text ends there), a control byte, bytes
      // that are not UTF-8 (raw random bytes piped in)
      for (const [pw, what] of [['pass\0word-1\n', 'a NUL'], ['pass\x1bword-1\n', 'an escape'],
        [Buffer.from([0x70, 0x61, 0x73, 0x73, 0xff, 0xfe, 0x77, 0x6f, 0x72, 0x64, 0x0a]), 'not UTF-8']]) {
        r = userCmd(['add', 'zhao', '--role', 'staff', '--db', db], pw);
        assert.equal(r.status, 1, `${what}: ${r.stderr}`);
        assert.match(r.stderr, /typed at the login/, what);
      }
      assert.equal(userCmd(['passwd', 'li', '--db', db], 'pass\0word-1\n').status, 1, 'passwd too');
      // a Chinese or spaced password is text: taken
      r = userCmd(['add', 'sun', '--role', 'staff', '--db', db], '办事 pass-word 1\n');
      assert.equal(r.status, 0, r.stderr);
      // --opt=value, as serve takes it
      r = userCmd(['add', 'wu', '--role=staff', '--posts=window,civil', `--db=${db}`], 'pass-word-5\n');
      assert.equal(r.status, 0, r.stderr);
      assert.match(userCmd(['list', `--db=${db}`]).stdout, /^wu staff active \S+ window,civil /m);
      r = userCmd(['add', 'wu2', '--role=staff', '--bogus=1', '--db', db], 'pass-word-5\n');
      assert.equal(r.status, 2);
      assert.match(r.stderr, /unexpected --bogus=1/);
      // the longest one taken: 256 bytes (usage: 8 to 256)
      r = userCmd(['add', 'longpw', '--role', 'staff', '--db', db], `${'x'.repeat(256)}\n`);
      assert.equal(r.status, 0, r.stderr);
      r = userCmd(['add', 'zhao', '--db', db], 'pass-word-3\n');
      assert.equal(r.status, 2);
      assert.match(r.stderr, /--role/);
      r = userCmd(['add', 'zhao', '--role', 'boss', '--db', db], 'pass-word-3\n');
      assert.equal(r.status, 2);
      assert.equal(userCmd(['passwd', 'nobody', '--db', db], 'pass-word-4\n').status, 1);
      assert.equal(userCmd(['disable', 'nobody', '--db', db]).status, 1);
      assert.equal(userCmd(['frobnicate']).status, 2);
      assert.equal(userCmd(['add', 'li', '--role', 'staff', '--bogus', '--db', db], '').status, 2);
      r = userCmd(['--help']);
      assert.equal(r.status, 0);
      assert.match(r.stdout, /usage: spkiosk user add NAME --role staff\|admin/);
      assert.equal(userCmd(['disable', 'li', '--db', db]).status, 0);
      r = userCmd(['list', '--db', db]);
      assert.equal(r.status, 0);
      assert.match(r.stdout, /^li staff disabled /m);
      // enabled again (disabling was for ever: an IT officer's review)
      assert.equal(userCmd(['enable', 'li', '--db', db]).status, 0);
      assert.match(userCmd(['list', '--db', db]).stdout, /^li staff active /m);
      assert.equal(userCmd(['enable', 'nobody', '--db', db]).status, 1);
      // never the last active admin: nobody could reach the console then
      assert.equal(userCmd(['add', 'boss', '--role', 'admin', '--db', db], 'pass-word-9\n').status, 0);
      r = userCmd(['disable', 'boss', '--db', db]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /boss is the last active admin/);
      assert.equal(userCmd(['add', 'boss2', '--role', 'admin', '--db', db], 'pass-word-8\n').status, 0);
      assert.equal(userCmd(['disable', 'boss', '--db', db]).status, 0);
      assert.equal(userCmd(['disable', 'boss2', '--db', db]).status, 1);
      assert.equal(userCmd(['disable', 'li', '--db', db]).status, 0);
      assert.match(userCmd(['list', '--db', db]).stdout, /^li staff disabled /m);
      // what is on disk: an Argon2id hash at the interactive limits, never the password
      const bytes = fs.readFileSync(db).toString('latin1') +
        (fs.existsSync(`${db}-wal`) ? fs.readFileSync(`${db}-wal`).toString('latin1') : '');
      assert.match(bytes, /\$argon2id\$v=19\$m=65536,t=2,p=1\$/);
      assert.ok(!bytes.includes('pass-word-1'), 'the password itself is not stored');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('login, session, logout', () => {
  const h = useDaemon();

  // a password file written on Windows, piped in: its line ends in CRLF,
  // and the CR is no part of the password (`user add` reads one line)
  test('a password piped in with a CRLF line end logs in without the CR', async () => {
    addUser(h.db, 'crlf', 'staff', 'crlf-pass-1\r', { cli: true });
    assert.equal((await login(h.daemon.url, 'crlf', 'crlf-pass-1')).user, 'crlf');
  });

  test('login sets an HttpOnly SameSite=Strict cookie and answers user, role, csrf', async () => {
    addUser(h.db, 'wang', 'staff', 'window-pass-1');
    const r = await post(`${h.daemon.url}/api/v1/login`, { name: 'wang', password: 'window-pass-1' });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    // posts (issue #10): the posts the user holds, window by default
    // idle: the session's idle limit in seconds, after which the page locks itself
    assert.deepEqual(Object.keys(r.body).sort(), ['csrf', 'display', 'idle', 'posts', 'role', 'user']);
    assert.equal(r.body.idle, 1800);
    assert.deepEqual(r.body.posts, ['window']);
    assert.equal(r.body.user, 'wang');
    assert.equal(r.body.role, 'staff');
    assert.match(r.body.csrf, /^[A-Za-z0-9_-]{43}$/);
    const cookie = r.headers.getSetCookie().find((c) => c.startsWith('spk_session='));
    assert.match(cookie, /^spk_session=[A-Za-z0-9_-]{43}; /);
    // 32 random bytes each: no run of one character (bytes left zero read as 'A's)
    for (const t of [r.body.csrf, /^spk_session=([^;]+)/.exec(cookie)[1]])
      assert.ok(!/(.)\1{7}/.test(t), `a token of too few random bytes: ${t}`);
    // the csrf is another secret: the page's script reads it, never the HttpOnly session
    assert.notEqual(r.body.csrf, /^spk_session=([^;]+)/.exec(cookie)[1]);
    for (const flag of ['HttpOnly', 'SameSite=Strict', 'Path=/'])
      assert.ok(cookie.split('; ').includes(flag), `${flag} in ${cookie}`);
    assert.ok(!/Secure/.test(cookie), 'no Secure flag over plain HTTP');
    // two logins are two sessions with their own tokens
    const other = await login(h.daemon.url, 'wang', 'window-pass-1');
    assert.notEqual(other.cookie, /^(spk_session=[^;]+)/.exec(cookie)[1]);
    assert.notEqual(other.csrf, r.body.csrf);
  });

  test('an unknown name and a wrong password get the same answer', async () => {
    addUser(h.db, 'zhou', 'staff', 'right-pass-1');
    const a = await post(`${h.daemon.url}/api/v1/login`, { name: 'zhou', password: 'wrong-pass-1' });
    const b = await post(`${h.daemon.url}/api/v1/login`, { name: 'nosuchuser', password: 'wrong-pass-1' });
    const c = await post(`${h.daemon.url}/api/v1/login`, { name: 'NOT A NAME', password: 'x' });
    assertError(a, 401, 'login_failed');
    assert.equal(a.text, b.text);
    assert.equal(a.text, c.text);
    assert.equal(a.headers.get('set-cookie'), null);
  });

  // The contract sorts them: not JSON (or not an object) is a malformed
  // request, 400; an object without both strings is valid JSON that fails
  // validation, 422.
  test('a login body that is not JSON is 400, an object without both strings 422', async () => {
    for (const body of ['', 'not json', '[]', '{"name":"a","password":"b"} trailing'])
      assertError(await post(`${h.daemon.url}/api/v1/login`, body), 400, 'bad_request', body);
    for (const body of ['{"name":"a"}', '{"name":1,"password":"x"}', '{"name":"a","password":null}', '{}'])
      assertError(await post(`${h.daemon.url}/api/v1/login`, body), 422, 'invalid_body', body);
  });

  test('GET /api/v1/session answers the live session, 401 otherwise', async () => {
    addUser(h.db, 'sun', 'admin', 'admin-pass-1');
    const s = await login(h.daemon.url, 'sun', 'admin-pass-1');
    const r = await request(`${h.daemon.url}/api/v1/session`, { headers: { Cookie: s.cookie } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { user: 'sun', display: '', role: 'admin', csrf: s.csrf, posts: [], idle: 1800 });
    // the access log counts the answer's bytes (docs/deployment.md, "Monitoring")
    const line = await logLine(h.daemon, r.headers.get('x-request-id'));
    assert.match(line, new RegExp(` bytes=${Buffer.byteLength(r.text)} `), line);
    assertError(await request(`${h.daemon.url}/api/v1/session`), 401, 'not_logged_in');
    assertError(await request(`${h.daemon.url}/api/v1/session`,
      { headers: { Cookie: 'spk_session=' + 'A'.repeat(43) } }), 401, 'not_logged_in');
    assertError(await request(`${h.daemon.url}/api/v1/session`,
      { headers: { Cookie: 'spk_session=garbage' } }), 401, 'not_logged_in');
  });

  test('logout ends the session and clears the cookie', async () => {
    addUser(h.db, 'qian', 'staff', 'staff-pass-1');
    const s = await login(h.daemon.url, 'qian', 'staff-pass-1');
    const r = await request(`${h.daemon.url}/api/v1/logout`,
      { method: 'POST', headers: authHeaders(s) });
    assert.equal(r.status, 204);
    assert.equal(r.text, '');
    assert.match(r.headers.get('set-cookie'), /^spk_session=; .*Max-Age=0/);
    // a browser replaces a cookie only by one of the same name and Path:
    // logging out from /api/v1/logout must not leave the Path=/ one behind
    assert.ok(r.headers.get('set-cookie').split('; ').includes('Path=/'), r.headers.get('set-cookie'));
    assertError(await request(`${h.daemon.url}/api/v1/session`, { headers: { Cookie: s.cookie } }),
      401, 'not_logged_in');
    // logging out without a session is harmless
    assert.equal((await request(`${h.daemon.url}/api/v1/logout`, { method: 'POST' })).status, 204);
  });

  test('disabling a user or changing a password ends their sessions', async () => {
    addUser(h.db, 'zheng', 'staff', 'first-pass-1');
    addUser(h.db, 'feng', 'staff', 'other-pass-1');
    const a = await login(h.daemon.url, 'zheng', 'first-pass-1');
    const b = await login(h.daemon.url, 'feng', 'other-pass-1');
    assert.equal(userCmd(['passwd', 'zheng', '--db', h.db], 'second-pass-2\n').status, 0);
    assertError(await request(`${h.daemon.url}/api/v1/session`, { headers: { Cookie: a.cookie } }),
      401, 'not_logged_in');
    assertError(await post(`${h.daemon.url}/api/v1/login`, { name: 'zheng', password: 'first-pass-1' }),
      401, 'login_failed');
    await login(h.daemon.url, 'zheng', 'second-pass-2');
    assert.equal(userCmd(['disable', 'feng', '--db', h.db]).status, 0);
    assertError(await request(`${h.daemon.url}/api/v1/session`, { headers: { Cookie: b.cookie } }),
      401, 'not_logged_in');
    assertError(await post(`${h.daemon.url}/api/v1/login`, { name: 'feng', password: 'other-pass-1' }),
      401, 'login_failed');
  });

  test('the session token is not stored, only its hash', () => {
    const bytes = fs.readFileSync(h.db).toString('latin1') +
      (fs.existsSync(`${h.db}-wal`) ? fs.readFileSync(`${h.db}-wal`).toString('latin1') : '');
    assert.match(bytes, /[0-9a-f]{64}/);
    assert.ok(!/spk_session/.test(bytes));
  });
});

describe('idle expiry', () => {
  test('a session ends after --session-idle seconds without a request, not while in use', async () => {
    const tmp = makeTmp();
    const db = path.join(tmp, 'x.db');
    addUser(db, 'ma', 'staff', 'ma-pass-123');
    const d = await startDaemon({ db, args: ['--session-idle', '4'] });
    try {
      const s = await login(d.url, 'ma', 'ma-pass-123');
      const get = () => request(`${d.url}/api/v1/session`, { headers: { Cookie: s.cookie } });
      // used every second for longer than the limit: still live
      for (let i = 0; i < 6; i++) {
        assert.equal((await get()).status, 200, `request ${i} while in use`);
        await new Promise((r) => setTimeout(r, 1000));
      }
      // then left alone for longer than the limit (and the idle clock's lag)
      await new Promise((r) => setTimeout(r, 6500));
      assertError(await get(), 401, 'not_logged_in');
    } finally {
      await stopChecked(d, tmp);
    }
  });

  test('--session-idle is bounded', () => {
    for (const v of ['0', '86401', 'x', '10s']) {
      const r = spawnSync(BIN, ['serve', '--session-idle', v], { encoding: 'utf8', timeout: 10_000 });
      assert.equal(r.status, 2, v);
      assert.match(r.stderr, /--session-idle takes 1 to 86400 seconds/);
    }
  });
});

// The idle limit at the default 30 minutes, read off the stored clock
// (seen_at, kept up to a minute stale so that a busy staffer costs no write
// per request): a session is live while its last request is within the
// limit and that minute, and over past it.
describe('idle expiry by the stored clock', () => {
  const h = useDaemon();
  const sql = (text) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', h.db], { input: text, encoding: 'utf8' }).trim();
  const seenAgo = (s, secs) => sql(`UPDATE sessions SET seen_at = CAST(strftime('%s', 'now') AS INTEGER) - ${secs} WHERE csrf = '${s.csrf}';`);
  const session = (s) => request(`${h.daemon.url}/api/v1/session`, { headers: { Cookie: s.cookie } });

  test('live at the limit and its minute of lag, ended past them (20 s either side: a slow run cannot cross)', async () => {
    addUser(h.db, 'idle', 'staff', 'idle-pass-1');
    const within = await login(h.daemon.url, 'idle', 'idle-pass-1');
    const past = await login(h.daemon.url, 'idle', 'idle-pass-1');
    seenAgo(within, 1800 + 60 - 20);
    seenAgo(past, 1800 + 60 + 20);
    assert.equal((await session(within)).status, 200, 'not ended early for the clock\'s lag');
    assertError(await session(past), 401, 'not_logged_in');
  });

  // A login sweeps idle sessions (sessions_create) with the same allowance
  // for the clock's lag as the check: one within it stays, one past it goes.
  test('a login sweeps sessions past the limit and its lag, not one within them', async () => {
    addUser(h.db, 'sweep', 'staff', 'sweep-pass-1');
    const within = await login(h.daemon.url, 'sweep', 'sweep-pass-1');
    const past = await login(h.daemon.url, 'sweep', 'sweep-pass-1');
    seenAgo(within, 1800 + 60 - 20);
    seenAgo(past, 1800 + 60 + 20);
    await login(h.daemon.url, 'sweep', 'sweep-pass-1');
    assert.equal(sql(`SELECT count(*) FROM sessions WHERE csrf = '${past.csrf}';`), '0', 'swept');
    assert.equal((await session(within)).status, 200, 'not swept early for the clock\'s lag');
  });

  // Only `X-Spk-Poll: 1` marks a page's timer (docs/http-api.md): any other
  // request, another value of the header included, is a person's and moves
  // the stored clock; on a staff route, the session route and a shared route
  // alike. Read off seen_at set 10 minutes back (never by waiting).
  test('X-Spk-Poll: 1 leaves the idle clock alone on every kind of route; any other request moves it', async () => {
    addUser(h.db, 'poller', 'staff', 'poll-pass-1');
    const s = await login(h.daemon.url, 'poller', 'poll-pass-1');
    const ago = () => Number(sql(`SELECT CAST(strftime('%s', 'now') AS INTEGER) - seen_at FROM sessions WHERE csrf = '${s.csrf}';`));
    const calls = {
      staff: (poll) => request(`${h.daemon.url}/api/v1/staff/queue`, { headers: { Cookie: s.cookie, ...poll } }),
      session: (poll) => request(`${h.daemon.url}/api/v1/session`, { headers: { Cookie: s.cookie, ...poll } }),
      // a shared route: the guard peeks at the session before the handler's 404
      shared: (poll) => request(`${h.daemon.url}/api/v1/cases/no-such-case/submit`, {
        method: 'POST', headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, ...poll } }),
    };
    for (const [route, call] of Object.entries(calls)) {
      seenAgo(s, 600);
      await call({ 'X-Spk-Poll': '1' });
      assert.ok(ago() >= 590, `${route}: a timer's request leaves it (${ago()} s ago)`);
      await call({ 'X-Spk-Poll': '0' });
      assert.ok(ago() < 300, `${route}: X-Spk-Poll: 0 is a person's request (${ago()} s ago)`);
      seenAgo(s, 600);
      await call({});
      assert.ok(ago() < 300, `${route}: a request without the header moves it (${ago()} s ago)`);
    }
  });
});

describe('login hardening', () => {
  const h = useDaemon();

  test("a login another site's page sends is refused; tools and this site's pages log in", async () => {
    addUser(h.db, 'yang', 'staff', 'yang-pass-1');
    const creds = JSON.stringify({ name: 'yang', password: 'yang-pass-1' });
    const attempt = (headers) => request(`${h.daemon.url}/api/v1/login`, { method: 'POST', headers, body: creds });
    const host = new URL(h.daemon.url).host;
    for (const headers of [
      { 'Content-Type': 'text/plain', Origin: 'http://evil.example' },
      { 'Content-Type': 'application/json', Origin: 'http://evil.example' },
      { 'Content-Type': 'application/json', Origin: `http://${host}.evil.example` },
      { 'Content-Type': 'application/json', Origin: 'null' },
      { 'Content-Type': 'text/plain', 'Sec-Fetch-Site': 'cross-site' },
      { 'Content-Type': 'text/plain', 'Sec-Fetch-Site': 'same-site' },
    ]) {
      const r = await attempt(headers);
      assertError(r, 403, 'cross_site', JSON.stringify(headers));
      assert.equal(r.headers.get('set-cookie'), null);
    }
    for (const headers of [
      { 'Content-Type': 'application/json' },
      { 'Content-Type': 'text/plain;charset=UTF-8' },           // fetch with a bare string
      {},
      { 'Content-Type': 'application/json', Origin: `http://${host}`, 'Sec-Fetch-Site': 'same-origin' },
      // behind a proxy that rewrites Host, the browser's Sec-Fetch-Site decides
      { 'Content-Type': 'application/json', Origin: 'https://hall.example', 'Sec-Fetch-Site': 'same-origin' },
    ]) {
      const r = await attempt(headers);
      assert.equal(r.status, 200, `${JSON.stringify(headers)}: ${r.text}`);
    }
  });

  test('parallel guesses from one address get no more than five tries', async () => {
    // at the real limits: the guesses in flight at once are what is counted,
    // and a cheap hash would leave none in flight (verifying reads the
    // limits from the stored hash, so the daemon's cheap hashes change nothing)
    addUser(h.db, 'guo', 'staff', 'guo-pass-12', { realHash: true });
    const tries = await Promise.all(Array.from({ length: 24 }, (_, i) =>
      loginFrom(h.daemon.port, '127.0.2.1', 'guo', `wrong-${i}-pass`)));
    const counts = {};
    for (const t of tries) counts[t.status] = (counts[t.status] ?? 0) + 1;
    assert.ok((counts[401] ?? 0) <= 5, `at most 5 checked guesses: ${JSON.stringify(counts)}`);
    assert.ok((counts[401] ?? 0) >= 1, JSON.stringify(counts));
    for (const s of Object.keys(counts)) assert.ok(['401', '429', '503'].includes(s), s);
    for (const t of tries.filter((x) => x.status === 503)) {
      assert.equal(t.body.error.code, 'busy');
      assert.equal(t.headers['retry-after'], '1');
    }
    for (const t of tries.filter((x) => x.status === 429)) assert.ok(Number(t.headers['retry-after']) >= 1);
  });
});

describe('restart on an existing database', () => {
  test('after a login, file changes still reach the kiosk', async () => {
    const tmp = makeTmp();
    const tree = path.join(tmp, 'tree');
    fs.cpSync(path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'tree'),
      tree, { recursive: true });
    const db = path.join(tmp, 'x.db');
    let d = await startDaemon({ db, tree });
    const pw = adminPassword(d);
    await d.stop();
    d = await startDaemon({ db, tree });
    try {
      await login(d.url, 'admin', pw);
      const list = (await request(`${d.url}/api/v1/procedures`)).body.procedures;
      const id = list.find((p) => p.kind === 'procedure').id;
      const file = fs.readdirSync(tree, { recursive: true }).find((f) => f.endsWith(`/${id}.md`));
      const p = path.join(tree, file);
      const text = fs.readFileSync(p, 'utf8');
      fs.writeFileSync(p, text.replace(/^# (.*)$/m, '# $1(已修订)'));
      let title = '';
      for (let i = 0; i < 100 && !title.endsWith('(已修订)'); i++) {
        await new Promise((r) => setTimeout(r, 50));
        title = (await request(`${d.url}/api/v1/procedures/${id}`)).body.title;
      }
      assert.ok(title.endsWith('(已修订)'), `the edit was loaded (${title}); stderr:\n${d.stderr()}`);
      assert.doesNotMatch(d.stderr(), /cannot begin|database is locked/);
    } finally {
      await stopChecked(d, tmp);
    }
  });
});

describe('behind a TLS proxy', () => {
  test('--secure-cookies adds Secure to the session cookie and its removal', async () => {
    const tmp = makeTmp();
    const db = path.join(tmp, 'x.db');
    addUser(db, 'tls', 'staff', 'tls-pass-123');
    const d = await startDaemon({ db, args: ['--secure-cookies'] });
    try {
      const r = await request(`${d.url}/api/v1/login`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'tls', password: 'tls-pass-123' }),
      });
      assert.equal(r.status, 200);
      // each cookie on its own (a joined header finds the device cookie's flag)
      for (const name of ['spk_session', 'spk_device']) {
        const c = r.headers.getSetCookie().find((x) => x.startsWith(`${name}=`));
        assert.ok(c && c.split('; ').includes('Secure'), `${name}: ${c}`);
      }
      const out = await request(`${d.url}/api/v1/logout`, { method: 'POST' });
      assert.ok(out.headers.get('set-cookie').split('; ').includes('Secure'));
    } finally {
      await stopChecked(d, tmp);
    }
  });
});
