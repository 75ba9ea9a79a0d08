// The review screen faces the hall: an ID or card number shows only its
// last four. A confirmation box the author typed as `text` (请再输入一遍
// 身份证号 | text | same_as=id_number) holds the same number and is masked
// like it, both as just typed and as the server gives it back (the case
// opened again by its code); so is an ID number inside a text answer
// (残疾人证号 is one and two digits). Before, all showed it in full.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useKiosk, kioskPage, atRoute } from './helpers.mjs';
import { writeTree } from '../api/helpers.mjs';

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

describe('a confirmation box typed as text, on the review screen', () => {
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
