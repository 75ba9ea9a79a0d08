#!/usr/bin/env node
// A daemon's start-up, binaries side by side: for each binary, ten starts of
// `spkiosk serve` on the test fixture (tests/api/helpers.mjs startDaemon: a
// copy of the migrated template, and the tests' cheap hashes when
// fasthash.so is built beside the binary) until its listening line, each
// stopped again; the rounds alternate the binaries. Prints, per binary, each
// round's mean wall time to the listening line and the CPU of the round's
// process and its daemons (/proc/self/stat's cutime and cstime, read by the
// parent after it), then the medians. A measurement, never a test (item 27
// of docs/performance.md).
//   node bench/start.mjs [--rounds 3] [--starts 10] BIN [BIN...]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);

if (process.env.START_CHILD) {
  const { startDaemon, makeTmp, rmTmp } = await import('../tests/api/helpers.mjs');
  const n = Number(process.env.START_CHILD);
  let wall = 0;
  for (let i = 0; i < n; i++) {
    const dir = makeTmp('spkiosk-start-');
    const t = process.hrtime.bigint();
    const d = await startDaemon({ db: path.join(dir, 'x.db') });
    wall += Number(process.hrtime.bigint() - t) / 1e6;
    await d.stop();
    rmTmp(dir);
  }
  console.log(JSON.stringify({ wall: wall / n }));
  process.exit(0);
}

const args = process.argv.slice(2);
let rounds = 3;
let starts = 10;
const bins = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--rounds') rounds = Number(args[++i]);
  else if (args[i] === '--starts') starts = Number(args[++i]);
  else bins.push(path.resolve(args[i]));
}
if (!bins.length || !(rounds > 0) || !(starts > 0) || bins.some((b) => !fs.existsSync(b))) {
  console.error('usage: node bench/start.mjs [--rounds N] [--starts N] BIN [BIN...]');
  process.exit(2);
}

// children's CPU reaped so far, in ms (fields 16 and 17 of /proc/self/stat)
function childCpuMs() {
  const st = fs.readFileSync('/proc/self/stat', 'utf8');
  const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[13]) + Number(f[14])) * 1000) / 100;
}

const res = new Map(bins.map((b) => [b, { wall: [], cpu: [] }]));
for (let r = 0; r < rounds; r++) {
  for (const bin of bins) {
    const before = childCpuMs();
    const c = spawnSync(process.execPath, [self], {
      env: { ...process.env, SPKIOSK_BIN: bin, START_CHILD: String(starts) }, encoding: 'utf8' });
    if (c.status !== 0) {
      console.error(`${bin}: ${c.stderr}`);
      process.exit(1);
    }
    const { wall } = JSON.parse(c.stdout.trim().split('\n').pop());
    res.get(bin).wall.push(wall);
    res.get(bin).cpu.push(childCpuMs() - before);
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const [bin, { wall, cpu }] of res) {
  console.log(`${bin}: wall to listening ${wall.map((w) => w.toFixed(1)).join(', ')} ms ` +
    `(median ${median(wall).toFixed(1)}); CPU of ${starts} starts ${cpu.map((c) => c.toFixed(0)).join(', ')} ms ` +
    `(median ${median(cpu).toFixed(0)})`);
}
