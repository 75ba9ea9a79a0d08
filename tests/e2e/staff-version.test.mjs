// 代为补正 after the procedure changed: a case returned to the resident is
// corrected at the window on the version it was started on. Before, the
// staff page took the live procedure and stopped at 「这个事项已经更新，请重新
// 开始一件办件」 after any admin save (a review: a trailing newline was enough),
// so the resident had to start again. The case's facts say it keeps the
// version it started on while a newer one is live.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useKiosk, kioskPage, poll, staffLogin } from './helpers.mjs';
import { addUser, login, authHeaders } from '../api/helpers.mjs';
import { labourCase } from './labour-case.mjs';

const k = useKiosk({ copy: true });

describe('代为补正 on the case\'s own version', () => {
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
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false });
  });
  after(async () => { if (kp) await kp.context.close(); });

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
