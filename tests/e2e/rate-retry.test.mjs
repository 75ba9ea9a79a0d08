// The evaluator (/rate) when a rating does not get through at first: the
// resident on 哪里没做好? sends, the network drops the request (网络不通，
// 没有提交成功，请再点一次), taps 提交评价 again and it is saved. The thanks
// then stand alone: the failure's line, no longer true, is gone (it stood
// under 谢谢您的评价 for the thanks' five seconds, one telling the resident
// the rating was saved and the other that it was not).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage, poll } from './helpers.mjs';
import { addUser, login, authHeaders } from '../api/helpers.mjs';
import { labourCase } from './labour-case.mjs';

const k = useKiosk();

describe('the evaluator after a failed send', () => {
  let x;
  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'wang', 'staff', 'wang-password-1');
    x = await kioskPage(k, { viewport: { width: 1280, height: 800 }, hasTouch: true });
  });
  after(async () => { if (x) await x.context.close(); });

  it('thanks without the failure\'s message once the second try is saved', async () => {
    const p = x.page;
    await p.goto(k.url + await k.rateAt('3'));
    await p.locator('#idle').waitFor();
    const s = await login(k.url, 'wang', 'wang-password-1');
    const c = await labourCase(k.url);
    for (const [move, body] of [['accept', {}], ['complete', { outcome: '已办结', window: '3' }]]) {
      const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/${move}`, {
        method: 'POST', headers: authHeaders(s), body: JSON.stringify(body),
      });
      assert.equal(r.status, 200, `${move}: ${await r.text()}`);
    }
    await poll(async () => assert.equal(await p.locator('#offer-ticket').innerText(), c.ticket));
    await p.locator('[data-score="2"]').click();
    await p.locator('.r-reason[data-code="wait"]').click();
    // the first send is lost on the way (as a dropped network does)
    let failed = 0;
    await p.route('**/api/v1/rate/*', (route) => {
      if (route.request().method() === 'POST' && failed++ === 0) return route.abort('internetdisconnected');
      return route.continue();
    });
    await p.click('#why-send');
    await poll(async () => assert.match(await p.locator('#error').innerText(), /没有提交成功/));
    const [resp] = await Promise.all([
      p.waitForResponse((r) => r.url().includes('/api/v1/rate/') && r.request().method() === 'POST'),
      p.click('#why-send'),
    ]);
    assert.equal(resp.status(), 204);
    await p.locator('#done-text', { hasText: '谢谢您的评价' }).waitFor();
    assert.equal(await p.locator('#error').innerText(), '', 'the failure still shown under the thanks');
  });
});
