// Three shortcuts for the tests' daemons: two for their databases, both
// made with the binary under test (SPKIOSK_BIN) and kept for one run of a
// suite, and cheap password hashes. The daemon's code is not changed by
// any of them; the third makes its Argon2id hashes at the minimum limits.
//
// 1. A migrated template. A daemon's first start on a new file runs every
//    migration (~0.1 s of a core) and a suite starts ~360 of them. The
//    template is made once per run by `spkiosk user add` on a new file
//    (which migrates it as a daemon would), its one user then deleted with
//    the sqlite3 shell: the migrations' rows (calendar_backfill) and no
//    user, so a daemon's first start on a copy still creates `admin` and
//    prints its password. A migration writes no random value (no key, no
//    secret: those are made at run time per row, or per start), so copies
//    share nothing a test could tell apart; what a daemon makes at its
//    first start it makes on each copy. The one difference a daemon shows:
//    a new file's start says "database: FILE made at schema N" on standard
//    error; a copy's does not.
// 2. One Argon2id per test password. `spkiosk user add` hashes the
//    password (~0.08 s of a core, INTERACTIVE limits) and a suite adds
//    ~450 users. addUser runs the real CLI for the first (role, password)
//    of a run, reads the row it wrote back from the database, and for the
//    next user with the same role and password inserts that row with the
//    sqlite3 shell, the name and the times (created_at, updated_at: now, as
//    the CLI writes them) replaced: every other column, the hash, the
//    posts a role gets by default, display, disabled, is the CLI's own.
// 3. Cheap hashes. tests/fasthash/fasthash.c, preloaded (hashShimEnv) into
//    the daemons startDaemon starts and the `spkiosk user` commands run
//    here and by userCmd, makes the Argon2id hashes at libsodium's minimum
//    limits: a daemon's first start hashes its admin's password and each
//    login verifies one (~1,100 in the HTTP suite, ~90 s of its 216 s of
//    CPU). The daemon's code is the same; only the hashes' cost changes,
//    and the unit tests keep the real limits. Used only where the library
//    is built beside the binary (make api, make e2e; not under TSan).
//
// A run's folder: tests/run-files.mjs (make api, make e2e) makes one,
// names it in SPKIOSK_TEST_RUN_DIR for every test file, and removes it at
// the end. A file run alone (node --test FILE) gets a folder of its own,
// removed when its process exits. The template's name carries the binary's
// path, size and modification time, so a binary rebuilt during a run never
// gets a copy of the old one's. Several files may make the template or a
// hash at once: each writes its own temporary file and renames it into
// place (atomic; the copies are equal), so nobody waits for anybody.
//
// Opting out (a test of how a database is made, of migrations, of the
// first start, of `user add` itself): startDaemon({fresh: true}) /
// useDaemon({fresh: true}) for one daemon, addUser(..., {cli: true}) for
// one user, setShortcuts({template: false, hashes: false}) for every call
// of the test file (the cheap hashes among them: every hash at the real
// limits), SPKIOSK_TEST_SHORTCUTS=0 for a whole run. Without the
// sqlite3 shell both fall back to the slow way.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const shortcuts = { template: process.env.SPKIOSK_TEST_SHORTCUTS !== '0',
  hashes: process.env.SPKIOSK_TEST_SHORTCUTS !== '0' };

// For a test file whose every database must be made the slow way.
export function setShortcuts({ template, hashes } = {}) {
  if (template !== undefined) shortcuts.template = template;
  if (hashes !== undefined) shortcuts.hashes = hashes;
}

// env (a process's environment) with tests/fasthash/fasthash.so preloaded
// too, when the hash shortcut is on and the library is built beside bin;
// env itself otherwise. A library already preloaded (faketime) stays, and
// an ASan daemon is told not to insist on its runtime coming first (the
// library is not instrumented).
export function hashShimEnv(bin, env) {
  const so = path.join(path.dirname(bin), 'fasthash.so');
  if (!shortcuts.hashes || !fs.existsSync(so)) return env;
  const pre = env.LD_PRELOAD ? `${env.LD_PRELOAD}:${so}` : so;
  return { ...env, LD_PRELOAD: pre,
    ASAN_OPTIONS: `${env.ASAN_OPTIONS ? `${env.ASAN_OPTIONS}:` : ''}verify_asan_link_order=0` };
}

let ownRunDir = null;
function runDir() {
  const dir = process.env.SPKIOSK_TEST_RUN_DIR;
  if (dir && fs.existsSync(dir)) return dir;
  if (!ownRunDir) {
    ownRunDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spkiosk-run-'));
    process.on('exit', () => fs.rmSync(ownRunDir, { recursive: true, force: true }));
  }
  return ownRunDir;
}

let haveSqlite = null;
function sqliteShell() {
  haveSqlite ??= spawnSync('sqlite3', ['-version'], { encoding: 'utf8' }).status === 0;
  return haveSqlite;
}

// Runs SQL in the sqlite3 shell on db; throws with its message on failure.
// A 10 s busy wait: the daemon may be writing (a login's session).
function sql(db, text, args = []) {
  const r = spawnSync('sqlite3', ['-bail', ...args, db], {
    input: `.timeout 10000\n${text}\n`, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`sqlite3 ${db}: ${r.stderr || r.error}`);
  return r.stdout;
}

function binKey(bin) {
  const st = fs.statSync(bin);
  return createHash('sha256').update(`${fs.realpathSync(bin)}\0${st.size}\0${st.mtimeMs}`)
    .digest('hex').slice(0, 16);
}

// Puts text in file whole: a temporary file of this process renamed over it.
function writeAtomic(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

// The template of bin, made when this run has none yet; null when it
// cannot be (no sqlite3 shell).
const templateMemo = new Map();
function template(bin) {
  if (!sqliteShell()) return null;
  const file = path.join(runDir(), `template-${binKey(bin)}.db`);
  if (templateMemo.get(bin) === file || fs.existsSync(file)) {
    templateMemo.set(bin, file);
    return file;
  }
  const dir = fs.mkdtempSync(path.join(runDir(), 'making-'));
  try {
    const db = path.join(dir, 't.db');
    const r = spawnSync(bin, ['user', 'add', 'template', '--role', 'staff', '--db', db],
      { input: 'template-password-1\n', encoding: 'utf8', timeout: 30_000,
        env: hashShimEnv(bin, process.env) });
    if (r.status !== 0) throw new Error(`the template database: user add: ${r.stderr}`);
    // secure_delete and VACUUM: nothing of the deleted row stays in the
    // file (a test reads the raw file for a password); the shell's close,
    // the last connection's, checkpoints the WAL into the file and
    // removes it (checked below: a copy is then the file alone)
    sql(db, 'PRAGMA secure_delete = ON; DELETE FROM users; VACUUM;');
    const left = fs.readdirSync(dir).filter((f) => f !== 't.db');
    if (left.length) throw new Error(`the template database: ${left.join(', ')} left beside it`);
    if (sql(db, 'SELECT count(*) FROM users;').trim() !== '0') throw new Error('the template has users');
    fs.rmSync(`${db}-wal`, { force: true });
    fs.rmSync(`${db}-shm`, { force: true });
    fs.chmodSync(db, 0o600);
    fs.renameSync(db, file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  templateMemo.set(bin, file);
  return file;
}

// Copies the template to db when nothing is there yet (no file, no link,
// no -wal or -shm) and its folder exists. Returns whether it did; false
// leaves the daemon or the CLI to make the file.
export function copyTemplate(bin, db) {
  if (!shortcuts.template) return false;
  if (!fs.existsSync(path.dirname(db))) return false;
  for (const f of [db, `${db}-wal`, `${db}-shm`, `${db}-journal`]) {
    if (fs.lstatSync(f, { throwIfNoEntry: false })) return false;
  }
  const t = template(bin);
  if (!t) return false;
  try {
    // EXCL: a file made meanwhile (or a dangling link) is left alone
    fs.copyFileSync(t, db, fs.constants.COPYFILE_EXCL);
  } catch (e) {
    // a folder this process may not write (a test of that): the daemon
    // is to meet it as it is, so a part copied goes
    if (e.code !== 'EEXIST') fs.rmSync(db, { force: true });
    return false;
  }
  fs.chmodSync(db, 0o600);
  return true;
}

const NAME_RE = /^[a-z0-9][a-z0-9._-]{0,31}$/;

function literal(v) {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return String(v);
  return `'${String(v).replace(/'/g, "''")}'`;
}

// Adds user name to db as `spkiosk user add NAME --role ROLE` with password
// on its standard input would, from a row cached for (role, password).
// A db not there yet is first copied from the template. Returns true when
// done; false when the caller must run the CLI (no shortcut, nothing cached
// yet); then rememberUser(...) caches the row the CLI wrote.
export function addUserFast(bin, db, name, role, password) {
  if (!fs.existsSync(db)) copyTemplate(bin, db);
  if (!shortcuts.hashes || !sqliteShell() || !NAME_RE.test(name) ||
      (role !== 'staff' && role !== 'admin') || !fs.existsSync(db)) return false;
  let row;
  try {
    row = JSON.parse(fs.readFileSync(hashFile(bin, role, password), 'utf8'));
  } catch {
    return false;
  }
  const cols = Object.keys(row);
  const now = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";
  const vals = cols.map((c) => (c === 'name' ? literal(name)
    : c === 'created_at' || c === 'updated_at' ? now : literal(row[c])));
  sql(db, `INSERT INTO users (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${vals.join(', ')});`);
  return true;
}

function hashFile(bin, role, password) {
  const k = createHash('sha256').update(`${binKey(bin)}\0${role}\0${password}`).digest('hex').slice(0, 24);
  return path.join(runDir(), `user-${k}.json`);
}

// After the CLI added name (role, password) to db: keeps its row for the
// next addUserFast of the same role and password in this run.
export function rememberUser(bin, db, name, role, password) {
  if (!shortcuts.hashes || !sqliteShell() || !NAME_RE.test(name)) return;
  const out = sql(db, `SELECT * FROM users WHERE name = '${name}';`, ['-json']);
  const rows = out.trim() ? JSON.parse(out) : [];
  if (rows.length !== 1 || rows[0].role !== role) throw new Error(`user ${name} not as added: ${out}`);
  writeAtomic(hashFile(bin, role, password), JSON.stringify(rows[0]));
}
