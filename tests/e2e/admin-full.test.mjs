// The admin console's save while the database cannot be written but the
// file can (a full disk: prlimit --fsize=4096 on the daemon, the window
// fixture's files being a few hundred bytes). Before, the answer's `live`
// false read as 已保存；但文件刚刚又被改动过 — someone else's edit — while
// the kiosk kept the old text. Now the console says the file is saved but
// not live, to free space, and that it goes live by itself.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { addUser, ROOT } from '../api/helpers.mjs';
import { useKiosk, kioskPage, poll, LANDSCAPE } from './helpers.mjs';

const havePrlimit = spawnSync('prlimit', ['--version']).status === 0;
const PW = 'admin-pass-42';

// the limit goes with the daemon's process, which useKiosk stops
const h = useKiosk({ tree: path.join(ROOT, 'tests', 'fixtures', 'cases', 'window'), copy: true });
before(() => addUser(path.join(h.tmp, 'e2e.db'), 'boss', 'admin', PW));

const prlimit = (args) => {
  const r = spawnSync('prlimit', ['--pid', String(h.daemon.proc.pid), ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `prlimit ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};

describe('the console on a full disk', { skip: havePrlimit ? false : 'prlimit (util-linux) is not installed' }, () => {
  it('says the file is saved but not live yet, not that someone changed it', async () => {
    const kp = await kioskPage(h, { viewport: LANDSCAPE, hasTouch: false });
    const { page } = kp;
    await page.goto(`${h.url}/admin#/edit?id=simple&file=${encodeURIComponent('hall/simple.md')}`);
    await page.locator('#login-name').fill('boss');
    await page.locator('#login-pass').fill(PW);
    await page.locator('form.login-form button[type=submit]').click();
    const src = page.locator('#src');
    await poll(async () => assert.match(await src.inputValue(), /简易事项/));
    await src.fill((await src.inputValue()).replace(/^# (.*)$/m, '# $1（新版）'));
    const hard = prlimit(['--fsize', '--raw', '--noheadings', '--output', 'HARD']);
    prlimit(['--fsize=4096:']);
    try {
      await page.locator('#save').click();
      const msg = page.locator('#save-msg');
      await poll(async () => assert.match(await msg.innerText(), /文件已经保存.*自助机上还是原来的内容/s));
      assert.doesNotMatch(await msg.innerText(), /刚刚又被改动过|已保存并上线/);
    } finally {
      prlimit([`--fsize=${hard}:`]);
    }
    await kp.context.close();
  });
});
