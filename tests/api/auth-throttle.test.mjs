// The login throttle slows guessing without letting a stranger lock staff
// out (issue #12, item 5): failures count per name and address, past five
// a pair waits (429 with Retry-After) instead of the name being locked; a
// browser that logged in before (the spk_device cookie) gets through while
// the name is being guessed from many addresses; an empty name or password
// is 422 and not counted. The resident's lookup throttle is
// cases-lookup.test.mjs's.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { addUser, makeTmp, startDaemon, stopChecked, useDaemon, LIBFAKETIME, stoppedClockAt, stoppedClockEnv } from './helpers.mjs';
import { loginFrom } from './auth-helpers.mjs';

// The spk_device cookie a successful login set, as "spk_device=…".
function deviceCookie(r) {
  const c = (r.headers['set-cookie'] ?? []).find((x) => x.startsWith('spk_device='));
  assert.ok(c, `a device cookie in ${JSON.stringify(r.headers['set-cookie'])}`);
  for (const flag of ['HttpOnly', 'SameSite=Strict', 'Path=/api/v1/login'])
    assert.ok(c.split('; ').includes(flag), `${flag} in ${c}`);
  // 90 days (docs/http-api.md): the browser forgets it when the server does
  assert.ok(c.split('; ').includes('Max-Age=7776000'), `Max-Age=7776000 in ${c}`);
  return c.split(';')[0];
}

describe('login throttle', () => {
  const h = useDaemon();
  const port = () => h.daemon.port;

  test('a guesser is slowed: five failures, then 429 with Retry-After, never a lock', async () => {
    addUser(h.db, 'chen', 'staff', 'chen-pass-1');
    for (let i = 0; i < 5; i++)
      assert.equal((await loginFrom(port(), '127.0.0.2', 'chen', `wrong-${i}-xx`)).status, 401, `failure ${i + 1}`);
    const slowed = await loginFrom(port(), '127.0.0.2', 'chen', 'wrong-9-xx');
    assert.equal(slowed.status, 429);
    assert.equal(slowed.body.error.code, 'too_many_attempts');
    assert.match(slowed.body.error.message, /请 \d+ (秒|分钟)后再试/);
    const after = Number(slowed.headers['retry-after']);
    assert.ok(after >= 1 && after <= 30, `Retry-After ${slowed.headers['retry-after']}`);
    // under a minute the message counts seconds, the same number as Retry-After
    assert.ok(slowed.body.error.message.includes(`请 ${after} 秒后再试`), slowed.body.error.message);
    // the same pair with the right password waits as well: it may be the guesser
    assert.equal((await loginFrom(port(), '127.0.0.2', 'chen', 'chen-pass-1')).status, 429);
  });

  // docs/http-api.md: "a success clears it" — the staffer who mistyped four
  // times and then got in starts over with five free mistakes.
  test('a success clears the pair\'s failures', async () => {
    addUser(h.db, 'qiu', 'staff', 'qiu-pass-1');
    for (let i = 0; i < 4; i++)
      assert.equal((await loginFrom(port(), '127.0.0.30', 'qiu', `typo-${i}-xx`)).status, 401, `failure ${i + 1}`);
    assert.equal((await loginFrom(port(), '127.0.0.30', 'qiu', 'qiu-pass-1')).status, 200);
    for (let i = 0; i < 5; i++)
      assert.equal((await loginFrom(port(), '127.0.0.30', 'qiu', `typo-${i}-yy`)).status, 401,
        `failure ${i + 1} after the success`);
  });

  test('failures from one address do not stop the right password from another', async () => {
    addUser(h.db, 'lin', 'staff', 'lin-pass-1');
    for (let i = 0; i < 8; i++)
      assert.ok([401, 429].includes((await loginFrom(port(), '127.0.0.3', 'lin', `nope-${i}-xx`)).status));
    assert.equal((await loginFrom(port(), '127.0.0.3', 'lin', 'lin-pass-1')).status, 429, 'that pair waits');
    assert.equal((await loginFrom(port(), '127.0.0.4', 'lin', 'lin-pass-1')).status, 200, 'lin logs in elsewhere');
    // a failure from each of six addresses is no lock either (once five were)
    for (let i = 10; i < 16; i++)
      assert.equal((await loginFrom(port(), `127.0.0.${i}`, 'lin', 'nope-nope')).status, 401);
    assert.equal((await loginFrom(port(), '127.0.0.16', 'lin', 'lin-pass-1')).status, 200);
    // nor are failures at many names from one address (a hall behind one NAT)
    addUser(h.db, 'he', 'staff', 'he-pass-12');
    for (let i = 0; i < 6; i++)
      assert.equal((await loginFrom(port(), '127.0.0.20', `guess${i}`, 'wrong-pass-xx')).status, 401);
    assert.equal((await loginFrom(port(), '127.0.0.20', 'he', 'he-pass-12')).status, 200);
  });

  test('a known device logs in while the name is being guessed from many addresses', async () => {
    addUser(h.db, 'wu', 'staff', 'wu-pass-123');
    const first = await loginFrom(port(), '127.0.1.1', 'wu', 'wu-pass-123');
    assert.equal(first.status, 200);
    const device = deviceCookie(first);
    // one guess from each of many addresses: past 50 failures an hour the
    // name's attempts are spaced out, whatever their address
    const seen = { 401: 0, 429: 0 };
    for (let i = 0; i < 70 && seen[429] === 0; i++) {
      const r = await loginFrom(port(), `127.0.2.${i + 1}`, 'wu', `guess-${i}-pw`);
      assert.ok([401, 429].includes(r.status), `guess ${i}: ${r.status}`);
      seen[r.status]++;
    }
    assert.ok(seen[401] >= 50 && seen[429] === 1, `guesses spaced once past the bound: ${JSON.stringify(seen)}`);
    const stranger = await loginFrom(port(), '127.0.3.1', 'wu', 'wu-pass-123');
    assert.equal(stranger.status, 429, 'a browser not seen before waits its turn too');
    assert.ok(Number(stranger.headers['retry-after']) >= 1);
    const known = await loginFrom(port(), '127.0.3.1', 'wu', 'wu-pass-123', device);
    assert.equal(known.status, 200, 'the known device is not held up');
    assert.equal(deviceCookie(known), device, 'the same device, its cookie renewed');
    // the device counts for its user only
    addUser(h.db, 'zhou', 'staff', 'zhou-pass-1');
    const other = await loginFrom(port(), '127.0.3.2', 'zhou', 'zhou-pass-1', device);
    assert.equal(other.status, 200);
  });

  test('an empty name or password is 422 and not counted', async () => {
    addUser(h.db, 'ma', 'staff', 'ma-pass-123');
    for (let i = 0; i < 10; i++) {
      const r = await loginFrom(port(), '127.0.4.1', 'ma', '');
      assert.equal(r.status, 422);
      assert.equal(r.body.error.code, 'empty_credentials');
      assert.match(r.body.error.message, /请输入密码/);
    }
    const noName = await loginFrom(port(), '127.0.4.1', '', 'ma-pass-123');
    assert.equal(noName.status, 422);
    assert.match(noName.body.error.message, /请输入用户名/);
    for (let i = 0; i < 4; i++)
      assert.equal((await loginFrom(port(), '127.0.4.1', 'ma', 'wrong-pw-1')).status, 401, `failure ${i + 1}`);
    assert.equal((await loginFrom(port(), '127.0.4.1', 'ma', 'ma-pass-123')).status, 200,
      'four failures: the empty ones were not counted');
  });
});

// The hashing slots are held by the hashes' real cost (Argon2id at the
// interactive limits, the dummy an unknown name is verified against among
// them): this daemon runs without the tests' cheap hashes.
describe('login throttle: the hashing slots', () => {
  const h = useDaemon({ realHash: true });
  const port = () => h.daemon.port;

  // A login answered 503 busy was begun, so it must be ended too: one left
  // in flight counts against its pair for good, and five would keep the
  // staffer out with a 429 every time. Four at once never pass the pair's
  // five, so any 429 here is such a leftover.
  test('logins answered 503 busy leave nothing behind: the right password is never held up', async () => {
    addUser(h.db, 'pan', 'staff', 'pan-pass-12', { realHash: true });
    const statuses = [];
    for (let i = 0; i < 8; i++) {
      const burst = await Promise.all(Array.from({ length: 4 }, () =>
        loginFrom(port(), '127.0.8.1', 'pan', 'pan-pass-12')));
      statuses.push(...burst.map((r) => r.status));
    }
    assert.ok(statuses.every((s) => s === 200 || s === 503), statuses.join(' '));
    assert.equal((await loginFrom(port(), '127.0.8.1', 'pan', 'pan-pass-12')).status, 200);
  });

  test('a flood of guesses from many addresses keeps both hashing slots busy; a known device still logs in', async () => {
    addUser(h.db, 'tang', 'staff', 'tang-pass-12', { realHash: true });
    const first = await loginFrom(port(), '127.0.5.1', 'tang', 'tang-pass-12');
    assert.equal(first.status, 200);
    const device = deviceCookie(first);
    // ten guessers, each guess a new made-up name from a new address, so
    // that no throttle slows them: only the two hashing slots bound them
    const seen = {};
    let n = 0;
    let flooding = true;
    const guesser = async () => {
      while (flooding) {
        const i = n++;
        // 250 addresses a /24 (the last byte 1-250: 256 is no address)
        const r = await loginFrom(port(), `127.6.${Math.floor(i / 250) % 256}.${(i % 250) + 1}`,
          `ghost${i}`, 'wrong-pass-1');
        seen[r.status] = (seen[r.status] ?? 0) + 1;
      }
    };
    const flood = Array.from({ length: 10 }, guesser);
    try {
      await new Promise((r) => setTimeout(r, 400));
      for (let i = 0; i < 3; i++) {
        const r = await loginFrom(port(), '127.0.5.1', 'tang', 'tang-pass-12', device);
        assert.equal(r.status, 200, `login ${i + 1} from the known device: ${JSON.stringify(r.body)}`);
      }
    } finally {
      flooding = false;
      await Promise.all(flood);
    }
    // the flood did hold the slots: strangers were told to wait
    assert.ok(seen[503] > 0 && seen[401] > 0, JSON.stringify(seen));
    for (const s of Object.keys(seen)) assert.ok(['401', '503'].includes(s), JSON.stringify(seen));
  });
});

// The 429's words for a wait of a minute or more: whole minutes, rounded
// up, while Retry-After keeps the seconds. The daemon's clock is stopped
// (libfaketime, its time read from a file the test rewrites), so the wait
// owed is an exact number of seconds, never one a slow run changed.

describe('login throttle: the wait in minutes', () => {
  test('59 s is "59 秒", 60 s "1 分钟", 90 s "2 分钟"; Retry-After the seconds',
    { skip: fs.existsSync(LIBFAKETIME) ? false : `no ${LIBFAKETIME} (scripts/deps.sh test installs it)` }, async () => {
    const tmp = makeTmp();
    const db = path.join(tmp, 'x.db');
    const clock = path.join(tmp, 'clock');
    const at = (secs) => stoppedClockAt(clock, secs);
    at(0);
    addUser(db, 'gao', 'staff', 'gao-pass-12');
    const d = await startDaemon({
      db,
      env: stoppedClockEnv(clock),
    });
    const attempt = () => loginFrom(d.port, '127.0.7.1', 'gao', 'wrong-pass-1');
    const waits = (r) => [r.status, r.headers['retry-after'], r.body.error.message];
    try {
      for (let i = 0; i < 5; i++) assert.equal((await attempt()).status, 401, `failure ${i + 1}`);
      assert.deepEqual(waits(await attempt()), [429, '30', '登录尝试太频繁，请 30 秒后再试']);
      at(31);
      assert.equal((await attempt()).status, 401, 'the 6th failure, once the 30 s are over');
      assert.deepEqual(waits(await attempt()), [429, '60', '登录尝试太频繁，请 1 分钟后再试']);
      at(32);
      assert.deepEqual(waits(await attempt()), [429, '59', '登录尝试太频繁，请 59 秒后再试']);
      at(92);
      assert.equal((await attempt()).status, 401, 'the 7th failure: 120 s owed');
      at(122);
      assert.deepEqual(waits(await attempt()), [429, '90', '登录尝试太频繁，请 2 分钟后再试']);
    } finally {
      await stopChecked(d, tmp);
    }
  });
});

// Fifty wrong passwords at a staffer's name from the internet (half a
// minute of requests) held that staffer's login at a new PC in the hall
// to one a minute, a minute the guesser could take first (a review): the
// promise that a stranger cannot keep a staffer out held only for a
// browser with a device cookie. The name's hourly bound now counts the
// hall's network and outside apart, as the case quota does; guesses from
// outside are bounded as before. Seen through a trusted proxy's
// X-Forwarded-For; the hall's PC is the proxy's own address.
describe('login throttle: outside the hall network', () => {
  test("guesses at a name from outside space outside only; the staffer in the hall logs in", async () => {
    const tmp = makeTmp();
    const db = path.join(tmp, 'x.db');
    addUser(db, 'lin', 'staff', 'lin-pass-123');
    const d = await startDaemon({ db, args: ['--trusted-proxy', '127.0.0.1'] });
    const attempt = (ip, password) => loginFrom(d.port, '127.0.0.1', 'lin', password, null,
      ip ? { 'X-Forwarded-For': ip } : {});
    try {
      const seen = { 401: 0, 429: 0 };
      for (let i = 0; i < 70 && seen[429] === 0; i++) {
        const r = await attempt(`203.0.113.${i + 1}`, `guess-${i}-pw`);
        assert.ok([401, 429].includes(r.status), `guess ${i}: ${r.status}`);
        seen[r.status]++;
      }
      assert.ok(seen[401] >= 50 && seen[429] === 1, `outside spaced past the bound: ${JSON.stringify(seen)}`);
      const outside = await attempt('198.51.100.7', 'lin-pass-123');
      assert.equal(outside.status, 429, 'a new address outside waits its turn');
      for (const ip of [null, '192.168.1.30']) {
        const r = await attempt(ip, 'lin-pass-123');
        assert.equal(r.status, 200, `${ip ?? 'the proxy\'s own address'}: ${JSON.stringify(r.body)}`);
      }
    } finally {
      await stopChecked(d, tmp);
    }
  });
});
