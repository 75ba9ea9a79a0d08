// 待领取 on the staff page, at a desk that hands certificates out all day:
// its fold was forgotten at every load of the page (folded again after
// each login or F5), so the desk opened it again and again. It is now kept
// on the PC, as 本窗口号 is; another PC keeps its own.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage, staffLogin, poll } from './helpers.mjs';
import { addUser, login } from '../api/helpers.mjs';
import { readyCase } from './labour-case.mjs';

const k = useKiosk();
const DESK = { viewport: { width: 1600, height: 1000 }, hasTouch: false };

let staff;

// The page's 待领取 once the queue has drawn it (its heading counts n).
async function readyDrawn(page, n) {
  await poll(async () => assert.match(await page.locator('#ready-h').innerText(), new RegExp(`待领取\\s*（${n} 件）`)),
    { timeout: 12_000 });
  return page.locator('#ready-toggle');
}

describe('待领取 keeps its fold on the PC', () => {
  const pcs = [];
  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'xiao', 'staff', 'xiao-password-1');
    staff = await login(k.url, 'xiao', 'xiao-password-1');
  });
  after(async () => {
    for (const pc of pcs) {
      pc.assertClean('staff page');
      await pc.context.close();
    }
  });

  it('unfolded, it stays so at the next load; folded, too; another PC folds it', async () => {
    await readyCase(k.url, staff, '张晓梅', '11010519491231002X');
    const pc = await kioskPage(k, DESK);
    pcs.push(pc);
    const { page } = pc;
    await staffLogin(page, k.url, 'xiao', 'xiao-password-1');
    let toggle = await readyDrawn(page, 1);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'folded on a PC that never opened it');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    // the next load (F5, the next morning's login): as the desk left it
    await page.reload();
    toggle = await readyDrawn(page, 1);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true', 'still unfolded after a load');
    assert.equal(await page.locator('#ready-list').isVisible(), true);
    await poll(async () => assert.equal(await page.locator('#ready-list tbody tr[data-id]').count(), 1));
    // another PC (another browser): its own, folded
    const other = await kioskPage(k, DESK);
    pcs.push(other);
    await staffLogin(other.page, k.url, 'xiao', 'xiao-password-1');
    const t2 = await readyDrawn(other.page, 1);
    assert.equal(await t2.getAttribute('aria-expanded'), 'false', "another PC's 待领取 is folded");
    assert.equal(await other.page.locator('#ready-list').isVisible(), false);
    // folded again, it stays folded
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await page.reload();
    toggle = await readyDrawn(page, 1);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'still folded after a load');
    assert.equal(await page.locator('#ready-list').isVisible(), false);
  });
});
