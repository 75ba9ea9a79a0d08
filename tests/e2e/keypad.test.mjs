// The kiosk's own number keypad (web/keypad.js, issue #9.3): on a touch
// screen (portrait 1080×1920) an ID number with its X and a mobile are typed
// by tapping keys and the step is accepted; a date's boxes fill one after
// the other; a keyboard-wedge reader (fast keystrokes and Enter) still types
// into the box with the keypad up and submits the step; axe and the size
// rules with the keypad on screen. Only in kiosk mode (/?kiosk=1): a phone at
// home keeps its own keyboard, and so does a desk PC.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useKiosk, kioskPage, atRoute, poll, axeSerious, smallTargets, smallText, shot } from './helpers.mjs';
import { apiPost, labourForm, ID, NAME } from './labour-case.mjs';

const k = useKiosk();
const MOBILE = '13800138000';

const atForm = () => labourForm(k.url);

async function openForm(page, id, query = '?kiosk=1') {
  await atRoute(page, /^#\/case\/[0-9a-f]{32}\/step\/2$/, () => page.goto(`${k.url}/${query}#/case/${id}`));
}

const pad = (page) => page.locator('#main .keypad');
const key = (page, label) => pad(page).getByRole('button', { name: label, exact: true });
const focusedId = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);

// Taps the keys of text one by one, as a resident would.
async function tapKeys(page, text) {
  for (const ch of text) await key(page, ch).tap();
}

// Fills what the keypad does not serve (Chinese text comes from the system's
// input method; the choice is a tap).
async function fillTheRest(page) {
  await page.fill('#f-name', NAME);
  await page.fill('#f-address', '幸福路12号3单元201室');
  await page.locator('label[for="f-education-2"]').tap();
}

describe('the keypad on a touch screen', () => {
  let kp, page, id;
  before(async () => {
    id = await atForm();
    kp = await kioskPage(k, { hasTouch: true, isMobile: false, reuse: true });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.close(); });

  it('an ID number with its X, tapped in; a mistake taken back with 退格', async () => {
    await openForm(page, id);
    assert.equal(await pad(page).count(), 0, 'no keypad before a box is touched');
    await fillTheRest(page);
    await page.locator('#f-id_number').tap();
    await pad(page).waitFor();
    // a labelled group of real buttons, under its field
    assert.equal(await pad(page).getAttribute('role'), 'group');
    assert.equal(await pad(page).getAttribute('aria-label'), '数字键盘');
    for (const name of ['退格', '清空', '收起键盘', 'X', '0', '9']) assert.equal(await key(page, name).count(), 1, name);
    assert.equal(await page.evaluate(() => document.querySelector('#main .keypad').previousElementSibling.id), 'f-id_number-wrap');
    // the system keyboard is kept away while the keypad is up
    assert.equal(await page.getAttribute('#f-id_number', 'inputmode'), 'none');

    await tapKeys(page, '1101051985');
    await key(page, '7').tap();
    await key(page, '退格').tap();
    await tapKeys(page, ID.slice(10));
    assert.equal(await page.inputValue('#f-id_number'), ID);
    // an ID number has 18 characters: a 19th tap goes nowhere
    await key(page, '5').tap();
    assert.equal(await page.inputValue('#f-id_number'), ID);
    assert.equal(await focusedId(page), 'f-id_number', 'the box keeps the focus through every tap');

    assert.deepEqual(await axeSerious(page), [], 'axe with the keypad shown');
    assert.deepEqual(await smallTargets(page), []);
    assert.deepEqual(await smallText(page), []);
    // the sizes docs/kiosk.md gives: keys far above the 60 px rule
    const size = await page.evaluate(() => {
      const keys = [...document.querySelectorAll('#main .keypad .kkey')].map(b => b.getBoundingClientRect());
      const font = (sel) => parseFloat(getComputedStyle(document.querySelector(sel)).fontSize);
      return {
        w: Math.min(...keys.map(r => r.width)), h: Math.min(...keys.map(r => r.height)),
        digit: font('#main .kkey-5'), word: font('#main .kkey-back'),
      };
    });
    assert.ok(size.w >= 150 && size.h >= 96, JSON.stringify(size));
    assert.ok(size.digit >= 38 && size.word >= 25, JSON.stringify(size));
    console.log('keypad sizes at 1080×1920:', JSON.stringify(size));
    await shot(page, 'keypad-id', { fullPage: false });
  });

  it('清空, then a mobile (no X on its keypad), and the step is accepted', async () => {
    await key(page, '清空').tap();
    assert.equal(await page.inputValue('#f-id_number'), '');
    await tapKeys(page, ID);

    await page.locator('#f-mobile').tap();
    await poll(async () => assert.equal(
      await page.evaluate(() => document.querySelector('#main .keypad').previousElementSibling.id), 'f-mobile-wrap'));
    assert.equal(await key(page, 'X').count(), 0, 'X only for an ID number');
    // the ID box left the keypad: its own keyboard back
    assert.equal(await page.getAttribute('#f-id_number', 'inputmode'), 'text');
    await tapKeys(page, MOBILE);
    assert.equal(await page.inputValue('#f-mobile'), MOBILE);

    await key(page, '收起键盘').tap();
    assert.equal(await pad(page).count(), 0, '收起键盘 puts it away');
    assert.equal(await page.getAttribute('#f-mobile', 'inputmode'), 'tel');
    await page.locator('#f-mobile').tap();
    await pad(page).waitFor();   // a tap on the box brings it back

    await atRoute(page, /\/step\/3$/, () => page.locator('#main form.step-form button[type=submit]').tap());
    const c = await (await fetch(`${k.url}/api/v1/cases/${id}`)).json();
    assert.ok(c.done.includes(2), JSON.stringify(c.done));
    kp.assertClean('keypad');
  });
});

// The form's last keypad box at the foot of a scrolled page (高龄津贴 by a
// proxy, portrait 1080×1920): a touch's focus moves at the mousedown that
// follows its release, and the keypad went then, before the click; the
// page moved and the click landed beside 下一步, so it took a second tap (a
// resident's review). The keypad now goes once the press's click is made.
function cnId(head17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...head17].reduce((acc, d, i) => acc + Number(d) * w[i], 0);
  return head17 + '10X98765432'[sum % 11];
}

describe('下一步 tapped while the keypad is up at the foot of a scrolled form', () => {
  let kp, page, id;
  before(async () => {
    const post = (p, body) => apiPost(k.url, p, body);
    const c = await post('/api/v1/cases', { procedure: 'longevity-allowance', channel: 'kiosk' });
    await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true, true] });
    await post(`/api/v1/cases/${c.id}/steps/0`, { fields: { proxy: 'yes' } });
    await post(`/api/v1/cases/${c.id}/steps/1`, {
      checklist: { id_card: true, hukou_book: true, own_card: true, agent_id_card: true, authorisation: true },
    });
    id = c.id;
    kp = await kioskPage(k, { hasTouch: true, isMobile: false, viewport: { width: 1080, height: 1920 }, reuse: true });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.close(); });

  it('one tap submits the step', async () => {
    await openForm(page, id);
    await page.fill('#f-name', '王秀英');
    await page.fill('#f-id_number', cnId('11010519400101123'));
    await page.fill('#f-phone', '0535-1234567');
    await page.fill('#f-address', '幸福路12号3单元201室');
    await page.fill('#f-bank_card', '6222020200112233445');
    await page.fill('#f-agent_name', '王小明');
    await page.locator('label[for="f-agent_rel-1"]').tap();
    await page.locator('#f-agent_mobile').tap();
    await pad(page).waitFor();
    await tapKeys(page, '13900139000');
    assert.ok(await page.evaluate(() => window.scrollY) > 0, 'the page is scrolled, as at the kiosk');
    // one tap sends the step: its POST is the proof, not a 3 s deadline on
    // the next screen (which a slow answer could miss after one good tap)
    const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/api/v1/cases/${id}/steps/2`));
    await atRoute(page, /\/step\/3$/, async () => {
      await page.locator('#main form.step-form button[type=submit]').tap();
      await sent;
    });
    const c = await (await fetch(`${k.url}/api/v1/cases/${id}`)).json();
    assert.ok(c.done.includes(2), JSON.stringify(c.done));
    kp.assertClean('keypad at the foot');
  });
});

// Taps box, waits for the keypad and two frames, and measures where the
// header ends, the sticky bar starts, the box's label and the box are, and
// each key ([text, top, bottom, height]).
async function padLayout(page, box) {
  await page.locator(box).tap();
  await pad(page).waitFor();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page.evaluate((sel) => {
    const r = (e) => e.getBoundingClientRect();
    const bar = document.querySelector('#main .actions-sticky');
    return {
      header: r(document.querySelector('.app-header')).bottom,
      barTop: Math.min(window.innerHeight, r(bar).top),
      label: r(document.querySelector(`label[for="${sel.slice(1)}"]`)),
      box: r(document.querySelector(sel)),
      keys: [...document.querySelectorAll('#main .keypad button')].map((b) => [b.textContent, r(b).top, r(b).bottom, r(b).height]),
    };
  }, box);
}

// 大字 at 1366×768: scrollIntoView put the keys just inside the window,
// under the sticky 上一步/下一步 bar (7, 8, 9, 0 and 收起键盘 hidden) and the
// box under the sticky header (a resident's review).
describe('the keypad with 大字 at 1366×768', () => {
  let kp, page, id;
  before(async () => {
    id = await atForm();
    kp = await kioskPage(k, { hasTouch: true, isMobile: false, viewport: { width: 1366, height: 768 }, reuse: true });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.close(); });

  it('shows the box and every key between the header and the bar', async () => {
    await openForm(page, id);
    await page.locator('#btn-big').tap();
    await page.waitForFunction(() => document.documentElement.classList.contains('big'));
    for (const box of ['#f-id_number', '#f-mobile']) {
      const g = await padLayout(page, box);
      await shot(page, `keypad-big-1366-${box.slice(3)}`, { fullPage: false });
      assert.ok(g.box.top >= g.header, `${box}: the box under the header (${g.box.top} < ${g.header})`);
      for (const [label, top, bottom] of g.keys)
        assert.ok(top >= g.header && bottom <= g.barTop, `${box}: key ${label} at ${top}–${bottom}, bar at ${g.barTop}`);
    }
  });

  // Here the label and the hint do not fit with the box and the keys: the
  // resident saw an empty box over the keys with no name (a form with 公民
  // 身份号码 and 监护人公民身份号码 has two such boxes). The empty box shows
  // its field's name while the keypad serves it.
  it('names the field in its empty box while the keypad serves it', async () => {
    await openForm(page, id);
    await page.evaluate(() => { for (const s of ['#f-id_number', '#f-mobile']) document.querySelector(s).value = ''; });
    for (const box of ['#f-id_number', '#f-mobile']) {
      await page.locator(box).tap();
      await pad(page).waitFor();
      const label = (await page.locator(`label[for="${box.slice(1)}"]`).textContent()).trim();
      assert.equal(await page.getAttribute(box, 'placeholder'), label, `${box} shows its name`);
      assert.equal(await page.locator(box).isVisible(), true);
    }
    await shot(page, 'keypad-big-1366-named', { fullPage: false });
    await key(page, '收起键盘').tap();
    await poll(async () => assert.equal(await pad(page).count(), 0));
    assert.equal(await page.getAttribute('#f-mobile', 'placeholder'), null, 'no name once the keypad is put away');
    assert.equal(await page.getAttribute('#f-id_number', 'placeholder'), null);
    kp.assertClean('named box');
  });
});

// Normal size at 1366×768 (the common hall screen on its side): four rows
// of keys and the field did not fit between the header and the bar, so the
// box went up to the header and its label (公民身份号码, 联系手机) under it.
// The resident saw an empty box over the keys and could not tell which
// answer the keys were typing. The label, the box and every key show.
describe('the keypad at 1366×768', () => {
  let kp, page, id;
  before(async () => {
    id = await atForm();
    kp = await kioskPage(k, { hasTouch: true, isMobile: false, viewport: { width: 1366, height: 768 }, reuse: true });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.close(); });

  it('shows the field\'s label, its box and every key between the header and the bar', async () => {
    await openForm(page, id);
    for (const box of ['#f-id_number', '#f-mobile']) {
      const g = await padLayout(page, box);
      await shot(page, `keypad-1366-${box.slice(3)}`, { fullPage: false });
      assert.ok(g.label.top >= g.header, `${box}: its label under the header (${g.label.top} < ${g.header})`);
      assert.ok(g.box.top >= g.header, `${box}: the box under the header (${g.box.top} < ${g.header})`);
      for (const [label, top, bottom, height] of g.keys) {
        assert.ok(top >= g.header && bottom <= g.barTop, `${box}: key ${label} at ${top}–${bottom}, bar at ${g.barTop}`);
        assert.ok(height >= 60, `${box}: key ${label} ${height} px high`);
      }
    }
    kp.assertClean('keypad at 1366×768');
  });
});

// A date in error with 大字 at 1366×768 (居住证明's 开始在此居住的日期 set in
// the future). The summary's link centred the year box and the keypad came
// up under it: three red boxes and the keys showed, the question and the
// error line that says what to change were under the header. The page now
// shows the error line and the box; a tap on the box brings every key.
// That tap's scroll waited for no press: it moved the box away between the
// finger's pointerdown and its mousedown, which landed beside the box (the
// focus left it and the keypad went), as a tap back after 收起键盘 did.
async function residenceDateInError(page, query) {
  const post = (p, body) => apiPost(k.url, p, body);
  const c = await post('/api/v1/cases', { procedure: 'residence-certificate', channel: 'kiosk' });
  await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true, true] });
  await post(`/api/v1/cases/${c.id}/steps/0`, { fields: { purpose: '办理社保或医保' } });
  await post(`/api/v1/cases/${c.id}/steps/1`, { checklist: { id_card: true, housing_proof: true } });
  await atRoute(page, /\/step\/2$/, () => page.goto(`${k.url}/${query}#/case/${c.id}`));
  if (!(await page.evaluate(() => document.documentElement.classList.contains('big')))) {
    await page.locator('#btn-big').click();
    await page.waitForFunction(() => document.documentElement.classList.contains('big'));
  }
  for (const [sel, v] of [['#f-name', NAME], ['#f-id_number', ID], ['#f-mobile', MOBILE],
    ['#f-address', '幸福路12号3单元201室'], ['#f-live_since-y', '2030'], ['#f-live_since-m', '1'], ['#f-live_since-d', '1']])
    await page.fill(sel, v);
  await page.locator('#main form.step-form button[type=submit]').click();
  await page.locator('#main .error-summary').waitFor();
  await page.locator('#main .error-summary a', { hasText: '开始在此居住的日期' }).click();
  return c.id;
}

// Where the header ends, the bar starts, and the date's question, error
// line, year box and (if up) keys are, once two frames have passed.
async function dateLayout(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page.evaluate(() => {
    const r = (e) => e && e.getBoundingClientRect();
    const w = document.getElementById('f-live_since-wrap');
    return {
      header: r(document.querySelector('.app-header')).bottom,
      barTop: Math.min(window.innerHeight, r(document.querySelector('#main .actions-sticky')).top),
      legend: r(w.querySelector('legend')), error: r(w.querySelector('.field-error')),
      box: r(document.getElementById('f-live_since-y')), focus: document.activeElement.id,
      keys: [...document.querySelectorAll('#main .keypad button')].map((b) => [b.textContent, r(b).top, r(b).bottom]),
    };
  });
}

const between = (g, what, rect) =>
  assert.ok(rect.top >= g.header && rect.bottom <= g.barTop, `${what} at ${rect.top}–${rect.bottom}: header ${g.header}, bar ${g.barTop}`);

describe('a date in error with 大字 at 1366×768', () => {
  let kp, page;
  before(async () => {
    kp = await kioskPage(k, { hasTouch: true, isMobile: false, viewport: { width: 1366, height: 768 }, reuse: true });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.close(); });

  it('the summary\'s link shows the error line and the box; a tap on the box brings every key', async () => {
    await residenceDateInError(page, '?kiosk=1');
    await pad(page).waitFor();
    let g = await dateLayout(page);
    await shot(page, 'keypad-big-1366-date-error', { fullPage: false });
    assert.equal(g.focus, 'f-live_since-y');
    between(g, 'the error line', g.error);
    between(g, 'the year box', g.box);
    await page.locator('#f-live_since-y').tap();
    await poll(async () => {
      g = await dateLayout(page);
      assert.equal(g.focus, 'f-live_since-y', 'the tap stayed on the box');
      assert.equal(g.keys.length > 0, true, 'the keypad is up');
      for (const [label, top, bottom] of g.keys) between(g, `key ${label}`, { top, bottom });
    });
    between(g, 'the year box', g.box);
    // the keys type into it
    await key(page, '清空').tap();
    await tapKeys(page, '2020');
    assert.equal(await page.inputValue('#f-live_since-y'), '2020');
    kp.assertClean('date in error');
  });

  it('a tap on the box after 收起键盘, near the bar, keeps the box and brings the keys', async () => {
    await residenceDateInError(page, '?kiosk=1');
    await pad(page).waitFor();
    await key(page, '收起键盘').tap();
    await poll(async () => assert.equal(await pad(page).count(), 0));
    // the box just over the bar, as a resident who scrolled leaves it
    await page.evaluate(() => {
      const b = document.getElementById('f-live_since-y').getBoundingClientRect();
      const bar = document.querySelector('#main .actions-sticky').getBoundingClientRect();
      window.scrollBy(0, b.bottom - bar.top + 8);
    });
    await page.locator('#f-live_since-y').tap();
    await poll(async () => {
      const g = await dateLayout(page);
      assert.equal(g.focus, 'f-live_since-y', 'the tap stayed on the box');
      assert.equal(g.keys.length > 0, true, 'the keypad is up');
      for (const [label, top, bottom] of g.keys) between(g, `key ${label}`, { top, bottom });
    });
    assert.equal(await page.inputValue('#f-live_since-y'), '2030', 'nothing typed by the tap');
    kp.assertClean('tap after 收起键盘');
  });

  it('without the keypad (a PC at home), the link shows the question, its error and the box', async () => {
    await residenceDateInError(page, '');
    const g = await dateLayout(page);
    assert.equal(g.focus, 'f-live_since-y');
    assert.equal(g.keys.length, 0);
    between(g, 'the question', g.legend);
    between(g, 'the error line', g.error);
    between(g, 'the year box', g.box);
  });
});

describe('the last four of 我有凭条', () => {
  let kp, page;
  before(async () => {
    kp = await kioskPage(k, { hasTouch: true, reuse: true });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.close(); });

  it('come from the keypad, with X, and no more than its maxlength', async () => {
    await atRoute(page, /^#\/code$/, () => page.goto(`${k.url}/?kiosk=1#/code`));
    await page.keyboard.type('A001');   // the ticket, as a scanner would
    await page.keyboard.press('Enter');
    await pad(page).waitFor();
    assert.equal(await focusedId(page), 'code-last4');
    await tapKeys(page, '102X5');
    assert.equal(await page.inputValue('#code-last4'), '102X', 'maxlength 4 holds');
    assert.deepEqual(await axeSerious(page), []);
    assert.deepEqual(await smallTargets(page), []);
    kp.assertClean('code');
  });
});

// keypad.js comes after the first paint (issue #13's 50 KB); a box that
// had the focus before it came got no keypad until tapped again (the test
// above failed so under ASan on a loaded machine: the ticket typed and its
// Enter all came before the keypad). Held here until the box has the focus.
describe('a box focused before the keypad arrived', () => {
  let kp, page;
  before(async () => {
    kp = await kioskPage(k, { hasTouch: true, reuse: true });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.close(); });

  it('gets the keypad once it comes', async () => {
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route(/\/assets\/keypad[^/]*\.js/, async (route) => { await held; await route.continue(); });
    await atRoute(page, /^#\/code$/, () => page.goto(`${k.url}/?kiosk=1#/code`));
    await page.keyboard.type('A001');
    await page.keyboard.press('Enter');
    await page.locator('#code-last4').waitFor();
    assert.equal(await focusedId(page), 'code-last4');
    assert.equal(await pad(page).count(), 0, 'no keypad before keypad.js');
    release();
    await pad(page).waitFor();
    await tapKeys(page, '1234');
    assert.equal(await page.inputValue('#code-last4'), '1234');
    kp.assertClean('code, keypad late');
  });
});

describe('a keyboard-wedge reader with the keypad up', () => {
  let kp, page, id;
  before(async () => {
    id = await atForm();
    kp = await kioskPage(k, { hasTouch: true, reuse: true });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.close(); });

  it('types the ID number into the box and its Enter submits the step', async () => {
    await openForm(page, id);
    await fillTheRest(page);
    await page.locator('#f-mobile').tap();
    await tapKeys(page, MOBILE);
    await page.locator('#f-id_number').tap();
    await pad(page).waitFor();
    // a reader "types" fast, lowercase x and all, and ends with Enter
    await page.keyboard.type(ID.toLowerCase(), { delay: 5 });
    assert.equal(await page.inputValue('#f-id_number'), ID, 'the box got every keystroke, X in capitals');
    assert.equal(await pad(page).count(), 1, 'the keypad stays up');
    await atRoute(page, /\/step\/3$/, () => page.keyboard.press('Enter'));
    const c = await (await fetch(`${k.url}/api/v1/cases/${id}`)).json();
    assert.ok(c.done.includes(2), JSON.stringify(c.done));
    kp.assertClean('wedge');
  });
});

describe('a date typed on the keypad', () => {
  let kp, page;
  before(async () => {
    kp = await kioskPage(k, { hasTouch: true, reuse: true });
    page = kp.page;
  });
  after(async () => { if (kp) await kp.close(); });

  it('fills the box in focus and moves on to the next when it is full', async () => {
    const post = (p, body) => apiPost(k.url, p, body);
    const c = await post('/api/v1/cases', { procedure: 'unemployment-registration', channel: 'kiosk' });
    await post(`/api/v1/cases/${c.id}/conditions`, { confirmed: [true, true, true, true] });
    await post(`/api/v1/cases/${c.id}/steps/0`, { fields: { reason: '本人辞职' } });
    await post(`/api/v1/cases/${c.id}/steps/1`, { checklist: { id_card: true } });
    await atRoute(page, /\/step\/2$/, () => page.goto(`${k.url}/?kiosk=1#/case/${c.id}`));
    await page.locator('#f-lost_date-y').tap();
    await pad(page).waitFor();
    assert.equal(await page.evaluate(() => document.querySelector('#main .keypad').previousElementSibling.id), 'f-lost_date-wrap');
    await tapKeys(page, '2025');
    assert.equal(await focusedId(page), 'f-lost_date-m', 'a full year moves on to the month');
    await tapKeys(page, '03');
    assert.equal(await focusedId(page), 'f-lost_date-d');
    await tapKeys(page, '15');
    assert.deepEqual(await Promise.all(['y', 'm', 'd'].map(s => page.inputValue(`#f-lost_date-${s}`))), ['2025', '03', '15']);
    // and the page took it as typed: the rest filled in, the step is accepted
    await page.fill('#f-name', NAME);
    await page.locator('#f-id_number').tap();
    await tapKeys(page, ID);
    await page.locator('#f-mobile').tap();
    await tapKeys(page, MOBILE);
    await page.fill('#f-prev_employer', '幸福食品有限公司');
    await page.locator('label[for="f-want_training-1"]').tap();
    await atRoute(page, /\/step\/3$/, () => page.locator('#main form.step-form button[type=submit]').tap());
    const got = await (await fetch(`${k.url}/api/v1/cases/${c.id}`)).json();
    assert.ok(got.done.includes(2), JSON.stringify(got));
    kp.assertClean('date');
  });
});

describe('a phone at home, a desk PC', () => {
  let kp, page;
  after(async () => { if (kp) await kp.close(); });

  it('a phone outside kiosk mode has no keypad: its own keyboard, by the box\'s inputmode', async () => {
    const phone = await kioskPage(k, { hasTouch: true, isMobile: true, viewport: { width: 360, height: 800 } });
    try {
      await openForm(phone.page, await atForm(), '');
      await phone.page.locator('#f-mobile').tap();
      assert.equal(await pad(phone.page).count(), 0);
      assert.equal(await phone.page.getAttribute('#f-mobile', 'inputmode'), 'tel');
      // An ID number ends in a digit or X, and the phone's own keyboards
      // for inputmode numeric, tel and decimal have no X (iOS's number pad
      // has no key to switch to letters): one resident in eleven could not
      // finish the box. So it keeps the text keyboard, capitals first, and
      // a typed x reads X (docs/kiosk.md, "Typing on a touch screen").
      const box = phone.page.locator('#f-id_number');
      await box.tap();
      assert.equal(await pad(phone.page).count(), 0);
      assert.equal(await box.getAttribute('inputmode'), 'text');
      assert.equal(await box.getAttribute('autocapitalize'), 'characters');
      await phone.page.keyboard.type(ID.toLowerCase());
      assert.equal(await box.inputValue(), ID);
      phone.assertClean('phone');
    } finally {
      await phone.context.close();
    }
  });

  it('a desk PC with a mouse has no keypad: the box keeps its own keyboard', async () => {
    kp = await kioskPage(k, { hasTouch: false, viewport: { width: 1366, height: 768 } });
    page = kp.page;
    await openForm(page, await atForm(), '');
    await page.locator('#f-id_number').click();
    await page.keyboard.type(ID);
    assert.equal(await page.inputValue('#f-id_number'), ID);
    assert.equal(await pad(page).count(), 0);
    assert.equal(await page.getAttribute('#f-id_number', 'inputmode'), 'text');
  });

  it('in kiosk mode (/?kiosk=1) it has one, for a touch frame that reports a mouse', async () => {
    await openForm(page, await atForm(), '?kiosk=1');
    await page.locator('#f-mobile').click();
    await pad(page).waitFor();
    await key(page, '1').click();
    await key(page, '3').click();
    assert.equal(await page.inputValue('#f-mobile'), '13');
    assert.equal(await focusedId(page), 'f-mobile');
    kp.assertClean('desk');
  });
});
