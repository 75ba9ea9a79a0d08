// Runs a folder's test files as `node --test --test-concurrency=N DIR/`
// does (one process per file, N at a time, TAP on standard output, exit 1
// when a test failed), but starts the files named after the folder first,
// in the order given, then the rest by name. node --test sorts the files
// it is given by name whatever their order (Node 20), so a suite's longest
// files started wherever their names fell: in `make check`'s browser suite
// the staff window (about a minute) started four fifths of the way in. The
// longest first, the run ends on short files that keep every slot busy.
// A name that is not in the folder (a file renamed or removed) is said on
// standard error and skipped, so the list cannot fail a run. Only the
// folder's own *.test.mjs run (node --test would also take subfolders and
// names like test-*.mjs; tests/api and tests/e2e have neither).
// Usage: node tests/run-files.mjs [--concurrency=N] DIR [FILE...]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from 'node:test';
import { spec, tap } from 'node:test/reporters';

let concurrency = true;
const rest = [];
for (const a of process.argv.slice(2)) {
  const m = /^--concurrency=(\d+)$/.exec(a);
  if (m) concurrency = Number(m[1]);
  else rest.push(a);
}
const [dir, ...first] = rest;
if (!dir || !fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
  console.error('usage: node tests/run-files.mjs [--concurrency=N] DIR [FILE...]');
  process.exit(2);
}
const all = fs.readdirSync(dir).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => path.resolve(dir, f));
const files = [];
for (const f of first) {
  const p = path.resolve(f);
  if (!all.includes(p)) console.error(`run-files: ${f} is not a test file of ${dir}; left out of the order`);
  else if (!files.includes(p)) files.push(p);
}
for (const p of all) if (!files.includes(p)) files.push(p);

// The run's folder for what its files share (tests/api/db-shortcuts.mjs:
// the migrated template database, the cached password hashes), removed at
// the end; a folder given by the caller is the caller's to remove.
if (!process.env.SPKIOSK_TEST_RUN_DIR) {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spkiosk-run-'));
  process.env.SPKIOSK_TEST_RUN_DIR = runDir;
  process.on('exit', () => fs.rmSync(runDir, { recursive: true, force: true }));
}

const stream = run({ files, concurrency });
// as node --test: a failed test fails the run, a failed todo does not
stream.on('test:fail', (data) => {
  if (data.todo === undefined || data.todo === false) process.exitCode = 1;
});
stream.compose(process.stdout.isTTY ? new spec() : tap).pipe(process.stdout);
