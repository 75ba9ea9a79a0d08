// From home (网上办事): the same UI on a phone (360×800, touch), opened at
// / without the kiosk flag. A resident walks the labour handbook, the case
// is on channel web, every screen of the walk shows the case link, nothing
// resets when idle, and the hand-in answers 已提交网上预审 with no ticket.
// A staffer finds it under 网上预审 on /staff and invites the resident to
// the hall on a date; the resident's link then shows the date and what to
// bring. Every phone screen: axe at zero serious/critical, no horizontal
// scroll, targets at least 44 px, text at least 16 px. The picture of the
// invitation is docs/img/phone.png ($SHOTS/web-07-invited.png).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  useKiosk, kioskPage, atRoute, h1Text, shot, axeSerious, smallTargets, smallText, horizontalOverflow, setMode,
} from './helpers.mjs';
import { addUser, login, authHeaders } from '../api/helpers.mjs';
import { ID, NAME, apiPost } from './labour-case.mjs';

const k = useKiosk();
const PHONE = { width: 360, height: 800 };
const DESKTOP = { width: 1600, height: 1000 };

// a local date, days from today (the daemon and the browser share the machine's)
function day(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

describe('a web case from a phone reaches pre-review', () => {
  let kp;
  let page;
  let caseId = '';
  const N = { n: 0 };
  const problems = [];
  const tap = (loc) => loc.tap();
  const label = (forId) => page.locator(`label[for="${forId}"]`);
  const submitStep = () => page.locator('#main form.step-form button[type=submit]');

  // the phone's rules on the screen on show; collected, asserted at the end
  // of each step so a failure names every screen at once
  async function check(name) {
    const file = await shot(page, `web-${String(++N.n).padStart(2, '0')}-${name}`);
    const bad = [
      ...(await axeSerious(page)).map((x) => `axe: ${x}`),
      ...(await smallTargets(page, 44)).map((x) => `target under 44×44: ${x}`),
      ...(await smallText(page, 16)).map((x) => `text under 16px: ${x}`),
    ];
    const over = await horizontalOverflow(page);
    if (over) bad.push(`horizontal scroll: ${over}`);
    problems.push(...bad.map((x) => `${name}: ${x}`));
    return file;
  }
  const assertNoProblems = () => assert.deepEqual(problems.splice(0), [], 'phone screens');

  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'wang', 'staff', 'wang-password-1');
    kp = await kioskPage(k, { viewport: PHONE, hasTouch: true, isMobile: true, clock: true });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.context.close(); });

  it('/ without the kiosk flag: the phone layout, home to the overview', async () => {
    await atRoute(page, /^#\/$/, () => page.goto(k.url + '/'));
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('web')), true);
    const px = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    assert.ok(px >= 16 && px < 24, `body text on a phone ${px}px`);
    await check('home');
    await atRoute(page, /^#\/c\/employment$/, () => tap(page.locator('a.tile', { hasText: '就业服务' })));
    await atRoute(page, /^#\/p\/labour-handbook$/, () => tap(page.locator('a.proc-link', { hasText: '就业创业证申领' })));
    const start = page.locator('#main .actions-overview button', { hasText: '开始办理' });
    assert.match(await start.innerText(), /网上预审/, 'the start button says what happens from home');
    await check('overview');
    assertNoProblems();
  });

  it('开始办理 starts a case on channel web, and the conditions screen shows its link', async () => {
    await atRoute(page, /^#\/case\/[0-9a-f]{32}\/conditions$/,
      () => tap(page.locator('#main .actions-overview button', { hasText: '开始办理' })));
    caseId = /^#\/case\/([0-9a-f]{32})\//.exec(await page.evaluate(() => location.hash))[1];
    const c = await (await fetch(`${k.url}/api/v1/cases/${caseId}`)).json();
    assert.equal(c.channel, 'web');
    const link = page.locator('#case-link');
    assert.equal(await link.getAttribute('href'), `${k.url}/#/case/${caseId}`);
    assert.equal((await link.innerText()).trim(), `${k.url}/#/case/${caseId}`);
    await tap(page.locator('#case-link-copy'));
    await page.locator('.case-link-said', { hasText: /已复制|已选中/ }).waitFor();
    await check('conditions');
    // 大字 on a phone: the 是/否 pairs still fit the screen's width
    await setMode(page, { lang: 'zh', big: true });
    await check('conditions-big');
    await setMode(page, { lang: 'zh', big: false });
    // 首页 mid-case: from home nothing sent is lost, and the link says how back
    await tap(page.locator('#btn-home'));
    const dialog = page.locator('.dialog[role=dialog]');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /已经完成的步骤都保存着/);
    assert.doesNotMatch(await dialog.innerText(), /会被清除/);
    assert.equal(await dialog.locator('#leave-link').getAttribute('href'), `${k.url}/#/case/${caseId}`);
    await check('leave-dialog');
    await tap(dialog.getByRole('button', { name: '继续办理' }));
    await dialog.waitFor({ state: 'detached' });
    assertNoProblems();
  });

  it('no idle reset: five minutes untouched on the case leave it as it was', async () => {
    await tap(label('cond-0-yes'));
    await page.clock.fastForward('05:00');
    await page.clock.fastForward('05:00');
    assert.equal(await page.locator('.overlay').count(), 0, 'no 还在使用吗? dialog');
    assert.match(await page.evaluate(() => location.hash), new RegExp(`^#/case/${caseId}/conditions$`));
    assert.equal(await page.locator('#cond-0-yes').isChecked(), true, 'the answer is still there');
  });

  it('walks the steps and hands it in: 已提交网上预审, no ticket, the link to keep', async () => {
    for (let i = 1; i < 3; i++) await tap(label(`cond-${i}-yes`));
    await atRoute(page, new RegExp(`^#/case/${caseId}/step/0$`), () => tap(page.locator('#main button', { hasText: '确认，下一步' })));
    assert.equal(await page.locator('#case-link').count(), 1, 'the link on a step too');
    await tap(label('f-hukou-0'));
    await tap(label('f-status-1'));
    await atRoute(page, new RegExp(`^#/case/${caseId}/step/1$`), () => tap(submitStep()));
    await tap(label('ck-id_card'));
    await tap(label('ck-hukou_book'));
    await atRoute(page, new RegExp(`^#/case/${caseId}/step/2$`), () => tap(submitStep()));
    await page.fill('#f-name', NAME);
    await page.fill('#f-id_number', ID);
    await page.fill('#f-mobile', '13800138000');
    await tap(label('f-education-2'));
    await page.fill('#f-address', '幸福路12号3单元201室');
    await check('step-form');
    await atRoute(page, new RegExp(`^#/case/${caseId}/step/3$`), () => tap(submitStep()));
    await atRoute(page, new RegExp(`^#/case/${caseId}/review$`), () => tap(submitStep()));
    await check('review');
    await atRoute(page, new RegExp(`^#/case/${caseId}/done$`),
      () => tap(page.locator('#main .actions-sticky button.btn-primary')));
    assert.equal(await h1Text(page), '已提交网上预审');
    assert.match(await page.locator('#online-status').innerText(), /网上预审中/);
    assert.equal(await page.locator('#main .ticket-number').count(), 0, 'no ticket on screen');
    assert.equal(await page.locator('#case-link').getAttribute('href'), `${k.url}/#/case/${caseId}`);
    assert.match(await page.locator('#main').innerText(), /户口簿原件/, 'what to bring');
    await check('prereview');
    const c = await (await fetch(`${k.url}/api/v1/cases/${caseId}`)).json();
    assert.equal(c.status, 'prereview');
    assert.equal(c.ticket, null);
    assertNoProblems();
  });

  it('staff see it under 网上预审 and invite the resident to the hall on a date', async () => {
    const sp = await kioskPage(k, { viewport: DESKTOP, hasTouch: false });
    const s = sp.page;
    try {
      await s.goto(k.url + '/staff');
      await s.locator('#login-name').waitFor();
      await s.fill('#login-name', 'wang');
      await s.fill('#login-pass', 'wang-password-1');
      await s.click('.login-form button[type=submit]');
      const row = s.locator(`#prereview tr[data-id="${caseId}"]`);
      await row.waitFor();
      assert.match(await row.innerText(), /就业创业证申领/);
      assert.match(await row.innerText(), /\*{14}102X/, 'the ID number masked in the list');
      // the queue comes with its own request, beside 网上预审's: counted
      // once it is drawn, or an empty table passed
      await s.locator('#queue-note', { hasText: '自动更新' }).waitFor();
      assert.equal(await s.locator('#queue tbody tr', { hasText: '就业创业证申领' }).count(), 0, 'not in the hall queue');
      await row.getByRole('button', { name: /^通知来大厅/ }).click();
      await s.locator('#invite-date').waitFor();
      assert.match(await s.locator('#case-pane .history').innerText(), /提交网上预审/);
      assert.equal(await s.locator('#case-h').innerText(), '网上办件 · 就业创业证申领（劳动手册）');
      const axeForm = await axeSerious(s);
      assert.deepEqual(axeForm, [], 'axe on the staff page with the invitation form');
      await shot(s, 'web-staff-invite');
      // a past day is refused with the server's words
      await s.fill('#invite-date', day(-1));
      await s.click('.inner-form button[type=submit]');
      await s.locator('.inner-form [role=alert]', { hasText: '不能早于今天' }).waitFor();
      await s.fill('#invite-date', day(2));
      await s.fill('#invite-note', '请带户口簿原件，到 3 号窗口');
      await s.click('.inner-form button[type=submit]');
      await s.locator('#case-pane .case-facts', { hasText: '已约来大厅' }).waitFor();
      assert.match(await s.locator('#case-pane .case-facts').innerText(), new RegExp(day(2)));
      await s.locator(`#prereview tr[data-id="${caseId}"]`, { hasText: `约 ${day(2)}` }).waitFor();
      sp.assertClean('staff');
    } finally {
      await sp.context.close();
    }
  });

  it('the resident\'s link then shows the date, the note and what to bring', async () => {
    // the page is on this case's done screen already: the old screen is
    // marked, so that the wait is for the one drawn anew (it passed on the
    // old one's 已提交网上预审 in a fresh clone's run)
    await atRoute(page, new RegExp(`^#/case/${caseId}/done$`), () => page.goto(`${k.url}/#/case/${caseId}`));
    assert.equal(await h1Text(page), '请带原件到大厅办理');
    const [y, m, d] = day(2).split('-').map(Number);
    assert.match(await page.locator('#invite-date').innerText(), new RegExp(`${y}年${m}月${d}日`));
    assert.match(await page.locator('#main').innerText(), /请带户口簿原件，到 3 号窗口/);
    assert.match(await page.locator('#main').innerText(), /户口簿原件/);
    await check('invited');
    assertNoProblems();
    kp.assertClean('phone');
  });
});

// The phone is the resident's own: a reload on a step, a tab the browser
// restored, or the case link opened days later brings the case back where
// it stands, and the review shows every answer the server holds (a yes/no,
// a date, ID numbers by their last four), none as （未填写）.
describe('a case opened again from home', () => {
  it('a reload on a step resumes the case; the review shows the saved answers', async () => {
    const post = async (p, body) => {
      const r = await fetch(k.url + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await r.text();
      assert.ok(r.ok, `${p}: ${r.status} ${text}`);
      return JSON.parse(text);
    };
    const c = await post('/api/v1/cases', { procedure: 'kinship-certificate', channel: 'web' });
    await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true, true] });
    await post(`/api/v1/cases/${c.id}/steps/0`, { fields: { relation: '父母子女', deceased: 'yes' } });
    const kp = await kioskPage(k, { viewport: PHONE, hasTouch: true, isMobile: true, reuse: true });
    try {
      const page = kp.page;
      // step 2 (材料) bookmarked or restored: the case opens at the first step not done
      await page.goto(`${k.url}/#/case/${c.id}/step/2`);
      await atRoute(page, new RegExp(`^#/case/${c.id}/step/1$`));
      await post(`/api/v1/cases/${c.id}/steps/1`, { checklist: { id_card: true, relation_proof: true, death_proof: true } });
      await post(`/api/v1/cases/${c.id}/steps/2`, {
        fields: {
          name: NAME, id_number: ID, mobile: '13800138000', other_name: '张大山',
          other_id: '110105195001011234', death_date: '2025-02-28', usage: '办理继承',
        },
      });
      await page.reload();
      await atRoute(page, new RegExp(`^#/case/${c.id}/(step/3|review)$`));
      if (/step\/3$/.test(await page.evaluate(() => location.hash))) {
        await atRoute(page, new RegExp(`^#/case/${c.id}/review$`),
          () => page.locator('#main form.step-form button[type=submit]').tap());
      }
      const text = await page.locator('#main').innerText();
      await shot(page, 'web-reopened-review');
      assert.doesNotMatch(text, /未填写/, text);
      assert.match(text, /对方是否已经去世\s*是/);
      assert.match(text, /对方去世日期\s*2025年2月28日/);
      assert.match(text, /\*{14}102X/, 'the applicant\'s ID by its last four');
      assert.match(text, /\*{14}1234/);
      // on the phone an answer sits under its label: a number is not split
      for (const v of ['**************102X', '13800138000']) {
        const dd = page.locator('.answers-list dd', { hasText: v });
        const box = await dd.boundingBox();
        const lh = await dd.evaluate((e) => parseFloat(getComputedStyle(e).lineHeight));
        assert.ok(box.height < lh * 1.5, `${v} on one line (${box.height}px, line ${lh}px)`);
      }
      kp.assertClean('phone');
    } finally {
      await kp.close();
    }
  });

  // A case opened again has no answers of this screen's own: 不改了 on a
  // step edited from the review put back an empty step, and the next 修改
  // showed every box empty and every paper unticked, as if the saved
  // answers were gone (保存 then refused them all as missing).
  it('修改, 不改了, 修改 again: the saved answers are still in the boxes', async () => {
    const c = await apiPost(k.url, '/api/v1/cases', { procedure: 'labour-handbook', channel: 'web' });
    await apiPost(k.url, `/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true, true] });
    await apiPost(k.url, `/api/v1/cases/${c.id}/steps/0`, { fields: { hukou: '本市户籍', status: '失业' } });
    await apiPost(k.url, `/api/v1/cases/${c.id}/steps/1`, { checklist: { id_card: true, hukou_book: true } });
    await apiPost(k.url, `/api/v1/cases/${c.id}/steps/2`, {
      fields: { name: NAME, id_number: ID, mobile: '13800138000', education: '高中', address: '幸福路12号3单元201室' },
    });
    await apiPost(k.url, `/api/v1/cases/${c.id}/steps/3`, {});
    const kp = await kioskPage(k, { viewport: PHONE, hasTouch: true, isMobile: true, reuse: true });
    try {
      const page = kp.page;
      const review = new RegExp(`^#/case/${c.id}/review$`);
      await atRoute(page, review, () => page.goto(`${k.url}/#/case/${c.id}`));
      const edit = (title) => page.locator('#main .review-card', { hasText: title }).getByRole('button', { name: /修改/ });
      const cancel = () => page.locator('#main .actions').getByRole('button', { name: '不改了，返回核对' }).tap();
      for (const [title, n] of [['填写登记表', 2], ['准备材料', 1]]) {
        const step = new RegExp(`^#/case/${c.id}/step/${n}$`);
        for (let round = 1; round <= 2; round++) {
          await atRoute(page, step, () => edit(title).tap());
          if (n === 2) {
            assert.equal(await page.locator('#f-name').inputValue(), NAME, `${title}, 修改 #${round}`);
            assert.equal(await page.locator('#f-mobile').inputValue(), '13800138000', `${title}, 修改 #${round}`);
            assert.equal(await page.locator('#f-education-2').isChecked(), true, `${title}, 修改 #${round}`);
          } else {
            assert.equal(await page.locator('#ck-id_card').isChecked(), true, `${title}, 修改 #${round}`);
            assert.equal(await page.locator('#ck-hukou_book').isChecked(), true, `${title}, 修改 #${round}`);
          }
          await atRoute(page, review, cancel);
        }
      }
      kp.assertClean('phone');
    } finally {
      await kp.close();
    }
  });

  // The phone's back button leaves a step edited from the review without
  // saving it: the review showed the unsaved yes/no and date of a case
  // opened again as if they were the answers, while 确认提交 hands in the
  // saved ones.
  it('an edit left with the back button, unsaved, is not what the review shows', async () => {
    const c = await apiPost(k.url, '/api/v1/cases', { procedure: 'kinship-certificate', channel: 'web' });
    await apiPost(k.url, `/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true, true] });
    await apiPost(k.url, `/api/v1/cases/${c.id}/steps/0`, { fields: { relation: '父母子女', deceased: 'yes' } });
    await apiPost(k.url, `/api/v1/cases/${c.id}/steps/1`, { checklist: { id_card: true, relation_proof: true, death_proof: true } });
    await apiPost(k.url, `/api/v1/cases/${c.id}/steps/2`, {
      fields: {
        name: NAME, id_number: ID, mobile: '13800138000', other_name: '张大山',
        other_id: '110105195001011234', death_date: '2025-02-28', usage: '办理继承',
      },
    });
    await apiPost(k.url, `/api/v1/cases/${c.id}/steps/3`, {});
    const kp = await kioskPage(k, { viewport: PHONE, hasTouch: true, isMobile: true, reuse: true });
    try {
      const page = kp.page;
      const review = new RegExp(`^#/case/${c.id}/review$`);
      await atRoute(page, review, () => page.goto(`${k.url}/#/case/${c.id}`));
      const edit = (title) => page.locator('#main .review-card', { hasText: title }).getByRole('button', { name: /修改/ });
      await atRoute(page, new RegExp(`^#/case/${c.id}/step/2$`), () => edit('填写申请信息').tap());
      await page.locator('#f-death_date-y').fill('2024');
      await atRoute(page, review, () => page.goBack());
      await atRoute(page, new RegExp(`^#/case/${c.id}/step/0$`), () => edit('说明亲属关系').tap());
      await page.locator('label[for="f-deceased-1"]').tap();
      await atRoute(page, review, () => page.goBack());
      const text = await page.locator('#main').innerText();
      assert.match(text, /对方是否已经去世\s*是/, text);
      assert.match(text, /对方去世日期\s*2025年2月28日/, text);
      kp.assertClean('phone');
    } finally {
      await kp.close();
    }
  });
});

// The window returned a case for its bank card number (flagged): the card
// box starts empty, to be typed anew, but its confirmation (same_as) kept
// the old number, masked (***3445): the new number was then refused as
// 不一致 beside a box of stars the resident could not read or fix but by
// clearing it, which nothing said.
describe('a returned card number, from home', () => {
  it('the confirmation of a flagged number starts empty with it', async () => {
    const c = await apiPost(k.url, '/api/v1/cases', { procedure: 'flexible-employment-insurance', channel: 'web' });
    await apiPost(k.url, `/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true, true] });
    await apiPost(k.url, `/api/v1/cases/${c.id}/steps/0`, { fields: { insurance: '只参加养老保险', other_place: 'no' } });
    await apiPost(k.url, `/api/v1/cases/${c.id}/steps/1`, { checklist: { id_card: true, own_account: true } });
    await apiPost(k.url, `/api/v1/cases/${c.id}/steps/2`, {
      fields: {
        name: NAME, id_number: ID, mobile: '13800138000', start_date: '2025-01-01', base_level: '60%',
        bank_card: '6222020200112233445', bank_card2: '6222020200112233445',
      },
    });
    await apiPost(k.url, `/api/v1/cases/${c.id}/steps/3`, {});
    await apiPost(k.url, `/api/v1/cases/${c.id}/submit`, { prereview: true });
    const s = await login(k.url, 'wang', 'wang-password-1');
    await apiPost(k.url, `/api/v1/staff/cases/${c.id}/return`,
      { reason: '银行卡号有误，请重新填写', fields: ['bank_card'] }, authHeaders(s));
    const kp = await kioskPage(k, { viewport: PHONE, hasTouch: true, isMobile: true, reuse: true });
    try {
      const page = kp.page;
      await atRoute(page, /\/returned$/, () => page.goto(`${k.url}/#/case/${c.id}`));
      await atRoute(page, /\/step\/2$/, () => page.getByRole('button', { name: '开始修改' }).tap());
      assert.equal(await page.inputValue('#f-bank_card'), '');
      assert.equal(await page.inputValue('#f-bank_card2'), '', 'the confirmation is typed anew too');
      // what was not flagged stays as the server holds it
      assert.equal(await page.inputValue('#f-id_number'), '**************102X');
      await page.fill('#f-bank_card', '6222020200999999999');
      await page.fill('#f-bank_card2', '6222020200999999999');
      await atRoute(page, /\/(step\/3|review)$/, () => page.locator('#main form.step-form button[type=submit]').tap());
      kp.assertClean('phone');
    } finally {
      await kp.close();
    }
  });

  // the same when the resident changes the number of their own accord: the
  // masked confirmation of the old one goes as soon as the number is edited
  it('a masked confirmation empties once the number it repeats is edited', async () => {
    const c = await apiPost(k.url, '/api/v1/cases', { procedure: 'flexible-employment-insurance', channel: 'web' });
    await apiPost(k.url, `/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true, true] });
    await apiPost(k.url, `/api/v1/cases/${c.id}/steps/0`, { fields: { insurance: '只参加养老保险', other_place: 'no' } });
    await apiPost(k.url, `/api/v1/cases/${c.id}/steps/1`, { checklist: { id_card: true, own_account: true } });
    await apiPost(k.url, `/api/v1/cases/${c.id}/steps/2`, {
      fields: {
        name: NAME, id_number: ID, mobile: '13800138000', start_date: '2025-01-01', base_level: '60%',
        bank_card: '6222020200112233445', bank_card2: '6222020200112233445',
      },
    });
    const kp = await kioskPage(k, { viewport: PHONE, hasTouch: true, isMobile: true, reuse: true });
    try {
      const page = kp.page;
      await atRoute(page, /\/step\/3$/, () => page.goto(`${k.url}/#/case/${c.id}`));
      await atRoute(page, /\/step\/2$/, () => page.getByRole('button', { name: '上一步' }).tap());
      assert.equal(await page.inputValue('#f-bank_card2'), '***************3445');
      // another field edited: the confirmation stays
      await page.fill('#f-mobile', '13900139000');
      assert.equal(await page.inputValue('#f-bank_card2'), '***************3445');
      await page.fill('#f-bank_card', '6222020200999999999');
      assert.equal(await page.inputValue('#f-bank_card2'), '', 'the old number\'s confirmation went');
      assert.doesNotMatch(await page.locator('#f-bank_card2-hint').innerText(), /已经填过/);
      await page.fill('#f-bank_card2', '6222020200999999999');
      await atRoute(page, /\/step\/3$/, () => page.locator('#main form.step-form button[type=submit]').tap());
      const held = await (await fetch(`${k.url}/api/v1/cases/${c.id}`)).json();
      assert.equal(held.values.bank_card2, '***************9999');
      kp.assertClean('phone');
    } finally {
      await kp.close();
    }
  });
});

describe('a paper missing, from home', () => {
  it('材料没带齐? offers online pre-review, not a number, and hands the case in as it is', async () => {
    const post = async (p, body) => {
      const r = await fetch(k.url + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.ok(r.ok, `${p}: ${r.status}`);
      return r.json();
    };
    const c = await post('/api/v1/cases', { procedure: 'labour-handbook', channel: 'web' });
    await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true, true] });
    await post(`/api/v1/cases/${c.id}/steps/0`, { fields: { hukou: '本市户籍', status: '失业' } });
    const kp = await kioskPage(k, { viewport: PHONE, hasTouch: true, isMobile: true, reuse: true });
    try {
      const page = kp.page;
      await atRoute(page, /\/step\/1$/, () => page.goto(`${k.url}/#/case/${c.id}`));
      await page.locator('label[for="ck-id_card"]').tap();
      await page.locator('#main form.step-form button[type=submit]').tap();
      const panel = page.locator('#missing-panel');
      await panel.waitFor();
      assert.equal(await panel.getByRole('button', { name: /先取号/ }).count(), 0, 'no number from home');
      await panel.getByRole('button', { name: /先提交网上预审/ }).tap();
      // the step's page stays until the done page replaces it: wait for that,
      // not for the hash alone (which moves first)
      await atRoute(page, /\/done$/,
        () => page.locator('.dialog-confirm').getByRole('button', { name: '提交', exact: true }).tap());
      assert.equal(await h1Text(page), '已提交网上预审');
      const got = await (await fetch(`${k.url}/api/v1/cases/${c.id}`)).json();
      assert.equal(got.status, 'prereview');
      assert.equal(got.ticket, null);
      assert.deepEqual(got.missing_items.map((x) => x.id), ['hukou_book']);
      assert.deepEqual(await axeSerious(page), []);
      // returned from pre-review: its page spoke of keeping a queue number
      // it never had (a resident's review)
      const s = await login(k.url, 'wang', 'wang-password-1');
      const ret = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/return`, {
        method: 'POST', headers: authHeaders(s), body: JSON.stringify({ reason: '请补充户口簿首页的照片' }),
      });
      assert.equal(ret.status, 200, await ret.text());
      await atRoute(page, /\/returned$/, () => page.goto(`${k.url}/#/case/${c.id}`));
      const text = await page.locator('#main').innerText();
      assert.ok(text.includes('请补充户口簿首页的照片'), text);
      assert.ok(!text.includes('排队号'), `no queue number for a web case: ${text}`);
      kp.assertClean('web missing');
    } finally {
      await kp.close();
    }
  });
});

// 上一题 on a phone: a review found it made a new history entry, so the
// phone's own back button then went forward again to the question just
// left. It steps back through the history now: the entries do not grow,
// and back from the first question leaves the triage.
describe('the triage on a phone', () => {
  it('上一题 steps back through the history instead of adding to it', async () => {
    const kp = await kioskPage(k, { viewport: PHONE, hasTouch: true, isMobile: true, reuse: true });
    try {
      const page = kp.page;
      const entries = () => page.evaluate(() => history.length);
      await atRoute(page, /^#\/$/, () => page.goto(k.url + '/'));
      await atRoute(page, /^#\/triage$/, () => page.locator('#main .triage-entry button', { hasText: '不知道办什么' }).tap());
      await atRoute(page, /^#\/triage\/work$/, () => page.locator('#main a.answer', { hasText: '工作方面' }).tap());
      await atRoute(page, /^#\/triage\/work-hukou$/, () => page.locator('#main a.answer', { hasText: '登记找工作' }).tap());
      const n = await entries();
      const prev = () => page.locator('#main button', { hasText: '上一题' }).tap();
      await atRoute(page, /^#\/triage\/work$/, prev);
      await atRoute(page, /^#\/triage$/, prev);
      assert.equal(await entries(), n, 'no entry added by 上一题');
      assert.equal(await page.locator('#main button', { hasText: '上一题' }).count(), 0, 'none on the first question');
      // the phone's back button now leaves the triage, it does not go forward to 第二题
      await atRoute(page, /^#\/$/, () => page.goBack());
      // an end screen's 上一题 goes back to its question the same way
      await atRoute(page, /^#\/triage$/, () => page.locator('#main .triage-entry button', { hasText: '不知道办什么' }).tap());
      await atRoute(page, /^#\/triage\/start\/end\/\d+$/, () => page.locator('#main a.answer').last().tap());
      await atRoute(page, /^#\/triage$/, prev);
      await atRoute(page, /^#\/$/, () => page.goBack());
      kp.assertClean('phone triage');
    } finally {
      await kp.close();
    }
  });
});
