// A hall whose calendar lacks the year ahead (a year-end review), in the
// browser. The sample library's _calendar.md is replaced by one that lists
// no date of this year, so every date counted from today is counted by
// weekends alone:
// - the kiosk's visit form says the year's holidays are not entered yet and
//   that staff will call if the day chosen is one;
// - the admin then enters the year with the day asked for as a 休: the B
//   post's list on a phone marks the visit (call the resident, record
//   不在家（改期）);
// - a case accepted before has its committed date moved on, and the staff
//   page's history says 承诺日期顺延 with both dates.
// axe-core on each screen.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useKiosk, kioskPage, atRoute, shot, axeSerious, poll, staffLogin } from './helpers.mjs';
import { addUser, authHeaders, login } from '../api/helpers.mjs';
import { apiPost, longevityCase } from './labour-case.mjs';

const k = useKiosk({ copy: true });
const PHONE = { width: 360, height: 800 };
const PW = 'zhao-password-1';
const calendar = (text) => fs.writeFileSync(path.join(k.tree, '_calendar.md'), `# 工作日日历\n\n${text}`);
const visitDays = async () => (await fetch(`${k.url}/api/v1/visit/days`)).json();

describe('a calendar without the year ahead', () => {
  let visitId, accepted, gap, day;
  before(async () => {
    addUser(path.join(k.tmp, 'e2e.db'), 'zhao', 'staff', PW);
    calendar('- 2001-01-01 休\n');
    await poll(async () => assert.notEqual((await visitDays()).calendar_gap, null), { timeout: 10_000 });
    ({ calendar_gap: gap, days: [day] } = await visitDays());
    visitId = await longevityCase(k.url);
    // a case accepted now, its 10 working days counted by weekends alone
    const other = await longevityCase(k.url);
    const s = await apiPost(k.url, `/api/v1/cases/${other}/submit`);
    const staff = await login(k.url, 'zhao', PW);
    const a = await apiPost(k.url, `/api/v1/staff/cases/${other}/accept`, {}, { ...authHeaders(staff), 'content-type': 'application/json' });
    assert.equal(a.calendar_gap, Number(a.due.slice(0, 4)));
    accepted = { id: other, ticket: s.ticket, due: a.due };
  });

  it('the visit form says a day offered may be a holiday', async () => {
    const kp = await kioskPage(k);
    const { page } = kp;
    try {
      await atRoute(page, /\/review$/, () => page.goto(`${k.url}/?kiosk=1#/case/${visitId}`));
      await atRoute(page, /\/visit$/, () => page.click('#visit-ask'));
      const hint = await page.locator('#v-date-0').evaluate((e) => e.closest('fieldset').innerText);
      assert.match(hint, new RegExp(`${gap} 年的节假日安排还没有录入：您选的日子如果是节假日，工作人员会打电话和您另约时间`));
      assert.deepEqual(await axeSerious(page), [], 'the form: axe');
      await shot(page, 'visit-form-calendar-gap');
      await page.click('label[for="v-date-0"]');
      await page.click('label[for="v-slot-0"]');
      await atRoute(page, /\/done$/, () => page.click('#visit-send'));
      kp.assertClean('visit form with a calendar gap');
    } finally {
      await kp.context.close();
    }
  });

  it('the year entered: the B post\'s list marks the visit on a holiday', async () => {
    // the admin enters the year, the day asked for a holiday (test data)
    calendar(`- 2001-01-01 休\n- ${day} 休\n`);
    const staff = await login(k.url, 'zhao', PW);
    await poll(async () => {
      const r = await fetch(`${k.url}/api/v1/staff/visits?date=${day}`, { headers: { Cookie: staff.cookie } });
      assert.ok((await r.json()).visits.some((v) => v.id === visitId && v.rest_day));
    }, { timeout: 10_000 });
    const kp = await kioskPage(k, { viewport: PHONE, isMobile: true });
    const { page } = kp;
    try {
      await page.goto(`${k.url}/staff#visits`);
      await page.fill('#login-name', 'zhao');
      await page.fill('#login-pass', PW);
      await page.click('.login-form button[type=submit]');
      await page.locator('#visits-card').waitFor();
      await page.fill('#visits-date', day);
      await page.dispatchEvent('#visits-date', 'change');
      await page.locator(`#visits .visit-open[data-id="${visitId}"]`).waitFor();
      assert.match(await page.locator('#visits').innerText(),
        new RegExp(`${day} 是节假日，请打电话和居民另约时间（在办件里点“不在家（改期）”记下新日子）`));
      assert.deepEqual(await axeSerious(page), [], 'the list: axe');
      await shot(page, 'visit-list-holiday-phone');
      kp.assertClean('visits with a holiday');
    } finally {
      await kp.context.close();
    }
  });

  it('the case accepted before: its committed date moved on, and its history says so', async () => {
    const kp = await kioskPage(k, { viewport: { width: 1366, height: 768 }, hasTouch: false });
    const { page } = kp;
    try {
      await staffLogin(page, k.url, 'zhao', PW);
      await page.locator('#case-key').waitFor();
      await page.fill('#case-key', accepted.ticket);
      await page.keyboard.press('Enter');
      await page.locator('#case-h').waitFor();
      const history = page.locator('.history');
      await history.waitFor();
      const text = await history.innerText();
      const m = text.match(new RegExp(`承诺日期顺延[\\s\\S]*?工作日日历[\\s\\S]*?${accepted.due} → (\\d{4}-\\d{2}-\\d{2})（日历补录了节假日）`));
      assert.ok(m, text);
      assert.ok(m[1] > accepted.due, `${m[1]} after ${accepted.due}`);
      assert.deepEqual(await axeSerious(page), [], 'the case: axe');
      await shot(page, 'staff-due-moved');
      kp.assertClean('staff case with a moved date');
    } finally {
      await kp.context.close();
    }
  });
});
