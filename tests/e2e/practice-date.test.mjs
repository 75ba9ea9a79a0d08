// A practice scenario's date that is not a real date (a resident's 2 月 30
// 日) shows on the practice page as written: a date input dropped it, so
// the trainee saw an empty box and not the slip the scenario is about (a
// practice review: docs/procedure-format.md, values that fail their check
// are shown as the resident wrote them, for the trainee to find). The item
// has no 办理条件, so 不予受理 is not offered.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { addUser, makeTmp, writeTree, rmTmp } from '../api/helpers.mjs';
import { useKiosk, kioskPage, LANDSCAPE } from './helpers.mjs';

const PROC = `# 亲属关系证明

开具亲属关系证明。

## 第一步：材料
- [ ] 本人身份证 {#id_card}

## 第二步：填表

\`\`\`form
name       | 姓名         | text | required max=10
death_date | 对方去世日期 | date | not_after=today
\`\`\`
`;
// an optional date: a blank box reads as nothing to correct
const PRACTICE = `# 亲属关系证明 · 练习

## 去世日期写了个不存在的日子
户口注销证明上的死亡日期是 2026 年 2 月 28 日，申请信息里写成了 2 月 30 日。

\`\`\`case
brought = id_card
name = 王某
death_date = 2026-02-30
expect = return death_date
\`\`\`
`;

const src = makeTmp('spkiosk-e2e-practice-date-');
writeTree(src, { 'cert/README.md': '# 证明\n\n证明事项。\n', 'cert/kin.md': PROC, 'cert/kin.practice.md': PRACTICE });
const h = useKiosk({ tree: src });
const PW = 'wang-password-1';
after(() => rmTmp(src));

describe('a practice date that is not a real one', () => {
  let kp;
  before(async () => {
    addUser(path.join(h.tmp, 'e2e.db'), 'wang', 'staff', PW);
    kp = await kioskPage(h, { viewport: LANDSCAPE, hasTouch: false });
  });
  after(async () => {
    if (kp) await kp.context.close();
  });

  it('shows as the resident wrote it, to be found and flagged', async () => {
    const { page } = kp;
    await page.goto(`${h.url}/staff/practice`);
    await page.locator('#login-name').fill('wang');
    await page.locator('#login-pass').fill(PW);
    await page.locator('form.login-form button[type=submit]').click();
    await page.locator('#start-kin').click();
    await page.locator('#scenario-h').waitFor();
    assert.equal(await page.locator('#pfield-death_date').inputValue(), '2026-02-30');
    // an item without 办理条件 has nothing to refuse on: 不予受理 was
    // offered, and choosing it was always 422 (a refusal names its condition)
    assert.equal(await page.locator('#decision-refuse').count(), 0, '不予受理 not offered');
    assert.match(await page.locator('form.practice-decision').innerText(), /受理[\s\S]*退回补正/);
    await page.locator('#decision-return').check();
    await page.locator('#flag-death_date').check();
    await page.locator('#decide').click();
    await page.locator('#verdict').waitFor();
    assert.match(await page.locator('#verdict-h').innerText(), /回答正确/);
    kp.assertClean('practice page');
  });
});
