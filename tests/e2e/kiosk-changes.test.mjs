// The kiosk while the library changes under it: a case started while its
// file changes twice shows the version it pinned; a triage question whose
// every answer waits for its date says 请到综合窗口咨询 at once. Each
// describe was a file of its own (named at its head) and keeps its own
// daemon and library; folded into one file to spare a test process per
// file (~1 s of a core each, CI's browser suite being CPU-bound).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useKiosk, kioskPage, poll, atRoute, shot, axeSerious } from './helpers.mjs';
import { makeTmp, rmTmp, writeTree } from '../api/helpers.mjs';

// ── was start-pinned.test.mjs
// 开始办理 while the item's file changes twice (an admin saving again, a git
// pull): the overview on screen is version 1, the case is started on the
// live version 2, and version 3 goes live before the kiosk asks for the
// steps. The kiosk asked for the live procedure, so it showed version 3's
// questions while the server checks the answers against version 2, the one
// the case pinned (a review); it now asks for the case's own version
// (GET /api/v1/cases/{id}/procedure), as a case opened again does. The
// changes are made while the creation's answer is held back.
describe('a case started while its file changes twice', () => {
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

  let kp;
  before(async () => { kp = await kioskPage(k, { reuse: true }); });
  after(async () => { if (kp) await kp.close(); });

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
    await atRoute(page, /\/conditions$/, () => page.getByRole('button', { name: /开始办理/ }).first().click());
    assert.ok(pinned, 'the case was created');
    const main = page.locator('#main');
    const text = await main.innerText();
    assert.match(text, /条件乙/, 'the condition of the version the case pinned');
    assert.doesNotMatch(text, /条件丙/);
    kp.assertClean('kiosk');
  });
});

// ── was triage-waiting.test.mjs
// A triage question whose every answer leads to a new item that waits for
// its `effective` date. The server leaves those answers out and puts one
// stand-in, 请到综合窗口咨询 (`fallback`), in their place. The kiosk showed
// it as an answer button that opened a page saying the same words: a
// resident tapped to read the advice twice. The question now says it at
// once, with 上一题 and the way home, and an ordinary end still opens its
// advice page. axe-core on the screen.
describe('a triage question whose answers all wait for a date', () => {
  const k = useKiosk({ copy: true });

  before(async () => {
    const src = fs.readFileSync(path.join(k.tree, 'employment/labour-handbook.md'), 'utf8');
    fs.writeFileSync(path.join(k.tree, 'employment/later-item.md'),
      src.replace('effective: 2026-01-01', 'effective: 2099-01-01')
        .replace('# 就业创业证申领（劳动手册）', '# 明年才开办的补贴'));
    const triage = path.join(k.tree, '_triage.md');
    fs.writeFileSync(triage, fs.readFileSync(triage, 'utf8')
      .replace('- [开证明](#certificate)\n', '- [开证明](#certificate)\n- [新出的补贴](#later)\n')
      + '\n## 您问的是哪一项新补贴？ {#later}\n- [明年才开办的补贴](employment/later-item.md)\n');
    await poll(async () => {
      const t = await (await fetch(`${k.url}/api/v1/triage`)).json();
      const q = t.questions.find((x) => x.id === 'later');
      assert.ok(q, 'the new question is served');
      assert.deepEqual(q.answers, [{ text: '请到综合窗口咨询', fallback: true }]);
    }, { timeout: 10_000 });
  });

  it('says 请到综合窗口咨询 on the question, with no answer to tap', async () => {
    const kp = await kioskPage(k, { reuse: true });
    const { page } = kp;
    try {
      await atRoute(page, /^#\/triage$/, () => page.goto(`${k.url}/?kiosk=1#/triage`));
      await atRoute(page, /^#\/triage\/later$/, () => page.locator('#main a.answer', { hasText: '新出的补贴' }).tap());
      assert.equal(await page.locator('#main h1').innerText(), '您问的是哪一项新补贴？');
      assert.equal(await page.locator('#main a.answer').count(), 0, 'no answer button repeats the advice');
      assert.match(await page.locator('#main .notice-info').innerText(), /请到综合窗口咨询，工作人员会当面帮您/);
      assert.deepEqual(await axeSerious(page), [], 'axe');
      await shot(page, 'triage-fallback');
      // 上一题 goes back to the first question, whose own answers are untouched
      await atRoute(page, /^#\/triage$/, () => page.locator('#main button', { hasText: '上一题' }).tap());
      assert.ok(await page.locator('#main a.answer', { hasText: '以上都不是' }).count() === 1);
      // an answer written as plain advice still opens its advice page
      await atRoute(page, /^#\/triage\/start\/end\/\d+$/,
        () => page.locator('#main a.answer', { hasText: '以上都不是' }).tap());
      assert.match(await page.locator('#main .notice-info').innerText(), /以上都不是，请到综合窗口咨询/);
      kp.assertClean('triage fallback');
    } finally {
      await kp.close();
    }
  });
});
