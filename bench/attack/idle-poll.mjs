// Issue #12, item 6: does an unattended staff page's queue refresh keep its
// session alive? Usage: node bench/attack/idle-poll.mjs [[LABEL=]BIN...]
// A daemon with --session-idle 3; a staff page logs in and then only its
// timer runs: GET /api/v1/staff/queue every second, marked X-Spk-Poll: 1 as
// web/api.js marks a call no person made (a build before the fix ignores
// the mark, as its page never sent it). Prints, per binary, the status of
// the poll after each second for 10 s.
import { start, send, login, cookieOf, binaries, table } from './auth-lib.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rows = [];
for (const { label, bin } of binaries()) {
  const d = await start(bin, ['--session-idle', '3'], [['wang', 'wang-pass-123']]);
  try {
    const cookie = cookieOf(await login(d.port, '127.0.0.1', 'wang', 'wang-pass-123'), 'spk_session');
    const seen = [];
    for (let i = 0; i < 10; i++) {
      await sleep(1000);
      seen.push((await send(d.port, { path: '/api/v1/staff/queue',
        headers: { Cookie: cookie, 'X-Spk-Poll': '1' } })).status);
    }
    const first401 = seen.indexOf(401);
    rows.push([label, seen.join(' '), first401 < 0 ? 'never (alive after 10 s)' : `after ${first401 + 1} s`]);
  } finally {
    await d.stop();
  }
}
table(['binary', 'poll status, second 1..10', 'session ended'], rows);
