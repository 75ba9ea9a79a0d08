// A resident at home (网上办事) opens the case link once the item is made
// (pickup: yes, 待领取): 已办好，请来领取 said to come to the window, but
// not where the hall is nor when it is open, which the invitation to the
// hall had said; a resident who goes on a Saturday finds it shut. The
// ready screen names the item's place, hours and phone.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useKiosk, kioskPage, atRoute, h1Text, axeSerious, smallTargets, horizontalOverflow } from './helpers.mjs';
import { addUser, login, authHeaders, writeTree } from '../api/helpers.mjs';
import { apiPost } from './labour-case.mjs';

const tree = writeTree(fs.mkdtempSync(path.join(os.tmpdir(), 'spkiosk-e2e-phone-ready-')), {
  '_posts.md': '# 岗位\n\n- window 综合窗口（A岗）\n',
  'alpha/README.md': '# 甲类\n\n甲类事项。\n',
  'alpha/cert.md': '---\nversion: 2026-01-01\nlocation: 幸福社区便民服务中心一楼\nhours: 周一至周五 8:30-17:00\n'
    + 'phone: 0535-7654321\npickup: yes\n---\n# 证明开具\n\n简介。\n\n'
    + '## 第一步：准备\n- [ ] 身份证\n',
});

const k = useKiosk({ tree });

describe('a web case ready to collect, on a phone', () => {
  let id;
  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'wang', 'staff', 'wang-password-1');
    id = (await apiPost(k.url, '/api/v1/cases', { procedure: 'cert', channel: 'web' })).id;
    await apiPost(k.url, `/api/v1/cases/${id}/steps/0`, { checklist: { 's0-0': true } });
    await apiPost(k.url, `/api/v1/cases/${id}/submit`);
    const h = authHeaders(await login(k.url, 'wang', 'wang-password-1'));
    await apiPost(k.url, `/api/v1/staff/cases/${id}/accept`, {}, h);
    const m = await apiPost(k.url, `/api/v1/staff/cases/${id}/complete`, { outcome: '证明已开具' }, h);
    assert.equal(m.status, 'ready');
  });
  after(() => fs.rmSync(tree, { recursive: true, force: true }));

  // A hall review: a resident marked 叫号未到 scanned the slip at the kiosk,
  // was told 这次办理已结束，请从首页重新开始, and filled it all in again for
  // a new number; the window takes a passed case on as it stands.
  it('a passed ticket at the kiosk says to bring the slip to the window, not to start again', async () => {
    const c = (await apiPost(k.url, '/api/v1/cases', { procedure: 'cert', channel: 'kiosk' })).id;
    await apiPost(k.url, `/api/v1/cases/${c}/steps/0`, { checklist: { 's0-0': true } });
    await apiPost(k.url, `/api/v1/cases/${c}/submit`);
    const h = authHeaders(await login(k.url, 'wang', 'wang-password-1'));
    await apiPost(k.url, `/api/v1/staff/cases/${c}/call`, { window: '3' }, h);
    await apiPost(k.url, `/api/v1/staff/cases/${c}/no-show`, {}, h);
    const kp = await kioskPage(k);
    const { page } = kp;
    try {
      await atRoute(page, /\/closed$/, () => page.goto(`${k.url}/?kiosk=1#/case/${c}`));
      assert.equal(await h1Text(page), '您的号已经过号');
      const text = await page.locator('#closed-text').innerText();
      assert.match(text, /到综合窗口/);
      assert.match(text, /不用重新填写/);
      assert.doesNotMatch(text, /重新开始/);
      kp.assertClean('passed');
    } finally {
      await kp.context.close();
    }
  });

  it('says where and when to collect it', async () => {
    const kp = await kioskPage(k, { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });
    const { page } = kp;
    try {
      await atRoute(page, /\/closed$/, () => page.goto(`${k.url}/#/case/${id}`));
      assert.equal(await h1Text(page), '已办好，请来领取');
      const where = page.locator('#ready-where');
      assert.match(await where.innerText(), /办理地点\s*幸福社区便民服务中心一楼/);
      assert.match(await where.innerText(), /办理时间\s*周一至周五 8:30-17:00/);
      assert.match(await where.innerText(), /咨询电话\s*0535-7654321/);
      assert.deepEqual(await axeSerious(page), []);
      assert.deepEqual(await smallTargets(page, 44), []);
      assert.equal(await horizontalOverflow(page), null);
      kp.assertClean('ready');
    } finally {
      await kp.context.close();
    }
  });
});
