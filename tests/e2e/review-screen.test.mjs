// The kiosk's review screen (核对): a confirmation box of an ID or card
// number masked like the number it repeats, and an optional answer that an
// earlier answer turned off and on again not shown as held. Each describe
// was a file of its own (named at its head) and keeps its own daemon and
// library; folded into one file to spare a test process per file (~1 s of
// a core each, CI's browser suite being CPU-bound).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useKiosk, kioskPage, atRoute, h1Text, shot } from './helpers.mjs';
import { makeTmp, rmTmp, writeTree } from '../api/helpers.mjs';

// ── was masked-confirm.test.mjs
// The review screen faces the hall: an ID or card number shows only its
// last four. A confirmation box the author typed as `text` (请再输入一遍
// 身份证号 | text | same_as=id_number) holds the same number and is masked
// like it, both as just typed and as the server gives it back (the case
// opened again by its code); so is an ID number inside a text answer
// (残疾人证号 is one and two digits). Before, all showed it in full.
describe('a confirmation box typed as text, on the review screen', () => {
  const ID = '11010519491231002X';
  const CARD = '6222021234567890123';
  const WIDE_ID = ID.replace(/[0-9X]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xFEE0));
  const tree = writeTree(fs.mkdtempSync(path.join(os.tmpdir(), 'spkiosk-e2e-confirm-')), {
    'alpha/README.md': '# 甲类\n\n甲类事项。\n',
    'alpha/confirm.md': '---\nversion: 2026-01-01\n---\n# 确认事项\n\n简介。\n\n## 第一步：填写\n\n'
      + '```form\n'
    + 'name | 姓名 | text | required max=20\n'
    + 'id_number | 公民身份号码 | cn_id | required\n'
    + 'id_again | 请再输入一遍公民身份号码 | text | required same_as=id_number\n'
    + 'card | 银行卡号 | bank_card | required\n'
    + 'card_again | 请再输入一遍银行卡号 | text | required same_as=card\n'
    + 'disab_no | 残疾人证号（20位） | text | required pattern=[0-9]{17}[0-9Xx][1-7][1-4] min=20 max=20\n'
    + 'remark | 备注 | text | max=100\n'
    + '```\n',
  });

  const k = useKiosk({ tree });

  async function post(p, body) {
    const r = await fetch(`${k.url}${p}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
    const text = await r.text();
    assert.ok(r.ok, `${p}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  let kp;
  let page;
  let id;

  before(async () => {
    id = (await post('/api/v1/cases', { procedure: 'confirm', channel: 'kiosk' })).id;
    kp = await kioskPage(k, { hasTouch: false });
    page = kp.page;
  });
  after(async () => {
    if (kp) await kp.context.close();
    fs.rmSync(tree, { recursive: true, force: true });
  });

  const review = async () => {
    const text = await page.locator('#main').innerText();
    for (const s of [ID, CARD, WIDE_ID]) assert.ok(!text.includes(s), `${s} in full on the review screen:\n${text}`);
    assert.ok(text.includes('身份证**************００２Ｘ'), `the remark masked:\n${text}`);
    const stars = text.match(/\*+002X/g) || [];
    assert.equal(stars.length, 3, `the number, its confirmation and the 残疾人证号 masked:\n${text}`);
  };

  it('is masked as just typed', async () => {
    await atRoute(page, /^#\/case\/[0-9a-f]+\/step\/0$/, () => page.goto(`${k.url}/?kiosk=1#/case/${id}`));
    await page.fill('#f-name', '张晓梅');
    await page.fill('#f-id_number', ID);
    await page.fill('#f-id_again', ID);
    await page.fill('#f-card', CARD);
    await page.fill('#f-card_again', CARD);
    await page.fill('#f-disab_no', `${ID}12`);
    // full width, as a Chinese input method types it
    await page.fill('#f-remark', `身份证${WIDE_ID}`);
    await atRoute(page, /^#\/case\/[0-9a-f]+\/review$/,
      () => page.locator('form.step-form button[type="submit"]').click());
    await review();
  });

  it('is masked as the server gives it back', async () => {
    await atRoute(page, /^#\/$/, () => page.goto(`${k.url}/?kiosk=1`));
    await atRoute(page, /^#\/case\/[0-9a-f]+\/review$/, () => page.goto(`${k.url}/?kiosk=1#/case/${id}`));
    await review();
    kp.assertClean('review');
  });
});

// ── was review-dropped.test.mjs
// An optional field of a situation ({if …}) that an earlier answer turned
// off, then on again: the server dropped its answer when it stopped
// applying, and the step stays done (nothing required is missing). The
// review showed the answer typed before as if it were held, while the
// hand-in carried none: the window saw the field empty (and a paper of the
// situation ticked, as the window did not see it). The review shows
// the server's answers; the step's boxes still offer what was typed, to
// send again with 修改.
describe('an optional answer dropped by a situation and turned on again', () => {
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
