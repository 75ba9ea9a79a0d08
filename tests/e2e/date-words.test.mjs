// A date after its bound (居住证明's 开始在此居住的日期, not_after=today): the
// resident typed 2030, 1, 1 into the 年, 月, 日 boxes and was told
// 「…不能晚于今天（2026-12-07）…」, a code to an elder beside boxes whose hint
// reads 如 1950 年 3 月 8 日. The message gives the day in words, and so
// does the hint of a fixed bound (医疗救助's 出院日期, not_before=2025-01-01).
// Landscape 1366×768, touch, the kiosk's keypad.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, kioskPage, atRoute, shot } from './helpers.mjs';
import { apiPost } from './labour-case.mjs';

const k = useKiosk();

describe('a future date at the kiosk', () => {
  let kp, page, id;
  before(async () => {
    const post = (p, body) => apiPost(k.url, p, body);
    const c = await post('/api/v1/cases', { procedure: 'residence-certificate', channel: 'kiosk' });
    id = c.id;
    await post(`/api/v1/cases/${id}/conditions`, { confirmed: [true, true, true] });
    await post(`/api/v1/cases/${id}/steps/0`, { fields: { purpose: '办理居住证' } });
    await post(`/api/v1/cases/${id}/steps/1`, { checklist: { id_card: true, housing_proof: true } });
    kp = await kioskPage(k, { viewport: { width: 1366, height: 768 }, hasTouch: true });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.context.close(); });

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
    kp = await kioskPage(k, { viewport: { width: 1366, height: 768 }, hasTouch: true });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.context.close(); });

  it('reads 不能早于 2025年1月1日', async () => {
    await atRoute(page, /^#\/case\/[0-9a-f]{32}\/step\/2$/, () => page.goto(`${k.url}/?kiosk=1#/case/${id}`));
    const hint = await page.locator('#f-discharge-wrap .hint').innerText();
    assert.match(hint, /不能早于 2025年1月1日/, hint);
    assert.doesNotMatch(hint, /\d{4}-\d{2}-\d{2}/, hint);
    kp.assertClean('fixed bound hint');
  });
});
