// Every kiosk screen, in 中文 and English, normal and 大字, at 1080×1920:
// - axe-core: no violation with impact serious or critical;
// - every visible button, link, input and checkbox/radio label ≥ 60×60 px;
// - every visible text ≥ 24 px (≥ 32 px with 大字, docs/kiosk.md);
// - no horizontal scroll;
// and no request goes to a host other than the daemon. The server's print
// pages (/print/procedures/ID, /print/cases/ID) get axe as they are.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  useKiosk, kioskPage, atRoute, shot, getMode, setMode, axeSerious, smallTargets, smallText,
  horizontalOverflow, PORTRAIT,
} from './helpers.mjs';

const k = useKiosk();

// Each neighbour differs by one switch, so any start walks all four with
// three taps.
const CYCLE = [
  { lang: 'zh', big: false, tag: 'zh' },
  { lang: 'zh', big: true, tag: 'zh-big' },
  { lang: 'en', big: true, tag: 'en-big' },
  { lang: 'en', big: false, tag: 'en' },
];

describe('accessibility and size rules on every kiosk screen', () => {
  let kp;
  let page;
  let caseId = '';
  let screenNo = 0;
  const tap = (loc) => loc.tap();
  const label = (forId) => page.locator(`label[for="${forId}"]`);
  const submitStep = () => page.locator('#main form.step-form button[type=submit]');
  const hashTo = (h, re) => atRoute(page, re, () => page.evaluate((x) => { location.hash = x; }, h));

  before(async () => {
    kp = await kioskPage(k, { viewport: PORTRAIT, hasTouch: true });
    page = kp.page;
    await atRoute(page, /^#\/$/, () => page.goto(k.url + '/?kiosk=1'));
  });
  after(async () => { if (kp) await kp.context.close(); });

  // Checks the screen on show in all four modes. prepare() runs after each
  // mode switch (to open a dialog, or to bring back a state the switch
  // redraws away); cleanup() before the next switch. Fails with every
  // problem of every mode listed.
  async function checkScreen(name, { prepare, cleanup, dialog = false } = {}) {
    const no = String(++screenNo).padStart(2, '0');
    const cur = await getMode(page);
    let i = CYCLE.findIndex((m) => (m.lang === 'en') === (cur.lang === 'en') && m.big === cur.big);
    const problems = [];
    for (let n = 0; n < 4; n++, i = (i + 1) % 4) {
      const mode = CYCLE[i];
      await setMode(page, mode);
      if (prepare) await prepare(mode);
      const minText = mode.big ? 32 : 24;
      const where = `${name} [${mode.tag}]`;
      for (const v of await axeSerious(page)) problems.push(`${where} axe ${v}`);
      for (const v of await smallTargets(page)) problems.push(`${where} target under 60×60: ${v}`);
      for (const v of await smallText(page, minText)) problems.push(`${where} text under ${minText}px: ${v}`);
      const o = await horizontalOverflow(page);
      if (o) problems.push(`${where} horizontal scroll: ${o}`);
      if (mode.tag === 'zh' || mode.tag === 'en-big') await shot(page, `a11y-${no}-${name}-${mode.tag}`, { fullPage: !dialog });
      if (cleanup) await cleanup(mode);
    }
    assert.deepEqual(problems, [], `${problems.length} problems:\n${problems.join('\n')}`);
  }

  async function ensureErrorSummary(trigger) {
    if (await page.locator('#error-summary').count() === 0) {
      await trigger();
      await page.locator('#error-summary').waitFor();
    }
  }

  it('home', async () => {
    await checkScreen('home');
  });

  it('search results (劳动)', async () => {
    await tap(page.locator('#search-q'));
    await page.keyboard.type('劳动');
    await page.locator('#main .search-results a.proc-link').first().waitFor();
    await checkScreen('search-results');
    await page.fill('#search-q', '火星移民');
    await page.locator('#main .search-results .notice').waitFor();
    await checkScreen('search-nothing');
  });

  it('the error screen (an unknown procedure)', async () => {
    await hashTo('#/p/no-such-procedure', /^#\/p\/no-such-procedure$/);
    await page.locator('#main .notice-error').waitFor();
    // a 404 stays one: no 重试, home is the way on
    assert.equal(await page.locator('#main button', { hasText: '重试' }).count(), 0);
    assert.equal(await page.locator('#main .actions .btn-primary', { hasText: '返回首页' }).count(), 1);
    await checkScreen('error');
  });

  it('category list', async () => {
    await hashTo('#/c/employment', /^#\/c\/employment$/);
    await checkScreen('category');
  });

  it('policy documents and a policy', async () => {
    await hashTo('#/policies', /^#\/policies$/);
    await checkScreen('policies');
    await hashTo('#/p/longevity-allowance-standard', /^#\/p\/longevity-allowance-standard$/);
    // not a dead end: the items of its category that can be done here
    const doable = page.locator('#main .policy-doable a.proc-link', { hasText: '高龄津贴申领' });
    await doable.waitFor();
    assert.equal(await page.locator('#main .policy-doable .badge').count(), 0, 'no policy among them');
    await checkScreen('policy-overview');
    await atRoute(page, /^#\/p\/longevity-allowance$/, () => tap(doable));
    // a material that depends on an answer says which answer, not 部分情况需要
    const agent = page.locator('#main .materials-list li', { hasText: '代办人居民身份证原件' });
    assert.match(await agent.innerText(), /（「是否由家人或他人代办」选「是」时需要）/);
  });

  it('triage: first question, a follow-up question, an end', async () => {
    await hashTo('#/triage', /^#\/triage$/);
    await checkScreen('triage-question');
    await atRoute(page, /^#\/triage\/work$/, () => tap(page.locator('#main a.answer').first()));
    await checkScreen('triage-question-2');
    await hashTo('#/triage', /^#\/triage$/);
    await atRoute(page, /^#\/triage\/start\/end\/\d+$/, () => tap(page.locator('#main a.answer').last()));
    await checkScreen('triage-end');
  });

  it('procedure overview and its one-time notice', async () => {
    await hashTo('#/p/labour-handbook', /^#\/p\/labour-handbook$/);
    await checkScreen('overview');
    await hashTo('#/p/labour-handbook/print', /^#\/p\/labour-handbook\/print$/);
    await checkScreen('notice-preview');
    await hashTo('#/p/labour-handbook', /^#\/p\/labour-handbook$/);
  });

  it('conditions, without and with errors', async () => {
    await atRoute(page, /^#\/case\/[0-9a-f]{32}\/conditions$/,
      () => tap(page.locator('#main .actions-overview button').first()));
    caseId = /^#\/case\/([0-9a-f]{32})\//.exec(await page.evaluate(() => location.hash))[1];
    await checkScreen('conditions');
    const next = () => tap(page.locator('#main form.step-form button.btn-primary'));
    await checkScreen('conditions-errors', { prepare: () => ensureErrorSummary(next) });
    for (let i = 0; i < 3; i++) await tap(label(`cond-${i}-yes`));
    await atRoute(page, /\/step\/0$/, next);
  });

  it('step 1 (choices), without and with errors', async () => {
    await checkScreen('step1');
    await checkScreen('step1-errors', { prepare: () => ensureErrorSummary(() => tap(submitStep())) });
    await tap(label('f-hukou-0'));
    await tap(label('f-status-0'));
    await atRoute(page, /\/step\/1$/, () => tap(submitStep()));
  });

  it('step 2 (materials), without and with errors', async () => {
    await checkScreen('step2');
    await checkScreen('step2-errors', { prepare: () => ensureErrorSummary(() => tap(submitStep())) });
    for (const id of ['ck-id_card', 'ck-hukou_book', 'ck-contract']) {
      if (!(await page.locator(`#${id}`).isChecked())) await tap(label(id));
    }
    await atRoute(page, /\/step\/2$/, () => tap(submitStep()));
  });

  it('step 3 (form), without and with errors', async () => {
    await checkScreen('step3');
    await page.fill('#f-name', '王五');
    await page.fill('#f-id_number', '110105198503151021');
    await page.fill('#f-mobile', '1380013800');
    await page.fill('#f-address', '幸福路');
    await checkScreen('step3-errors', { prepare: () => ensureErrorSummary(() => tap(submitStep())) });
    await page.fill('#f-id_number', '11010519850315102X');
    await page.fill('#f-mobile', '13800138000');
    await page.fill('#f-address', '幸福路12号3单元201室');
    await page.fill('#f-employer', '幸福食品有限公司');
    await tap(label('f-education-5'));
    await atRoute(page, /\/step\/3$/, () => tap(submitStep()));
  });

  it('step 4 (nothing to fill) and review', async () => {
    await checkScreen('step4');
    await atRoute(page, /\/review$/, () => tap(submitStep()));
    await checkScreen('review');
  });

  it('the 首页 dialog during a case', async () => {
    const dlg = page.locator('.overlay [role=dialog]');
    await checkScreen('leave-dialog', {
      dialog: true,
      prepare: async () => { await tap(page.locator('#btn-home')); await dlg.waitFor(); },
      cleanup: async () => {
        await tap(dlg.locator('button.btn-primary'));
        await dlg.waitFor({ state: 'detached' });
      },
    });
    assert.match(await page.evaluate(() => location.hash), /\/review$/);
  });

  it('the ticket (no rating before the service), the slip preview', async () => {
    await atRoute(page, /\/done$/, () => tap(page.locator('#main .actions-sticky button.btn-primary')));
    await checkScreen('ticket');
    assert.equal(await page.locator('#main .rating').count(), 0, 'the rating comes after the service');
    await atRoute(page, /\/slip$/, () => tap(page.locator('#main .done-main a.btn')));
    await checkScreen('slip-preview');
  });

  it('the server print pages: the one-time notice and the slip', async () => {
    const problems = [];
    for (const [name, p] of [['print-notice', '/print/procedures/labour-handbook'], ['print-slip', `/print/cases/${caseId}`]]) {
      const r = await page.goto(k.url + p);
      assert.equal(r.status(), 200, p);
      for (const v of await axeSerious(page)) problems.push(`${p}: axe ${v}`);
      await shot(page, `a11y-${String(++screenNo).padStart(2, '0')}-${name}`);
    }
    assert.deepEqual(problems, [], problems.join('\n'));
  });

  it('a condition answered 否: the screen that says where to ask', async () => {
    await atRoute(page, /^#\/p\/labour-handbook$/, () => page.goto(k.url + '/?kiosk=1#/p/labour-handbook'));
    await atRoute(page, /\/conditions$/, () => tap(page.locator('#main .actions-overview button').first()));
    await tap(label('cond-0-yes'));
    await tap(label('cond-1-no'));
    await tap(label('cond-2-yes'));
    await atRoute(page, /\/unmet$/, () => tap(page.locator('#main form.step-form button.btn-primary')));
    await checkScreen('unmet');
  });

  it('nothing was loaded from outside the daemon, no page errors', () => {
    kp.assertClean('a11y');
  });
});
