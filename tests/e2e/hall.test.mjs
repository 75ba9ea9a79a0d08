// A hall of a street office that shares one library (docs/deployment.md,
// "Many halls"): with `serve --hall-name` and `--hall-location` the ticket
// page's 等候地点 is this hall's location, where the ticket is called, and
// the procedure's facts give the hall's where the shared file leaves them
// out; the slip names the hall that issued it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, kioskPage, atRoute, poll } from './helpers.mjs';
import { labourCase } from './labour-case.mjs';

const HERE = '幸福路88号 一楼综合窗口';
const k = useKiosk({ args: ['--hall-name', '幸福路社区便民服务中心', '--hall-location', HERE] });

describe('a hall with its own location', () => {
  let kp;
  before(async () => { kp = await kioskPage(k); });
  after(async () => { if (kp) await kp.context.close(); });

  it('the ticket page sends the resident to wait in this hall', async () => {
    const { page } = kp;
    const c = await labourCase(k.url);
    await page.goto(`${k.url}/?kiosk=1#/case/${c.id}`);
    await atRoute(page, new RegExp(`^#/case/${c.id}/done`));
    await poll(async () => assert.equal(await page.locator('.ticket-number').innerText(), c.ticket));
    assert.equal(await page.locator('p.where strong').innerText(), HERE);
    const slip = await (await fetch(`${k.url}/print/cases/${c.id}`)).text();
    assert.match(slip, /幸福路社区便民服务中心 · 排队凭条/);
    kp.assertClean('hall ticket page');
  });
});
