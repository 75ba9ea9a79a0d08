// An optional field of a situation ({if …}) that an earlier answer turned
// off, then on again: the server dropped its answer when it stopped
// applying, and the step stays done (nothing required is missing). The
// review showed the answer typed before as if it were held, while the
// hand-in carried none: the window saw the field empty (and a paper of the
// situation ticked, as the window did not see it). The review shows
// the server's answers; the step's boxes still offer what was typed, to
// send again with 修改.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage, atRoute, h1Text, shot } from './helpers.mjs';
import { makeTmp, rmTmp, writeTree } from '../api/helpers.mjs';

const TREE = writeTree(path.join(makeTmp('spkiosk-e2e-tree-'), 'procedures'), {
  'misc/README.md': '# 其他事项\n\n其他。\n',
  'misc/note-case.md': [
    '---', 'version: 2026-01-01', '---', '# 补充说明事项', '', '一个可以写补充说明的事项。', '',
    '## 第一步：您的情况', '```form', 'extra | 是否有补充说明 | yesno | required', '```', '',
    '## 第二步：填写信息', '- [ ] 本人居民身份证原件', '- [ ] 补充说明的证明材料 {optional} {if extra=yes}', '', '```form', 'name | 姓名 | text | required max=20',
    'note | 补充说明 | text | max=50 {if extra=yes}', '```', '',
  ].join('\n'),
});

const k = useKiosk({ tree: TREE });
after(() => rmTmp(path.dirname(TREE)));

describe('an optional answer dropped by a situation and turned on again', () => {
  let kp;
  let page;
  before(async () => { kp = await kioskPage(k); page = kp.page; });
  after(async () => { if (kp) await kp.context.close(); });

  it('the review shows it as not filled in, as the server holds it', async () => {
    const submit = () => page.locator('#main form.step-form button[type=submit]').tap();
    await atRoute(page, /^#\/p\/note-case$/, () => page.goto(k.url + '/?kiosk=1#/p/note-case'));
    await atRoute(page, /\/step\/0$/, () => page.locator('#main button', { hasText: '开始办理' }).first().tap());
    const id = /^#\/case\/([0-9a-f]{32})\//.exec(await page.evaluate(() => location.hash))[1];
    await page.locator('label[for="f-extra-0"]').tap();
    await atRoute(page, /\/step\/1$/, submit);
    await page.locator('label[for="ck-s1-0"]').tap();
    await page.locator('label[for="ck-s1-1"]').tap();
    await page.locator('#f-name').fill('张三');
    await page.locator('#f-note').fill('老人行动不便');
    await atRoute(page, /\/review$/, submit);
    const edit = () => page.locator('#main .review-card', { hasText: '您的情况' }).getByRole('button', { name: /修改/ }).tap();
    // 否: the note no longer applies, and the server drops it
    await atRoute(page, /\/step\/0$/, edit);
    await page.locator('label[for="f-extra-1"]').tap();
    await atRoute(page, /\/review$/, submit);
    // 是 again: the step of the note stays done, its note gone
    await atRoute(page, /\/step\/0$/, edit);
    await page.locator('label[for="f-extra-0"]').tap();
    await atRoute(page, /\/review$/, submit);
    assert.equal(await h1Text(page), '请核对您填写的信息');
    const held = await (await fetch(`${k.url}/api/v1/cases/${id}`)).json();
    assert.equal(held.values.note, undefined, 'the server dropped the note');
    assert.deepEqual(held.checklist, { 's1-0': true }, 'and the paper of the note');
    const text = await page.locator('#main').innerText();
    await shot(page, 'review-dropped');
    assert.doesNotMatch(text, /老人行动不便/, text);
    assert.match(text, /补充说明\s*（未填写）/, text);
    assert.doesNotMatch(text, /补充说明的证明材料/, text);
    // what was typed is still offered in the step, to send again
    await atRoute(page, /\/step\/1$/,
      () => page.locator('#main .review-card', { hasText: '填写信息' }).getByRole('button', { name: /修改/ }).tap());
    assert.equal(await page.locator('#f-note').inputValue(), '老人行动不便');
    assert.equal(await page.locator('#ck-s1-1').isChecked(), true);
    kp.assertClean('review');
  });

  // the server's answers are read again after every step; when that read
  // fails (the step itself was taken), the answers on hand are a step old:
  // the review then shows what this screen sent, not （未填写） for the
  // step whose answers the failed read would have brought
  it('a failed read after a step: the review still shows that step\'s answers', async () => {
    const kp2 = await kioskPage(k);
    try {
      const p = kp2.page;
      const submit = () => p.locator('#main form.step-form button[type=submit]').tap();
      await atRoute(p, /^#\/p\/note-case$/, () => p.goto(k.url + '/?kiosk=1#/p/note-case'));
      await atRoute(p, /\/step\/0$/, () => p.locator('#main button', { hasText: '开始办理' }).first().tap());
      const id = /^#\/case\/([0-9a-f]{32})\//.exec(await p.evaluate(() => location.hash))[1];
      await p.locator('label[for="f-extra-0"]').tap();
      await atRoute(p, /\/step\/1$/, submit);
      await p.locator('label[for="ck-s1-0"]').tap();
      await p.locator('label[for="ck-s1-1"]').tap();
      await p.locator('#f-name').fill('李四');
      await p.locator('#f-note').fill('需要轮椅');
      const caseUrl = `${k.url}/api/v1/cases/${id}`;
      await p.route(caseUrl, (r) => (r.request().method() === 'GET' ? r.abort('connectionreset') : r.continue()));
      await atRoute(p, /\/review$/, submit);
      const text = await p.locator('#main').innerText();
      assert.match(text, /姓名\s*李四/, text);
      assert.match(text, /补充说明\s*需要轮椅/, text);
      assert.match(text, /补充说明的证明材料/, text);
      await p.unroute(caseUrl);
    } finally {
      await kp2.context.close();
    }
  });
});
