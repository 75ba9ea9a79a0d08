// A resident at home (网上办事) who has a question about their case cannot
// walk to the window: what they can do is phone the hall. The case screens
// from home said 如有疑问，请到综合窗口咨询 (accepted, completed, refused,
// ended), 窗口退回的原因 of a case no window had seen (returned from online
// pre-review), and a link cut short in a message said 请从首页重新开始,
// which makes a second application of one already handed in. From home
// they now name the item's phone (the file's, or the hall's own) and say
// not to start again; the kiosk keeps its words (the window is steps away).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useKiosk, kioskPage, atRoute, h1Text, axeSerious, smallTargets, horizontalOverflow } from './helpers.mjs';
import { addUser, login, authHeaders, writeTree } from '../api/helpers.mjs';
import { apiPost } from './labour-case.mjs';

const PHONE = '0535-7654321';
const tree = writeTree(fs.mkdtempSync(path.join(os.tmpdir(), 'spkiosk-e2e-phone-ask-')), {
  '_posts.md': '# 岗位\n\n- window 综合窗口（A岗）\n',
  'alpha/README.md': '# 甲类\n\n甲类事项。\n',
  'alpha/cert.md': '---\nversion: 2026-01-01\nlocation: 幸福社区便民服务中心一楼\nhours: 周一至周五 8:30-17:00\n'
    + `phone: ${PHONE}\n---\n# 证明开具\n\n简介。\n\n`
    + '## 第一步：准备\n- [ ] 身份证\n\n## 第二步：填写\n\n```form\nname | 姓名 | text | required\n```\n',
});

const k = useKiosk({ tree });
const PHONE_VIEW = { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true };

describe('from home, a question about a case is a phone call', () => {
  let h;
  // handed in from home, invited to the hall and accepted there
  const acceptedCase = async () => {
    const id = await webCase();
    await apiPost(k.url, `/api/v1/cases/${id}/submit`, { prereview: true });
    const d = new Date();
    d.setDate(d.getDate() + 3);
    const p = (n) => String(n).padStart(2, '0');
    await apiPost(k.url, `/api/v1/staff/cases/${id}/invite`, { date: `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}` }, h);
    await apiPost(k.url, `/api/v1/staff/cases/${id}/accept`, {}, h);
    return id;
  };
  const webCase = async () => {
    const id = (await apiPost(k.url, '/api/v1/cases', { procedure: 'cert', channel: 'web' })).id;
    await apiPost(k.url, `/api/v1/cases/${id}/steps/0`, { checklist: { 's0-0': true } });
    await apiPost(k.url, `/api/v1/cases/${id}/steps/1`, { fields: { name: '张三' } });
    return id;
  };
  // a page on the phone (or the kiosk), its case screen read, checked,
  // closed (the page kept for the next, as a new one: kioskPage's reuse)
  async function onPage(url, route, fn, view = PHONE_VIEW, clean = true) {
    const kp = await kioskPage(k, { ...view, reuse: true });
    try {
      await atRoute(kp.page, route, () => kp.page.goto(url));
      await fn(kp.page);
      if (clean) kp.assertClean('page');
    } finally {
      await kp.close();
    }
  }
  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'wang', 'staff', 'wang-password-1');
    h = authHeaders(await login(k.url, 'wang', 'wang-password-1'));
  });
  after(() => fs.rmSync(tree, { recursive: true, force: true }));

  it('returned from pre-review: staff returned it, not a window', async () => {
    const id = await webCase();
    await apiPost(k.url, `/api/v1/cases/${id}/submit`, { prereview: true });
    await apiPost(k.url, `/api/v1/staff/cases/${id}/return`, { reason: '姓名与身份证不符', fields: ['name'] }, h);
    await onPage(`${k.url}/#/case/${id}`, /\/returned$/, async (page) => {
      const text = await page.locator('#returned-notice').innerText();
      assert.match(text, /工作人员退回的原因：\s*姓名与身份证不符/);
      assert.doesNotMatch(text, /窗口/);
      // the footer under every screen: a phone number, not only the window
      assert.match(await page.locator('#footer-text').innerText(), /咨询电话/);
      // the step it leads to marks the field as staff's mark
      await atRoute(page, /\/step\/1$/, () => page.locator('#main .actions button.btn-primary').tap());
      assert.match(await page.locator('#step-returned').innerText(), /工作人员退回的原因/);
      assert.match(await page.locator('#main').innerText(), /工作人员标出：需要补正/);
    });
  });

  it('accepted, completed, refused: 如有疑问 names the item\'s phone', async () => {
    const accepted = await acceptedCase();
    await onPage(`${k.url}/#/case/${accepted}`, /\/closed$/, async (page) => {
      assert.equal(await h1Text(page), '正在办理');
      const text = await page.locator('#closed-text').innerText();
      assert.match(text, new RegExp(`如有疑问，请打电话 ${PHONE} 咨询`));
      assert.doesNotMatch(text, /窗口/);
      assert.deepEqual(await axeSerious(page), []);
      assert.deepEqual(await smallTargets(page, 44), []);
      assert.equal(await horizontalOverflow(page), null);
    });
    // the hall's kiosk keeps its words: the window is in the same room
    await onPage(`${k.url}/?kiosk=1#/case/${accepted}`, /\/closed$/, async (page) => {
      assert.match(await page.locator('#closed-text').innerText(), /请到综合窗口咨询/);
    }, { hasTouch: true });
    await apiPost(k.url, `/api/v1/staff/cases/${accepted}/complete`, { outcome: '已开具' }, h);
    await onPage(`${k.url}/#/case/${accepted}`, /\/closed$/, async (page) => {
      assert.equal(await h1Text(page), '已办结');
      assert.match(await page.locator('#closed-text').innerText(), new RegExp(`请打电话 ${PHONE} 咨询`));
    });
    const rejected = await acceptedCase();
    await apiPost(k.url, `/api/v1/staff/cases/${rejected}/reject`, { reason: '不符合条件' }, h);
    await onPage(`${k.url}/#/case/${rejected}`, /\/closed$/, async (page) => {
      const text = await page.locator('#closed-text').innerText();
      assert.match(text, new RegExp(`请打电话 ${PHONE} 咨询`));
      assert.doesNotMatch(text, /窗口/);
    });
  });

  it('a hand-in that fails from home says whom to phone, the answers kept', async () => {
    const id = await webCase();
    await onPage(`${k.url}/#/case/${id}`, /\/review$/, async (page) => {
      await page.route('**/api/v1/cases/*/submit', (r) => r.abort());
      await page.locator('#main .actions-sticky button.btn-primary').tap();
      const alert = page.locator('#main [role=alert]', { hasText: '没有提交成功' });
      await alert.waitFor();
      assert.match(await alert.innerText(), new RegExp(`请打电话 ${PHONE} 咨询`));
      assert.doesNotMatch(await alert.innerText(), /综合窗口/);
    }, PHONE_VIEW, false); // the request this test cuts is a page error
  });

  // a link pasted into a message with a full stop glued on, or typed in
  // capitals, has every digit of the id: it opens the case (it said
  // 这个办件链接不完整…后面少了字, and the resident could only phone)
  it('a whole id with more after it, or in capitals, opens its case', async () => {
    const id = await webCase();
    await apiPost(k.url, `/api/v1/cases/${id}/submit`, { prereview: true });
    for (const tail of [`${id}%E3%80%82`, `${id})`, id.toUpperCase()])
      await onPage(`${k.url}/#/case/${tail}`, new RegExp(`^#/case/${id}/done$`), async (page) => {
        assert.equal(await page.locator('#case-gone').count(), 0);
      });
    // one more hex digit is no id: not found, and not said as cut short
    await onPage(`${k.url}/#/case/${id}0`, new RegExp(`^#/case/${id}0$`), async (page) => {
      const gone = page.locator('#case-gone');
      await gone.waitFor();
      assert.doesNotMatch(await gone.innerText(), /链接不完整/);
    });
  });

  it('a link cut short says so, and not to start again from home', async () => {
    const id = await webCase();
    await apiPost(k.url, `/api/v1/cases/${id}/submit`, { prereview: true });
    await onPage(`${k.url}/#/case/${id.slice(0, 21)}`, new RegExp(`^#/case/${id.slice(0, 21)}$`), async (page) => {
      const gone = page.locator('#case-gone');
      await gone.waitFor();
      const text = await gone.innerText();
      assert.match(text, /链接不完整/);
      assert.match(text, /不要从首页重新办理/);
      assert.doesNotMatch(text, /请从首页重新开始/);
    });
    // 我有凭条 at home: a case handed in online has no number to type there
    await onPage(`${k.url}/#/code`, /^#\/code$/, async (page) => {
      const text = await page.locator('#code-online').innerText();
      assert.match(text, /在网上提交的事没有排队号/);
      assert.match(text, /请不要重新办理/);
    });
    await onPage(`${k.url}/?kiosk=1#/code`, /^#\/code$/, async (page) => {
      assert.equal(await page.locator('#code-online').count(), 0, 'not on the kiosk');
    }, { hasTouch: true });
    // a whole id that finds nothing (erased, or mistyped): not to start
    // again either, since it may be a case handed in
    const none = 'f'.repeat(32);
    await onPage(`${k.url}/#/case/${none}`, new RegExp(`^#/case/${none}$`), async (page) => {
      const gone = page.locator('#case-gone');
      await gone.waitFor();
      assert.match(await gone.innerText(), /不要从首页重新办理/);
    });
  });
});
