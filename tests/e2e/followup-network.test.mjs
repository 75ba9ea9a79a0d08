// A 差评整改 call-back recorded while the network drops (the B post calls
// back from a laptop or phone on the road). The result may or may not have
// reached the daemon: the line says both, the note written stays in its
// box, and the list's failing refresh does not put 回访列表没有更新 alone
// over it. Back online, the list loads and the line says to look and press
// again; a refresh failing after that is said again (r6's Q7: it said
// nothing). The same press records it once. A refresh that failed is no
// longer said once the list loads again (the line stayed).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage, staffLogin } from './helpers.mjs';
import { addUser, login, authHeaders } from '../api/helpers.mjs';
import { labourCase, apiPost } from './labour-case.mjs';

const k = useKiosk();

describe('a call-back recorded while the network drops', () => {
  let kp;
  let f;

  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'zhao', 'staff', 'zhao-password-1');
    const zhao = await login(k.url, 'zhao', 'zhao-password-1');
    const c = await labourCase(k.url);
    for (const [move, body] of [['accept', {}], ['complete', { outcome: '已发证' }]]) {
      const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/${move}`, {
        method: 'POST', headers: authHeaders(zhao), body: JSON.stringify(body) });
      assert.equal(r.status, 200, await r.text());
    }
    await apiPost(k.url, `/api/v1/cases/${c.id}/rating`, { score: 1 });
    const l = await (await fetch(`${k.url}/api/v1/staff/followups`, { headers: authHeaders(zhao) })).json();
    f = l.followups.find((x) => x.case === c.id);
    assert.ok(f, JSON.stringify(l));
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false });
  });
  after(async () => { if (kp) await kp.context.close(); });

  it('says it may be recorded, keeps the note, and records it once when back', async () => {
    const { page } = kp;
    await staffLogin(page, k.url, 'zhao', 'zhao-password-1');
    const note = '已向居民道歉，说明了审核时限，居民表示理解';
    const box = page.locator(`#followup-note-${f.id}`);
    await box.fill(note);
    const said = page.locator('#followup-note');

    // every call to the call-backs fails: the result, then the list's refreshes
    const lists = (u) => new URL(u).pathname.startsWith('/api/v1/staff/followups');
    await page.route(lists, (r) => r.abort('internetdisconnected'));
    await page.locator(`#followup tr[data-id="${f.id}"] .followup-satisfied`).click();
    await said.filter({ hasText: '也可能已经记上了' }).waitFor();
    assert.match(await said.innerText(), /写的内容还在框里/);
    assert.equal(await box.inputValue(), note, 'the note is still in its box');
    // the page's refresh fails too (its next poll, or the visit back to
    // the tab): the line still says what happened to the result
    const failed = page.waitForEvent('requestfailed', (r) => r.method() === 'GET' && lists(r.url()));
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await failed;
    // the page's own handling of that failure runs after it
    await page.evaluate(() => new Promise((r) => setTimeout(r, 100)));
    assert.match(await said.innerText(), /也可能已经记上了/);
    assert.doesNotMatch(await said.innerText(), /回访列表没有更新/);

    // back online, the list loads: the line says so and what to do; the
    // note was not recorded, so it is still in its box
    await page.unroute(lists);
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await said.filter({ hasText: '网络已恢复' }).waitFor();
    assert.equal(await box.inputValue(), note, 'the note is still in its box after the list loads');
    // and a refresh failing after that is said again
    await page.route(lists, (r) => r.abort('internetdisconnected'));
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await said.filter({ hasText: '回访列表没有更新' }).waitFor();
    await page.unroute(lists);
    await page.locator(`#followup tr[data-id="${f.id}"] .followup-satisfied`).click();
    await said.filter({ hasText: '已记录' }).waitFor();
    const l = await (await fetch(`${k.url}/api/v1/staff/followups?done=today`,
      { headers: authHeaders(await login(k.url, 'zhao', 'zhao-password-1')) })).json();
    const done = l.followups.find((x) => x.id === f.id);
    assert.deepEqual([done.result, done.done_by, done.note], ['satisfied', 'zhao', note]);
  });

  it('a refresh that failed is not said once the list loads again', async () => {
    const { page } = kp;
    const said = page.locator('#followup-note');
    const lists = (u) => new URL(u).pathname === '/api/v1/staff/followups';
    await page.route(lists, (r) => r.abort('internetdisconnected'));
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await said.filter({ hasText: '回访列表没有更新' }).waitFor();
    await page.unroute(lists);
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await page.waitForFunction(() => !/没有更新/.test(document.getElementById('followup-note').textContent));
  });
});
