// The pure half of `make bench` (bench/table.mjs) on fixed inputs: the
// parsers of wrk, bench/load.sh, bench/steps.mjs and bench/read-conns.sh
// output, the medians, ratios and met/missed verdicts, and the table. No
// daemon and no timing: the figures here are made up.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  median, parseWrk, parseLoad, parseSteps, parseReadConns, row, formatTable, formatText, fmtNum,
} from '../../bench/table.mjs';

const WRK = `Running 2s test @ http://127.0.0.1:4000/x
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   450.12us  200.00us   9.10ms   90.00%
  Latency Distribution
     50%  400.00us
     75%  500.00us
     90%  700.00us
     99%    1.25ms
  120000 requests in 2.00s, 560.00MB read
  Socket errors: connect 0, read 3, write 1, timeout 2
  Non-2xx or 3xx responses: 4
Requests/sec:  60000.50
Transfer/sec:    280.00MB
`;

describe('bench/table.mjs', () => {
  it('takes the median of odd and even counts and skips missing values', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([5, NaN, 1, 3]), 3);
    assert.ok(Number.isNaN(median([])));
  });

  it('reads wrk: rate, p99 in ms whatever the unit, errors summed', () => {
    assert.deepEqual(parseWrk(WRK), { rate: 60000.5, p99: 1.25, errors: 10 });
    const us = parseWrk(WRK.replace('1.25ms', '870.00us').replace(/Socket errors.*\n/, '').replace(/Non-2xx.*\n/, ''));
    assert.deepEqual(us, { rate: 60000.5, p99: 0.87, errors: 0 });
    assert.equal(parseWrk(WRK.replace('1.25ms', '2.10s')).p99, 2100);
    assert.throws(() => parseWrk('connection refused'), /not wrk output/);
  });

  it('reads bench/load.sh, keeping any further run it prints', () => {
    const out = 'cold: in 534.2 ms (files 100.1, database 300.0, snapshot 20.5), CPU 680 ms, peak RSS 24600 kB, RSS 19300 kB\n'
      + 'warm: in 40.0 ms (files 10.0, database 5.0, snapshot 20.0), CPU 60 ms, peak RSS 18200 kB, RSS 18100 kB\n'
      + 'one changed: in 55.5 ms, CPU 70 ms, peak RSS 18300 kB, RSS 18200 kB\n'
      + 'reload: in 84.2 ms (files 20.0, database 30.0, snapshot 30.0, CPU 9.5), CPU 10 ms\n';
    const l = parseLoad(out);
    assert.deepEqual(l.cold, { wall: 534.2, cpu: 680, peakKb: 24600, rssKb: 19300 });
    assert.deepEqual(l.warm, { wall: 40, cpu: 60, peakKb: 18200, rssKb: 18100 });
    assert.equal(l['one changed'].wall, 55.5);
    assert.deepEqual(l.reload, { wall: 84.2, cpu: 10 });
    assert.throws(() => parseLoad('daemon did not load\n'), /no cold\/warm/);
  });

  it('reads bench/steps.mjs and bench/read-conns.sh tables', () => {
    const st = parseSteps(`
medians of 3 rounds of 2 s; raw SQLite (WAL, synchronous=FULL, single-row INSERT commits): 160 commits/s

| binary | clients | commits/s | ratio to raw SQLite | p50 ms | p99 ms | errors | WAL max KiB |
| --- | --- | --- | --- | --- | --- | --- | --- |
| this | 1 | 174 | 1.09x | 4.1 | 16.3 | 0 | 4096 |
| this | 32 | 712 | 3.76x | 35.9 | 173.4 | 2 | 4120 |
| this-wrk | 32 | 801 | 5.01x | 3.7 | 11.6 | 0 | 4092 |
`);
    assert.equal(st.base, 160);
    assert.deepEqual(st.rows['this 32'], { rate: 712, ratio: 3.76, p50: 35.9, p99: 173.4, errors: 2, walKb: 4120 });
    // --driver wrk's rows carry their own label, beside node's
    assert.deepEqual(st.rows['this-wrk 32'], { rate: 801, ratio: 5.01, p50: 3.7, p99: 11.6, errors: 0, walKb: 4092 });
    assert.equal(Object.keys(st.rows).length, 3);
    const rc = parseReadConns(`| connections | spkiosk req/s | nginx req/s | proxy req/s | spkiosk / nginx | proxy / nginx | p99 spkiosk | p99 nginx | p99 proxy | errors |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
| 32 | 73021 | 67818 | 37593 | 1.08 | 0.55 | 17.30 ms | 6.70 ms | 9.70 ms | 0 |
| 512 | 28144 | 17062 | 18361 | 1.65 | 1.08 | 76.60 ms | 78.20 ms | 151.70 ms | 5 |
`);
    assert.deepEqual(Object.keys(rc), ['32', '512']);
    assert.deepEqual(rc['512'], { d: 28144, s: 17062, p: 18361, dp99: 76.6, sp99: 78.2, pp99: 151.7, errors: 5 });
  });

  it('judges each kind of target, and leaves unjudged rows and missing figures open', () => {
    assert.equal(row('a', 4.9, 'ms', { want: 'max', limit: 5 }).met, true);
    assert.equal(row('a', 5.1, 'ms', { want: 'max', limit: 5 }).met, false);
    assert.equal(row('a', 900, 'req/s', { baseline: 1000, want: 'ratio-min', limit: 1.0 }).met, false);
    const r = row('a', 1100, 'req/s', { baseline: 1000, want: 'ratio-min', limit: 1.0 });
    assert.equal(r.met, true);
    assert.ok(Math.abs(r.ratio - 1.1) < 1e-9);
    assert.equal(row('a', 30, 'ms', { baseline: 20, want: 'ratio-max', limit: 1.0 }).met, false);
    assert.equal(row('a', 30, 'ms').met, null);
    assert.equal(row('a', NaN, 'ms', { want: 'max', limit: 5 }).met, null);
    assert.equal(row('a', 10, 'ms', { baseline: 0, want: 'ratio-min', limit: 1 }).met, null);
  });

  it('formats the table: figure, baseline, ratio, verdict', () => {
    const rows = [
      row('reads ≥ 1.0× nginx, 32 connections', 73021, 'req/s', { baseline: 67818, want: 'ratio-min', limit: 1, note: 'nginx' }),
      row('search 证 ≤ 5 ms', 7.654, 'ms', { want: 'max', limit: 5 }),
      row('cold CPU', 680, 'ms', { note: 'wall 3,400 ms' }),
    ];
    assert.equal(formatTable(rows), [
      '| target | measured | baseline, same run | ratio | met |',
      '| --- | --- | --- | --- | --- |',
      '| reads ≥ 1.0× nginx, 32 connections | 73,021 req/s | 67,818 req/s (nginx) | 1.08× | met |',
      '| search 证 ≤ 5 ms | 7.65 ms | — | — | **missed** |',
      '| cold CPU | 680 ms | wall 3,400 ms | — | — |',
    ].join('\n'));
    const text = formatText(rows).split('\n');
    assert.equal(text.length, 4);
    assert.match(text[2], /^search 证 ≤ 5 ms +7\.65 ms +— +— +missed$/);
    assert.equal(fmtNum(12.345), '12.3');
    assert.equal(fmtNum(NaN), '—');
  });
});
