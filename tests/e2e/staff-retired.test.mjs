// 停办 in the staff case view: a waiting case of labour-handbook, its file
// then deleted (the item withdrawn); the case view at /staff says 已停办 with
// the day, and that the case is finished on its own version. The daemon
// works on a copy of the sample library (the test deletes a file).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { addUser, request } from '../api/helpers.mjs';
import { useKiosk, kioskPage, poll } from './helpers.mjs';
import { labourCase } from './labour-case.mjs';

const PW = 'wang-password-1';
const h = useKiosk({ copy: true });

describe('a case of a withdrawn item at /staff', () => {
  let kp;
  let c;
  before(async () => {
    addUser(path.join(h.tmp, 'e2e.db'), 'wang', 'staff', PW);
    c = await labourCase(h.url);
    fs.rmSync(path.join(h.tree, 'employment', 'labour-handbook.md'));
    await poll(async () => assert.equal((await request(`${h.url}/api/v1/procedures/labour-handbook`)).status, 404),
      { timeout: 8000 });
    kp = await kioskPage(h, { viewport: { width: 1600, height: 1000 }, hasTouch: false });
  });
  after(async () => { if (kp) await kp.context.close(); });

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
