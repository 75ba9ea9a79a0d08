// 待领取 on the staff page: a pickup item (残疾人证) done by the back office
// waits for its resident, who comes days later, often without the slip; a
// ticket of another day opens nothing. The case was in no list of the
// page (办理中 holds accepted cases only, 待通知 drops it a day after the
// call), so a newcomer could not find it. Now the queue answer lists it
// (`ready`) and the page shows it under 待领取 with the masked ID number,
// opens it from there, and drops it once handed out.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { useKiosk, kioskPage, staffLogin, poll } from './helpers.mjs';
import { addUser, login, authHeaders } from '../api/helpers.mjs';

const k = useKiosk();
const PROC = 'disability-certificate';

describe('待领取: a case done, waiting to be collected', () => {
  let kp, page, staff, caseId, ticket;
  const json = async (p, body, headers = { 'content-type': 'application/json' }) => {
    const r = await fetch(k.url + p, { method: body === undefined ? 'GET' : 'POST', headers,
      body: body === undefined ? undefined : JSON.stringify(body) });
    const t = await r.text();
    assert.ok(r.ok, `${p}: ${r.status} ${t}`);
    return JSON.parse(t);
  };

  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'xiao', 'staff', 'xiao-password-1');
    staff = await login(k.url, 'xiao', 'xiao-password-1');
    // a resident's case at the kiosk, every paper and a good form
    const P = await json(`/api/v1/procedures/${PROC}`);
    caseId = (await json('/api/v1/cases', { procedure: PROC, channel: 'kiosk' })).id;
    await json(`/api/v1/cases/${caseId}/conditions`, { confirmed: P.conditions.map(() => true) });
    const answers = { category: '肢体', guardian_apply: 'no', name: '张晓梅', id_number: '11010519491231002X',
      mobile: '13800138000', address: '幸福路12号3单元401室' };
    for (const [n, s] of P.steps.entries()) {
      if (s.if) continue;    // the guardian's step: not for this resident
      const body = {};
      if (s.fields.length) body.fields = Object.fromEntries(s.fields.filter((f) => !f.if).map((f) => [f.key, answers[f.key]]));
      if (s.checklist.length) body.checklist = Object.fromEntries(s.checklist.map((i) => [i.id, true]));
      await json(`/api/v1/cases/${caseId}/steps/${n}`, body);
    }
    ticket = (await json(`/api/v1/cases/${caseId}/submit`, {})).ticket;
    const h = authHeaders(staff);
    await json(`/api/v1/staff/cases/${caseId}/accept`, {}, h);
    await json(`/api/v1/staff/cases/${caseId}/pass`, { note: '已发评定表' }, h);
    await json(`/api/v1/staff/cases/${caseId}/pass`, { note: '评定为肢体三级' }, h);
    assert.equal((await json(`/api/v1/staff/cases/${caseId}/complete`, { outcome: '残疾人证已送回社区' }, h)).status, 'ready');
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false });
    page = kp.page;
    await staffLogin(page, k.url, 'xiao', 'xiao-password-1');
  });
  after(async () => {
    if (kp) {
      kp.assertClean('ready list');
      await kp.context.close();
    }
  });

  it('the queue answer lists it under ready', async () => {
    const q = await json('/api/v1/staff/queue', undefined, { Cookie: staff.cookie });
    assert.deepEqual(q.ready.map((e) => [e.id, e.status]), [[caseId, 'ready']]);
    assert.ok(q.ready[0].ready_at, 'since when it waits');
    assert.deepEqual(q.ready[0].ids.map((x) => x.value), ['**************002X'], 'masked');
    assert.deepEqual(q.in_progress, []);
  });

  it('the page shows it under 待领取 and opens it', async () => {
    const list = page.locator('#ready-list');
    await poll(async () => assert.equal(await list.locator('tbody tr').count(), 1));
    const row = await list.locator('tbody tr').innerText();
    assert.ok(row.includes('残疾人证办理') && row.includes('002X') && row.includes(ticket), row);
    assert.match(await page.locator('#ready-h').innerText(), /待领取\s*（1 件）/);
    // the list is drawn again every 5 s, as the others: a keyboard's focus
    // on its button stays there (core.js redrawRows), not on the page body
    const open = list.getByRole('button', { name: new RegExp(`打开 ${ticket}`) });
    await open.focus();
    await open.evaluate((b) => { b.dataset.drawn = 'before'; });
    // a refresh drew the row anew: its button is another element
    await poll(async () => assert.equal(await list.locator('button[data-drawn]').count(), 0), { timeout: 12_000 });
    assert.equal(await page.evaluate(() => document.activeElement?.closest('#ready-list tr')?.dataset.id ?? document.activeElement?.localName), caseId);
    await open.click();
    const pane = page.locator('#case-pane');
    await pane.locator('#case-h', { hasText: ticket }).waitFor();
    await pane.getByRole('button', { name: '居民已领取' }).click();
    await pane.getByText('已发放，办件已办结').waitFor();
    await poll(async () => assert.match(await list.innerText(), /没有/), { timeout: 8000 });
  });

  // nothing sweeps a ready case: certificates nobody collects pile up over
  // the years. Past 500 the list kept the 500 done first, every case done
  // since missing, and the heading said （500 件）
  it('past 500, lists the ones done last and counts them all', async () => {
    const db = path.join(k.tmp, 'e2e.db');
    const sql = (q) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, q], { encoding: 'utf8' }).trim();
    const set = { id: "printf('%032x', i)", status: "'ready'", ticket: 'NULL', ticket_day: 'NULL',
      handed_at: 'NULL', handed_by: 'NULL',
      ready_at: "strftime('%Y-%m-%dT%H:%M:%SZ', '2026-01-01', '+' || i || ' seconds')" };
    const cols = sql("SELECT group_concat(name, ',') FROM pragma_table_info('cases')").split(',');
    sql(`INSERT INTO cases (${cols.join(',')}) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 501)`
      + ` SELECT ${cols.map((c) => set[c] ?? `c.${c}`).join(',')} FROM cases c, n WHERE c.id = '${caseId}'`);
    const last = (501).toString(16).padStart(32, '0');
    await poll(async () => assert.match(await page.locator('#ready-h').innerText(), /待领取\s*（共 501 件，列出最近办好的 500 件）/),
      { timeout: 12_000 });
    const list = page.locator('#ready-list');
    assert.equal(await list.locator('tbody tr').count(), 500);
    assert.equal(await list.locator(`tbody tr[data-id="${last}"]`).count(), 1, 'the one done last is listed');
    assert.equal(await list.locator(`tbody tr[data-id="${(1).toString(16).padStart(32, '0')}"]`).count(), 0,
      'the one done first is the one left out');
  });
});
