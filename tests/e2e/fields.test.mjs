// How a form marks what may be left empty (issue #9): only an optional field
// carries a tag, (可不填) in Chinese and (optional) in English, as GOV.UK
// does; a required one carries aria-required and no word. The case is made
// through the API and opened by its code, the way a resident comes back.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, kioskPage, atRoute, axeSerious, setMode, shot, poll, LANDSCAPE, smallTargets } from './helpers.mjs';
import { apiPost, oldId } from './labour-case.mjs';

const k = useKiosk();

async function post(p, body) {
  const r = await fetch(`${k.url}${p}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  const text = await r.text();
  assert.ok(r.ok, `${p}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

describe('a choice left empty asks to choose', () => {
  it('请选择, not 请填写, for a choice or yes/no (the server\'s words)', async () => {
    const c = await post('/api/v1/cases', { procedure: 'remote-medical-filing', channel: 'kiosk' });
    await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true] });
    const r = await fetch(`${k.url}/api/v1/cases/${c.id}/steps/0`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ fields: {} }),
    });
    assert.equal(r.status, 422);
    assert.equal((await r.json()).fields.filing_type, '请选择备案类型');
  });
});

describe('the form marks optional fields only', () => {
  let kp;
  let page;
  let id;

  before(async () => {
    const c = await post('/api/v1/cases', { procedure: 'remote-medical-filing', channel: 'kiosk' });
    id = c.id;
    await post(`/api/v1/cases/${id}/conditions`, { confirmed: [true, true] });
    await post(`/api/v1/cases/${id}/steps/0`, { fields: { filing_type: '临时外出就医' } });
    await post(`/api/v1/cases/${id}/steps/1`, { checklist: { id_card: true } });
    kp = await kioskPage(k);
    page = kp.page;
  });
  after(async () => { if (kp) await kp.context.close(); });

  it('（可不填） beside the e-mail, nothing beside the required fields', async () => {
    await atRoute(page, /^#\/case\/[0-9a-f]+\/step\/2$/, () => page.goto(`${k.url}/?kiosk=1#/case/${id}`));
    const tags = await page.locator('#main form.step-form .tag').allInnerTexts();
    assert.deepEqual(tags, ['（可不填）'], tags.join(' '));
    const emailLabel = await page.locator('label[for="f-email"]').innerText();
    assert.ok(emailLabel.includes('可不填'), emailLabel);
    assert.ok(!(await page.locator('label[for="f-name"]').innerText()).includes('填'));
    assert.equal(await page.locator('#f-name').getAttribute('aria-required'), 'true');
    assert.equal(await page.locator('#f-email').getAttribute('aria-required'), null);
    assert.deepEqual(await axeSerious(page), []);
    await shot(page, 'fields-optional-zh');
  });

  it('a date error speaks of the box to fix, and its link goes there', async () => {
    const y = new Date().getFullYear() + 1;
    await page.fill('#f-name', '张三');
    await page.fill('#f-id_number', '11010519850315102X');
    await page.fill('#f-mobile', '13800138000');
    await page.fill('#f-mobile2', '13800138000');
    await page.fill('#f-place', '广东省广州市');
    await page.fill('#f-start_date-y', '27');
    await page.fill('#f-start_date-m', '2');
    await page.fill('#f-start_date-d', '30');
    // the keypad is up under the date (a touch page): the press on 下一步
    // must not lose its click to the keypad leaving (keypad.js)
    assert.equal(await page.locator('.keypad').count(), 1);
    await page.click('#main form.step-form button[type=submit]');
    const link = page.locator('#error-summary a');
    await poll(async () => assert.equal(await link.count(), 1));
    assert.equal(await link.innerText(), '备案开始日期的“年”框请填 4 位数字，如 1985');
    assert.equal(await link.getAttribute('href'), '#f-start_date-y');
    await link.click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'f-start_date-y');

    // the right shape but no such day: the server's date_not_real, by the box
    await page.fill('#f-start_date-y', String(y));
    await page.click('#main form.step-form button[type=submit]');
    await poll(async () => assert.ok((await link.innerText()).includes('没有')));
    assert.equal(await link.innerText(), '备案开始日期：2 月没有 30 日，请核对“日”框');
    assert.equal(await link.getAttribute('href'), '#f-start_date-d');

    // a slip of the finger in the year (1026 for 2026): the server's
    // date_not_real too (no year before 1900), but the day is right; it
    // said 3 月没有 1 日 and sent the resident to the day's box
    await page.fill('#f-start_date-y', '1026');
    await page.fill('#f-start_date-m', '3');
    await page.fill('#f-start_date-d', '1');
    await page.click('#main form.step-form button[type=submit]');
    await poll(async () => assert.ok((await link.innerText()).includes('1026')));
    assert.equal(await link.innerText(), '备案开始日期的“年”框填的是 1026 年，请核对');
    assert.equal(await link.getAttribute('href'), '#f-start_date-y');
    assert.deepEqual(await axeSerious(page), []);
  });

  it('in English the tag reads (optional), and one error is 1 thing', async () => {
    await setMode(page, { lang: 'en', big: false });
    const tags = await page.locator('#main form.step-form .tag').allInnerTexts();
    assert.deepEqual(tags, ['(optional)'], tags.join(' '));
    // one error is one thing, not '1 things'
    assert.equal(await page.locator('#error-summary h2').innerText(), '1 thing needs changing');
    kp.assertClean('fields');
  });
});

// An ID number pasted as people write it in a message, in groups
// (110105 19850315 102X): the server takes it (spaces ignored), but the
// box's 18-character limit cut the paste at the 18th character, spaces
// counted, and the resident who pasted all 18 digits was told 现在是 16 位.
describe('an ID number pasted in groups', () => {
  it('keeps every digit: the spaces go, the limit counts the digits', async () => {
    const c = await post('/api/v1/cases', { procedure: 'labour-handbook', channel: 'web' });
    await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true, true] });
    await post(`/api/v1/cases/${c.id}/steps/0`, { fields: { hukou: '本市户籍', status: '失业' } });
    await post(`/api/v1/cases/${c.id}/steps/1`, { checklist: { id_card: true, hukou_book: true } });
    const kp = await kioskPage(k, { viewport: { width: 390, height: 844 }, isMobile: true });
    try {
      const { page } = kp;
      await kp.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: k.url });
      await atRoute(page, /\/step\/2$/, () => page.goto(`${k.url}/#/case/${c.id}`));
      await page.evaluate(() => navigator.clipboard.writeText('110105 19850315 102x'));
      await page.focus('#f-id_number');
      await page.keyboard.press('ControlOrMeta+V');
      await poll(async () => assert.equal(await page.inputValue('#f-id_number'), '11010519850315102X'));
      // pasted over a selection, the rest is kept and the limit still holds
      await page.locator('#f-id_number').evaluate((e) => e.setSelectionRange(0, 6));
      await page.evaluate(() => navigator.clipboard.writeText('3706 02'));
      await page.keyboard.press('ControlOrMeta+V');
      await poll(async () => assert.equal(await page.inputValue('#f-id_number'), '37060219850315102X'));
      await page.evaluate(() => navigator.clipboard.writeText('9999'));
      await page.keyboard.press('ControlOrMeta+V');
      assert.equal(await page.inputValue('#f-id_number'), '37060219850315102X', 'nothing beyond 18');
      kp.assertClean('paste');
    } finally {
      await kp.context.close();
    }
  });
});

// ── was date-words.test.mjs (one file on this daemon: a node process, a daemon and a context less)
// A date after its bound (居住证明's 开始在此居住的日期, not_after=today): the
// resident typed 2030, 1, 1 into the 年, 月, 日 boxes and was told
// 「…不能晚于今天（2026-12-07）…」, a code to an elder beside boxes whose hint
// reads 如 1950 年 3 月 8 日. The message gives the day in words, and so
// does the hint of a fixed bound (医疗救助's 出院日期, not_before=2025-01-01).
// Landscape 1366×768, touch, the kiosk's keypad.
describe('a future date at the kiosk', () => {
  let kp, page, id;
  before(async () => {
    const post = (p, body) => apiPost(k.url, p, body);
    const c = await post('/api/v1/cases', { procedure: 'residence-certificate', channel: 'kiosk' });
    id = c.id;
    await post(`/api/v1/cases/${id}/conditions`, { confirmed: [true, true, true] });
    await post(`/api/v1/cases/${id}/steps/0`, { fields: { purpose: '办理居住证' } });
    await post(`/api/v1/cases/${id}/steps/1`, { checklist: { id_card: true, housing_proof: true } });
    kp = await kioskPage(k, { viewport: { width: 1366, height: 768 }, hasTouch: true, reuse: true });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.close(); });

  it('is refused with today in 年月日, beside the boxes and in the summary', async () => {
    await atRoute(page, /^#\/case\/[0-9a-f]{32}\/step\/2$/, () => page.goto(`${k.url}/?kiosk=1#/case/${id}`));
    await page.fill('#f-name', '王秀英');
    await page.fill('#f-id_number', '110105194803151023');
    await page.fill('#f-mobile', '13800138000');
    await page.fill('#f-address', '幸福路12号3单元201室');
    await page.locator('#f-live_since-y').tap();
    const pad = page.locator('#main .keypad');
    await pad.waitFor();
    for (const d of '20300101') await pad.getByRole('button', { name: d, exact: true }).tap();
    await page.locator('#main form.step-form button[type=submit]').tap();
    const err = page.locator('#f-live_since-error');
    await err.waitFor();
    // the page's today (the hall's zone, as the daemon's)
    const [y, m, d] = (await page.evaluate(() => {
      const n = new Date();
      return [n.getFullYear(), n.getMonth() + 1, n.getDate()];
    }));
    const want = `开始在此居住的日期不能晚于今天（${y}年${m}月${d}日），请核对后重新填写`;
    assert.match(await err.innerText(), new RegExp(want.replace(/[()（）]/g, '\\$&')));
    assert.match(await page.locator('#error-summary').innerText(), new RegExp(want.replace(/[()（）]/g, '\\$&')));
    assert.doesNotMatch(await err.innerText(), /\d{4}-\d{2}-\d{2}/);
    await shot(page, 'date-words-error', { fullPage: false });
    kp.assertClean('future date');
  });
});

describe('a fixed date bound in the hint', () => {
  let kp, page, id;
  before(async () => {
    const post = (p, body) => apiPost(k.url, p, body);
    const c = await post('/api/v1/cases', { procedure: 'medical-assistance', channel: 'kiosk' });
    id = c.id;
    await post(`/api/v1/cases/${id}/conditions`, { confirmed: [true, true, true] });
    await post(`/api/v1/cases/${id}/steps/0`, { fields: { identity: '低保对象' } });
    await post(`/api/v1/cases/${id}/steps/1`, { checklist: {
      id_card: true, hospital_invoices: true, discharge_record: true, settlement_statement: true, payment_card: true,
    } });
    kp = await kioskPage(k, { viewport: { width: 1366, height: 768 }, hasTouch: true, reuse: true });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.close(); });

  it('reads 不能早于 2025年1月1日', async () => {
    await atRoute(page, /^#\/case\/[0-9a-f]{32}\/step\/2$/, () => page.goto(`${k.url}/?kiosk=1#/case/${id}`));
    const hint = await page.locator('#f-discharge-wrap .hint').innerText();
    assert.match(hint, /不能早于 2025年1月1日/, hint);
    assert.doesNotMatch(hint, /\d{4}-\d{2}-\d{2}/, hint);
    kp.assertClean('fixed bound hint');
  });
});

// ── was digit-pattern.test.mjs (one file on this daemon: a node process, a daemon and a context less)
// A text field whose pattern= is a run of digits (老年人优待证's 邮政编码,
// `pattern=[0-9]{6} max=6`): an elder who typed five digits was told
// 「邮政编码的格式不对：请对照证件或这一步的说明重新填写」, and the step
// states no format to look up; its hint said only 「最多 6 个字」, and the
// kiosk's touch screen offered no keypad for the digits. The hint says
// 「6 位数字」, the keypad serves the box, and the error says what to type.
// Landscape 1920×1080, touch.
describe('a postcode of 6 digits at the kiosk', () => {
  let kp, page, id;
  before(async () => {
    const post = (p, body) => apiPost(k.url, p, body);
    const c = await post('/api/v1/cases', { procedure: 'senior-preferential-card', channel: 'kiosk' });
    id = c.id;
    const conds = (await (await fetch(`${k.url}/api/v1/procedures/senior-preferential-card`)).json()).conditions;
    await post(`/api/v1/cases/${id}/conditions`, { confirmed: conds.map(() => true) });
    await post(`/api/v1/cases/${id}/steps/0`, { fields: { delivery: '邮寄到家' } });
    await post(`/api/v1/cases/${id}/steps/1`, { checklist: { id_card: true, photo: true } });
    kp = await kioskPage(k, { viewport: LANDSCAPE, hasTouch: true });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.context.close(); });

  it('says 6 位数字, gives the keypad, and its error says what to type', async () => {
    await atRoute(page, /^#\/case\/[0-9a-f]{32}\/step\/2$/, () => page.goto(`${k.url}/?kiosk=1#/case/${id}`));
    const hint = await page.locator('#f-postcode-wrap .hint').innerText();
    assert.match(hint, /6 位数字/, `the hint: ${hint}`);
    assert.doesNotMatch(hint, /个字/, `the hint: ${hint}`);

    await page.fill('#f-name', '赵桂芝');
    await page.fill('#f-id_number', oldId());
    await page.fill('#f-mobile', '13800138000');
    await page.fill('#f-address', '幸福路12号3单元201室');
    await page.fill('#f-receiver', '赵明');
    await page.locator('#f-postcode').tap();
    const pad = page.locator('#main .keypad');
    await pad.waitFor();
    for (const d of '26400') await pad.getByRole('button', { name: d, exact: true }).tap();
    assert.equal(await page.inputValue('#f-postcode'), '26400');
    await shot(page, 'digit-pattern-keypad', { fullPage: false });
    assert.deepEqual(await smallTargets(page), []);

    await page.locator('#main form.step-form button[type=submit]').tap();
    const err = page.locator('#f-postcode-error');
    await err.waitFor();
    assert.match(await err.innerText(), /邮政编码应是 6 位数字/);
    assert.match(await page.locator('#error-summary').innerText(), /邮政编码应是 6 位数字/);
    await shot(page, 'digit-pattern-error', { fullPage: false });

    await page.locator('#f-postcode').tap();
    await pad.waitFor();
    await pad.getByRole('button', { name: '0', exact: true }).tap();
    await atRoute(page, /^#\/case\/[0-9a-f]{32}\/step\/3$/, () => page.locator('#main form.step-form button[type=submit]').tap());
    kp.assertClean('postcode');
  });
});
