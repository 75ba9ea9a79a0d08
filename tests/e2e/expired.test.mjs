// A slip brought back on a later day (我有凭条): its ticket was never called,
// and today's numbers start again at A001, so the kiosk says the number has
// expired and draws a new one for the same case with one tap. Two days
// without waiting for midnight, as tests/api/staff-days.test.mjs does: one
// database served at UTC+14, then at UTC−12.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startDaemon, makeTmp, stopChecked, SAMPLE_TREE } from '../api/helpers.mjs';
import { kioskPage, shot, axeSerious, atRoute, smallTargets, smallText, poll, WEB_DIR, launchBrowser } from './helpers.mjs';
import { labourCase } from './labour-case.mjs';

const serve = (db, tz) => startDaemon({
  tree: SAMPLE_TREE, db, env: { TZ: tz }, args: WEB_DIR ? ['--web', path.resolve(WEB_DIR)] : [],
});

describe('an earlier day\'s ticket at the kiosk', () => {
  const h = { browser: null, url: '' };
  let tmp, d, kp, old;

  before(async () => {
    tmp = makeTmp('spkiosk-e2e-');
    const db = path.join(tmp, 'e2e.db');
    d = await serve(db, 'Etc/GMT-14');
    old = await labourCase(d.url);
    const info = await d.stop();
    assert.deepEqual([info.code, info.signal], [0, null], d.stderr());
    d = await serve(db, 'Etc/GMT+12');
    h.url = d.url;
    h.browser = await launchBrowser();
    kp = await kioskPage(h);
  });
  after(async () => {
    try {
      if (h.browser) await h.browser.close();
    } finally {
      await stopChecked(d, tmp);
    }
  });

  it('the slip\'s code opens 这个排队号已经过期, and 重新取号 gives today\'s ticket', async () => {
    const { page } = kp;
    await atRoute(page, new RegExp(`^#/case/${old.id}/done`), () => page.goto(`${h.url}/?kiosk=1#/case/${old.id}`));
    await poll(async () => assert.equal((await page.locator('h1').first().innerText()).trim(), '这个排队号已经过期'));
    assert.equal(await page.locator('.ticket-old').innerText(), old.ticket);
    assert.deepEqual(await axeSerious(page), [], 'axe-core');
    assert.deepEqual(await smallTargets(page), [], 'kiosk target sizes');
    assert.deepEqual(await smallText(page), [], 'kiosk text sizes');
    await shot(page, 'ticket-expired');
    await page.getByRole('button', { name: /重新取号/ }).click();
    await poll(async () => assert.equal((await page.locator('h1').first().innerText()).trim(), '您的排队号'));
    const now = (await (await fetch(`${h.url}/api/v1/cases/${old.id}`)).json());
    assert.equal(now.ticket_expired, false);
    assert.equal(await page.locator('.ticket-number').innerText(), now.ticket);
    assert.equal(now.ticket, 'A001', 'today\'s first number: yesterday\'s was not counted today');
    kp.assertClean('expired ticket');
  });
});
