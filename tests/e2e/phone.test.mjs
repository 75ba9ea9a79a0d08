// From home on a phone (网上办事): the leave dialog, the keyboard, the back
// button, the error summary and page zoom, one file on one daemon (each of
// these was a file of its own, a node process, a daemon and a context per
// look each; their cases are their own, made through the API or the page).
// The pages are kept per viewport (kioskPage's reuse): each look starts on
// a cleared page, as a new one would. The last describe (a case ready to
// collect) keeps its own daemon, on a library of its own, as its file had.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useKiosk, kioskPage, atRoute, setMode, shot, horizontalOverflow, smallTargets, h1Text, axeSerious } from './helpers.mjs';
import { addUser, login, authHeaders, writeTree } from '../api/helpers.mjs';
import { apiPost } from './labour-case.mjs';

const k = useKiosk();

// ── was phone-dialog.test.mjs
// From home on a phone (网上办事), 大字: the dialog 首页 opens mid-case
// (离开这次办理? with the case link, 继续办理 and 回首页) must be readable
// from its heading and its buttons reachable. The overlay is fixed and
// centred its dialog: taller than the screen (a phone turned sideways, or
// zoomed in by Chrome's 页面缩放 to 288 CSS px wide) the dialog was cut off
// at both ends, its heading above the screen and 回首页 below it, and a
// fixed overlay does not scroll, so neither could be reached.
describe('the leave dialog on a phone with 大字', () => {
  // a 360×740 phone; at 125 % page zoom; turned sideways
  const PHONES = [{ width: 360, height: 740 }, { width: 288, height: 592 }, { width: 740, height: 360 }];

  for (const phone of PHONES) {
    it(`${phone.width}×${phone.height}: heading on screen, every button reachable`, async () => {
      const c = await apiPost(k.url, '/api/v1/cases', { procedure: 'labour-handbook', channel: 'web' });
      const kp = await kioskPage(k, { viewport: phone, hasTouch: true, isMobile: true, reuse: true });
      const { page } = kp;
      try {
        await atRoute(page, /\/conditions$/, () => page.goto(`${k.url}/#/case/${c.id}/conditions`));
        await setMode(page, { lang: 'zh', big: true });
        await page.locator('#btn-home').tap();
        const dialog = page.locator('.dialog[role=dialog]');
        await dialog.waitFor();
        await shot(page, `phone-dialog-${phone.width}x${phone.height}`, { fullPage: false });
        const top = await dialog.evaluate((d) => d.getBoundingClientRect().top);
        assert.ok(top >= 0, `the dialog's top is ${Math.round(top)} px above the screen`);
        // each button, brought into view as a finger's scroll would, is on
        // screen whole
        for (const name of ['回首页', '继续办理']) {
          const b = dialog.getByRole('button', { name });
          const r = await b.evaluate((e) => {
            e.scrollIntoView({ block: 'nearest' });
            const x = e.getBoundingClientRect();
            return { top: x.top, bottom: x.bottom, vh: window.innerHeight };
          });
          assert.ok(r.top >= -1 && r.bottom <= r.vh + 1, `${name} at ${Math.round(r.top)}–${Math.round(r.bottom)} of ${r.vh}`);
        }
        await dialog.getByRole('button', { name: '继续办理' }).tap();
        await dialog.waitFor({ state: 'detached' });
        kp.assertClean(`${phone.width}×${phone.height}`);
      } finally {
        await kp.close();
      }
    });
  }
});

// ── was phone-keyboard.test.mjs
// From home on a phone (网上办事), the phone's own keyboard up: the box the
// resident types into must be on screen, not under the page's header or
// its 上一步/下一步 bar. A phone that makes room for its keyboard shrinks
// the page to about half its height; the header (brand line, 首页, English,
// 大字: 117 px at 360 wide, 224 px with 大字 in three rows) stuck to the
// top of that half and the action bar (about 90 px) to its foot, and the
// browser, bringing the focused box into view, put it under one of them:
// with 大字 on a 360×740 phone only 31 px of the page were left between
// them, and turned sideways every box was under the header. The test
// focuses each box of a form in turn (as the keyboard's 下一项 does) at
// half the height of 360×740 and 390×844, normal and 大字, and of the same
// phones turned sideways, and asks the page what is drawn at the box's
// top, middle and foot: the box itself.
describe('a phone with its keyboard up: the box typed into is on screen', () => {
  // A web case of the sample's labour handbook at its form (name, ID number,
  // mobile, address); its id.
  async function webForm() {
    const post = (p, body) => apiPost(k.url, p, body);
    const c = await post('/api/v1/cases', { procedure: 'labour-handbook', channel: 'web' });
    await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true, true] });
    await post(`/api/v1/cases/${c.id}/steps/0`, { fields: { hukou: '本市户籍', status: '失业' } });
    await post(`/api/v1/cases/${c.id}/steps/1`, { checklist: { id_card: true, hukou_book: true } });
    return c.id;
  }

  const PHONES = [
    { width: 360, height: 740 }, { width: 390, height: 844 },
    { width: 740, height: 360 }, { width: 844, height: 390 },
  ];

  for (const phone of PHONES) {
    for (const big of [false, true]) {
      const name = `${phone.width}×${phone.height}${big ? ' 大字' : ''}`;
      it(name, async () => {
        const id = await webForm();
        const kp = await kioskPage(k, { viewport: phone, hasTouch: true, isMobile: true, reuse: true });
        const { page } = kp;
        try {
          await atRoute(page, /\/step\/2$/, () => page.goto(`${k.url}/#/case/${id}/step/2`));
          if (big) await setMode(page, { lang: 'zh', big: true });
          await page.setViewportSize({ width: phone.width, height: Math.round(phone.height / 2) });
          const bad = [];
          for (const box of ['f-name', 'f-id_number', 'f-mobile', 'f-address', 'f-name']) {
            const hits = await page.evaluate((boxId) => {
              const f = document.getElementById(boxId);
              f.focus();
              const r = f.getBoundingClientRect();
              return [r.top + 4, (r.top + r.bottom) / 2, r.bottom - 4].map((y) => {
                const e = document.elementFromPoint(r.left + 8, y);
                if (e === f) return null;
                return e ? `${e.localName}.${e.className} at ${Math.round(y)}` : `off screen at ${Math.round(y)}`;
              }).filter(Boolean);
            }, box);
            if (hits.length) bad.push(`#${box} under ${hits.join(', ')}`);
          }
          if (bad.length) await shot(page, `phone-keyboard-${phone.width}x${phone.height}${big ? '-big' : ''}`, { fullPage: false });
          assert.deepEqual(bad, [], `${name}, keyboard up`);
          kp.assertClean(name);
        } finally {
          await kp.close();
        }
      });
    }
  }
});

// ── was phone-restart.test.mjs
// From home on a phone (网上办事), the phone's back button: a resident who
// went back from the first screens of a case to the item's overview (to
// read the materials again) and tapped 开始办理 there got a second, empty
// case with another link: the conditions answered and the steps sent were
// on the first case, out of sight. 开始办理 then goes back to this tab's
// case while it is open (not handed in); after 首页 › 回首页, which leaves
// the case, it starts a new one.
describe('开始办理 again after the back button, from a phone', () => {
  let kp;
  let page;
  const caseOf = async () => /^#\/case\/([0-9a-f]{32})\//.exec(await page.evaluate(() => location.hash))?.[1];
  const start = () => page.locator('#main .actions-overview button', { hasText: '开始办理' }).tap();

  before(async () => {
    kp = await kioskPage(k, { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, reuse: true });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.close(); });

  it('goes back to the open case, its answers kept', async () => {
    await atRoute(page, /^#\/p\/labour-handbook$/, () => page.goto(`${k.url}/#/p/labour-handbook`));
    await atRoute(page, /\/conditions$/, start);
    const first = await caseOf();
    for (let i = 0; i < 3; i++) await page.locator(`label[for="cond-${i}-yes"]`).tap();
    await atRoute(page, /\/step\/0$/, () => page.locator('#main button', { hasText: '确认，下一步' }).tap());
    await atRoute(page, /\/conditions$/, () => page.goBack());
    await atRoute(page, /^#\/p\/labour-handbook$/, () => page.goBack());
    await atRoute(page, /\/conditions$/, start);
    assert.equal(await caseOf(), first, 'the same case, not a second one');
    for (let i = 0; i < 3; i++)
      assert.equal(await page.locator(`#cond-${i}-yes`).isChecked(), true, `condition ${i + 1} still answered`);
    const c = await (await fetch(`${k.url}/api/v1/cases/${first}`)).json();
    assert.equal(c.conditions_confirmed, true);
  });

  it('after 首页 › 回首页 it starts a new case', async () => {
    const first = await caseOf();
    await page.locator('#btn-home').tap();
    const dialog = page.locator('.dialog[role=dialog]');
    await atRoute(page, /^#\/$/, () => dialog.getByRole('button', { name: '回首页' }).tap());
    await atRoute(page, /^#\/p\/labour-handbook$/, () => page.goto(`${k.url}/#/p/labour-handbook`));
    await atRoute(page, /\/conditions$/, start);
    const second = await caseOf();
    assert.notEqual(second, first);
    assert.equal(await page.locator('#cond-0-yes').isChecked(), false);
    kp.assertClean('restart');
  });
});

// ── was phone-summary.test.mjs
// From home on a phone (网上办事) with 大字, zoomed in (Chrome's 页面缩放:
// a 360 px phone at 125 % is 288 CSS px wide) or not: a step sent with
// answers missing shows 有 N 处需要修改 with a link to each, and that
// summary must be seen where the resident is looking. The page went to
// its top for it; on such a phone the header (264 px there) and the
// kicker filled the screen down to the sticky 返回/确认 bar (two stacked
// buttons, 190 px), and the summary was under the bar: the tap on 确认
// seemed to do nothing, and a tap on the first link hit 确认 again. At
// 360×740 the form's summary (four entries) ended under the bar.
describe('the error summary on a phone with 大字 is on screen', () => {
  const PHONES = [{ width: 288, height: 592 }, { width: 360, height: 740 }, { width: 390, height: 844 }];

  // what is drawn at the middle of the summary's heading and of each link
  // (all fit on these screens)
  // (null when it is the element itself), and whether it has the focus
  async function summarySeen(page) {
    return page.evaluate(() => {
      const s = document.getElementById('error-summary');
      const seen = (e) => {
        const r = e.getBoundingClientRect();
        const x = r.left + Math.min(r.width / 2, 40);
        const y = (r.top + r.bottom) / 2;
        const at = document.elementFromPoint(x, y);
        if (at && (at === e || e.contains(at))) return null;
        return `${(e.textContent || '').trim().slice(0, 12)} at ${Math.round(y)} of ${innerHeight}: ${at ? at.localName + '.' + at.className : 'off screen'}`;
      };
      return {
        focused: document.activeElement === s,
        covered: [s.querySelector('h2'), ...s.querySelectorAll('a')].map(seen).filter(Boolean),
      };
    });
  }

  for (const phone of PHONES) {
    it(`${phone.width}×${phone.height}: conditions and a form`, async () => {
      const post = (p, body) => apiPost(k.url, p, body);
      const a = await post('/api/v1/cases', { procedure: 'labour-handbook', channel: 'web' });
      const b = await post('/api/v1/cases', { procedure: 'labour-handbook', channel: 'web' });
      await post(`/api/v1/cases/${b.id}/conditions`, { confirmed: [true, true, true] });
      await post(`/api/v1/cases/${b.id}/steps/0`, { fields: { hukou: '本市户籍', status: '失业' } });
      await post(`/api/v1/cases/${b.id}/steps/1`, { checklist: { id_card: true, hukou_book: true } });
      const kp = await kioskPage(k, { viewport: phone, hasTouch: true, isMobile: true, reuse: true });
      const { page } = kp;
      try {
        await atRoute(page, /\/conditions$/, () => page.goto(`${k.url}/#/case/${a.id}/conditions`));
        await setMode(page, { lang: 'zh', big: true });
        await page.locator('#main button', { hasText: '确认，下一步' }).tap();
        await page.locator('#error-summary').waitFor();
        const cond = await summarySeen(page);
        if (cond.covered.length) await shot(page, `phone-summary-${phone.width}-conditions`, { fullPage: false });
        assert.deepEqual(cond, { focused: true, covered: [] }, 'conditions');

        await atRoute(page, /\/step\/2$/, () => page.goto(`${k.url}/#/case/${b.id}/step/2`));
        await page.locator('#main form.step-form button[type=submit]').tap();
        await page.locator('#error-summary').waitFor();
        const form = await summarySeen(page);
        if (form.covered.length) await shot(page, `phone-summary-${phone.width}-form`, { fullPage: false });
        assert.deepEqual(form, { focused: true, covered: [] }, 'form');
        // the first link still takes the resident to the box
        await page.locator('#error-summary a').first().tap();
        assert.equal(await page.evaluate(() => document.activeElement.id), 'f-name');
        kp.assertClean(`${phone.width}×${phone.height}`);
      } finally {
        await kp.close();
      }
    });
  }
});

// ── was phone-zoom.test.mjs
// From home on a phone (网上办事) with the phone's page zoom up: Chrome on
// Android zooms a page for an older resident (设置 › 无障碍 › 页面缩放), and
// the page is then laid out narrower: a 360 px wide phone at 125 % is 288
// CSS px wide, at 150 % 240. The screens of a walk, normal and 大字, must
// not scroll sideways there: the home's category tiles (at least 14rem
// wide, 308 px with 大字), the answers of a question (13rem) and a
// material's （如有） (kept on one line beside it) did, and a resident
// reading a line had to pan to see its end.
describe('a phone zoomed in: no sideways scroll', () => {
  // 360×740 at 125 % and 150 %
  const ZOOMED = [{ width: 288, height: 592 }, { width: 240, height: 493 }];

  // web cases at their conditions, at their first step (two questions
  // with options), at their materials (an item marked （如有）) and at
  // their form
  const at = {};
  before(async () => {
    const post = (p, body) => apiPost(k.url, p, body);
    const start = async () => (await post('/api/v1/cases', { procedure: 'labour-handbook', channel: 'web' })).id;
    at.conditions = await start();
    at.options = await start();
    await post(`/api/v1/cases/${at.options}/conditions`, { confirmed: [true, true, true] });
    at.checklist = await start();
    await post(`/api/v1/cases/${at.checklist}/conditions`, { confirmed: [true, true, true] });
    await post(`/api/v1/cases/${at.checklist}/steps/0`, { fields: { hukou: '本市户籍', status: '失业' } });
    at.form = await start();
    await post(`/api/v1/cases/${at.form}/conditions`, { confirmed: [true, true, true] });
    await post(`/api/v1/cases/${at.form}/steps/0`, { fields: { hukou: '本市户籍', status: '失业' } });
    await post(`/api/v1/cases/${at.form}/steps/1`, { checklist: { id_card: true, hukou_book: true } });
  });

  for (const viewport of ZOOMED) {
    it(`${viewport.width} CSS px wide, normal and 大字`, async () => {
      const kp = await kioskPage(k, { viewport, hasTouch: true, isMobile: true, reuse: true });
      const { page } = kp;
      const bad = [];
      try {
        for (const big of [false, true]) {
          for (const [name, route, re] of [
            ['home', '/#/', /^#\/$/],
            ['category', '/#/c/employment', /^#\/c\/employment$/],
            ['overview', '/#/p/labour-handbook', /^#\/p\/labour-handbook$/],
            ['conditions', `/#/case/${at.conditions}/conditions`, /\/conditions$/],
            ['step with options', `/#/case/${at.options}/step/0`, /\/step\/0$/],
            ['checklist', `/#/case/${at.checklist}/step/1`, /\/step\/1$/],
            ['form', `/#/case/${at.form}/step/2`, /\/step\/2$/],
          ]) {
            await atRoute(page, re, () => page.goto(k.url + route));
            await setMode(page, { lang: 'zh', big });
            // at home a tick says the paper is ready to bring, not here today
            if (name === 'checklist' && !big) {
              assert.equal(await page.locator('#main .checklist legend').innerText(), '请确认已准备好下面的材料，准备好的请打勾');
              assert.equal(await page.locator('#main .check-row:visible .tag').innerText(), '（如有）');
            }
            const over = await horizontalOverflow(page);
            // what made room must not shrink a target under the web's 44 px
            const small = await smallTargets(page, 44);
            if (over || small.length) {
              if (over) bad.push(`${name}${big ? ' 大字' : ''}: ${over}`);
              bad.push(...small.map((x) => `${name}${big ? ' 大字' : ''}: target under 44 px: ${x}`));
              await shot(page, `phone-zoom-${viewport.width}-${name.replace(/ /g, '-')}${big ? '-big' : ''}`, { fullPage: false });
            }
          }
        }
        assert.deepEqual(bad, [], `${viewport.width} px`);
        kp.assertClean(`${viewport.width} px`);
      } finally {
        await kp.close();
      }
    });
  }
});

// ── was phone-ready.test.mjs
// A resident at home (网上办事) opens the case link once the item is made
// (pickup: yes, 待领取): 已办好，请来领取 said to come to the window, but
// not where the hall is nor when it is open, which the invitation to the
// hall had said; a resident who goes on a Saturday finds it shut. The
// ready screen names the item's place, hours and phone.
describe('a web case ready to collect, on a phone', () => {
  const tree = writeTree(fs.mkdtempSync(path.join(os.tmpdir(), 'spkiosk-e2e-phone-ready-')), {
    '_posts.md': '# 岗位\n\n- window 综合窗口（A岗）\n',
    'alpha/README.md': '# 甲类\n\n甲类事项。\n',
    'alpha/cert.md': '---\nversion: 2026-01-01\nlocation: 幸福社区便民服务中心一楼\nhours: 周一至周五 8:30-17:00\n'
      + 'phone: 0535-7654321\npickup: yes\n---\n# 证明开具\n\n简介。\n\n'
      + '## 第一步：准备\n- [ ] 身份证\n',
  });

  const k = useKiosk({ tree });

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
