// A resident at home who lost the link of a case handed in online is told
// how to find it again by what this hall can do (GET /api/v1/hall): a hall
// started with `--notify-command` and `--public-url` texts the link to the
// mobile on the case at their call (its own phone named where it set
// --hall-phone); a hall without them cannot, and its pages sent the
// resident to phone for a text that never came (2026-12-07): they say to
// bring the ID card to the window, which finds the case. Every text at home
// that makes the promise follows it: 我有凭条, a link that finds nothing, a
// link cut short, and the case link's own box; in Chinese and English.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useKiosk, kioskPage, atRoute, axeSerious, staffLogin } from './helpers.mjs';
import { addUser, makeTmp, rmTmp } from '../api/helpers.mjs';
import { apiPost, ID, NAME } from './labour-case.mjs';

const PHONE_VIEW = { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true };
const HALL_PHONE = '0535-2222222';

// a labour-handbook case started from home and handed in to 网上预审
async function webCase(url) {
  const w = await apiPost(url, '/api/v1/cases', { procedure: 'labour-handbook', channel: 'web' });
  const post = (p, b) => apiPost(url, `/api/v1/cases/${w.id}/${p}`, b);
  await post('conditions', { confirmed: [true, true, true] });
  await post('steps/0', { fields: { hukou: '本市户籍', status: '失业' } });
  await post('steps/1', { checklist: { id_card: true, hukou_book: true } });
  await post('steps/2', { fields: { name: NAME, id_number: ID, mobile: '13800138000', education: '高中', address: '幸福路12号3单元201室' } });
  await post('steps/3', {});
  await post('submit', { prereview: true });
  return w.id;
}

// The words of `sel` on the page at `hash`, once the hall's answer is in
// (the page draws the words again if it comes after the screen), in
// Chinese and, after the header's switch, in English. One page serves each
// look in turn, given back as new (kioskPage's reuse).
async function wordsAt(k, hash, sel) {
  const kp = await kioskPage(k, { ...PHONE_VIEW, reuse: true });
  try {
    const hall = kp.page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/hall');
    await atRoute(kp.page, new RegExp(`^${hash.replace(/[/#]/g, '\\$&')}(/\\w+)?$`), () => kp.page.goto(`${k.url}/${hash}`));
    assert.equal((await hall).status(), 200);
    await kp.page.locator(sel).waitFor();
    await kp.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
    const zh = await kp.page.locator(sel).innerText();
    const axe = await axeSerious(kp.page);
    assert.deepEqual(axe, [], `axe at ${hash}`);
    await kp.page.locator('#btn-lang').click();
    await kp.page.locator(sel).filter({ hasText: /[a-z]{4}/ }).waitFor();
    const en = await kp.page.locator(sel).innerText();
    kp.assertClean(hash);
    return { zh, en };
  } finally {
    await kp.close();
  }
}

// The staff page's 网上办件找回链接: its words, once the hall's answer is in,
// and the line after a search that finds the case.
async function staffCard(k, expect) {
  addUser(path.join(k.tmp, 'e2e.db'), 'wang', 'staff', 'wang-password-1');
  await webCase(k.url);
  const s = await kioskPage(k, { viewport: { width: 1400, height: 1000 }, hasTouch: false, reuse: true });
  try {
    const hall = s.page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/hall');
    await staffLogin(s.page, k.url, 'wang', 'wang-password-1');
    await s.page.locator('#link-find-card').waitFor();
    await hall;
    await s.page.locator('#link-find-hint', { hasText: expect }).waitFor();
    const hint = await s.page.locator('#link-find-hint').innerText();
    await s.page.locator('#link-find-q').fill(ID);
    await s.page.locator('#link-find-card').getByRole('button', { name: '查找' }).click();
    await s.page.locator('#link-find tbody tr').first().waitFor();
    const found = await s.page.locator('#link-find-msg').innerText();
    s.assertClean('the staff page');
    return { hint, found };
  } finally {
    await s.close();
  }
}

const SCREENS = [
  ['我有凭条', () => '#/code', '#code-online'],
  ['a link that finds nothing', () => `#/case/${'f'.repeat(32)}`, '#case-gone'],
  ['a link cut short', () => `#/case/${'ab12'.repeat(5)}`, '#case-gone'],
];

describe('a hall that texts a lost link (--notify-command, --public-url, --hall-phone)', () => {
  const tmp = makeTmp('spkiosk-e2e-lost-');
  after(() => rmTmp(tmp));
  const SEND = path.join(tmp, 'send.sh');
  fs.writeFileSync(SEND, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  const k = useKiosk({ args: ['--notify-command', SEND, '--public-url', 'https://hall.example.cn', '--hall-phone', HALL_PHONE] });

  for (const [what, hash, sel] of SCREENS) {
    it(`${what}: phone the hall on its number, which texts the link to the mobile given`, async () => {
      const { zh, en } = await wordsAt(k, hash(), sel);
      assert.match(zh, new RegExp(`请打电话 ${HALL_PHONE} 问大厅`));
      assert.match(zh, /用短信把办件链接发到您办理时填写的手机上/);
      assert.doesNotMatch(zh, /带上身份证件|不能用短信/);
      assert.match(en, new RegExp(`call the hall on ${HALL_PHONE}: the staff will check and text the link`));
      assert.doesNotMatch(en, /ID card|cannot text/);
    });
  }

  it('the case link\'s box says the hall can text it', async () => {
    const id = await webCase(k.url);
    const { zh, en } = await wordsAt(k, `#/case/${id}`, '#case-link-text');
    assert.match(zh, /不要转发给别人/);
    assert.match(zh, /可以打电话请大厅用短信发到您填写的手机上/);
    assert.doesNotMatch(zh, /带上身份证件/);
    assert.match(en, /the hall can text it to the mobile number you gave/);
  });

  // a hall that texts links cannot text one to a case with only a landline
  // (联系电话（手机或座机）): its box promised it all the same (2026-12-07)
  it('the box of a case with only a landline sends its resident to the window', async () => {
    const w = await apiPost(k.url, '/api/v1/cases', { procedure: 'pension-certification', channel: 'web' });
    const post = (p, b) => apiPost(k.url, `/api/v1/cases/${w.id}/${p}`, b);
    await post('conditions', { confirmed: [true, true] });
    await post('steps/0', { fields: { pension_type: '职工养老金', method: '到窗口刷脸认证' } });
    await post('steps/1', { checklist: { id_card: true } });
    await post('steps/2', { fields: { name: NAME, id_number: ID, phone: '0535-6666666' } });
    await post('steps/4', {});
    await post('submit', { prereview: true });
    const { zh, en } = await wordsAt(k, `#/case/${w.id}`, '#case-link-text');
    assert.match(zh, /找不到链接时，请带上身份证件到大厅的综合窗口/);
    assert.doesNotMatch(zh, /短信/);
    assert.match(en, /bring your ID card to the general window/);
  });

  it('the staff card says to text the link after checking the tail', async () => {
    const { hint, found } = await staffCard(k, /短信发送办件链接/);
    assert.match(hint, /核对手机尾号后用“短信发送办件链接”把链接发到办件里留的手机上/);
    assert.match(found, /打开它再发送链接/);
  });
});

describe('a hall that cannot text (no --notify-command, no --public-url)', () => {
  const k = useKiosk({});

  for (const [what, hash, sel] of SCREENS) {
    it(`${what}: bring the ID card to the window, no promise of a text`, async () => {
      const { zh, en } = await wordsAt(k, hash(), sel);
      assert.match(zh, /请带上身份证件到大厅的综合窗口，工作人员核对后会帮您找到它/);
      assert.match(zh, /本大厅不能用短信补发办件链接/);
      assert.doesNotMatch(zh, /用短信把办件链接发到|请打电话/);
      assert.match(en, /bring your ID card to the general window of the hall/);
      assert.match(en, /This hall cannot text the link/);
      assert.doesNotMatch(en, /call the hall|will check and text/);
    });
  }

  it('the case link\'s box sends a lost link to the window', async () => {
    const id = await webCase(k.url);
    const { zh, en } = await wordsAt(k, `#/case/${id}`, '#case-link-text');
    assert.match(zh, /找不到链接时，请带上身份证件到大厅的综合窗口/);
    assert.doesNotMatch(zh, /短信/);
    assert.match(en, /If you lose it, bring your ID card to the general window/);
    assert.doesNotMatch(en, /text it/);
  });

  it('the staff card names no 短信发送办件链接: the caller comes to the window', async () => {
    const { hint, found } = await staffCard(k, /不能补发办件链接/);
    assert.match(hint, /居民打电话来问的，请居民带身份证件到综合窗口/);
    assert.doesNotMatch(hint, /短信发送办件链接/);
    assert.doesNotMatch(found, /发送链接/);
  });
});

describe('the home screen at home', () => {
  const k = useKiosk({});

  it('says 我有凭条 is also where a lost web link is looked for; the kiosk keeps its scanner words', async () => {
    for (const [url, view, re, not] of [
      [`${k.url}/#/`, PHONE_VIEW, /在网上办的事找不到办件链接，也请点这里/, /扫描/],
      [`${k.url}/?kiosk=1#/`, {}, /扫描凭条上的二维码/, /网上/]]) {
      const kp = await kioskPage(k, { ...view, reuse: true });
      try {
        await atRoute(kp.page, /^#\/$/, () => kp.page.goto(url));
        const b = kp.page.locator('.code-entry button');
        const text = await b.innerText();
        assert.match(text, re, url);
        assert.doesNotMatch(text, not, url);
        await atRoute(kp.page, /^#\/code$/, () => b.click());
        kp.assertClean(url);
      } finally {
        await kp.close();
      }
    }
  });
});
