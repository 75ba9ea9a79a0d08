// How a form marks what may be left empty (issue #9): only an optional field
// carries a tag, (可不填) in Chinese and (optional) in English, as GOV.UK
// does; a required one carries aria-required and no word. The case is made
// through the API and opened by its code, the way a resident comes back.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, kioskPage, atRoute, axeSerious, setMode, shot } from './helpers.mjs';

const k = useKiosk();

async function post(p, body) {
  const r = await fetch(`${k.url}${p}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  const text = await r.text();
  assert.ok(r.ok, `${p}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

describe('the form marks optional fields only', () => {
  let kp;
  let page;
  let id;

  before(async () => {
    const c = await post('/api/v1/cases', { procedure: 'remote-medical-filing', channel: 'kiosk' });
    id = c.id;
    await post(`/api/v1/cases/${id}/conditions`, { confirmed: [true, true] });
    await post(`/api/v1/cases/${id}/steps/0`, { fields: { filing_type: '临时外出就医' } });
    await post(`/api/v1/cases/${id}/steps/1`, { checklist: { 's1-0': true } });
    kp = await kioskPage(k);
    page = kp.page;
  });
  after(async () => { if (kp) await kp.context.close(); });

  it('(可不填) beside the e-mail, nothing beside the required fields', async () => {
    await page.goto(`${k.url}/#/case/${id}`);
    await atRoute(page, /^#\/case\/[0-9a-f]+\/step\/2$/);
    const tags = await page.locator('#main form.step-form .tag').allInnerTexts();
    assert.deepEqual(tags, ['(可不填)'], tags.join(' '));
    const emailLabel = await page.locator('label[for="f-email"]').innerText();
    assert.ok(emailLabel.includes('可不填'), emailLabel);
    assert.ok(!(await page.locator('label[for="f-name"]').innerText()).includes('填'));
    assert.equal(await page.locator('#f-name').getAttribute('aria-required'), 'true');
    assert.equal(await page.locator('#f-email').getAttribute('aria-required'), null);
    assert.deepEqual(await axeSerious(page), []);
    await shot(page, 'fields-optional-zh');
  });

  it('in English the tag reads (optional)', async () => {
    await setMode(page, { lang: 'en', big: false });
    const tags = await page.locator('#main form.step-form .tag').allInnerTexts();
    assert.deepEqual(tags, ['(optional)'], tags.join(' '));
    kp.assertClean('fields');
  });
});
