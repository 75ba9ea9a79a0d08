// The resident's page of a home visit whose day went by with nobody
// recording it (the case still in `visit`): it went on saying
// 工作人员会在这个时段上门 under that past day. It now says the day has
// passed and that staff will phone to agree another (the case's
// `visit.past`, tests/api/visit-past.test.mjs). The booked day is moved
// into the past in the database, so the test holds on any day it runs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { useKiosk, kioskPage, atRoute, axeSerious } from './helpers.mjs';
import { longevityCase as walked } from './labour-case.mjs';

const k = useKiosk();
const PHONE = { width: 360, height: 800 };

describe('a visit whose day went by', () => {
  it('the case page no longer promises a visit on that day', async () => {
    const id = await walked(k.url, 'web');
    const kp = await kioskPage(k, { viewport: PHONE, hasTouch: true, isMobile: true });
    const { page } = kp;
    try {
      await atRoute(page, /\/review$/, () => page.goto(`${k.url}/#/case/${id}`));
      await atRoute(page, /\/visit$/, () => page.click('#visit-ask'));
      await page.click('label[for="v-date-0"]');
      await page.click('label[for="v-slot-0"]');
      await atRoute(page, /\/done$/, () => page.click('#visit-send'));
      assert.match(await page.locator('#visit-lead').innerText(), /工作人员会在这个时段上门/);

      execFileSync('sqlite3', ['-cmd', '.timeout 5000', path.join(k.tmp, 'e2e.db'),
        `UPDATE cases SET visit_date = '2020-01-02' WHERE id = '${id}';`]);
      await page.reload();
      await page.waitForSelector('#visit-when');
      assert.match(await page.locator('#visit-when').innerText(), /2020/);
      const lead = await page.locator('#visit-lead').innerText();
      assert.match(lead, /预约的日子已经过了/);
      assert.doesNotMatch(lead, /会在这个时段上门/);
      assert.deepEqual(await axeSerious(page), []);
      kp.assertClean('a visit whose day went by');
    } finally {
      await kp.context.close();
    }
  });
});
