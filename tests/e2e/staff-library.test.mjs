// The staff page on a case whose item changed in the library after the
// resident began: the item withdrawn (已停办), or a new version saved by the
// admin (代为补正 on the case's own version). One file (these were two: a
// node process each); each describe keeps its own daemon on its own copy
// of the library, as its file had, since each changes that library.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useKiosk, kioskPage, poll, staffLogin } from './helpers.mjs';
import { addUser, login, authHeaders, request } from '../api/helpers.mjs';
import { labourCase } from './labour-case.mjs';

// ── was staff-retired.test.mjs
// 停办 in the staff case view: a waiting case of labour-handbook, its file
// then deleted (the item withdrawn); the case view at /staff says 已停办 with
// the day, and that the case is finished on its own version. The daemon
// works on a copy of the sample library (the test deletes a file).
describe('a case of a withdrawn item at /staff', () => {
  const PW = 'wang-password-1';
  const h = useKiosk({ copy: true });

  let kp;
  let c;
  before(async () => {
    addUser(path.join(h.tmp, 'e2e.db'), 'wang', 'staff', PW);
    c = await labourCase(h.url);
    fs.rmSync(path.join(h.tree, 'employment', 'labour-handbook.md'));
    await poll(async () => assert.equal((await request(`${h.url}/api/v1/procedures/labour-handbook`)).status, 404),
      { timeout: 8000 });
    kp = await kioskPage(h, { viewport: { width: 1600, height: 1000 }, hasTouch: false, reuse: true });
  });
  after(async () => { if (kp) await kp.close(); });

  it('says 已停办 and since when', async () => {
    const { page } = kp;
    await page.goto(h.url + '/staff');
    await page.fill('#login-name', 'wang');
    await page.fill('#login-pass', PW);
    await page.click('.login-form button[type=submit]');
    await page.locator('#case-key').fill(c.ticket);
    await page.keyboard.press('Enter');
    await page.locator('#case-h', { hasText: c.ticket }).waitFor();
    const fact = page.locator('#case-retired');
    await fact.waitFor();
    assert.match(await fact.innerText(), /^已停办 \d{4}-\d{2}-\d{2} 起不再受理新的申请；本办件按原版本办完。$/);
    // the case itself is as it was: still to accept
    await page.locator('#case-pane').getByRole('button', { name: '受理', exact: true }).waitFor();
  });
});

// ── was staff-version.test.mjs
// 代为补正 after the procedure changed: a case returned to the resident is
// corrected at the window on the version it was started on. Before, the
// staff page took the live procedure and stopped at 「这个事项已经更新，请重新
// 开始一件办件」 after any admin save (a review: a trailing newline was enough),
// so the resident had to start again. The case's facts say it keeps the
// version it started on while a newer one is live.
describe('代为补正 on the case\'s own version', () => {
  const k = useKiosk({ copy: true });

  let kp, c;

  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'wang', 'staff', 'wang-password-1');
    c = await labourCase(k.url);
    const s = await login(k.url, 'wang', 'wang-password-1');
    const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/return`, {
      method: 'POST', headers: authHeaders(s), body: JSON.stringify({ reason: '户口簿需要带原件', checklist: ['hukou_book'] }),
    });
    assert.equal(r.status, 200, await r.text());
    // the file changes on disk (an admin's edit): a new live version
    const f = path.join(k.tree, 'employment', 'labour-handbook.md');
    const before0 = (await (await fetch(`${k.url}/api/v1/procedures/labour-handbook`)).json()).hash;
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('# 就业创业证申领', '# 就业创业证申领（新版）'));
    k.daemon.proc.kill('SIGHUP');
    await poll(async () => {
      const p = await (await fetch(`${k.url}/api/v1/procedures/labour-handbook`)).json();
      assert.notEqual(p.hash, before0, 'the new version is live');
    }, { timeout: 10_000 });
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false, reuse: true });
  });
  after(async () => { if (kp) await kp.close(); });

  it('opens the correction form with the flagged item, and the case is handed in again', async () => {
    const { page } = kp;
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    await page.locator('#case-key').fill(c.ticket);
    await page.keyboard.press('Enter');
    const pane = page.locator('#case-pane');
    await pane.locator('.case-facts', { hasText: '已退回补正' }).waitFor();
    // the facts say which version the case is checked by, and that a newer is live
    assert.match(await pane.locator('#case-version').innerText(),
      /^按原版本办理 本办件按开始办理时的版本办理，材料和表格都按那一版核对；办事指南在 \d{4}-\d\d-\d\d 更新过。$/,
      'the edit kept version: as it was: said by the date');
    await pane.getByRole('button', { name: '代为补正' }).click();
    await pane.locator('#item-hukou_book').waitFor();
    assert.doesNotMatch(await page.locator('body').innerText(), /已经更新，请重新开始/);
    assert.doesNotMatch(await pane.locator('#case-h').innerText(), /新版/, 'the case\'s own version, not the live one');
    await page.click('.fill-form button[type=submit]');
    await pane.getByRole('button', { name: '提交并取号' }).click();
    await pane.locator('.case-facts', { hasText: '等候中' }).waitFor();
    kp.assertClean('staff page');
  });
});
