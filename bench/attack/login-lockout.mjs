// Issue #12, item 5: can a stranger lock a staffer out of the login?
// Usage: node bench/attack/login-lockout.mjs [[LABEL=]BIN...]  (e.g.
// before=/tmp/spk-before/build/spkiosk after=build/spkiosk): a column each.
// Each scenario runs on a fresh daemon; the staffer "wang" then logs in with
// the right password and the figure is the status they get.
import { start, login, cookieOf, binaries, table } from './auth-lib.mjs';

const USERS = [['wang', 'wang-pass-123']];

async function scenario(bin, attack) {
  const d = await start(bin, [], USERS);
  try {
    return await attack(d.port);
  } finally {
    await d.stop();
  }
}

const scenarios = [
  ['5 wrong passwords for wang from a stranger (127.0.0.2); wang logs in at 127.0.0.3', async (port) => {
    for (let i = 0; i < 5; i++) await login(port, '127.0.0.2', 'wang', `guess-${i}-pw`);
    return (await login(port, '127.0.0.3', 'wang', 'wang-pass-123')).status;
  }],
  ['5 empty passwords for wang from a stranger; wang logs in at 127.0.0.3', async (port) => {
    for (let i = 0; i < 5; i++) await login(port, '127.0.0.2', 'wang', '');
    return (await login(port, '127.0.0.3', 'wang', 'wang-pass-123')).status;
  }],
  ['5 failures at other names behind the hall NAT (127.0.0.4); wang logs in there', async (port) => {
    for (let i = 0; i < 5; i++) await login(port, '127.0.0.4', `nobody${i}`, 'wrong-pass');
    return (await login(port, '127.0.0.4', 'wang', 'wang-pass-123')).status;
  }],
  ['60 guesses for wang from 60 addresses; wang at his usual PC (device cookie)', async (port) => {
    const first = await login(port, '127.0.0.3', 'wang', 'wang-pass-123');
    const dev = cookieOf(first, 'spk_device');
    for (let i = 0; i < 60; i++) await login(port, `127.0.1.${i + 1}`, 'wang', `guess-${i}-pw`);
    return (await login(port, '127.0.0.3', 'wang', 'wang-pass-123', dev)).status;
  }],
  ['guesses checked / slowed (429) from one address, 12 tries in a row', async (port) => {
    const n = { 401: 0, 429: 0, other: 0 };
    for (let i = 0; i < 12; i++) {
      const s = (await login(port, '127.0.0.5', 'wang', `guess-${i}-pw`)).status;
      n[s in n ? s : 'other']++;
    }
    return `${n[401]} / ${n[429]}`;
  }],
  ['guesses checked from 60 addresses, 2 each (distributed), before the name spaces them', async (port) => {
    let checked = 0;
    for (let r = 0; r < 2; r++)
      for (let i = 0; i < 60; i++)
        if ((await login(port, `127.0.2.${i + 1}`, 'wang', `g-${r}-${i}-pw`)).status === 401) checked++;
    return `${checked} of 120`;
  }],
];

const bins = binaries();
const rows = [];
for (const [label, attack] of scenarios) {
  const row = [label];
  for (const b of bins) row.push(await scenario(b.bin, attack));
  rows.push(row);
}
table(['scenario', ...bins.map((b) => b.label)], rows);
