// A text field whose pattern= is a run of digits (老年人优待证's 邮政编码,
// `pattern=[0-9]{6} max=6`): an elder who typed five digits was told
// 「邮政编码的格式不对：请对照证件或这一步的说明重新填写」, and the step
// states no format to look up; its hint said only 「最多 6 个字」, and the
// kiosk's touch screen offered no keypad for the digits. The hint says
// 「6 位数字」, the keypad serves the box, and the error says what to type.
// Landscape 1920×1080, touch.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, kioskPage, atRoute, LANDSCAPE, shot, smallTargets } from './helpers.mjs';
import { apiPost, oldId } from './labour-case.mjs';

const k = useKiosk();

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
