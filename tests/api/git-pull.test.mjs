// A hall's library as a git checkout the pull timer fast-forwards (issue
// #14 item 5): a real `git pull --ff-only` into the watched folder is seen
// by inotify and served, the admin route names the commit the live load
// read (loose ref, then packed), an admin's local save makes the next pull
// that touches the same file fail with the live library unchanged, and a
// folder that is no checkout (or a broken one) says so.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  ROOT, addUser, authHeaders, login, makeTmp, request, sleep, startDaemon, stopChecked, writeTree,
} from './helpers.mjs';
import { PW, proc, sha256 } from './admin-helpers.mjs';

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1', HOME: '/nonexistent', GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: '街道办', GIT_AUTHOR_EMAIL: 'office@example.org',
  GIT_COMMITTER_NAME: '街道办', GIT_COMMITTER_EMAIL: 'office@example.org',
};
const git = (dir, ...args) =>
  execFileSync('git', ['-C', dir, ...args], { env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
// a pull that may fail: its exit status and output
function pull(dir) {
  try {
    return { ok: true, out: git(dir, 'pull', '--ff-only') };
  } catch (e) {
    return { ok: false, out: `${e.stdout}${e.stderr}` };
  }
}

async function eventually(daemon, fn, what) {
  for (let i = 0; i < 200; i++) {
    if (await fn()) return;
    await sleep(50);
  }
  assert.fail(`not seen within 10 s: ${what}\n${daemon.stderr()}`);
}

describe('a library pulled from the street office', () => {
  const h = {};
  const get = (p, s = h.admin) => request(`${h.daemon.url}${p}`, { headers: s ? { Cookie: s.cookie } : {} });
  const loads = () => (h.daemon.stderr().match(/spkiosk: loaded /g) || []).length;
  const library = async () => {
    const r = await get('/api/v1/admin/library');
    assert.equal(r.status, 200, r.text);
    return r.body;
  };
  // the office's commit, pushed to the shared repository
  const publish = (files, msg) => {
    writeTree(h.office, files);
    git(h.office, 'add', '-A');
    git(h.office, 'commit', '-q', '-m', msg);
    git(h.office, 'push', '-q', 'origin', 'main');
    return git(h.office, 'rev-parse', 'HEAD');
  };

  before(async () => {
    h.tmp = makeTmp();
    h.up = path.join(h.tmp, 'library.git');
    h.office = path.join(h.tmp, 'office');
    h.hall = path.join(h.tmp, 'hall');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', h.up], { env: GIT_ENV });
    execFileSync('git', ['clone', '-q', h.up, h.office], { env: GIT_ENV, stdio: 'ignore' });
    git(h.office, 'checkout', '-q', '-b', 'main');
    h.first = publish({ 'alpha/README.md': '# 甲类\n\n甲。\n', 'alpha/one.md': proc('第一版') }, 'first');
    execFileSync('git', ['clone', '-q', h.up, h.hall], { env: GIT_ENV, stdio: 'ignore' });
    const db = path.join(h.tmp, 'x.db');
    h.started = Math.floor(Date.now() / 1000) * 1000; // loaded_at has whole seconds
    h.daemon = await startDaemon({ tree: h.hall, db });
    addUser(db, 'boss', 'admin', PW);
    addUser(db, 'clerk', 'staff', PW);
    h.admin = await login(h.daemon.url, 'boss', PW);
    h.staff = await login(h.daemon.url, 'clerk', PW);
  });
  after(() => stopChecked(h.daemon, h.tmp));

  it('names the commit checked out at the load, for admins only', async () => {
    const lib = await library();
    assert.equal(lib.git, 'commit');
    assert.equal(lib.commit, h.first);
    assert.equal(lib.upstream, h.first, 'in step with the office');
    assert.match(lib.loaded_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // the time of this daemon's load, not a placeholder (the epoch)
    const at = Date.parse(lib.loaded_at);
    assert.ok(at >= h.started && at <= Date.now(), `loaded_at ${lib.loaded_at}`);
    // and the load's log line names it by its first 12 digits (docs/deployment.md)
    assert.match(h.daemon.stderr(), new RegExp(`spkiosk: loaded \\S+ at commit ${h.first.slice(0, 12)}: `));
    assert.equal((await get('/api/v1/admin/library', h.staff)).status, 403);
    assert.equal((await get('/api/v1/admin/library', null)).status, 401);
    // the .git folder is no category and no problem of the library
    const doc = (await get('/api/v1/admin/procedures')).body;
    assert.deepEqual(doc.problems, []);
  });

  it('a real git pull is seen by the watcher, served, and its commit named', async () => {
    const second = publish({ 'alpha/two.md': proc('新事项'), 'alpha/one.md': proc('第二版') }, 'second');
    assert.notEqual(second, h.first);
    const p = pull(h.hall);
    assert.ok(p.ok, p.out);
    await eventually(h.daemon, async () => (await get('/api/v1/procedures/two', null)).status === 200,
      'the pulled procedure');
    await eventually(h.daemon, async () => (await library()).commit === second, 'the pulled commit');
    assert.equal((await get('/api/v1/procedures/one', null)).body.title, '第二版');
    h.second = second;
  });

  it('a packed ref is read as well as a loose one', async () => {
    const n = loads();
    git(h.hall, 'pack-refs', '--all', '--prune');
    assert.ok(!fs.existsSync(path.join(h.hall, '.git/refs/heads/main')), 'the ref is packed');
    // packed-refs rewritten is watched: a load follows, and reads the packed ref
    await eventually(h.daemon, async () => loads() > n, 'a load after packing');
    await sleep(300); // the settle time, in case a second load is on its way
    assert.equal((await library()).git, 'commit', h.daemon.stderr());
    assert.equal((await library()).commit, h.second);
  });

  it('an idle pull (nothing new) costs no load', async () => {
    await sleep(400);
    const n = loads();
    const p = pull(h.hall);
    assert.ok(p.ok, p.out);
    await sleep(600);
    assert.equal(loads(), n, 'FETCH_HEAD and remote refs are not watched');
  });

  it('an admin save then a pull of the same file: the pull fails, the live library stays', async () => {
    const rel = 'alpha/one.md';
    const mine = proc('本馆改的');
    const cur = fs.readFileSync(path.join(h.hall, rel), 'utf8');
    const r = await request(`${h.daemon.url}/api/v1/admin/procedures/one/source`, {
      method: 'PUT', body: mine,
      headers: { ...authHeaders(h.admin), 'Content-Type': 'text/markdown; charset=utf-8', 'If-Match': `"${sha256(cur)}"` },
    });
    assert.equal(r.status, 200, r.text);
    const third = publish({ [rel]: proc('街道第三版') }, 'third');
    const p = pull(h.hall);
    assert.equal(p.ok, false, 'git refuses to overwrite the local change');
    assert.match(p.out, /would be overwritten|local changes/);
    await sleep(400); // anything the failed pull wrote would have been loaded by now
    assert.equal((await get('/api/v1/procedures/one', null)).body.title, '本馆改的');
    assert.equal((await library()).commit, h.second, 'the live commit is still the last pulled');
    // the refused pull fetched: the console learns the office is ahead
    // (docs/http-api.md, `upstream`) without any load
    assert.equal((await library()).upstream, third, 'the office\'s commit, as last fetched');
    // and the journal says it at the next load (a restart, a save, SIGHUP)
    const n = loads();
    h.daemon.proc.kill('SIGHUP');
    await eventually(h.daemon, async () => loads() > n, 'a load after SIGHUP');
    assert.match(h.daemon.stderr(), new RegExp(`warning: the street office's library is at commit ${third.slice(0, 12)} `
      + `\\(as the last pull fetched it\\), this hall serves ${h.second.slice(0, 12)}: not in step`));
    // the hall gives its change up: the next pull goes through
    git(h.hall, 'restore', rel);
    const p2 = pull(h.hall);
    assert.ok(p2.ok, p2.out);
    await eventually(h.daemon, async () => (await get('/api/v1/procedures/one', null)).body?.title === '街道第三版',
      'the office version after the hall gave its change up');
    await eventually(h.daemon, async () => (await library()).commit === third, 'the third commit');
    assert.equal((await library()).upstream, third, 'in step again');
    // in step: no such line at the load of the pull
    const tail = h.daemon.stderr().slice(h.daemon.stderr().lastIndexOf(`at commit ${third.slice(0, 12)}: `));
    assert.doesNotMatch(tail, /not in step/);
  });

  // docs/deployment.md said git refused such a pull as it refuses one over
  // a local edit; it does not: a file deleted in the working tree is not a
  // local change a fast-forward would overwrite, so git writes the office's
  // version back and the item the hall retired is live again by itself
  it('a console 停办 then an office change of that file: the pull brings the item back', async () => {
    const rel = 'alpha/two.md';
    const tip = publish({ [rel]: proc('第二项'), 'alpha/two.practice.md': '# 第二项 · 练习\n' }, 'two');
    assert.ok(pull(h.hall).ok);
    await eventually(h.daemon, async () => (await library()).commit === tip, 'two pulled');
    await eventually(h.daemon, async () => (await get('/api/v1/procedures/two', null)).status === 200, 'two live');
    const r = await request(`${h.daemon.url}/api/v1/admin/procedures/two/retire`, {
      method: 'POST', body: '{}',
      headers: { ...authHeaders(h.admin), 'If-Match': `"${sha256(proc('第二项'))}"` },
    });
    assert.equal(r.status, 200, r.text);
    assert.equal((await get('/api/v1/procedures/two', null)).status, 404);
    // the office changes something else: the retirement stays
    const other = publish({ 'alpha/one.md': proc('街道第四版') }, 'fourth');
    assert.ok(pull(h.hall).ok);
    await eventually(h.daemon, async () => (await library()).commit === other, 'the fourth commit');
    assert.equal((await get('/api/v1/procedures/two', null)).status, 404);
    // the office changes the retired item itself: the pull is not refused
    const back = publish({ [rel]: proc('第二项·街道修订') }, 'two revised');
    const p = pull(h.hall);
    assert.ok(p.ok, p.out);
    await eventually(h.daemon, async () => (await get('/api/v1/procedures/two', null)).body?.title === '第二项·街道修订',
      'the retired item live again, in the office\'s version');
    assert.equal((await library()).commit, back);
    assert.ok(fs.existsSync(path.join(h.hall, 'alpha/.two.practice.md.retired')), 'its practice file still aside');
    // in step again for what follows: the practice file back where git wants it
    fs.renameSync(path.join(h.hall, 'alpha/.two.practice.md.retired'), path.join(h.hall, 'alpha/two.practice.md'));
    assert.equal(git(h.hall, 'status', '--porcelain'), '');
  });

  // dist/spkiosk-pull.service's own command and git configuration, with
  // the hall's paths, so the unit's lines are what is tested
  function unitPull(verify) {
    const unit = fs.readFileSync(path.join(ROOT, 'dist/spkiosk-pull.service'), 'utf8');
    const local = (v) => v.replaceAll('/var/lib/spkiosk/procedures', h.hall)
      .replaceAll('/etc/spkiosk/allowed_signers', h.signers);
    const env = { ...GIT_ENV };
    for (const m of unit.matchAll(/^Environment=(.*)$/gm)) {
      for (const kv of m[1].split(' ')) {
        const i = kv.indexOf('=');
        if (kv.startsWith('GIT_CONFIG_')) env[kv.slice(0, i)] = local(kv.slice(i + 1));
      }
    }
    const words = /^ExecStart=(\S+) (.*)$/m.exec(unit);
    assert.equal(words[1], '/usr/bin/git');
    const args = local(words[2]).split(' ')
      .flatMap((w) => (w === '$SPKIOSK_PULL_VERIFY' ? (verify ? ['--verify-signatures'] : []) : [w]));
    assert.deepEqual(args.slice(0, 5), ['-C', h.hall, 'pull', '--ff-only', '--no-rebase']);
    try {
      return { ok: true, out: execFileSync('git', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
    } catch (e) {
      return { ok: false, out: `${e.stdout}${e.stderr}` };
    }
  }

  it('with --verify-signatures an unsigned tip fails the pull and nothing of it goes live', async () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'office', '-f', path.join(h.tmp, 'office-key')]);
    h.signers = path.join(h.tmp, 'allowed_signers');
    fs.writeFileSync(h.signers, `office@example.org ${fs.readFileSync(path.join(h.tmp, 'office-key.pub'), 'utf8')}`);
    const before = (await library()).commit;
    publish({ 'alpha/unsigned.md': proc('未签名') }, 'unsigned');
    const p = unitPull(true);
    assert.equal(p.ok, false, p.out);
    assert.match(p.out, /does not have a GPG signature/);
    await sleep(400);
    assert.equal((await get('/api/v1/procedures/unsigned', null)).status, 404);
    assert.equal((await library()).commit, before);
  });

  it('a tip signed by the office\'s key goes through, bringing its history with it', async () => {
    writeTree(h.office, { 'alpha/signed.md': proc('已签名') });
    git(h.office, 'add', '-A');
    git(h.office, '-c', 'gpg.format=ssh', '-c', `user.signingkey=${path.join(h.tmp, 'office-key')}`,
      'commit', '-q', '-S', '-m', 'signed');
    git(h.office, 'push', '-q', 'origin', 'main');
    const tip = git(h.office, 'rev-parse', 'HEAD');
    const p = unitPull(true);
    assert.ok(p.ok, p.out);
    await eventually(h.daemon, async () => (await library()).commit === tip, 'the signed commit');
    assert.equal((await get('/api/v1/procedures/signed', null)).status, 200);
    // git checks the tip only: its signer vouches for the unsigned commit below
    assert.equal((await get('/api/v1/procedures/unsigned', null)).status, 200);
  });

  it('a commit that changes no file is seen by its ref alone', async () => {
    git(h.hall, 'commit', '-q', '--allow-empty', '-m', 'local, empty');
    const head = git(h.hall, 'rev-parse', 'HEAD');
    await eventually(h.daemon, async () => (await library()).commit === head, 'the moved ref');
  });
});

describe('a library that is not a git checkout', () => {
  const h = {};
  before(async () => {
    h.tmp = makeTmp();
    h.tree = writeTree(path.join(h.tmp, 'tree'), { 'alpha/README.md': '# 甲类\n\n甲。\n', 'alpha/one.md': proc('一') });
    const db = path.join(h.tmp, 'x.db');
    h.daemon = await startDaemon({ tree: h.tree, db });
    addUser(db, 'boss', 'admin', PW);
    h.admin = await login(h.daemon.url, 'boss', PW);
  });
  after(() => stopChecked(h.daemon, h.tmp));
  const library = async () =>
    (await request(`${h.daemon.url}/api/v1/admin/library`, { headers: { Cookie: h.admin.cookie } })).body;

  it('says not_git, then unreadable for a broken .git, at the next load', async () => {
    const lib = await library();
    assert.equal(lib.git, 'not_git');
    assert.equal(lib.commit, null);
    assert.equal(lib.upstream, null);
    fs.writeFileSync(path.join(h.tree, '.git'), 'garbage\n');
    h.daemon.proc.kill('SIGHUP');
    await eventually(h.daemon, async () => (await library()).git === 'unreadable', 'the broken checkout');
    assert.equal((await library()).commit, null);
    // and the journal's load line says so, for an IT officer without the console
    assert.match(h.daemon.stderr(), /loaded \S+ \(git HEAD unreadable\): /);
  });
});
