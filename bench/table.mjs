// The pure half of `make bench` (bench/all.mjs): parsing the output of the
// bench/ scripts and wrk, medians, ratios and the one markdown table. No I/O
// here, so that tests/api/bench-table.test.mjs can check it on fixed inputs.

export const median = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};

// wrk --latency output -> { rate, p99 (ms), errors (socket errors + non-2xx) }
export function parseWrk(text) {
  const ms = (v) => {
    const n = parseFloat(v);
    if (v.endsWith('us')) return n / 1000;
    if (v.endsWith('ms')) return n;
    if (v.endsWith('s')) return n * 1000;
    return n;
  };
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const p99 = /^\s*99%\s+([\d.]+\w+)/m.exec(text);
  let errors = 0;
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  if (sock) errors += sock.slice(1).reduce((a, x) => a + Number(x), 0);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  if (non2xx) errors += Number(non2xx[1]);
  if (!rate) throw new Error(`not wrk output: ${text.slice(0, 200)}`);
  return { rate: Number(rate[1]), p99: p99 ? ms(p99[1]) : NaN, errors };
}

// bench/load.sh's output, one line per run, e.g.
//   cold: in 534.2 ms (files 1.0, database 2.0, snapshot 3.0), CPU 680 ms, peak RSS 24600 kB, RSS 19300 kB
// -> { cold: { wall, cpu, peakKb, rssKb }, warm: {...}, ... }. bench/load.sh
// belongs to the loader's work and may gain lines (e.g. one changed file):
// every "NAME: in ..." line is kept under its NAME; this is the one place
// that reads it.
export function parseLoad(text) {
  const out = {};
  const re = /^([\w -]+): in ([\d.]+) ms.*?, CPU ([\d.]+) ms, peak RSS (\d+) kB, RSS (\d+) kB/gm;
  for (const m of text.matchAll(re)) {
    out[m[1].trim()] = { wall: Number(m[2]), cpu: Number(m[3]), peakKb: Number(m[4]), rssKb: Number(m[5]) };
  }
  // the reload after one changed file: its load line's time and the CPU the
  // daemon spent on it (no RSS)
  const rl = /^reload: in ([\d.]+) ms.*, CPU ([\d.]+) ms$/m.exec(text);
  if (rl) out.reload = { wall: Number(rl[1]), cpu: Number(rl[2]) };
  if (!out.cold || !out.warm) throw new Error(`bench/load.sh: no cold/warm line in:\n${text}`);
  return out;
}

// bench/steps.mjs's markdown table -> { 'LABEL N': { rate, ratio, p50, p99, errors, walKb } }
// and its raw-SQLite median from the line above the table
export function parseSteps(text) {
  const rows = {};
  for (const line of text.split('\n')) {
    const c = line.split('|').map((s) => s.trim());
    if (c.length < 9 || !/^\d+$/.test(c[2])) continue;
    rows[`${c[1]} ${c[2]}`] = {
      rate: Number(c[3]), ratio: parseFloat(c[4]), p50: Number(c[5]), p99: Number(c[6]),
      errors: Number(c[7]), walKb: Number(c[8]),
    };
  }
  const base = /raw SQLite[^:]*: (\d+) commits\/s/.exec(text);
  return { rows, base: base ? Number(base[1]) : NaN };
}

// bench/read-conns.sh's markdown table -> { CONNS: { d, s, p, dp99, sp99, pp99, errors } }
export function parseReadConns(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const c = line.split('|').map((s) => s.trim());
    if (c.length < 11 || !/^\d+$/.test(c[1])) continue;
    out[c[1]] = {
      d: Number(c[2]), s: Number(c[3]), p: Number(c[4]),
      dp99: parseFloat(c[7]), sp99: parseFloat(c[8]), pp99: parseFloat(c[9]), errors: Number(c[10]),
    };
  }
  return out;
}

// A row of the summary. want: 'max' (figure <= limit), 'min' (figure >= limit),
// 'ratio-min' (figure / baseline >= limit), 'ratio-max' (figure / baseline <= limit),
// or null (shown, not judged).
export function row(target, figure, unit, { baseline = NaN, want = null, limit = NaN, note = '' } = {}) {
  const ratio = Number.isFinite(baseline) && baseline !== 0 ? figure / baseline : NaN;
  let met = null;
  if (!Number.isFinite(figure)) met = null;
  else if (want === 'max') met = figure <= limit;
  else if (want === 'min') met = figure >= limit;
  else if (want === 'ratio-min') met = Number.isFinite(ratio) ? ratio >= limit : null;
  else if (want === 'ratio-max') met = Number.isFinite(ratio) ? ratio <= limit : null;
  return { target, figure, unit, baseline, ratio, met, note };
}

export function fmtNum(x) {
  if (!Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : 2;
  return x.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatTable(rows) {
  const lines = [
    '| target | measured | baseline, same run | ratio | met |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const fig = `${fmtNum(r.figure)}${r.unit ? ` ${r.unit}` : ''}`;
    const base = Number.isFinite(r.baseline) ? `${fmtNum(r.baseline)}${r.unit ? ` ${r.unit}` : ''}${r.note ? ` (${r.note})` : ''}` : (r.note || '—');
    const ratio = Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}×` : '—';
    const met = r.met === null ? '—' : r.met ? 'met' : '**missed**';
    lines.push(`| ${r.target} | ${fig} | ${base} | ${ratio} | ${met} |`);
  }
  return lines.join('\n');
}

// plain-text version for the terminal: aligned columns
export function formatText(rows) {
  const md = formatTable(rows).split('\n').filter((_, i) => i !== 1)
    .map((l) => l.slice(2, -2).split(' | ').map((c) => c.replace(/\*\*/g, '')));
  const w = md[0].map((_, i) => Math.max(...md.map((r) => [...r[i]].length)));
  return md.map((r) => r.map((c, i) => c + ' '.repeat(w[i] - [...c].length)).join('  ')).join('\n');
}
