// The commands beside serve (user, backup, restore, export) find the
// database as serve does: --db, else the configuration's `db` (SPKIOSK_CONFIG
// or /etc/spkiosk/spkiosk.conf, then SPKIOSK_DB), else ./var/spkiosk.db. An
// IT officer's review on the hall's server: `user list` without --db made
// an empty ./var/spkiosk.db and listed nobody, and `restore` put a backup
// there and exited 0. Only `user add` (a new hall's first user) and
// `restore` make a database where none is.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { BIN, FILE_TIMES_REAL, makeTmp, monthAgo, rmTmp } from './helpers.mjs';

describe('the database of the commands beside serve', () => {
  let tmp, cwd, hall, conf;
  // env: the process's, without the test machine's own SPKIOSK_* settings
  const run = (args, { env = {}, input, sh = false } = {}) => {
    const base = Object.fromEntries(Object.entries(process.env)
      .filter(([k]) => !k.startsWith('SPKIOSK_') && k !== 'JOURNAL_STREAM'));
    return spawnSync(sh ? '/bin/sh' : BIN, args, { cwd, env: { ...base, ...env }, input, encoding: 'utf8', timeout: 30_000 });
  };
  before(() => {
    tmp = makeTmp();
    cwd = path.join(tmp, 'cwd');
    fs.mkdirSync(cwd);
    hall = path.join(tmp, 'hall', 'spkiosk.db');
    fs.mkdirSync(path.dirname(hall));
    conf = path.join(tmp, 'spkiosk.conf');
    fs.writeFileSync(conf, `db = ${hall}\n`);
  });
  after(() => rmTmp(tmp));

  it('without --db and without a database: says so, exits 1, makes nothing', () => {
    for (const args of [['user', 'list'], ['user', 'disable', 'wang'], ['backup', path.join(tmp, 'b.db')]]) {
      const r = run(args);
      assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /there is no database at \.\/var\/spkiosk\.db .*give --db FILE/);
    }
    assert.equal(fs.existsSync(path.join(cwd, 'var', 'spkiosk.db')), false, 'no empty database made');
  });

  // "see `db` in the configuration" was said whatever named the path: on a
  // machine with no configuration file (a dev's, a hall installed without
  // one) it sent the reader to a file that is not there. Each path is now
  // told with what named it, and the choices that are real. (The default
  // file of this machine is read when there is one: then skipped.)
  it('no database: the advice names what named the path, never a configuration that is not there', {
    skip: fs.existsSync('/etc/spkiosk/spkiosk.conf') && 'this machine has /etc/spkiosk/spkiosk.conf',
  }, () => {
    const nowhere = path.join(tmp, 'nowhere', 'spkiosk.db');
    const noDb = path.join(tmp, 'no-db.conf');
    fs.writeFileSync(noDb, 'threads = 2\n');
    const cases = [
      // no file, no variable: the default, and the choices there are
      [['user', 'list'], {}, /there is no database at \.\/var\/spkiosk\.db .*no configuration names one \(there is no \/etc\/spkiosk\/spkiosk\.conf\); give --db FILE, or SPKIOSK_CONFIG=FILE/],
      [['export', '--since', monthAgo(), '--format', 'csv', '--hall', '示例社区'], {}, /spkiosk export: there is no database at \.\/var\/spkiosk\.db .*there is no \/etc\/spkiosk\/spkiosk\.conf/],
      [['user', 'list'], { SPKIOSK_DB: nowhere }, /there is no database at .*nowhere\/spkiosk\.db .*SPKIOSK_DB names it; correct SPKIOSK_DB, or give --db FILE/],
      [['backup', path.join(tmp, 'b-none')], { SPKIOSK_CONFIG: noDb }, new RegExp(`there is no database at \\./var/spkiosk\\.db .*${noDb} does not set \`db\`; set it there, or give --db FILE`)],
      [['user', 'list', '--db', nowhere], {}, /there is no database at .*nowhere\/spkiosk\.db .*check the FILE given to --db/],
    ];
    for (const [args, env, said] of cases) {
      const r = run(args, { env });
      assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, said);
      assert.doesNotMatch(r.stderr, /in the configuration/, `${args.join(' ')} ${JSON.stringify(env)}`);
    }
    assert.equal(fs.existsSync(path.join(cwd, 'var')), false, 'nothing made in the working folder');
  });

  it('the configuration\'s db is the one the commands use', () => {
    const env = { SPKIOSK_CONFIG: conf };
    let r = run(['user', 'add', 'wang', '--role', 'staff'], { env, input: 'a-long-enough-password\n' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(fs.existsSync(hall), 'made where the configuration says');
    // said, with the database it went to: a silent success left the
    // officer running `user list` to be sure, and not knowing which file
    assert.equal(r.stdout, `added staff user wang (posts: window) to ${hall}\n`);
    // the owner's alone whatever the umask: it holds ID numbers
    assert.equal(fs.statSync(hall).mode & 0o777, 0o600);
    r = run(['user', 'list'], { env });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^wang staff active/m);
    for (const [args, said] of [
      [['user', 'posts', 'wang', 'window,backoffice'], `wang now holds posts: window,backoffice (in ${hall})`],
      [['user', 'display', 'wang', '王工'], `wang is now shown to residents as: 王工 (in ${hall})`],
      // none: the login name is printed, and said so, not as a name "-"
      [['user', 'display', 'wang', '-'], `wang is now shown to residents as: (their user name) (in ${hall})`],
      [['user', 'posts', 'wang', '-'], `wang now holds posts: none (in ${hall})`],
      [['user', 'disable', 'wang'], `disabled wang in ${hall}; their open sessions are ended`],
      [['user', 'enable', 'wang'], `enabled wang in ${hall}`]]) {
      r = run(args, { env });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, `${said}\n`, args.join(' '));
    }
    r = run(['user', 'passwd', 'wang'], { env, input: 'another-long-password\n' });
    assert.equal(r.stdout, `changed the password of wang in ${hall}; their open sessions are ended\n`);
    const dir = path.join(tmp, 'backups');
    r = run(['backup', '--keep', '2', dir], { env });
    assert.equal(r.status, 0, r.stderr);
    const copy = r.stdout.trim();
    assert.ok(fs.existsSync(copy), copy);
    // a month back, not a fixed date: a range over 366 days is refused, and
    // a fixed 2026-01-01 would have been from 2027-01-02 on
    r = run(['export', '--since', monthAgo(), '--format', 'csv', '--hall', '示例社区'], { env });
    assert.equal(r.status, 0, r.stderr);
    // SPKIOSK_DB wins over the file, as for serve
    const other = path.join(tmp, 'other.db');
    r = run(['restore', copy], { env: { ...env, SPKIOSK_DB: other } });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(fs.existsSync(other), 'restored where SPKIOSK_DB says');
    assert.equal(fs.existsSync(path.join(cwd, 'var')), false, 'nothing in the working folder');
  });

  // two backups in one second had one name, and the second replaced the first
  it('a backup never replaces one made in the same second', () => {
    const env = { SPKIOSK_CONFIG: conf };
    const dir = path.join(tmp, 'same-second');
    fs.mkdirSync(dir);
    const stamp = (t) => new Date(t).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const now = Date.now();
    const taken = [0, 1, 2].map((k) => path.join(dir, `spkiosk-${stamp(now + k * 1000)}.db`));
    for (const f of taken) fs.writeFileSync(f, 'an earlier backup');
    const r = run(['backup', '--keep', '10', dir], { env });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!taken.includes(r.stdout.trim()), `${r.stdout.trim()} is a name already taken`);
    for (const f of taken) assert.equal(fs.readFileSync(f, 'utf8'), 'an earlier backup');
  });

  // the timer's run and one by hand at once: both failed on one FILE.tmp
  it('two backups at once each make their own copy', { skip: FILE_TIMES_REAL }, async () => {
    const { spawn } = await import('node:child_process');
    const dir = path.join(tmp, 'at-once');
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SPKIOSK_')));
    const one = () => new Promise((resolve) => {
      const p = spawn(BIN, ['backup', '--db', hall, '--keep', '10', dir], { cwd, env: base });
      let out = '', err = '';
      p.stdout.on('data', (d) => { out += d; });
      p.stderr.on('data', (d) => { err += d; });
      p.on('close', (code) => resolve({ code, out: out.trim(), err }));
    });
    const rs = await Promise.all([one(), one(), one()]);
    for (const r of rs) assert.equal(r.code, 0, r.err);
    assert.equal(new Set(rs.map((r) => r.out)).size, 3, rs.map((r) => r.out).join(' '));
    for (const r of rs) assert.ok(fs.statSync(r.out).size > 0, `${r.out} is a whole copy`);
  });

  // a review: a problem in any key (a comment after a value) sent restore
  // and user add to ./var/spkiosk.db, exit 0
  it('a configuration with a problem is said, and the command stops without writing', () => {
    const bad = path.join(tmp, 'bad.conf');
    fs.writeFileSync(bad, `db = ${hall}\nthreads = 4 # cores\n`);
    const env = { SPKIOSK_CONFIG: bad };
    for (const [args, input] of [[['user', 'list']], [['user', 'add', 'li', '--role', 'staff'], 'a-long-enough-password\n'],
      [['restore', path.join(tmp, 'nothing.db')]],
      // the nightly backup's unit reads the service's file: said in its journal
      [['backup', '--keep', '14', path.join(tmp, 'nightly-bad')]]]) {
      const r = run(args, { env, input });
      assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /spkiosk: configuration: /);
      assert.match(r.stderr, /fix the configuration .*or give --db FILE/);
    }
    assert.equal(fs.existsSync(path.join(cwd, 'var')), false, 'nothing written in the working folder');
  });

  // spkiosk-backup.service runs `spkiosk backup` without --db, its stderr
  // the journal: "or give --db FILE" there sent the IT officer to edit the
  // unit, after which the nightly copy no longer followed the database the
  // service serves. Under systemd the message names the file both units
  // read. The journal is told as systemd tells it: JOURNAL_STREAM naming
  // stderr's device and inode (here the test's pipe, stat'ed by the shell
  // that then becomes the command).
  it('in the journal, a unit\'s failure names the configuration file, not --db', () => {
    const asUnit = (args, env) => run(['-c', 'JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2) exec "$0" "$@"', BIN, ...args],
      { env, sh: true });
    const bad = path.join(tmp, 'unit-bad.conf');
    fs.writeFileSync(bad, `db = ${hall}\nthreads = 4 # cores\n`);
    const nightly = ['backup', '--keep', '14', path.join(tmp, 'nightly-unit')];
    let r = asUnit(nightly, { SPKIOSK_CONFIG: bad });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /spkiosk: configuration: /);
    assert.match(r.stderr, new RegExp(`spkiosk backup: fix ${bad} as the lines above say \\(spkiosk serve --config ${bad} --check-config\\)`));
    assert.doesNotMatch(r.stderr, /--db/);
    // a database not there (yet): the file that names it, and the service's first start
    const none = path.join(tmp, 'unit-none.conf');
    fs.writeFileSync(none, `db = ${path.join(tmp, 'nowhere', 'spkiosk.db')}\n`);
    r = asUnit(nightly, { SPKIOSK_CONFIG: none });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`there is no database at .*nowhere/spkiosk\\.db .*\`db\` in ${none} names it`));
    assert.match(r.stderr, /its first start makes the database/);
    assert.doesNotMatch(r.stderr, /give --db/);
    // SPKIOSK_DB in the unit's environment (an edited unit) wins over the
    // file's `db`: said as what named the path, not the file
    r = asUnit(nightly, { SPKIOSK_CONFIG: none, SPKIOSK_DB: path.join(tmp, 'elsewhere', 'spkiosk.db') });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /there is no database at .*elsewhere\/spkiosk\.db .*SPKIOSK_DB in this unit's environment names it/);
    assert.doesNotMatch(r.stderr, /`db` in /);
    // the variable inherited by a terminal's shell (a desktop's service) names
    // another stream: a command line, told as before
    r = run(nightly, { env: { SPKIOSK_CONFIG: bad, JOURNAL_STREAM: '1:2' } });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /fix the configuration .*or give --db FILE/);
    // serve under spkiosk.service: the file, then the restart
    r = asUnit(['serve'], { SPKIOSK_CONFIG: bad });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`spkiosk serve: fix ${bad} as the lines above say .*then systemctl restart spkiosk`));
    assert.equal(fs.existsSync(path.join(tmp, 'nightly-unit')), false, 'nothing made');
  });
});

// `spkiosk user` and `export` migrated an older database: after `make
// install` replaced the binary under the older daemon still serving, one
// `user list` moved the database past that daemon, which then refused to
// start (an IT officer's review). A command now leaves an older schema that
// a daemon serves (its lock held) to that daemon: it waits a few seconds (a
// daemon of this build starting on a new database passes through every
// version, tests/api/migrate-race.test.mjs), then says to restart the
// service. The daemon here is played by flock(1) holding DB.lock, and its
// migrations by setting user_version back.
describe('a command on a database of an older schema that a daemon serves', () => {
  let tmp, db, current, holder;
  before(() => { tmp = makeTmp(); db = path.join(tmp, 'x.db'); });
  after(() => { if (holder) holder.kill('SIGKILL'); rmTmp(tmp); });
  const runAsync = (args) => new Promise((resolve) => {
    const p = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.setEncoding('utf8');
    p.stderr.on('data', (d) => { err += d; });
    p.stdout.resume();
    p.on('close', (status) => resolve({ status, stderr: err }));
  });
  const version = () => spawnSync('sqlite3', [db, 'PRAGMA user_version'], { encoding: 'utf8' }).stdout.trim();
  const setVersion = (v) => assert.equal(spawnSync('sqlite3', [db, `PRAGMA user_version = ${v}`]).status, 0);

  it('is waited for, then refused with the schema of both and what to do; nothing migrated', async () => {
    const r0 = spawnSync(BIN, ['user', 'add', 'wang', '--role', 'staff', '--db', db],
      { input: 'wang-password-1\n', encoding: 'utf8' });
    assert.equal(r0.status, 0, r0.stderr);
    current = Number(version());
    holder = spawn('flock', ['-n', `${db}.lock`, 'sleep', '60'], { stdio: 'ignore' });
    await new Promise((res) => setTimeout(res, 300));
    setVersion(current - 1);
    // export goes through the same db_migrate_cli: one command pays the wait
    for (const args of [['user', 'list', '--db', db]]) {
      const r = await runAsync(args);
      assert.equal(r.status, 1, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`the database is at schema ${current - 1} and this spkiosk at ${current}.*restart the service`), r.stderr);
      assert.equal(version(), String(current - 1), `${args[0]} left the schema as it was`);
    }
  });

  it('goes on once the daemon has migrated it', async () => {
    const pending = runAsync(['user', 'list', '--db', db]);
    await new Promise((res) => setTimeout(res, 800));
    setVersion(current);
    const r = await pending;
    assert.equal(r.status, 0, r.stderr);
  });
});
