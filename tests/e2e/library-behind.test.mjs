// A hall whose pull the street office's library refused (a local change in
// a file the office changed too, docs/deployment.md "Many halls"): the
// admin console says, in words, that the hall is not in step, which commit
// the office has and what to do; once the hall gives its change up and
// pulls, the warning is gone.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { addUser, makeTmp, startDaemon, stopChecked, writeTree } from '../api/helpers.mjs';
import { proc } from '../api/admin-helpers.mjs';
import { kioskPage, poll, axeSerious, LANDSCAPE, WEB_DIR, launchBrowser } from './helpers.mjs';

const PW = 'admin-pass-42';
const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1', HOME: '/nonexistent', GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: '街道办', GIT_AUTHOR_EMAIL: 'office@example.org',
  GIT_COMMITTER_NAME: '街道办', GIT_COMMITTER_EMAIL: 'office@example.org',
};
const git = (dir, ...args) =>
  execFileSync('git', ['-C', dir, ...args], { env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
function pull(dir) {
  try {
    git(dir, 'pull', '--ff-only', '--no-rebase');
    return true;
  } catch {
    return false;
  }
}

const h = {};
before(async () => {
  h.tmp = makeTmp('spkiosk-e2e-behind-');
  h.up = path.join(h.tmp, 'library.git');
  h.office = path.join(h.tmp, 'office');
  h.hall = path.join(h.tmp, 'hall');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', h.up], { env: GIT_ENV });
  execFileSync('git', ['clone', '-q', h.up, h.office], { env: GIT_ENV, stdio: 'ignore' });
  git(h.office, 'checkout', '-q', '-b', 'main');
  writeTree(h.office, { 'alpha/README.md': '# 甲类\n\n甲。\n', 'alpha/one.md': proc('第一版') });
  git(h.office, 'add', '-A');
  git(h.office, 'commit', '-q', '-m', 'first');
  git(h.office, 'push', '-q', 'origin', 'main');
  execFileSync('git', ['clone', '-q', h.up, h.hall], { env: GIT_ENV, stdio: 'ignore' });
  const db = path.join(h.tmp, 'x.db');
  h.daemon = await startDaemon({ tree: h.hall, db, args: WEB_DIR ? ['--web', path.resolve(WEB_DIR)] : [] });
  addUser(db, 'boss', 'admin', PW);
  h.url = h.daemon.url;
  h.browser = await launchBrowser();
});
after(async () => {
  try {
    if (h.browser) await h.browser.close();
  } finally {
    await stopChecked(h.daemon, h.tmp);
  }
});

describe('a hall out of step with the street office', () => {
  let kp;
  let page;
  before(async () => {
    kp = await kioskPage(h, { viewport: LANDSCAPE, hasTouch: false });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.context.close(); });

  const list = async () => {
    await page.goto(`${h.url}/admin`);
    await page.locator('#library-commit').waitFor();
  };

  it('in step: the commit line and no warning', async () => {
    await page.goto(`${h.url}/admin`);
    await page.locator('#login-name').fill('boss');
    await page.locator('#login-pass').fill(PW);
    await page.locator('form.login-form button[type=submit]').click();
    await page.locator('#library-commit').waitFor();
    assert.match(await page.locator('#library-commit').innerText(), /当前版本 commit [0-9a-f]{7}/);
    assert.equal(await page.locator('#library-behind').count(), 0);
  });

  it('a refused pull: the console says so, names the office\'s commit and what to do', async () => {
    // the hall's own change (as a console save writes it), then the office's
    fs.writeFileSync(path.join(h.hall, 'alpha/one.md'), proc('本馆改的'));
    writeTree(h.office, { 'alpha/one.md': proc('街道第二版') });
    git(h.office, 'commit', '-q', '-am', 'second');
    git(h.office, 'push', '-q', 'origin', 'main');
    const office = git(h.office, 'rev-parse', 'HEAD');
    assert.equal(pull(h.hall), false, 'git refuses to overwrite the local change');
    await list();
    const warn = page.locator('#library-behind');
    await warn.waitFor();
    const text = await warn.innerText();
    assert.match(text, /本馆没有跟上街道/);
    assert.ok(text.includes(office.slice(0, 7)), text);
    assert.match(text, /journalctl -u spkiosk-pull/);
    assert.match(text, /git restore/);
    assert.deepEqual(await axeSerious(page), []);
  });

  it('the hall gives its change up and pulls: the warning is gone', async () => {
    git(h.hall, 'restore', 'alpha/one.md');
    assert.equal(pull(h.hall), true);
    const office = git(h.office, 'rev-parse', 'HEAD');
    await poll(async () => {
      await list();
      const t = await page.locator('#library-commit').innerText();
      assert.ok(t.includes(office.slice(0, 7)), t);
    }, { timeout: 10_000, interval: 200 });
    assert.equal(await page.locator('#library-behind').count(), 0);
  });

  // a console 停办 is a deletion git undoes at the next pull that changes
  // the file (tests/api/git-pull.test.mjs): the confirmation says so
  it('停办 in a pulled library says the office\'s next change brings the item back', async () => {
    await list();
    let asked = '';
    page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
    await page.locator('tr[data-id="one"] [data-retire]').click();
    await poll(async () => assert.match(asked, /停办「[^」]+」（alpha\/one\.md）/));
    assert.match(asked, /街道以后改动这个文件时，自动同步会把它放回来/);
    assert.ok(fs.existsSync(path.join(h.hall, 'alpha/one.md')), 'dismissed: nothing deleted');
  });
});
