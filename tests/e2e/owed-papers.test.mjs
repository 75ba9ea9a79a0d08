// 容缺受理 on the staff page: a 低保 case handed in without the income
// papers (材料没带齐) and accepted anyway goes on to the 入户调查 post and to
// 办结. A newcomer passing the window's stage read 备注（可不填）, 例如：材料
// 齐全，已核实 and nothing about the paper still owed, so the next post never
// learnt of it; the case view still said 可以受理（容缺） of a case accepted.
// Now the pass form names the paper and wants a note (a blank one is not
// sent), the 办结 form names it too, and the accepted case's advice is to
// have it brought and say so in the note.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useKiosk, kioskPage, staffLogin, openStaffCase, poll, atRoute, h1Text, axeSerious } from './helpers.mjs';
import { addUser, login, authHeaders } from '../api/helpers.mjs';

const k = useKiosk();
const PROC = 'minimum-living-allowance';
const INCOME = '全部家庭成员的收入情况说明（工资条、退休金存折等）';

const json = async (p, body, headers = { 'content-type': 'application/json' }) => {
  const r = await fetch(k.url + p, { method: 'POST', headers, body: JSON.stringify(body) });
  const t = await r.text();
  assert.ok(r.ok, `${p}: ${r.status} ${t}`);
  return JSON.parse(t);
};

// A resident's case handed in without the papers checklist leaves unticked
// (先取号, 材料没带齐), accepted by staff (容缺受理): {id, ticket}.
async function heldCase(staff, checklist) {
  const id = (await json('/api/v1/cases', { procedure: PROC, channel: 'kiosk' })).id;
  await json(`/api/v1/cases/${id}/conditions`, { confirmed: [true, true, true, true] });
  const { ticket } = await json(`/api/v1/cases/${id}/steps/0/incomplete`, { checklist, fields: { proxy: 'no' } });
  await json(`/api/v1/staff/cases/${id}/accept`, {}, authHeaders(staff));
  return { id, ticket };
}

describe('a paper owed after 容缺受理', () => {
  let kp, page, staff, caseId, ticket;
  const passes = [];

  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'xiao', 'staff', 'xiao-password-1');
    staff = await login(k.url, 'xiao', 'xiao-password-1');
    // the resident: every paper but the income one, 先取号 (材料没带齐)
    ({ id: caseId, ticket } = await heldCase(staff, { id_card: true, hukou_books: true, income_proof: false }));
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false, reuse: true });
    page = kp.page;
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/pass')) passes.push(r.postData()); });
    await staffLogin(page, k.url, 'xiao', 'xiao-password-1');
  });
  after(async () => {
    if (kp) {
      kp.assertClean('owed papers');
      await kp.close();
    }
  });

  it('the accepted case asks for the paper, not whether to accept', async () => {
    const pane = await openStaffCase(page, ticket);
    const note = await pane.locator('#incomplete-note').innerText();
    assert.ok(note.includes(INCOME), note);
    assert.ok(!note.includes('可以受理'), `accepted already: ${note}`);
    assert.match(note, /已容缺受理：请居民补交这些材料/);
  });

  it('the pass form names the paper and sends no blank note', async () => {
    const pane = page.locator('#case-pane');
    await pane.getByRole('button', { name: /^本环节办完/ }).click();
    const form = pane.locator('form', { has: page.locator('#pass-note') });
    const warn = await form.locator('.owed-papers').innerText();
    assert.ok(warn.includes(INCOME), warn);
    assert.ok(!(await form.innerText()).includes('材料齐全，已核实'), 'no example that says the papers are complete');
    assert.ok(!(await form.locator('label[for=pass-note]').innerText()).includes('可不填'));
    await form.getByRole('button', { name: '确认转下一环节' }).click();
    await poll(async () => assert.match(await form.locator('[role=alert]').innerText(), /写明所缺材料是否已补交/));
    assert.deepEqual(passes, [], 'nothing sent');
    await page.locator('#pass-note').fill('收入情况说明还没交，居民答应12月10日前补交');
    await form.getByRole('button', { name: '确认转下一环节' }).click();
    await pane.getByText('已转「入户调查、核对家庭经济状况」').waitFor();
    assert.equal(passes.length, 1);
    assert.match(JSON.parse(passes[0]).note, /还没交/);
  });

  it('办结 names the paper too', async () => {
    // the survey stage passed by its post, through the API
    await json(`/api/v1/staff/cases/${caseId}/pass`, { note: '入户调查完成，收入证明已补交' }, authHeaders(staff));
    const pane = await openStaffCase(page, caseId, ticket);
    await pane.getByRole('button', { name: '办结', exact: true }).click();
    const warn = await pane.locator('form', { has: page.locator('#outcome') }).locator('.owed-papers').innerText();
    assert.ok(warn.includes(INCOME), warn);
    assert.match(warn, /办结前请确认居民已补交/);
  });

  it('a case with every paper shows no such warning', async () => {
    const id = (await json('/api/v1/cases', { procedure: PROC, channel: 'kiosk' })).id;
    await json(`/api/v1/cases/${id}/conditions`, { confirmed: [true, true, true, true] });
    await json(`/api/v1/cases/${id}/steps/0`, {
      checklist: { id_card: true, hukou_books: true, income_proof: true }, fields: { proxy: 'no' },
    });
    await json(`/api/v1/cases/${id}/steps/1`, { fields: {
      name: '张晓梅', id_number: '11010519491231002X', mobile: '13800138000', family_size: '2',
      income: '800', housing: '租房', reason: '老伴生病住院，家里只有一份低保边缘的收入' } });
    await json(`/api/v1/cases/${id}/steps/3`, {});
    const t = (await json(`/api/v1/cases/${id}/submit`, {})).ticket;
    await json(`/api/v1/staff/cases/${id}/accept`, {}, authHeaders(staff));
    const pane = await openStaffCase(page, t);
    await pane.getByRole('button', { name: /^本环节办完/ }).click();
    const form = pane.locator('form', { has: page.locator('#pass-note') });
    assert.equal(await form.locator('.owed-papers').count(), 0);
    assert.match(await form.locator('label[for=pass-note]').innerText(), /可不填/);
  });
});

// The paper comes later. Before, the page had no way to record it (the case's
// checklist is the resident's): the owed note stayed for good, every later
// pass wanted a note about it and a reprinted receipt still listed it. Each
// paper owed now has its 已补交, in the case's note and in the pass form, and
// the history says who recorded it.
describe('a paper owed after 容缺受理, brought later', () => {
  let kp, page, staff, caseId, ticket;

  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'zhou', 'staff', 'zhou-password-1');
    staff = await login(k.url, 'zhou', 'zhou-password-1');
    ({ id: caseId, ticket } = await heldCase(staff, { id_card: true, hukou_books: true, income_proof: false }));
    kp = await kioskPage(k, { viewport: { width: 1600, height: 1000 }, hasTouch: false, reuse: true });
    page = kp.page;
    await staffLogin(page, k.url, 'zhou', 'zhou-password-1');
  });
  after(async () => {
    if (kp) {
      kp.assertClean('owed papers brought');
      await kp.close();
    }
  });

  it('the case note and the pass form offer 已补交 for the paper', async () => {
    const pane = await openStaffCase(page, ticket);
    const note = pane.locator('#incomplete-note');
    await note.getByRole('button', { name: `已补交：${INCOME}` }).waitFor();
    await pane.getByRole('button', { name: /^本环节办完/ }).click();
    const form = pane.locator('form', { has: page.locator('#pass-note') });
    await form.locator('.owed-papers').getByRole('button', { name: `已补交：${INCOME}` }).waitFor();
  });

  it('已补交 in the pass form records it: the notes, the form and the history follow', async () => {
    const pane = page.locator('#case-pane');
    const form = pane.locator('form', { has: page.locator('#pass-note') });
    await form.locator('.owed-papers').getByRole('button', { name: `已补交：${INCOME}` }).click();
    await poll(async () => assert.match(await pane.locator('.case-msg').innerText(), /已登记补交/));
    const note = pane.locator('#incomplete-note');
    assert.equal(await note.getByRole('button', { name: /已补交/ }).count(), 0, 'nothing left to record');
    assert.match(await note.innerText(), /都已补交/);
    assert.equal(await note.getByText('打印所缺材料清单').count(), 0, 'no list of papers nobody owes');
    // the step handed in 材料不全 has every paper now: 已完成, not 未完成
    assert.equal(await pane.locator('article.step').first().locator('.badge').innerText(), '已完成');
    assert.match(await pane.locator('article.step').first().locator('li', { hasText: INCOME }).innerText(), /（已补交）/,
      'ticked by the window, not by the resident');
    const row = pane.locator('table.history tr', { hasText: '补交材料' });
    assert.equal(await row.count(), 1);
    const cells = await row.locator('td').allInnerTexts();
    assert.equal(cells[2], 'zhou', 'who recorded it');
    assert.equal(cells[5].replace(/\s*撤销$/, ''), INCOME, 'which paper');
    assert.match(cells[0], /\d/, 'when');
    // the next pass is the usual one: no paper named, its note optional again
    await pane.getByRole('button', { name: /^本环节办完/ }).click();
    const again = pane.locator('form', { has: page.locator('#pass-note') });
    assert.equal(await again.locator('.owed-papers').count(), 0);
    assert.match(await again.locator('label[for=pass-note]').innerText(), /可不填/);
    // and the receipt, printed again, owes nothing
    const r = await fetch(`${k.url}/print/staff/cases/${caseId}/receipt`, { headers: { Cookie: staff.cookie } });
    assert.ok(!(await r.text()).includes('待补交材料'));
  });

  it('已补交 in the case note records it there too', async () => {
    const { id, ticket: t } = await heldCase(staff, { id_card: true, hukou_books: false, income_proof: false });
    const pane = await openStaffCase(page, t);
    const note = pane.locator('#incomplete-note');
    await note.getByRole('button', { name: `已补交：${INCOME}` }).click();
    await poll(async () => assert.match(await pane.locator('.case-msg').innerText(), /已登记补交/));
    const li = note.locator('li', { hasText: INCOME });
    assert.equal(await li.locator('.badge', { hasText: '已补交' }).count(), 1);
    assert.equal(await li.getByRole('button', { name: /^已补交/ }).count(), 0);
    // only its 撤销, for a record made by mistake
    assert.deepEqual(await li.getByRole('button').allInnerTexts(), ['撤销']);
    // the household register is still owed: its button stays, and so does the list to print
    await note.getByRole('button', { name: /^已补交：全部共同生活家庭成员的户口簿/ }).waitFor();
    assert.equal(await note.getByText('打印所缺材料清单').count(), 1);
    assert.match(await note.innerText(), /已容缺受理：请居民补交这些材料/);
  });

  // 已补交 pressed on the wrong case could not be taken back: the paper was
  // received for good, and the pass form stopped asking about it
  it('撤销 takes back a 补交 recorded by mistake, saying why', async () => {
    const { id, ticket: t } = await heldCase(staff, { id_card: true, hukou_books: true, income_proof: false });
    const sent = [];
    const spy = (r) => { if (r.method() === 'POST' && r.url().endsWith('/received/withdraw')) sent.push(r.postData()); };
    page.on('request', spy);
    try {
      const pane = await openStaffCase(page, t);
      const note = pane.locator('#incomplete-note');
      await note.getByRole('button', { name: `已补交：${INCOME}` }).click();
      await poll(async () => assert.match(await pane.locator('.case-msg').innerText(), /已登记补交/));
      // in the history's 补交材料 row too
      await pane.locator('table.history tr', { hasText: '补交材料' }).getByRole('button', { name: `撤销补交登记：${INCOME}` }).waitFor();
      await note.getByRole('button', { name: `撤销补交登记：${INCOME}` }).click();
      const form = pane.locator('form', { has: page.locator('#withdraw-reason') });
      await form.getByRole('button', { name: '确认撤销' }).click();
      await poll(async () => assert.match(await form.locator('[role=alert]').innerText(), /请写明撤销的原因/));
      assert.deepEqual(sent, [], 'nothing sent without a reason');
      await page.locator('#withdraw-reason').fill('点错了办件，是另一位居民交的');
      await form.getByRole('button', { name: '确认撤销' }).click();
      await poll(async () => assert.match(await pane.locator('.case-msg').innerText(), /已撤销补交登记/));
      assert.equal(sent.length, 1);
      assert.deepEqual(JSON.parse(sent[0]), { item: 'income_proof', reason: '点错了办件，是另一位居民交的' });
      // owed again: its 已补交 is back, the step is not done, the pass form asks again
      await note.getByRole('button', { name: `已补交：${INCOME}` }).waitFor();
      assert.equal(await pane.locator('article.step').first().locator('.badge').innerText(), '未完成');
      const row = pane.locator('table.history tr', { hasText: '撤销补交登记' });
      const cells = await row.locator('td').allInnerTexts();
      assert.equal(cells[2], 'zhou', 'who');
      assert.equal(cells[5], `${INCOME}：点错了办件，是另一位居民交的`, 'which paper and why');
      assert.equal(await pane.getByRole('button', { name: /^撤销补交登记/ }).count(), 0, 'nothing left to withdraw');
      await pane.getByRole('button', { name: /^本环节办完/ }).click();
      const pass = pane.locator('form', { has: page.locator('#pass-note') });
      assert.ok((await pass.locator('.owed-papers').innerText()).includes(INCOME));
      await pass.getByRole('button', { name: '取消' }).click();
      const r = await fetch(`${k.url}/print/staff/cases/${id}/receipt`, { headers: { Cookie: staff.cookie } });
      assert.ok((await r.text()).includes('待补交材料'), 'the receipt owes it again');
    } finally {
      page.off('request', spy);
    }
  });

  it('a colleague’s 补交 record has no 撤销 here', async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'qian', 'staff', 'qian-password-1');
    const other = await login(k.url, 'qian', 'qian-password-1');
    const { id, ticket: t } = await heldCase(staff, { id_card: true, hukou_books: true, income_proof: false });
    await json(`/api/v1/staff/cases/${id}/received`, { items: ['income_proof'] }, authHeaders(other));
    const pane = await openStaffCase(page, t);
    const note = pane.locator('#incomplete-note');
    await note.locator('.badge', { hasText: '已补交' }).waitFor();
    assert.equal(await pane.getByRole('button', { name: /^撤销补交登记/ }).count(), 0);
  });

  // an optional paper (如有) handed over without the resident's tick: the
  // case view had （未勾选，如有） and no way to say the hall had it, so the
  // receipt's 已收材料 and the back office never knew
  it('已收到 records an optional paper handed over at the window', async () => {
    const MED = '残疾人证、病历、诊断证明（家里有残疾人或重病患者的提供）';
    const { id, ticket: t } = await heldCase(staff, { id_card: true, hukou_books: true, income_proof: false });
    const pane = await openStaffCase(page, t);
    const li = pane.locator('article.step li', { hasText: MED });
    assert.match(await li.innerText(), /（未勾选，如有）/);
    await li.getByRole('button', { name: `已收到：${MED}` }).click();
    await poll(async () => assert.match(await pane.locator('.case-msg').innerText(), /已登记收到/));
    await poll(async () => assert.match(await li.innerText(), /（窗口已收）/));
    assert.deepEqual(await li.getByRole('button').allInnerTexts(), ['撤销'], 'only its 撤销 now');
    // the income papers are owed as before: an optional paper settles nothing
    await pane.locator('#incomplete-note').getByRole('button', { name: `已补交：${INCOME}` }).waitFor();
    const row = pane.locator('table.history tr', { hasText: '补交材料' });
    assert.match((await row.locator('td').allInnerTexts())[5], /如有的材料，窗口收到/);
    const r = await fetch(`${k.url}/print/staff/cases/${id}/receipt`, { headers: { Cookie: staff.cookie } });
    const got = /<section class="materials received">([\s\S]*?)<\/section>/.exec(await r.text())[1];
    assert.ok(got.includes(MED) && got.includes('收到）'), got);
    assert.deepEqual(await axeSerious(page), []);
  });

  // the reverse: a 如有 paper ticked at the kiosk (an elder who has a
  // 残疾人证 at home ticks it) and not brought. The tick stood: the receipt
  // the resident keeps listed it under 已收材料, and nothing here could say
  // otherwise
  it('没带 takes an optional paper ticked but not brought off the receipt; 撤销 puts it back', async () => {
    const MED = '残疾人证、病历、诊断证明（家里有残疾人或重病患者的提供）';
    const { id, ticket: t } = await heldCase(staff,
      { id_card: true, hukou_books: true, income_proof: false, medical_proof: true });
    const receipt = async () => {
      const r = await fetch(`${k.url}/print/staff/cases/${id}/receipt`, { headers: { Cookie: staff.cookie } });
      return /<section class="materials received">([\s\S]*?)<\/section>/.exec(await r.text())[1];
    };
    const pane = await openStaffCase(page, t);
    const li = pane.locator('article.step li', { hasText: MED });
    assert.match(await li.innerText(), /（已勾选）/);
    await li.getByRole('button', { name: `没带：${MED}` }).click();
    await poll(async () => assert.match(await pane.locator('.case-msg').innerText(), /已登记没带/));
    await poll(async () => assert.match(await li.innerText(), /（居民勾选了，没有带来）/));
    // brought later: 已收到; marked by a slip: 撤销
    assert.deepEqual(await li.getByRole('button').allInnerTexts(), ['已收到', '撤销']);
    assert.ok(!(await receipt()).includes('残疾人证'), 'off the receipt');
    const row = pane.locator('table.history tr', { hasText: '登记没带材料' });
    let cells = await row.locator('td').allInnerTexts();
    assert.equal(cells[2], 'zhou', 'who');
    assert.match(cells[5], /居民勾选了，没有带来/);
    assert.deepEqual(await axeSerious(page), []);
    await li.getByRole('button', { name: `撤销没带登记：${MED}` }).click();
    await page.locator('#withdraw-reason').fill('病历夹在户口簿里了');
    await pane.locator('form', { has: page.locator('#withdraw-reason') }).getByRole('button', { name: '确认撤销' }).click();
    await poll(async () => assert.match(await pane.locator('.case-msg').innerText(), /已撤销没带登记/));
    await li.getByRole('button', { name: `没带：${MED}` }).waitFor();
    assert.match(await li.innerText(), /（已勾选）/);
    cells = await pane.locator('table.history tr', { hasText: '撤销没带登记' }).locator('td').allInnerTexts();
    assert.equal(cells[5], `${MED}：病历夹在户口簿里了`);
    assert.ok((await receipt()).includes(`<li>${MED}</li>`), 'received again, as at acceptance');
  });

  // the staffer writes the pass note, then the resident hands the paper
  // over: 已补交 in the form redrew the case and the note typed was lost
  it('已补交 in the pass form keeps the note typed there', async () => {
    const { id, ticket: t } = await heldCase(staff, { id_card: true, hukou_books: true, income_proof: false });
    const pane = await openStaffCase(page, t);
    await pane.getByRole('button', { name: /^本环节办完/ }).click();
    const form = pane.locator('form', { has: page.locator('#pass-note') });
    const typed = '收入情况说明今天补交了，已核对原件';
    await page.locator('#pass-note').fill(typed);
    await form.locator('.owed-papers').getByRole('button', { name: `已补交：${INCOME}` }).click();
    // the case is drawn again, the form with it: no paper owed, the note kept
    const note = pane.locator('#incomplete-note');
    await note.locator('.badge', { hasText: '已补交' }).waitFor();
    assert.equal(await note.getByRole('button', { name: `已补交：${INCOME}` }).count(), 0, 'marked in the case note too');
    assert.equal(await page.locator('#pass-note').inputValue(), typed, 'the note stays');
    assert.equal(await form.locator('.owed-papers').count(), 0, 'the form asks about no paper now');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'pass-note', 'the caret back in the note');
    await form.getByRole('button', { name: '确认转下一环节' }).click();
    await poll(async () => assert.match(await pane.locator('.case-msg').innerText(), /已转/));
    const r = await fetch(`${k.url}/api/v1/staff/cases/${id}`, { headers: { Cookie: staff.cookie } });
    const v = await r.json();
    assert.deepEqual(v.missing.checklist, [], 'recorded');
    assert.ok(v.events.some((e) => e.what === 'passed' && e.detail === typed) ||
      JSON.stringify(v).includes(typed), 'the note went with the pass');
  });

  // the staffer writes the pass note, then sees a 如有 paper on the desk and
  // presses 已收到 beside it in the steps: the case was drawn again from
  // the new view and the form went with the note (12-07)
  it('a note typed in the pass form stays when 已收到 redraws the case, and goes with the pass', async () => {
    const MED = '残疾人证、病历、诊断证明（家里有残疾人或重病患者的提供）';
    const { id, ticket: t } = await heldCase(staff, { id_card: true, hukou_books: true, income_proof: false });
    const pane = await openStaffCase(page, t);
    await pane.getByRole('button', { name: /^本环节办完/ }).click();
    const typed = '收入情况说明还没交，居民答应12月10日前补交；残疾人证已收';
    await page.locator('#pass-note').fill(typed);
    const li = pane.locator('article.step li', { hasText: MED });
    await li.getByRole('button', { name: `已收到：${MED}` }).click();
    await poll(async () => assert.match(await li.innerText(), /（窗口已收）/), { timeout: 10_000 });
    assert.equal(await page.locator('#pass-note').inputValue(), typed, 'the note is still in the form');
    await pane.locator('form', { has: page.locator('#pass-note') }).getByRole('button', { name: '确认转下一环节' }).click();
    await poll(async () => assert.match(await pane.locator('.case-msg').innerText(), /已转/));
    const v = await (await fetch(`${k.url}/api/v1/staff/cases/${id}`, { headers: { Cookie: staff.cookie } })).json();
    assert.equal(v.stages[0].note, typed, 'the pass recorded the note typed before 已收到');
    assert.ok(v.received_papers.some((r) => r.id === 'medical_proof'), 'and the paper');
  });

  // a colleague passed the stage meanwhile: the pass note is of a stage
  // already done, and its form is not offered again; the note typed stays
  // on the page, read-only, with why, to copy
  it('a pass note whose stage moved on stays on the page, read-only, after the redraw', async () => {
    const MED = '残疾人证、病历、诊断证明（家里有残疾人或重病患者的提供）';
    const { id, ticket: t } = await heldCase(staff, { id_card: true, hukou_books: true, income_proof: false });
    const pane = await openStaffCase(page, t);
    await pane.getByRole('button', { name: /^本环节办完/ }).click();
    const typed = '居民说收入证明下周一送来，已电话核实';
    await page.locator('#pass-note').fill(typed);
    await json(`/api/v1/staff/cases/${id}/pass`, { note: '同事已转入户调查' }, authHeaders(staff));
    const li = pane.locator('article.step li', { hasText: MED });
    await li.getByRole('button', { name: `已收到：${MED}` }).click();
    const kept = pane.locator('.draft-kept');
    await kept.waitFor();
    assert.equal(await kept.locator('textarea.typed-kept').inputValue(), typed, 'the note typed');
    assert.match(await kept.innerText(), /没有发出.*不能再提交/s);
    assert.equal(await page.locator('#pass-note').count(), 0, 'no form that would pass the next stage with it');
    const v = await (await fetch(`${k.url}/api/v1/staff/cases/${id}`, { headers: { Cookie: staff.cookie } })).json();
    assert.equal(v.stages[0].note, '同事已转入户调查', 'nothing sent');
    // a later redraw keeps it until closed
    await li.getByRole('button', { name: `撤销收到登记：${MED}` }).click();
    await page.locator('#withdraw-reason').fill('点错了');
    await pane.locator('form', { has: page.locator('#withdraw-reason') }).getByRole('button', { name: '确认撤销' }).click();
    await poll(async () => assert.match(await pane.locator('.case-msg').innerText(), /已撤销收到登记/));
    assert.equal(await kept.locator('textarea.typed-kept').inputValue(), typed, 'kept over the next redraw');
    await kept.getByRole('button', { name: '不需要了，关掉' }).click();
    assert.equal(await pane.locator('.draft-kept').count(), 0);
  });
});

// The resident's own page of the case (the slip's code, or the link on a
// phone) said 正在办理 and nothing of the papers the window accepted it
// without, nor anything once they came: it lists those still owed, and says
// when every one is in.
describe('the resident’s page of a case accepted without a paper', () => {
  let kp, page, staff, caseId;

  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'sun', 'staff', 'sun-password-1');
    staff = await login(k.url, 'sun', 'sun-password-1');
    ({ id: caseId } = await heldCase(staff, { id_card: true, hukou_books: false, income_proof: false }));
    kp = await kioskPage(k, { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });
    page = kp.page;
  });
  after(async () => {
    if (kp) {
      kp.assertClean('resident owed papers');
      await kp.context.close();
    }
  });

  const open = async () => {
    await page.goto('about:blank');
    await atRoute(page, /\/closed$/, () => page.goto(`${k.url}/#/case/${caseId}`));
    assert.equal(await h1Text(page), '正在办理');
    return page.locator('#case-owed');
  };

  it('lists the papers still owed, and drops one once recorded', async () => {
    let owed = await open();
    let text = await owed.innerText();
    assert.match(text, /容缺受理/);
    assert.ok(text.includes(INCOME) && text.includes('户口簿'), text);
    assert.deepEqual(await axeSerious(page), []);
    await json(`/api/v1/staff/cases/${caseId}/received`, { items: ['income_proof'] }, authHeaders(staff));
    owed = await open();
    text = await owed.innerText();
    assert.ok(!text.includes(INCOME), `brought: ${text}`);
    assert.ok(text.includes('户口簿'), text);
  });

  it('says every paper is in once the last is recorded', async () => {
    await json(`/api/v1/staff/cases/${caseId}/received`, { items: ['hukou_books'] }, authHeaders(staff));
    const owed = await open();
    assert.match(await owed.innerText(), /都已补交/);
    assert.equal(await owed.locator('li').count(), 0);
  });
});
