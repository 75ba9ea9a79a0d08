// 待领取 on the staff page: a pickup item (残疾人证) done by the back office
// waits for its resident, who comes days later, often without the slip; a
// ticket of another day opens nothing. The case was in no list of the
// page (办理中 holds accepted cases only, 待通知 drops it a day after the
// call), so a newcomer could not find it. Now the queue answer lists it
// (`ready`) and the page shows it under 待领取 with the masked ID number,
// opens it from there, and drops it once handed out.
// Up to 500 such rows sat open on every staff page and were drawn anew
// every 5 s: the list is folded now (its heading a button keeping the
// count), a box filters it by the ID number's last four, ticket or item,
// or by the resident's whole name (looked up by the server: the lists
// carry no names), and a refresh that brings the same rows draws nothing.
// The last two describes (the fold kept on a PC, a slip scanned into the
// box) were files of their own; each keeps its own daemon, as they had,
// so each list starts with its own cases only.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { useKiosk, kioskPage, staffLogin, poll, axeSerious, shot } from './helpers.mjs';
import { addUser, login, request } from '../api/helpers.mjs';
import { labourCase, readyCase, readyCase as sharedReadyCase, cnId } from './labour-case.mjs';

const k = useKiosk();

describe('待领取: a case done, waiting to be collected', () => {
  let kp, page, staff, caseId, ticket;
  const json = async (p, body, headers = { 'content-type': 'application/json' }) => {
    const r = await fetch(k.url + p, { method: body === undefined ? 'GET' : 'POST', headers,
      body: body === undefined ? undefined : JSON.stringify(body) });
    const t = await r.text();
    assert.ok(r.ok, `${p}: ${r.status} ${t}`);
    return JSON.parse(t);
  };
  const readyCase = (name, idNumber) => sharedReadyCase(k.url, staff, name, idNumber);
  // Waits for a refresh of the staff page's lists that came after now: a
  // resident hands in a case, and the queue (drawn in the same turn as
  // 待领取, staff.js refreshQueue) shows it.
  const refreshed = async () => {
    const { id } = await labourCase(k.url);
    await poll(async () => assert.equal(await page.locator(`#queue tbody tr[data-id="${id}"]`).count(), 1), { timeout: 12_000 });
  };

  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'xiao', 'staff', 'xiao-password-1');
    staff = await login(k.url, 'xiao', 'xiao-password-1');
    ({ id: caseId, ticket } = await readyCase('张晓梅', '11010519491231002X'));
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false, reuse: true });
    page = kp.page;
    await staffLogin(page, k.url, 'xiao', 'xiao-password-1');
  });
  after(async () => {
    if (kp) {
      kp.assertClean('ready list');
      await kp.close();
    }
  });

  it('the queue answer lists it under ready', async () => {
    const q = await json('/api/v1/staff/queue', undefined, { Cookie: staff.cookie });
    assert.deepEqual(q.ready.map((e) => [e.id, e.status]), [[caseId, 'ready']]);
    assert.ok(q.ready[0].ready_at, 'since when it waits');
    assert.deepEqual(q.ready[0].ids.map((x) => x.value), ['**************002X'], 'masked');
    assert.deepEqual(q.in_progress, []);
  });

  it('the page shows it under 待领取, folded, and opens it', async () => {
    const list = page.locator('#ready-list');
    const toggle = page.locator('#ready-toggle');
    // folded: the heading (a button) says how many, the list is not shown
    await poll(async () => assert.match(await page.locator('#ready-h').innerText(), /待领取\s*（1 件）/));
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await list.isVisible(), false, 'folded by default');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await list.waitFor();
    await poll(async () => assert.equal(await list.locator('tbody tr').count(), 1));
    const row = await list.locator('tbody tr').innerText();
    assert.ok(row.includes('残疾人证办理') && row.includes('002X') && row.includes(ticket), row);
    assert.deepEqual(await axeSerious(page), [], 'axe, the list unfolded');
    // the queue refreshes every 5 s; the same rows are not drawn again:
    // the row under the pointer and the keyboard's focus stay as they were
    const open = list.getByRole('button', { name: new RegExp(`打开 ${ticket}`) });
    await open.focus();
    await open.evaluate((b) => { b.dataset.drawn = 'before'; });
    await refreshed();
    assert.equal(await list.locator('button[data-drawn]').count(), 1, 'the row was drawn anew');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.drawn), 'before', 'the focus stayed on its button');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true', 'still unfolded');
    await open.click();
    const pane = page.locator('#case-pane');
    await pane.locator('#case-h', { hasText: ticket }).waitFor();
    page.once('dialog', (d) => d.accept());
    await pane.getByRole('button', { name: '居民已领取' }).click();
    await pane.getByText('已发放，办件已办结').waitFor();
    await poll(async () => assert.match(await list.innerText(), /没有/), { timeout: 8000 });
  });

  it('the box finds a case by the last four, or by the whole name', async () => {
    const li = await readyCase('李秀英', cnId('11010519500315002'));
    const wang = await readyCase('王建国', cnId('11010519520617003'));
    const list = page.locator('#ready-list');
    const ids = () => list.locator('tbody tr[data-id]').evaluateAll((trs) => trs.map((tr) => tr.dataset.id));
    // both done within a second or so: by ready_at, then id
    const both = [li.id, wang.id].sort();
    await poll(async () => assert.deepEqual((await ids()).sort(), both), { timeout: 12_000 });
    const box = page.locator('#ready-q');
    const found = page.locator('#ready-found');
    // the last four the resident's card shows (its X typed small)
    await box.fill(cnId('11010519500315002').slice(-4).toLowerCase());
    await poll(async () => assert.deepEqual(await ids(), [li.id]));
    assert.equal(await found.innerText(), '找到 1 件');
    // the box keeps the focus and the filter across a refresh
    await refreshed();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'ready-q');
    assert.deepEqual(await ids(), [li.id]);
    // the name: the lists hold none, the server looks it up
    await box.fill('王建国');
    await poll(async () => assert.deepEqual(await ids(), [wang.id]));
    assert.equal(await found.innerText(), '找到 1 件');
    await shot(page, 'ready-list-by-name');
    // a name is matched whole, as the resident wrote it
    await box.fill('王建');
    await poll(async () => assert.match(await found.innerText(), /没有找到“王建”.*姓名要写全名/));
    assert.deepEqual(await ids(), []);
    assert.match(await list.locator('tbody').innerText(), /没有找到“王建”/);
    // one case left: Enter opens it
    await box.fill(wang.ticket);
    await poll(async () => assert.deepEqual(await ids(), [wang.id]));
    await box.press('Enter');
    await page.locator('#case-pane #case-h', { hasText: wang.ticket }).waitFor();
    // emptied, the box shows them all again
    await box.fill('');
    await poll(async () => assert.deepEqual((await ids()).sort(), both));
    assert.equal(await found.innerText(), '');
    assert.deepEqual(await axeSerious(page), [], 'axe, the list filtered');
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
    await poll(async () => assert.match(await page.locator('#ready-h').innerText(), /待领取\s*（共 503 件，列出最近办好的 500 件）/),
      { timeout: 12_000 });
    const list = page.locator('#ready-list');
    assert.equal(await list.locator('tbody tr').count(), 500);
    assert.equal(await list.locator(`tbody tr[data-id="${last}"]`).count(), 1, 'the one done last is listed');
    assert.equal(await list.locator(`tbody tr[data-id="${(1).toString(16).padStart(32, '0')}"]`).count(), 0,
      'the one done first is the one left out');
  });
});

// ── was ready-fold.test.mjs
// 待领取 on the staff page, at a desk that hands certificates out all day:
// its fold was forgotten at every load of the page (folded again after
// each login or F5), so the desk opened it again and again. It is now kept
// on the PC, as 本窗口号 is; another PC keeps its own.
describe('待领取 keeps its fold on the PC', () => {
  const k = useKiosk();
  const DESK = { viewport: { width: 1600, height: 1000 }, hasTouch: false };

  let staff;

  // The page's 待领取 once the queue has drawn it (its heading counts n).
  async function readyDrawn(page, n) {
    await poll(async () => assert.match(await page.locator('#ready-h').innerText(), new RegExp(`待领取\\s*（${n} 件）`)),
      { timeout: 12_000 });
    return page.locator('#ready-toggle');
  }

  const pcs = [];
  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'xiao', 'staff', 'xiao-password-1');
    staff = await login(k.url, 'xiao', 'xiao-password-1');
  });
  after(async () => {
    for (const pc of pcs) {
      pc.assertClean('staff page');
      await pc.close();
    }
  });

  it('unfolded, it stays so at the next load; folded, too; another PC folds it', async () => {
    await readyCase(k.url, staff, '张晓梅', '11010519491231002X');
    const pc = await kioskPage(k, { ...DESK, reuse: true });
    pcs.push(pc);
    const { page } = pc;
    await staffLogin(page, k.url, 'xiao', 'xiao-password-1');
    let toggle = await readyDrawn(page, 1);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'folded on a PC that never opened it');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    // the next load (F5, the next morning's login): as the desk left it
    await page.reload();
    toggle = await readyDrawn(page, 1);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true', 'still unfolded after a load');
    assert.equal(await page.locator('#ready-list').isVisible(), true);
    await poll(async () => assert.equal(await page.locator('#ready-list tbody tr[data-id]').count(), 1));
    // another PC (another browser): its own, folded
    const other = await kioskPage(k, { ...DESK, reuse: true });
    pcs.push(other);
    await staffLogin(other.page, k.url, 'xiao', 'xiao-password-1');
    const t2 = await readyDrawn(other.page, 1);
    assert.equal(await t2.getAttribute('aria-expanded'), 'false', "another PC's 待领取 is folded");
    assert.equal(await other.page.locator('#ready-list').isVisible(), false);
    // folded again, it stays folded
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await page.reload();
    toggle = await readyDrawn(page, 1);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'still folded after a load');
    assert.equal(await page.locator('#ready-list').isVisible(), false);
  });
});

// ── was ready-scan.test.mjs
// A slip scanned while the cursor is in 待领取's box (查找待领取的办件) on
// the staff page: the scanner types like a keyboard, then Enter, so the
// slip's QR (the kiosk's address of the case, or its bare id: print.c
// print_qr_payload) went into the box: 没有找到“https://…/#/case/…”, and
// no case opened. A slip's code there now opens the case as a scan
// anywhere else on the page does, and the box keeps what the staffer had
// typed.
describe("a slip scanned into 待领取's box", () => {
  // the hall's address: the slips' QR holds the kiosk's address of the case
  const PUBLIC = 'https://hall.example/kiosk';
  const k = useKiosk({ args: ['--public-url', PUBLIC] });
  const DESK = { viewport: { width: 1600, height: 1000 }, hasTouch: false };

  let staff;

  // The page's 待领取 once the queue has drawn it (its heading counts n).
  async function readyDrawn(page, n) {
    await poll(async () => assert.match(await page.locator('#ready-h').innerText(), new RegExp(`待领取\\s*（${n} 件）`)),
      { timeout: 12_000 });
    return page.locator('#ready-toggle');
  }

  let pc;
  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'xiao', 'staff', 'xiao-password-1');
    staff = await login(k.url, 'xiao', 'xiao-password-1');
  });
  after(async () => {
    if (pc) {
      pc.assertClean('staff page');
      await pc.close();
    }
  });

  it('opens the case, as a scan anywhere else does; the box keeps what was typed', async () => {
    const zhang = await readyCase(k.url, staff, '张晓梅', '11010519491231002X');
    const li = await readyCase(k.url, staff, '李秀英', cnId('11010519500315002'));
    // what the slip's QR holds (print.c print_qr_payload)
    const printed = await request(`${k.url}/print/cases/${li.id}`);
    assert.equal(printed.status, 200);
    const payload = /data-payload="([^"]+)"/.exec(printed.text)?.[1];
    assert.equal(payload, `${PUBLIC}/#/case/${li.id}`);

    pc = await kioskPage(k, { ...DESK, reuse: true });
    const { page } = pc;
    await staffLogin(page, k.url, 'xiao', 'xiao-password-1');
    const toggle = await readyDrawn(page, 2);
    if (await toggle.getAttribute('aria-expanded') !== 'true') await toggle.click();
    const box = page.locator('#ready-q');
    const ids = () => page.locator('#ready-list tbody tr[data-id]').evaluateAll((trs) => trs.map((tr) => tr.dataset.id));
    await poll(async () => assert.equal((await ids()).length, 2));

    // looking for 张晓梅 by her card's last four when 李秀英 hands over her slip
    await box.fill('002x');
    await poll(async () => assert.deepEqual(await ids(), [zhang.id]));
    await page.keyboard.type(payload, { delay: 2 });
    await page.keyboard.press('Enter');
    await page.locator('#case-pane #case-h', { hasText: li.ticket }).waitFor();
    assert.equal(await box.inputValue(), '002x', 'the box holds what the staffer typed');
    await poll(async () => assert.deepEqual(await ids(), [zhang.id]));
    assert.equal(await page.locator('#ready-found').innerText(), '找到 1 件');

    // a hall without a public address prints the bare id; after digits
    // (most last fours), the code runs on from them
    await box.fill('0315');
    await box.focus();
    await page.keyboard.type(zhang.id, { delay: 2 });
    await page.keyboard.press('Enter');
    await page.locator('#case-pane #case-h', { hasText: zhang.ticket }).waitFor();
    assert.equal(await box.inputValue(), '0315');

    // a slip this hall does not know: what the ticket box says to the same scan
    await box.fill('');
    await box.focus();
    const stranger = `${PUBLIC}/#/case/${'f'.repeat(32)}`;
    await page.keyboard.type(stranger, { delay: 2 });
    await page.keyboard.press('Enter');
    await poll(async () => assert.notEqual((await page.locator('#case-key-msg').innerText()).trim(), ''));
    const said = (await page.locator('#case-key-msg').innerText()).trim();
    assert.equal(await box.inputValue(), '');
    await page.locator('#case-key-msg').evaluate((e) => { e.textContent = ''; });
    await page.locator('#case-key').fill('');
    await page.locator('#case-key').focus();
    await page.keyboard.type(stranger, { delay: 2 });
    await page.keyboard.press('Enter');
    await poll(async () => assert.equal((await page.locator('#case-key-msg').innerText()).trim(), said));
    // the case on show stays
    assert.match(await page.locator('#case-pane #case-h').innerText(), new RegExp(zhang.ticket));
  });
});
