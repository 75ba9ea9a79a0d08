// Two staffers on one 差评整改 call-back: wang writes what was put right
// while li, who phoned the same resident, records it first. wang's 满意 is
// refused (already_done) and the list is drawn again with li's result:
// before, the row's box went with it and what wang wrote was gone without
// a word. It now stays under the message, marked 没有保存, to copy.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage, staffLogin } from './helpers.mjs';
import { addUser, login, authHeaders } from '../api/helpers.mjs';
import { labourCase, apiPost } from './labour-case.mjs';

const k = useKiosk();

describe('a call-back recorded by a colleague first', () => {
  let kp;
  let wang;
  let li;
  let f;

  before(async () => {
    const db = path.join(k.tmp, 'e2e.db');
    addUser(db, 'wang', 'staff', 'wang-password-1');
    addUser(db, 'li', 'staff', 'li-password-12');
    wang = await login(k.url, 'wang', 'wang-password-1');
    li = await login(k.url, 'li', 'li-password-12');
    const c = await labourCase(k.url);
    for (const [move, body] of [['accept', {}], ['complete', { outcome: '已发证' }]]) {
      const r = await fetch(`${k.url}/api/v1/staff/cases/${c.id}/${move}`, {
        method: 'POST', headers: authHeaders(wang), body: JSON.stringify(body) });
      assert.equal(r.status, 200, await r.text());
    }
    await apiPost(k.url, `/api/v1/cases/${c.id}/rating`, { score: 1 });
    const l = await (await fetch(`${k.url}/api/v1/staff/followups`, { headers: authHeaders(wang) })).json();
    f = l.followups.find((x) => x.case === c.id);
    assert.ok(f, JSON.stringify(l));
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false });
  });
  after(async () => { if (kp) await kp.context.close(); });

  it('keeps what was written under the refusal', async () => {
    const { page } = kp;
    await staffLogin(page, k.url, 'wang', 'wang-password-1');
    const box = page.locator(`#followup-note-${f.id}`);
    const note = '已向居民道歉，窗口已调整为提前叫号，居民表示理解';
    await box.fill(note);
    const r = await fetch(`${k.url}/api/v1/staff/followups/${f.id}`, {
      method: 'POST', headers: authHeaders(li), body: JSON.stringify({ result: 'satisfied', note: '已整改' }) });
    assert.equal(r.status, 200, await r.text());
    await page.locator(`#followup tr[data-id="${f.id}"] .followup-satisfied`).click();
    const said = page.locator('#followup-note');
    await said.locator('textarea.typed-kept').waitFor();
    assert.match(await said.innerText(), /已经记录过结果/);
    assert.match(await said.innerText(), /没有保存/);
    assert.equal(await said.locator('textarea.typed-kept').inputValue(), note);
    kp.assertClean('staff page');
  });
});
