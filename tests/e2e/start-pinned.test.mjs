// 开始办理 while the item's file changes twice (an admin saving again, a git
// pull): the overview on screen is version 1, the case is started on the
// live version 2, and version 3 goes live before the kiosk asks for the
// steps. The kiosk asked for the live procedure, so it showed version 3's
// questions while the server checks the answers against version 2, the one
// the case pinned (a review); it now asks for the case's own version
// (GET /api/v1/cases/{id}/procedure), as a case opened again does. The
// changes are made while the creation's answer is held back.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useKiosk, kioskPage, poll } from './helpers.mjs';
import { makeTmp, rmTmp, writeTree } from '../api/helpers.mjs';

const proc = (cond) => `---\nversion: 2026-01-01\n---\n# 就业登记\n\n就业登记的简介。\n\n`
  + `## 办理条件\n- ${cond}\n\n## 第一步:准备\n- [ ] 身份证\n`;
const tmp = makeTmp('spkiosk-e2e-tree-');
const tree = writeTree(path.join(tmp, 'tree'), {
  'jobs/README.md': '# 就业\n\n就业创业。\n',
  'jobs/reg.md': proc('条件甲'),
});
const k = useKiosk({ tree });
after(() => rmTmp(tmp));

// writes the file and waits until the read API serves that condition
async function goLive(cond) {
  fs.writeFileSync(path.join(tree, 'jobs/reg.md'), proc(cond));
  await poll(async () => {
    const r = await (await fetch(k.url + '/api/v1/procedures/reg')).json();
    assert.deepEqual(r.conditions, [cond]);
  }, { timeout: 10_000 });
}

describe('a case started while its file changes twice', () => {
  let kp;
  before(async () => { kp = await kioskPage(k); });
  after(async () => { if (kp) await kp.context.close(); });

  it('shows the version the case pinned, not the one live after it', async () => {
    const { page } = kp;
    await page.goto(k.url + '/?kiosk=1#/p/reg');
    await page.locator('#main', { hasText: '条件甲' }).waitFor();
    await goLive('条件乙');
    let pinned = null;
    await page.route('**/api/v1/cases', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const res = await route.fetch();
      pinned = (await res.json()).hash;
      await goLive('条件丙');
      await route.fulfill({ response: res });
    });
    await page.getByRole('button', { name: /开始办理/ }).first().click();
    await page.waitForFunction(() => /\/conditions$/.test(location.hash));
    assert.ok(pinned, 'the case was created');
    const main = page.locator('#main');
    await main.locator('h1').waitFor();
    const text = await main.innerText();
    assert.match(text, /条件乙/, 'the condition of the version the case pinned');
    assert.doesNotMatch(text, /条件丙/);
    kp.assertClean('kiosk');
  });
});
