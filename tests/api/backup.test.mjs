// `spkiosk backup` and `spkiosk restore` (issue #14 item 4): a copy taken
// while several clients write cases passes integrity_check (the sqlite3
// shell's) and, restored into a new database, serves every case that was
// acknowledged before the backup started. Restore refuses while a daemon
// serves the database, a copy from a newer schema and a broken file;
// backup refuses to write over the live database; --keep prunes dated
// copies only.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, FILE_TIMES_REAL, makeTmp, rmTmp, writeTree, startDaemon, request, login, authHeaders, adminPassword, setShortcuts } from './helpers.mjs';

// Every database made as without tests/api/db-shortcuts.mjs (no template,
// no cached hash): backups and restores of databases as the daemon and the CLI make them.
setShortcuts({ template: false, hashes: false });

const QUICK = '---\ntime_limit: 即办\n---\n# 当场办理\n\n简介。\n\n## 第一步：信息\n'
  + '```form\nmobile | 手机号码 | cn_mobile | required\n```\n';

const run = (args) => spawnSync(BIN, args, { encoding: 'utf8' });
const sql = (db, q) => spawnSync('sqlite3', [db, q], { encoding: 'utf8' });

function backupAsync(args) {
  return new Promise((resolve) => {
    const p = spawn(BIN, ['backup', ...args]);
    let out = '', err = '';
    p.stdout.on('data', (b) => { out += b; });
    p.stderr.on('data', (b) => { err += b; });
    p.on('close', (code) => resolve({ status: code, stdout: out, stderr: err }));
  });
}

describe('backup under load, then restore', () => {
  let tmp, tree, db, d, d2 = null;
  const acked = [];
  let before0 = [];

  before(async () => {
    tmp = makeTmp();
    tree = writeTree(path.join(tmp, 'tree'), { 'hall/README.md': '# 大厅\n\n事项。\n', 'hall/quick.md': QUICK });
    db = path.join(tmp, 'live.db');
    d = await startDaemon({ tree, db });
  });
  after(async () => {
    if (d2) await d2.stop();
    if (d) await d.stop();
    rmTmp(tmp);
  });

  // one client: cases made and handed in one after another until stopped
  async function client(stop) {
    while (!stop.now) {
      const c = await request(`${d.url}/api/v1/cases`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ procedure: 'quick', channel: 'window' }),
      });
      assert.equal(c.status, 201, c.text);
      const s = await request(`${d.url}/api/v1/cases/${c.body.id}/steps/0`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ fields: { mobile: '13800138000' } }),
      });
      assert.equal(s.status, 200, s.text);
      acked.push(c.body.id);
    }
  }

  it('a copy taken while 6 clients write passes integrity_check', async () => {
    const stop = { now: false };
    const clients = Array.from({ length: 6 }, () => client(stop));
    while (acked.length < 60) await new Promise((r) => setTimeout(r, 20));
    before0 = acked.slice();
    const b = await backupAsync(['--db', db, path.join(tmp, 'copy.db')]);
    const during = acked.length;
    // keep writing a little after, so the copy's snapshot is older than the live file
    while (acked.length < during + 20) await new Promise((r) => setTimeout(r, 20));
    stop.now = true;
    await Promise.all(clients);
    assert.equal(b.status, 0, b.stderr);
    assert.equal(b.stdout, `${path.join(tmp, 'copy.db')}\n`);
    assert.ok(!fs.existsSync(path.join(tmp, 'copy.db.tmp')));
    assert.ok(!fs.existsSync(path.join(tmp, 'copy.db-wal')), 'one self-contained file');
    const ic = sql(path.join(tmp, 'copy.db'), 'PRAGMA integrity_check');
    assert.equal(ic.stdout, 'ok\n', ic.stderr);
    const n = Number(sql(path.join(tmp, 'copy.db'), 'SELECT count(*) FROM cases').stdout);
    assert.ok(n >= before0.length, `${n} cases in the copy, ${before0.length} acknowledged before`);
    assert.ok(n < acked.length, `${n} in the copy, ${acked.length} in all: a snapshot, not the end state`);
  });

  it('restore refuses while the daemon serves the database, and leaves it alone', () => {
    const r = run(['restore', '--db', db, path.join(tmp, 'copy.db')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /another spkiosk serve is using the database/);
    assert.ok(!fs.existsSync(`${db}.pre-restore`));
    assert.ok(!fs.existsSync(`${db}.restore-tmp`));
  });

  // a wrong command line, refused before anything is copied: exit 2, and
  // not recorded as a failed backup, which /metrics' alert and the admin
  // console's line then reported until the next night while the nightly
  // backups were fine
  it('backup refuses to write over the live database or its WAL, and records nothing', () => {
    const before1 = sql(db, 'SELECT outcome, at, count FROM backup_outcomes ORDER BY outcome').stdout;
    for (const target of [db, `${db}-wal`]) {
      const r = run(['backup', '--db', db, target]);
      assert.equal(r.status, 2, target);
      assert.match(r.stderr, /^spkiosk backup: .* is the live database .*; give another name\n$/);
      assert.equal(r.stdout, '');
    }
    assert.equal(sql(db, 'SELECT outcome, at, count FROM backup_outcomes ORDER BY outcome').stdout, before1,
      'a refusal is no backup run: nothing recorded');
    assert.equal(sql(db, "SELECT count(*) FROM backup_outcomes WHERE outcome = 'failed'").stdout, '0\n');
    const r = run(['backup', '--db', path.join(tmp, 'missing.db'), path.join(tmp, 'x.db')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no database/);
    assert.ok(!fs.existsSync(path.join(tmp, 'x.db')));
  });

  it('restored into a new database, every case acknowledged before the backup is served', async () => {
    const fresh = path.join(tmp, 'restored', 'spkiosk.db');
    const r = run(['restore', '--db', fresh, path.join(tmp, 'copy.db')]);
    assert.equal(r.status, 0, r.stderr);
    d2 = await startDaemon({ tree, db: fresh });
    for (const id of before0) {
      const c = await request(`${d2.url}/api/v1/cases/${id}`);
      assert.equal(c.status, 200, `${id}: ${c.status}`);
    }
    const after0 = acked[acked.length - 1];
    assert.equal((await request(`${d2.url}/api/v1/cases/${after0}`)).status, 404,
      'a case made after the copy finished is not in it');
    // restoring over it again: the daemon holds it, so refused; stopped, allowed, old one kept
    assert.equal(run(['restore', '--db', fresh, path.join(tmp, 'copy.db')]).status, 1);
    const info = await d2.stop();
    d2 = null;
    assert.equal(info.code, 0);
    const again = run(['restore', '--db', fresh, path.join(tmp, 'copy.db')]);
    assert.equal(again.status, 0, again.stderr);
    assert.ok(fs.existsSync(`${fresh}.pre-restore`));
    assert.equal(sql(`${fresh}.pre-restore`, 'PRAGMA integrity_check').stdout, 'ok\n');
    assert.ok(!fs.existsSync(`${fresh}-wal`), 'no old WAL beside the restored file');
    // a second restore (the right night after the wrong one) keeps the
    // first one's aside copy, which may be the only copy of the cases since
    // the backup: an IT officer's review found it deleted
    const mark = sql(`${fresh}.pre-restore`, "PRAGMA user_version = 1; SELECT 'kept'");
    assert.equal(mark.status, 0, mark.stderr);
    const third = run(['restore', '--db', fresh, path.join(tmp, 'copy.db')]);
    assert.equal(third.status, 0, third.stderr);
    assert.match(third.stderr, new RegExp(`the one it replaced is ${fresh.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.pre-restore\\.2\n`));
    assert.equal(sql(`${fresh}.pre-restore`, 'PRAGMA user_version').stdout, '1\n', 'the first aside copy untouched');
    assert.equal(sql(`${fresh}.pre-restore.2`, 'PRAGMA integrity_check').stdout, 'ok\n');
  });

  it('restore refuses a copy from a newer schema, a broken file and a database not spkiosk\'s', () => {
    const newer = path.join(tmp, 'newer.db');
    fs.copyFileSync(path.join(tmp, 'copy.db'), newer);
    assert.equal(sql(newer, 'PRAGMA user_version = 999').status, 0);
    const target = path.join(tmp, 'other.db');
    let r = run(['restore', '--db', target, newer]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /schema 999, newer than this spkiosk/);
    // a daemon rolled back onto it says how to go on (an IT officer's review)
    r = spawnSync(BIN, ['serve', '--listen', '127.0.0.1:0', '--db', newer, '--procedures', tmp],
      { encoding: 'utf8', timeout: 10_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /schema 999, newer than this spkiosk \(\d+\): a newer spkiosk migrated it\. Run that one again, or go back to this version with the backup taken before the upgrade, restored by the newer spkiosk first/);
    const broken = path.join(tmp, 'broken.db');
    const bytes = fs.readFileSync(path.join(tmp, 'copy.db'));
    bytes.fill(0x5a, 4096 * 2, 4096 * 4);
    fs.writeFileSync(broken, bytes);
    r = run(['restore', '--db', target, broken]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /integrity_check|malformed|not a database/);
    // a file that is not a database at all: said so, never "not an error"
    const junk = path.join(tmp, 'junk.db');
    fs.writeFileSync(junk, '这不是数据库\n'.repeat(400));
    r = run(['restore', '--db', target, junk]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /file is not a database/);
    assert.doesNotMatch(r.stderr, /not an error/);
    const foreign = path.join(tmp, 'foreign.db');
    sql(foreign, 'CREATE TABLE t (x); PRAGMA user_version = 3');
    r = run(['restore', '--db', target, foreign]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /not a spkiosk database/);
    // schema 0: no migration ever ran on it, whatever tables it has
    const unversioned = path.join(tmp, 'unversioned.db');
    sql(unversioned, 'CREATE TABLE cases (id TEXT)');
    r = run(['restore', '--db', target, unversioned]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /not a spkiosk database/);
    assert.ok(!fs.existsSync(target));
  });
});

describe('backup --keep N DIR', () => {
  let tmp, d;
  before(async () => {
    tmp = makeTmp();
    const tree = writeTree(path.join(tmp, 'tree'), { 'hall/README.md': '# 大厅\n\n事项。\n', 'hall/quick.md': QUICK });
    d = await startDaemon({ tree, db: path.join(tmp, 'live.db') });
  });
  after(async () => { await d.stop(); rmTmp(tmp); });

  it('writes a dated copy and keeps the newest N dated copies, nothing else touched', { skip: FILE_TIMES_REAL }, () => {
    const dir = path.join(tmp, 'backups');
    fs.mkdirSync(dir);
    const old = ['spkiosk-20200101T000000Z.db', 'spkiosk-20210101T000000Z.db', 'spkiosk-20220101T000000Z.db',
      'spkiosk-20230101T000000Z.db'];
    const others = ['notes.txt', 'spkiosk-2020.db', 'spkiosk-20190101T000000Z.db.tmp'];
    for (const f of [...old, ...others]) fs.writeFileSync(path.join(dir, f), 'x');
    const r = run(['backup', '--db', path.join(tmp, 'live.db'), '--keep', '3', dir]);
    assert.equal(r.status, 0, r.stderr);
    const made = path.basename(r.stdout.trim());
    assert.match(made, /^spkiosk-\d{8}T\d{6}Z\.db$/);
    assert.match(r.stderr, /deleted 2 older copies/);
    assert.deepEqual(fs.readdirSync(dir).sort(),
      [...others, 'spkiosk-20220101T000000Z.db', 'spkiosk-20230101T000000Z.db', made].sort());
    assert.equal(sql(path.join(dir, made), 'PRAGMA integrity_check').stdout, 'ok\n');
    const into = path.join(tmp, 'new-dir');
    const first = run(['backup', '--db', path.join(tmp, 'live.db'), '--keep', '1', into]);
    assert.equal(first.status, 0, first.stderr);
    // nothing deleted, nothing said: a timer's journal is read for real deletions
    assert.equal(first.stderr, '');
    assert.equal(fs.readdirSync(into).length, 1, 'the folder is made when missing');
    // it holds the hall's cases: made 0750 (docs/deployment.md), others get nothing
    assert.equal(fs.statSync(into).mode & 0o007, 0, 'others have no access to the folder made');
    // a copy that fails leaves no empty file under a dated name: it would
    // look like a backup, and count as one of the N kept
    const junk = path.join(tmp, 'junk.db');
    fs.writeFileSync(junk, 'not a database, but long enough to be read as one'.repeat(100));
    const failed = run(['backup', '--db', junk, '--keep', '1', into]);
    assert.equal(failed.status, 1, failed.stderr);
    assert.equal(fs.readdirSync(into).length, 1, 'the failed copy left a file');
    for (const bad of ['0', '1001', 'x', '-1', '3x', ''])
      assert.equal(run(['backup', '--db', path.join(tmp, 'live.db'), '--keep', bad, dir]).status, 2, bad);
  });
  // A backup killed mid-copy (the timer's unit stopped, the power cut)
  // left its claimed name empty and its NAME.tmp: the empty name counted as
  // one of the N kept, so the folder held one good copy fewer, a restore of
  // "the newest" met an empty file, and the .tmp stayed for ever. Older than
  // twice the copy's time limit, both are a dead backup's and go; younger
  // ones may be a backup running now and are left.
  it('clears what a killed backup left, and never counts it as a copy', { skip: FILE_TIMES_REAL }, () => {
    const dir = path.join(tmp, 'killed');
    fs.mkdirSync(dir);
    const good = ['spkiosk-20240101T000000Z.db', 'spkiosk-20240102T000000Z.db'];
    for (const f of good) fs.writeFileSync(path.join(dir, f), 'x');
    const dead = ['spkiosk-20240103T000000Z.db', 'spkiosk-20240103T000000Z.db.tmp',
      'spkiosk-20240103T000000Z.db.tmp-journal'];
    fs.writeFileSync(path.join(dir, dead[0]), '');
    fs.writeFileSync(path.join(dir, dead[1]), 'half a copy');
    fs.writeFileSync(path.join(dir, dead[2]), 'j');
    const hourAgo = new Date(Date.now() - 3600e3);
    for (const f of dead) fs.utimesSync(path.join(dir, f), hourAgo, hourAgo);
    // a backup running now: its claim and its copy are minutes old (9:
    // inside the copy's own 10-minute limit, so it may well still be going)
    const running = ['spkiosk-20240104T000000Z.db', 'spkiosk-20240104T000000Z.db.tmp'];
    fs.writeFileSync(path.join(dir, running[0]), '');
    fs.writeFileSync(path.join(dir, running[1]), 'copying');
    const minutesAgo = new Date(Date.now() - 540e3);
    for (const f of running) fs.utimesSync(path.join(dir, f), minutesAgo, minutesAgo);
    const r = run(['backup', '--db', path.join(tmp, 'live.db'), '--keep', '2', dir]);
    assert.equal(r.status, 0, r.stderr);
    const made = path.basename(r.stdout.trim());
    assert.match(r.stderr, /deleted 3 unfinished copies of an interrupted backup/);
    assert.match(r.stderr, /deleted 1 older copy \(keeping 2\)/);
    assert.deepEqual(fs.readdirSync(dir).sort(), [...running, good[1], made].sort(),
      'two real copies kept; the running backup\'s files left alone');
  });
  // The names follow this machine's clock. A clock set back (a dead clock
  // battery, docs/deployment.md "The clock"), or put right after it ran
  // ahead, names tonight's copy before the ones already there: the prune
  // deleted the copy it had just printed, every night, and only copies from
  // before the clock went wrong stayed. The copy just made is always one of
  // the N kept, and the command says why its name sorts first.
  it('never deletes the copy it has just made, whatever the clock says', () => {
    const dir = path.join(tmp, 'clock');
    fs.mkdirSync(dir);
    const ahead = ['spkiosk-20990101T000000Z.db', 'spkiosk-20990102T000000Z.db', 'spkiosk-20990103T000000Z.db'];
    for (const f of ahead) fs.writeFileSync(path.join(dir, f), 'x');
    const r = run(['backup', '--db', path.join(tmp, 'live.db'), '--keep', '3', dir]);
    assert.equal(r.status, 0, r.stderr);
    const made = path.basename(r.stdout.trim());
    assert.ok(fs.existsSync(path.join(dir, made)), `the copy just printed was deleted: ${r.stderr}`);
    assert.equal(sql(path.join(dir, made), 'PRAGMA integrity_check').stdout, 'ok\n');
    assert.deepEqual(fs.readdirSync(dir).sort(), [ahead[1], ahead[2], made].sort());
    assert.match(r.stderr, /deleted 1 older copy \(keeping 3\)/);
    assert.match(r.stderr, /spkiosk-20990103T000000Z\.db.*clock/);
    // with N = 1 only the new copy stays
    const one = run(['backup', '--db', path.join(tmp, 'live.db'), '--keep', '1', dir]);
    assert.equal(one.status, 0, one.stderr);
    assert.deepEqual(fs.readdirSync(dir), [path.basename(one.stdout.trim())]);
  });
});

// A restore in the middle of the day: the tickets handed out since the
// backup are on residents' slips, so the restored daemon goes on after the
// highest number, not after the backup's (a review restored a morning's
// copy and got 173 numbers already printed). The copies are private (0600)
// whatever the umask, and a restore where there was no database says so.
describe('a restore during the day', () => {
  let tmp, tree, db, d;
  before(async () => {
    tmp = makeTmp();
    tree = writeTree(path.join(tmp, 'tree'), { 'hall/README.md': '# 大厅\n\n事项。\n', 'hall/quick.md': QUICK });
    db = path.join(tmp, 'live.db');
    d = await startDaemon({ tree, db });
  });
  after(async () => { if (d) await d.stop(); rmTmp(tmp); });

  async function ticket() {
    const post = (p, body) => request(`${d.url}${p}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}),
    });
    const c = await post('/api/v1/cases', { procedure: 'quick' });
    assert.equal((await post(`/api/v1/cases/${c.body.id}/steps/0`, { fields: { mobile: '13800138000' } })).status, 200);
    const s = await post(`/api/v1/cases/${c.body.id}/submit`);
    assert.equal(s.status, 200, s.text);
    return s.body.ticket;
  }

  it('goes on after the last ticket handed out, not the backup\'s', async () => {
    assert.deepEqual([await ticket(), await ticket()], ['A001', 'A002']);
    const copy = path.join(tmp, 'morning.db');
    const b = spawnSync(BIN, ['backup', '--db', db, copy], { encoding: 'utf8', env: { ...process.env }, shell: false });
    assert.equal(b.status, 0, b.stderr);
    assert.equal(fs.statSync(copy).mode & 0o777, 0o600, 'the copy is private');
    assert.deepEqual([await ticket(), await ticket(), await ticket()], ['A003', 'A004', 'A005']);
    assert.equal((await d.stop()).code, 0);
    d = null;
    // restore run as root over the service user's database gives it to that user
    const asRoot = process.getuid && process.getuid() === 0;
    if (asRoot) fs.chownSync(db, 65534, 65534);
    const r = run(['restore', '--db', db, copy]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /the one it replaced is/);
    assert.equal(fs.statSync(db).mode & 0o777, 0o600, 'the restored database is private');
    if (asRoot) {
      assert.deepEqual([fs.statSync(db).uid, fs.statSync(db).gid], [65534, 65534], 'the owner of the one it replaced');
      fs.chownSync(db, 0, 0);
    }
    d = await startDaemon({ tree, db });
    assert.equal(await ticket(), 'A006', 'A003–A005 are on slips already');
  });

  it('a restore where there was no database says so', () => {
    const r = run(['restore', '--db', path.join(tmp, 'elsewhere', 'x.db'), path.join(tmp, 'morning.db')]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /where there was no database before; if the daemon uses another, give it with --db/);
    // nothing to carry a ticket number from: no warning about reading one
    assert.doesNotMatch(r.stderr, /could not be read/);
  });
});

// The evaluators' keys (schema 038) belong to the tablets at the windows,
// which hold the keys made last, not the copy's: restored as it was, a key
// renewed since the copy (a leaked address: 换新地址) was good again and the
// tablet at the new address stopped; a key removed since (停用) came back.
// Restore puts the replaced database's keys in the copy, as it carries
// today's ticket number; restored where there was no database, the copy's.
describe("a restore and the evaluators' keys", () => {
  let tmp, tree, db, d, password;
  before(async () => {
    tmp = makeTmp();
    tree = writeTree(path.join(tmp, 'tree'), { 'hall/README.md': '# 大厅\n\n事项。\n', 'hall/quick.md': QUICK });
    db = path.join(tmp, 'live.db');
    d = await startDaemon({ tree, db });
    password = adminPassword(d);
  });
  after(async () => { if (d) await d.stop(); rmTmp(tmp); });

  const make = async (w) => {
    const s = await login(d.url, 'admin', password);
    const r = await request(`${d.url}/api/v1/admin/rate-keys`, { method: 'POST', headers: authHeaders(s), body: JSON.stringify({ window: w }) });
    assert.equal(r.status, 200, r.text);
    return r.body.key;
  };
  const status = async (w, key) => (await request(`${d.url}/api/v1/rate?window=${w}&key=${key}`)).status;

  it('keeps the keys made last, not those of the copy', async () => {
    const leaked = await make('3');
    const gone = await make('4');
    const copy = path.join(tmp, 'night.db');
    const b = run(['backup', '--db', db, copy]);
    assert.equal(b.status, 0, b.stderr);
    const renewed = await make('3');
    const s = await login(d.url, 'admin', password);
    assert.equal((await request(`${d.url}/api/v1/admin/rate-keys/remove`, { method: 'POST', headers: authHeaders(s),
      body: JSON.stringify({ window: '4' }) })).status, 204);
    const added = await make('5');
    assert.equal((await d.stop()).code, 0);
    d = null;

    const r = run(['restore', '--db', db, copy]);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /keys could not be carried/);
    assert.doesNotMatch(r.stderr, /had no evaluators' keys/, 'the keys made last were carried');
    d = await startDaemon({ tree, db });
    assert.equal(await status('3', renewed), 200, 'the tablet at the renewed address goes on');
    assert.equal(await status('3', leaked), 403, 'the leaked address stays ended');
    assert.equal(await status('4', gone), 403, 'a removed address stays removed');
    assert.equal(await status('5', added), 200, 'a window keyed since the copy goes on');

    // where there was no database: the copy's own keys, window 4's removed
    // one among them, which only the IT officer can know to remove again
    const elsewhere = path.join(tmp, 'elsewhere', 'x.db');
    const e = run(['restore', '--db', elsewhere, copy]);
    assert.equal(e.status, 0, e.stderr);
    assert.equal(sql(elsewhere, "SELECT key FROM rate_keys WHERE window = '3'").stdout, `${leaked}\n`);
    assert.match(e.stderr, /had no evaluators' keys, so the copy's stand \(2 windows: 3, 4\): an address removed or renewed on the admin page 评价器 after the copy was taken works again; remove or renew it there once more\n/);
  });

  // a new disk: the daemon made a database afresh before the copy was
  // restored over it; it has no keys, and the tablets are the copy's
  it("over a database made afresh, keeps the copy's keys", async () => {
    const copy = path.join(tmp, 'last.db');
    assert.equal(run(['backup', '--db', db, copy]).status, 0);
    const keys = sql(copy, 'SELECT window, key FROM rate_keys ORDER BY window').stdout;
    assert.match(keys, /^3\|[0-9a-f]{32}\n5\|[0-9a-f]{32}\n$/);
    const fresh = path.join(tmp, 'new-disk', 'x.db');
    fs.mkdirSync(path.dirname(fresh));
    const d2 = await startDaemon({ tree, db: fresh });
    assert.equal((await d2.stop()).code, 0);
    const r = run(['restore', '--db', fresh, copy]);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /keys could not be carried/);
    assert.equal(sql(fresh, 'SELECT window, key FROM rate_keys ORDER BY window').stdout, keys);
    // a key removed after the copy is in it again: said, with the windows
    assert.match(r.stderr, /the database replaced had no evaluators' keys, so the copy's stand \(2 windows: 3, 5\)/);
  });
});

// The copy in progress (FILE.tmp, written by SQLite) was made with the
// caller's umask, 0644 under runuser or a root shell, and made 0600 only
// once whole: for the seconds a large copy takes, any local user could open
// it in a folder others may read (/tmp, a USB stick's mount) and keep
// reading the residents' ID numbers through that descriptor after the
// chmod. It is created 0600 before SQLite writes a byte.
describe('a backup in progress', () => {
  let tmp;
  after(() => rmTmp(tmp));

  it('is readable by its owner only from its first byte', async () => {
    tmp = makeTmp();
    const big = path.join(tmp, 'big.db');
    // about 32 MB: a copy that lasts long enough to be looked at
    const made = sql(big, 'CREATE TABLE t (b); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n'
      + ' WHERE i < 8000) INSERT INTO t SELECT randomblob(4000) FROM n;');
    assert.equal(made.status, 0, made.stderr);
    const out = path.join(tmp, 'copy.db');
    const p = spawn('sh', ['-c', 'umask 022; exec "$0" backup --db "$1" "$2"', BIN, big, out]);
    let done = false;
    const exited = new Promise((resolve) => p.on('close', (code) => { done = true; resolve(code); }));
    const modes = new Set();
    while (!done && !fs.existsSync(out)) {
      try { modes.add((fs.statSync(`${out}.tmp`).mode & 0o777).toString(8)); } catch { /* not yet, or renamed */ }
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(await exited, 0);
    assert.ok(modes.size > 0, 'the copy in progress was never seen: make the database larger');
    assert.deepEqual([...modes], ['600'], 'the copy in progress had other modes');
    assert.equal((fs.statSync(out).mode & 0o777).toString(8), '600');
  });
});

// After `apt purge` the kept backups are root's, 0600 (docs/deployment.md,
// "Upgrade, remove, purge"). Installed again, the documented restore as the
// service's user could not read them and said only "unable to open database
// file", SQLite's word for any failed open. It now says that the file may
// not be read, whose it is, and what to do.
describe('a backup the restoring user may not read', () => {
  const ROOT = process.getuid && process.getuid() === 0;
  const NOBODY = 65534;
  let tmp;
  after(() => rmTmp(tmp));

  it('is refused saying why and what to do', { skip: !ROOT && 'needs root (setpriv)' }, () => {
    tmp = makeTmp();
    const bk = path.join(tmp, 'spkiosk-20261201T023512Z.db');
    assert.equal(sql(bk, 'CREATE TABLE cases (id); PRAGMA user_version = 5').status, 0);
    fs.chmodSync(bk, 0o600);
    const state = path.join(tmp, 'state');
    fs.mkdirSync(state);
    fs.chownSync(state, NOBODY, NOBODY);
    fs.chmodSync(tmp, 0o755);
    const r = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', BIN,
      'restore', '--db', path.join(state, 'spkiosk.db'), bk], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /cannot read .*spkiosk-20261201T023512Z\.db: Permission denied \(the file belongs to uid 0, mode 600, and this process runs as uid 65534: run it as root, or chown the file to this user\)/);
    assert.deepEqual(fs.readdirSync(state).filter((n) => n !== 'spkiosk.db.lock'), [], 'nothing made');
  });
});

// A hall moved to a new server: the package or `make install` in place,
// the copy restored as root before the daemon ever ran there. The lock
// restore made was root's, 0640, and the service's user could not open
// it: the daemon would not start ("cannot open the lock file …:
// Permission denied"). Root gives the lock to the database's owner (its
// folder's while there is none), as it gives the restored file.
describe('a restore as root where no daemon ran yet', () => {
  const ROOT = process.getuid && process.getuid() === 0;
  const NOBODY = 65534;
  let tmp;
  after(() => rmTmp(tmp));

  it("leaves a lock the service's user can take", { skip: !ROOT && 'needs root (setpriv)' }, () => {
    tmp = makeTmp();
    fs.chmodSync(tmp, 0o755);
    const live = path.join(tmp, 'old.db');
    const d = spawnSync(BIN, ['user', 'add', 'wang', '--role', 'staff', '--db', live],
      { encoding: 'utf8', input: 'a-long-password\n' });
    assert.equal(d.status, 0, d.stderr);
    const bk = path.join(tmp, 'copy.db');
    assert.equal(run(['backup', '--db', live, bk]).status, 0);
    fs.chmodSync(bk, 0o644);
    const state = path.join(tmp, 'state');
    fs.mkdirSync(state, { mode: 0o750 });
    fs.chownSync(state, NOBODY, NOBODY);
    const db = path.join(state, 'spkiosk.db');
    const r = run(['restore', '--db', db, bk]);
    assert.equal(r.status, 0, r.stderr);
    const lock = fs.statSync(`${db}.lock`);
    assert.deepEqual([lock.uid, lock.gid], [NOBODY, NOBODY], "the lock is the service user's");
    // what the daemon's start does first: take the lock, as the service's user
    const again = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', BIN,
      'restore', '--db', db, bk], { encoding: 'utf8' });
    assert.equal(again.status, 0, again.stderr);
  });

  it('a lock the user may not open says whose it is and what to do', { skip: !ROOT && 'needs root (setpriv)' }, () => {
    const state = path.join(tmp, 'state');
    const db = path.join(state, 'spkiosk.db');
    fs.chownSync(`${db}.lock`, 0, 0);
    const r = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', BIN,
      'restore', '--db', db, path.join(tmp, 'copy.db')], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /cannot open the lock file .*spkiosk\.db\.lock: Permission denied \(the file belongs to uid 0, mode 640, and this process runs as uid 65534: while no daemon runs, give it to the database's owner, chown spkiosk:spkiosk .*spkiosk\.db\.lock, or delete it\)/);
  });
});

// The outcome goes into the database copied from, for /metrics; a user who
// may read it but not write it (a read-only mount, a file of root's) still
// gets a whole copy and exit 0: a record that cannot be written is said,
// and never makes a good backup a failed one (docs/deployment.md, "What
// monitoring sees"). A copy given as the database (last night's, copied
// onto a USB disk) is left as it was made.
describe('a backup from a database its user may only read, or from a copy', () => {
  const ROOT = process.getuid && process.getuid() === 0;
  const NOBODY = 65534;
  let tmp, db;
  before(async () => {
    tmp = makeTmp();
    const tree = writeTree(path.join(tmp, 'tree'), { 'hall/README.md': '# 大厅\n\n事项。\n', 'hall/quick.md': QUICK });
    db = path.join(tmp, 'state', 'live.db');
    fs.mkdirSync(path.dirname(db));
    const d = await startDaemon({ tree, db });
    assert.equal((await d.stop()).code, 0);
  });
  after(() => rmTmp(tmp));

  it('read-only: is made, exits 0, and says that it is not recorded', { skip: !ROOT && 'needs root (setpriv)' }, () => {
    // the folder open to all: a WAL reader makes the -shm beside the file
    fs.chmodSync(tmp, 0o755);
    fs.chmodSync(path.dirname(db), 0o777);
    fs.chmodSync(db, 0o644);
    const out = path.join(tmp, 'out');
    fs.mkdirSync(out);
    fs.chownSync(out, NOBODY, NOBODY);
    const r = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', BIN,
      'backup', '--db', db, '--keep', '2', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const made = r.stdout.trim();
    assert.equal(sql(made, 'PRAGMA integrity_check').stdout, 'ok\n');
    assert.match(r.stderr, /^spkiosk backup: the copy is made, but it is not recorded for \/metrics: cannot write .*live\.db .*\n$/);
    assert.equal(sql(db, 'SELECT count(*) FROM backup_outcomes').stdout, '0\n');
  });

  it('a copy given as the database is copied and left as it was made', () => {
    const first = path.join(tmp, 'first.db');
    let r = run(['backup', '--db', db, first]);
    assert.equal(r.status, 0, r.stderr);
    const bytes = fs.readFileSync(first);
    const second = path.join(tmp, 'second.db');
    r = run(['backup', '--db', first, second]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^spkiosk backup: the copy is made, but it is not recorded for \/metrics: .*first\.db is a copy, not a database a daemon has served \(journal mode delete, not wal\): a copy is left as it was made\n$/);
    assert.ok(fs.readFileSync(first).equals(bytes), 'the copy copied is byte for byte as it was');
    assert.equal(sql(second, 'PRAGMA integrity_check').stdout, 'ok\n');
    assert.equal(sql(db, "SELECT count(*) FROM backup_outcomes WHERE outcome = 'ok'").stdout, '1\n', 'the first one recorded');
  });
});

// The lock sits in the database's folder, which the service's user owns:
// whoever runs as that user (a daemon taken over) may put a symbolic link
// there in its place. A restore or backup as root then opened the file the
// link names, creating it if need be, wrote its pid into it, and, since
// root gives a lock of root's to the database's owner, gave that file to
// the service's user: a link to /etc/profile.d/x.sh made a file root's
// shell runs, writable by the service. A lock that is a link is refused,
// and nothing is written where it points.
describe('a lock file replaced by a symbolic link', () => {
  const ROOT = process.getuid && process.getuid() === 0;
  const NOBODY = 65534;
  let tmp;
  before(() => { tmp = makeTmp(); });
  after(() => rmTmp(tmp));

  function setUp(name) {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir);
    const live = path.join(dir, 'old.db');
    const d = spawnSync(BIN, ['user', 'add', 'wang', '--role', 'staff', '--db', live],
      { encoding: 'utf8', input: 'a-long-password\n' });
    assert.equal(d.status, 0, d.stderr);
    const bk = path.join(dir, 'copy.db');
    assert.equal(run(['backup', '--db', live, bk]).status, 0);
    const state = path.join(dir, 'state');
    fs.mkdirSync(state, { mode: 0o755 });
    const db = path.join(state, 'spkiosk.db');
    const victim = path.join(dir, 'victim');
    fs.symlinkSync(victim, `${db}.lock`);
    return { state, db, bk, victim };
  }

  it('is refused: nothing is made or written where it points', () => {
    const { db, bk, victim } = setUp('plain');
    const r = run(['restore', '--db', db, bk]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /the lock file .*spkiosk\.db\.lock is a symbolic link.*delete it/);
    assert.equal(fs.existsSync(victim), false, 'a file was made through the link');
  });

  it("as root, the file it names is not given to the folder's owner", { skip: !ROOT && 'needs root' }, () => {
    const { state, db, bk, victim } = setUp('root');
    fs.chownSync(state, NOBODY, NOBODY);
    fs.writeFileSync(victim, 'root:secret\n', { mode: 0o600 });
    const r = run(['restore', '--db', db, bk]);
    assert.equal(r.status, 1, r.stderr);
    const st = fs.statSync(victim);
    assert.deepEqual([st.uid, st.gid], [0, 0], "root's file was given to the service's user");
    assert.equal(fs.readFileSync(victim, 'utf8'), 'root:secret\n');
  });
});

// A hall that moves `db` out of /var/lib/spkiosk (a larger disk) without
// giving the folder to the units (ReadWritePaths=; ProtectSystem=strict
// makes the rest read-only): the backup said "unable to open database
// file", then told the officer to chown a file whose owner was right, and
// the daemon "Read-only file system". Both now say the folder is read-only
// to them and name the drop-in. A read-only bind mount in a mount
// namespace of the test's own plays the sandbox.
describe('a database in a folder read-only to the process', () => {
  const ROOT = process.getuid && process.getuid() === 0;
  const canMount = ROOT && spawnSync('unshare', ['-m', 'true']).status === 0;
  let tmp, srv, db;
  before(() => {
    tmp = makeTmp();
    srv = path.join(tmp, 'srv');
    fs.mkdirSync(srv);
    db = path.join(srv, 'hall.db');
  });
  after(() => rmTmp(tmp));
  // args run with srv read-only, in a mount namespace of their own
  const readOnly = (args) => spawnSync('unshare', ['-m', 'sh', '-c',
    'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"', 'sh', srv, BIN, ...args],
  { encoding: 'utf8', timeout: 30_000 });
  // one file for both units (/etc/spkiosk/sandbox.conf, a drop-in of each):
  // the hint named `systemctl edit` of each unit in turn
  const said = (folder) => new RegExp(`its folder is read-only to this process: .*add ReadWritePaths=${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} to /etc/spkiosk/sandbox\\.conf, which spkiosk\\.service and spkiosk-backup\\.service both read`);

  it('backup and serve say so and name ReadWritePaths=', { skip: !canMount && 'needs root and unshare -m' }, () => {
    const add = spawnSync(BIN, ['user', 'add', 'wang', '--role', 'staff', '--db', db],
      { encoding: 'utf8', input: 'a-long-password\n' });
    assert.equal(add.status, 0, add.stderr);
    const copy = path.join(tmp, 'copy.db');
    let r = readOnly(['backup', '--db', db, copy]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^spkiosk backup: cannot read .*hall\.db: .*\(its folder is read-only/);
    assert.match(r.stderr, said(srv));
    assert.doesNotMatch(r.stderr, /chown/, 'the owner is right: no chown to advise');
    assert.equal(fs.existsSync(copy), false);
    r = readOnly(['serve', '--db', db, '--procedures', path.join(tmp, 'none'), '--listen', '127.0.0.1:0']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /Read-only file system/);
    assert.match(r.stderr, said(srv));
  });
});
