// A triage question whose every answer leads to a new item that waits for
// its `effective` date. The server leaves those answers out and puts one
// stand-in, 请到综合窗口咨询 (`fallback`), in their place. The kiosk showed
// it as an answer button that opened a page saying the same words: a
// resident tapped to read the advice twice. The question now says it at
// once, with 上一题 and the way home, and an ordinary end still opens its
// advice page. axe-core on the screen.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useKiosk, kioskPage, atRoute, shot, axeSerious, poll } from './helpers.mjs';

const k = useKiosk({ copy: true });

describe('a triage question whose answers all wait for a date', () => {
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
    const kp = await kioskPage(k);
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
      await kp.context.close();
    }
  });
});
