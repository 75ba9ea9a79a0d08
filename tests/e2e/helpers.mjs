// Shared helpers of the browser tests: one daemon (sample library, temp db)
// and one Debian chromium per test file, kiosk pages with guards (no request
// leaves the daemon, no page error), screenshots, axe-core and the kiosk's
// size rules. playwright-core only (no @playwright/test): assertions are
// node:assert, waits are bounded polls on UI state.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { startDaemon, makeTmp, stopChecked, SAMPLE_TREE, ROOT, login, authHeaders, adminPassword, addUser } from '../api/helpers.mjs';

export { SAMPLE_TREE, ROOT };

const require = createRequire(import.meta.url);
// playwright-core by require, not import: Node 20 gives a CommonJS module
// that an ES module imports its export names by scanning its source, and
// here also the 7 MB of bundles it requires; that took 0.2 s of a core per
// test file (0.61 s against 0.41 s, 2026-12-07), about a hundred a run.
export const { chromium } = require('playwright-core');

// The pages run in the hall's zone (kioskPage's timezoneId), so the daemons
// started here and this process's own dates do too: with the machine's
// zone (UTC), "today" differed between the page and the daemon from 16:00
// UTC, Beijing's next day, and a ticket of today read as an earlier day's
// (returned-ticket.test failed at 16:20 UTC). A test that needs another
// zone gives the daemon its own TZ.
process.env.TZ = 'Asia/Shanghai';

// The UI the binary carries is what ships; E2E_WEB=DIR serves a folder
// instead (only while the embedded copy lags behind web/).
export const WEB_DIR = process.env.E2E_WEB || '';
// Screenshots, for people (docs/img, a look at a screen), never for an
// assertion: taken only when SHOTS names a folder (`make e2e-shots`), never
// inside the repository's tracked folders. Each full-page picture cost 0.35
// s of a browser's time, 261 of them per run: a fifth of `make check`'s
// browser tests on two cores, which ran past CI's ten minutes (12-07).
export const SHOTS = process.env.SHOTS || '';

export const PORTRAIT = { width: 1080, height: 1920 };
export const LANDSCAPE = { width: 1920, height: 1080 };

// Features playwright-core 1.65.1 (package-lock.json) disables in every
// chromium it launches. Chromium keeps only the last --disable-features of
// its command line, and playwright's comes before ours, so ours must name
// them again; checkPlaywrightFeatures() fails the run if an upgrade of
// playwright-core changes its list.
const PLAYWRIGHT_DISABLED = ['AvoidUnnecessaryBeforeUnloadCheckSync', 'DestroyProfileOnBrowserClose',
  'HttpsUpgrades', 'HttpsFirstBalancedModeAutoEnable', 'LensOverlay', 'MediaRouter', 'PaintHolding',
  'ThirdPartyStoragePartitioning', 'AvoidCorsURLLoaderRestartOnRedirect', 'TcpPortRandomizationWin',
  'OptimizationHints', 'NetworkTimeServiceQuerying', 'AimEnabled', 'PreconnectToSearch',
  'msForceBrowserSignIn', 'msEdgeUpdateLaunchServicesPreferredVersion'];
// Chromium 156 loads the address bar's suggestion popup, a WebUI page of
// its own (chrome://omnibox-popup.top-chrome/, and its AI-mode variant),
// into a renderer of its own for every window, which in headless is every
// page a test opens: 0.6 s of a core each, nobody ever seeing it, about a
// third of what a new page and a load of the kiosk cost (1.47 s against
// 0.65 s of CPU per context, medians of two runs of ten, 2026-12-07).
const OURS_DISABLED = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup'];

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  `--disable-features=${[...PLAYWRIGHT_DISABLED, ...OURS_DISABLED].join(',')}`];

// Throws unless every feature the installed playwright-core disables is in
// PLAYWRIGHT_DISABLED (read from its bundle's source: it exports no list).
// Called once per launch of a browser (browser-server.mjs, launchBrowser).
export function checkPlaywrightFeatures() {
  const bundle = path.join(path.dirname(require.resolve('playwright-core/package.json')), 'lib', 'coreBundle.js');
  const src = fs.readFileSync(bundle, 'utf8');
  // the list runs to its `].filter(Boolean)`: a ] in one of its comments
  // (a link) does not end it early; comments go before the names are read
  const m = /\bdisabledFeatures = \[([\s\S]*?)\]\.filter\(Boolean\)/.exec(src);
  if (!m) throw new Error(`${bundle}: no disabledFeatures list found; see PLAYWRIGHT_DISABLED in tests/e2e/helpers.mjs`);
  const theirs = [...m[1].replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/[^\n]*/g, '$1')
    .matchAll(/"([^"]+)"/g)].map((x) => x[1]);
  const missing = theirs.filter((f) => !PLAYWRIGHT_DISABLED.includes(f));
  if (!theirs.length || missing.length) {
    throw new Error(`playwright-core disables ${missing.join(', ') || 'no feature we can read'} too: ` +
      'add it to PLAYWRIGHT_DISABLED in tests/e2e/helpers.mjs (our --disable-features replaces its own)');
  }
}

// The browser of a test file: Debian's chromium, launched for the file,
// or, under `make e2e` (tests/e2e/browser-server.mjs), a connection to the
// one browser every file of the run shares (E2E_BROWSER_WS). Each page
// has its own context either way (kioskPage), so nothing is shared between
// files but the browser's processes; close() of a connection ends its
// contexts and the connection, not the browser. A launch took 0.48 s of a
// busy machine's two cores, about a hundred per run (12-07).
export async function launchBrowser() {
  const ws = process.env.E2E_BROWSER_WS;
  if (ws) return chromium.connect(ws);
  checkPlaywrightFeatures();
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

// The browser connection of this file's useKiosk handles, one for all of
// them: a file of several describes, each with a daemon of its own (small
// files folded into one), connected once, and a page kept by kioskPage's
// reuse under one describe's daemon serves the next describe's. Taken in
// each handle's before hook, given up in its after; when no handle holds
// it, it is closed a moment later unless the next describe's before has
// taken it again (if it has not by then, that one connects anew).
let shared = null;
async function takeConnection() {
  if (shared) {
    clearTimeout(shared.timer);
    shared.users += 1;
    await shared.ready;
    return shared;
  }
  const c = { users: 1, timer: null, spare: new Map(), browser: null, ready: null };
  shared = c;
  c.ready = launchBrowser().then((b) => { c.browser = b; }, (e) => { if (shared === c) shared = null; throw e; });
  await c.ready;
  return c;
}
function giveConnection(c) {
  c.users -= 1;
  if (c.users > 0) return;
  c.timer = setTimeout(() => {
    if (shared === c) shared = null;
    c.browser.close().catch(() => {});
  }, 500);
}

// Whether a context is a kept page's, in the pool (reuse).
function isKept(pool, context) {
  for (const list of pool?.values() ?? []) if (list.some((kp) => kp.context === context)) return true;
  return false;
}

// Registers before/after hooks for the file: a daemon over the sample
// library (or tree) on a fresh database, and the browser (the file's
// connection, above). h.url, h.browser, h.daemon are set once the hook has
// run; h.browser has newContext only, and the contexts made through it
// (kioskPage's too) are closed in the after hook, but for a page kept for
// reuse (on about:blank, for the next describe). copy: the daemon works
// on a copy of that library in h.tree (a test that writes a file). args:
// more options of `serve` (`--hall-location …`). env: the daemon's
// environment beside this process's (a stopped clock).
export function useKiosk({ tree = SAMPLE_TREE, copy = false, args = [], env } = {}) {
  const h = { daemon: null, browser: null, tmp: null, url: '', tree, contexts: new Set(), lent: new Set(), spare: null };
  let conn = null;
  before(async () => {
    // h.tmp before any await: a file's top-level before hook beside this
    // one runs while this one waits (node 20) and adds users to its db
    h.tmp = makeTmp('spkiosk-e2e-');
    if (copy) {
      h.tree = path.join(h.tmp, 'procedures');
      fs.cpSync(tree, h.tree, { recursive: true });
    }
    // then the connection, before the daemon: the file's connection is
    // held only until shortly after the describe before this one ended
    conn = await takeConnection();
    h.daemon = await startDaemon({
      tree: h.tree, db: path.join(h.tmp, 'e2e.db'),
      args: [...(WEB_DIR ? ['--web', path.resolve(WEB_DIR)] : []), ...args], env,
    });
    h.url = h.daemon.url;
    h.spare = conn.spare;
    h.browser = {
      async newContext(o) {
        const c = await conn.browser.newContext(o);
        h.contexts.add(c);
        return c;
      },
    };
  });
  // The evaluator's address of window w ('/rate?window=3&key=…'), its key
  // made by the daemon's first admin once per window, as the admin's
  // 评价器 page does. more: the rest of the query ('&fresh=1').
  const keys = new Map();
  let admin = null;
  h.rateAt = async (w, more = '') => {
    if (!keys.has(w)) {
      admin ??= await login(h.url, 'admin', adminPassword(h.daemon));
      const r = await fetch(`${h.url}/api/v1/admin/rate-keys`, { method: 'POST', headers: authHeaders(admin),
        body: JSON.stringify({ window: w }) });
      assert.equal(r.status, 200, `rate key of window ${w}: ${r.status}`);
      keys.set(w, (await r.json()).key);
    }
    return `/rate?window=${encodeURIComponent(w)}&key=${keys.get(w)}${more}`;
  };
  after(async () => {
    try {
      // pages of reuse still out go back while their daemon runs
      for (const kp of h.lent) await kp.release();
      for (const c of h.contexts) if (!isKept(h.spare, c)) await c.close().catch(() => {});
      h.contexts.clear();
      h.lent.clear();
    } finally {
      try {
        await stopChecked(h.daemon, h.tmp);
      } finally {
        if (conn) giveConnection(conn);
      }
    }
  });
  return h;
}

// A kiosk page: a fresh context (no state shared with other pages) with
// the guards attached. opts: viewport, hasTouch, isMobile, clock (install
// page.clock before the first navigation), reuse (below).
// Returns {context, page, problems(), assertClean(what), close()}.
//
// reuse: true, for a test that opens one short look after another (a phone
// opening a link, then another), each of which would otherwise get a
// context of its own: close() then keeps the page for the next kioskPage
// of the same file with the same input (hasTouch, isMobile: the context's,
// fixed at its making), for the same daemon or, across the file's
// useKiosk handles, another's, and gives it back as a new one would be:
// on about:blank, its routes and the test's listeners gone, the pointer
// off it, no key or button held, its cookies, the storage (local and the
// tab's session storage) of every origin it asked anything of, HTTP cache
// and permissions cleared, its guards emptied and watching the new
// daemon's origin, its viewport the one now asked (set as a new context
// sets it: the same screen size and orientation). Its history keeps the
// earlier looks' entries, behind the new one. A context's first page cost
// about 1.0 s of a core (a renderer process started, the UI's scripts and
// fonts loaded cold), the same page again 0.35 s (2026-12-07).
// What close() cannot undo makes the page unfit to keep, and it is closed
// instead: a test that adds init scripts or exposed functions to it or its
// context, emulates media, sets extra headers, geolocation or offline,
// routes its context, opens more pages in its context or touches its clock
// (page.clock: any call, setSystemTime too) — each of those calls marks
// the page, so a test need not know the list —, a page that opened a tab
// itself (window.open), a page that cannot be given back (its test closed
// it, its daemon is gone). opts.clock with reuse throws (the clock would be
// installed before the look). A page's beforeunload does not hold the
// return to about:blank (page.goto does not ask it).
const TAINTING = {
  page: ['addInitScript', 'exposeFunction', 'exposeBinding', 'emulateMedia', 'setExtraHTTPHeaders',
    'routeFromHAR', 'routeWebSocket', 'setDefaultTimeout', 'setDefaultNavigationTimeout'],
  context: ['addInitScript', 'exposeFunction', 'exposeBinding', 'newPage', 'setExtraHTTPHeaders',
    'setGeolocation', 'setOffline', 'setHTTPCredentials', 'route', 'routeFromHAR', 'routeWebSocket',
    'setDefaultTimeout', 'setDefaultNavigationTimeout'],
  clock: ['install', 'fastForward', 'pauseAt', 'resume', 'runFor', 'setFixedTime', 'setSystemTime'],
};
export async function kioskPage(h, opts = {}) {
  const { viewport = PORTRAIT, hasTouch = true, isMobile = false, clock = false, reuse = false } = opts;
  if (reuse && clock) throw new Error('kioskPage: a page with an installed clock cannot be reused');
  const key = JSON.stringify([!!hasTouch, !!isMobile]);
  for (const list = reuse && h.spare?.get(key); list?.length;) {
    const kp = list.pop();
    // one whose context a test closed behind the pool's back is dropped
    if (kp.page.isClosed()) continue;
    await kp.lend(h, viewport);
    return kp;
  }
  h.spare ??= new Map();
  const pool = h.spare;
  const context = await h.browser.newContext({
    viewport, hasTouch, isMobile, deviceScaleFactor: 1, locale: 'zh-CN', timezoneId: 'Asia/Shanghai',
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  // the daemon the page is for: a kept page can go to another handle's
  let origin = new URL(h.url).origin;
  const outside = [];
  const errors = [];
  // every origin the page asked something of since it was given out: a
  // kept page's close() clears each one's storage
  const visited = new Set();
  page.on('request', (r) => {
    const u = r.url();
    if (u.startsWith('data:') || u.startsWith('blob:') || u === 'about:blank') return;
    let o;
    try { o = new URL(u).origin; } catch { o = u; }
    visited.add(o);
    if (o !== origin) outside.push(u);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // chromium logs every 4xx answer; the kiosk expects some (a 422 for a
    // field error): those are judged by what the screen shows instead
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()))
      errors.push(`console.error: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) errors.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => {
    // a request the page gave up on itself (navigation away) is not a failure
    const f = r.failure()?.errorText ?? '';
    if (!/ERR_ABORTED/.test(f)) errors.push(`requestfailed: ${r.url()} ${f}`);
  });
  // the guards' own listeners, kept when a reused page drops the test's
  const guards = new Map(page.eventNames().map((ev) => [ev, new Set(page.listeners(ev))]));
  if (clock) await page.clock.install();
  let tainted = false;
  if (reuse) {
    for (const [o, names] of [[page, TAINTING.page], [context, TAINTING.context], [page.clock, TAINTING.clock]]) {
      for (const n of names) {
        const f = o[n];
        o[n] = function (...a) { tainted = true; return f.apply(this, a); };
      }
    }
  }
  let out = true;
  const kp = {
    context, page,
    outside: () => outside.slice(),
    errors: () => errors.slice(),
    assertClean(what = '') {
      assert.deepEqual(outside, [], `${what}: requests to hosts other than the daemon ${origin}`);
      assert.deepEqual(errors, [], `${what}: errors in the page`);
    },
    async close() {
      if (!out) return;
      out = false;
      // a tab the page opened itself (window.open: a print notice) would
      // stay in the kept context
      if (!reuse || tainted || context.pages().some((p) => p !== page)) return context.close();
      try {
        await page.unrouteAll({ behavior: 'ignoreErrors' });
        // a test's own listeners (a dialog's page.once that never fired)
        for (const ev of page.eventNames())
          for (const l of page.listeners(ev)) if (!guards.get(ev)?.has(l)) page.off(ev, l);
        // the tab's session storage outlives its documents: cleared from
        // one of each origin's (the page's last, or a stopped one); an
        // origin whose daemon is gone cannot be, and the page is not kept
        const origins = [...new Set([origin, ...visited])];
        for (const o of origins) {
          if (!page.url().startsWith(o + '/')) await page.goto(`${o}/favicon.ico`).catch(() => {});
          if (!page.url().startsWith(o + '/')) throw new Error(`${o}: not reached`);
          await page.evaluate(() => sessionStorage.clear());
        }
        await page.goto('about:blank');
        // a new page has no pointer over it, no key or button down (a
        // test that failed between down and up): none for the next look
        for (const m of ['Shift', 'Control', 'Alt', 'Meta']) await page.keyboard.up(m);
        await page.mouse.up();
        await page.mouse.move(-1, -1);
        const cdp = await context.newCDPSession(page);
        try {
          for (const o of origins) await cdp.send('Storage.clearDataForOrigin', { origin: o, storageTypes: 'all' });
          await cdp.send('Network.clearBrowserCache');
        } finally {
          await cdp.detach();
        }
        await context.clearCookies();
        await context.clearPermissions();
      } catch {
        // not kept: closed, as without reuse
        await context.close().catch(() => {});
        return;
      }
      outside.length = 0;
      errors.length = 0;
      visited.clear();
      if (!pool.has(key)) pool.set(key, []);
      pool.get(key).push(kp);
    },
    // given out again, for h's daemon (the same or another handle's of the
    // file: its origin's storage was never touched by this page, or was
    // cleared when the page left it)
    async lend(h2, vp) {
      out = true;
      origin = new URL(h2.url).origin;
      h2.contexts?.add(context);
      h2.lent?.add(kp);
      const vs = page.viewportSize();
      if (vs?.width !== vp.width || vs?.height !== vp.height) await page.setViewportSize(vp);
    },
    // by useKiosk's after hook, for a page still out when its describe
    // ends (the describe's own after hook, which would close it, runs
    // after the daemon's): kept only if its guards are empty, so that a
    // later assertClean of the describe reads what it would have read
    async release() {
      if (!out) return;
      if (outside.length || errors.length) {
        out = false;
        await context.close().catch(() => {});
        return;
      }
      await kp.close();
    },
  };
  if (reuse) h.lent?.add(kp);
  return kp;
}

// Two staff users on the daemon of h, wang (wang-password-1) and li
// (li-password-12), and one desk page (1600×1000, a mouse), for the tests
// that play one staffer on the page against the other through the API (a
// colleague's move while a case is on show). Call inside a describe: its .kp
// (kioskPage's, reuse: the page goes back with the describe's daemon's
// after hook, so the file's next describe can take it) is set once its
// before hook has run.
export function useTwoStaff(h) {
  const s = { kp: null };
  before(async () => {
    addUser(path.join(h.tmp, 'e2e.db'), 'wang', 'staff', 'wang-password-1');
    addUser(path.join(h.tmp, 'e2e.db'), 'li', 'staff', 'li-password-12');
    s.kp = await kioskPage(h, { viewport: { width: 1600, height: 1000 }, hasTouch: false, reuse: true });
  });
  after(async () => { if (s.kp) await s.kp.close(); });
  return s;
}

// Retries an (async) assertion until it passes or the time is up; the last
// failure is thrown. For UI state that settles after a fetch.
// Whether the sample's _calendar.md lists no date in the year of a
// YYYY-MM-DD day: the daemon then marks a date counted into that year
// (`calendar_gap`). Tests that promise a date this year use it, so that
// they hold on a day whose year the sample lacks (make check-days).
export function sampleCalendarLacks(day) {
  const text = fs.readFileSync(path.join(SAMPLE_TREE, '_calendar.md'), 'utf8');
  return !text.split('\n').some((l) => l.startsWith(`- ${day.slice(0, 4)}-`));
}

// Holds the page's requests matching url (a page.route pattern) until
// release(): for a test that acts while an answer is on its way. seen
// resolves with the first request once it is asked; off() releases and
// unroutes (in a finally). Routing makes a kept page closed instead of
// kept (kioskPage).
export async function hold(page, url) {
  let release;
  const held = new Promise((r) => { release = r; });
  let asked;
  const seen = new Promise((r) => { asked = r; });
  await page.route(url, async (route) => { asked(route.request()); await held; await route.continue(); });
  return {
    seen, release,
    async off() { release(); await page.unroute(url); },
  };
}

export async function poll(fn, { timeout = 5000, interval = 50 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > end) throw e;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

// Opens the staff page and logs in there with the page's own form.
export async function staffLogin(page, url, name, password) {
  await page.goto(url + '/staff');
  await page.fill('#login-name', name);
  await page.fill('#login-pass', password);
  await page.click('.login-form button[type=submit]');
}

// Opens an admin page as the admin, logging in with the page's own form when
// it asks. The page draws either the form or `ready` only once its session
// request has answered, so both are waited for: counting the form straight
// after `goto` found none on a loaded machine and then waited for `ready`
// behind a login form.
export async function adminGoto(page, url, password, ready) {
  await page.goto(url);
  await page.locator('#login-name').or(page.locator(ready)).first().waitFor();
  if (await page.locator('#login-name').count()) {
    await page.locator('#login-name').fill('admin');
    await page.locator('#login-pass').fill(password);
    await page.locator('form.login-form button[type=submit]').click();
  }
  await page.locator(ready).waitFor();
}

// The staff page opens a case typed into 打开办件 (a ticket or an id) and
// waits for its heading to name the ticket. Returns the case pane.
export async function openStaffCase(page, key, ticket = key) {
  await page.locator('#case-key').fill(key);
  await page.keyboard.press('Enter');
  const pane = page.locator('#case-pane');
  await pane.locator('#case-h', { hasText: ticket }).waitFor();
  return pane;
}

// Holds the staff page's queue refresh (GET /api/v1/staff/queue, every 5 s)
// until the function it resolves to is called. A refresh that sees a case
// on show moved redraws it (staff-stale): a test that moves the case behind
// the page's back, then presses the page's button, lost the button when a
// refresh fell in between. Resolves once a refresh is caught, so that one
// sent before the route has been answered by then.
export async function holdQueueRefresh(page) {
  const url = '**/api/v1/staff/queue';
  let release;
  const held = new Promise((r) => { release = r; });
  let caught;
  const first = new Promise((r) => { caught = r; });
  await page.route(url, async (route) => { caught(); await held; await route.continue().catch(() => {}); });
  await first;
  return async () => { release(); await page.unroute(url); };
}

// Waits for the screen of a route matching re, after action (which moves
// there) when given. What #main shows before the action is marked old, and
// so is whatever lands in #main while the hash does not match re yet: a
// screen still loading when the action ran (home, just after goto) drew
// itself after the mark, before the route it was left for (the resumed
// case's /returned) had answered; unmarked, it passed for the new screen
// (CI, stop 55). Without an action nothing is marked: the screen before,
// still drawn while the app has the new hash but not its screen (go()
// moves the hash first), passes the wait if re matches it too. A
// `page.goto` to the same page with another hash, a goBack, a click that
// moves the route: pass them as the action.
export async function atRoute(page, re, action = null, { timeout = 10_000 } = {}) {
  if (action) {
    // a page not on the kiosk yet (about:blank) has nothing to mark
    await page.evaluate((src) => {
      const main = document.getElementById('main');
      if (!main) return;
      for (const e of main.children) e.dataset.e2eOld = '1';
      const m = /^\/(.*)\/(\w*)$/.exec(src);
      const want = new RegExp(m[1], m[2]);
      window.__e2eRouteWatch?.disconnect();
      const watch = new MutationObserver((recs) => {
        if (want.test(location.hash)) return;
        for (const r of recs) for (const n of r.addedNodes) if (n.nodeType === 1) n.dataset.e2eOld = '1';
      });
      watch.observe(main, { childList: true });
      window.__e2eRouteWatch = watch;
    }, re.toString());
    await action();
  }
  try {
    await page.waitForFunction((src) => {
      const m = /^\/(.*)\/(\w*)$/.exec(src);
      if (!new RegExp(m[1], m[2]).test(location.hash)) return false;
      const main = document.getElementById('main');
      return !!main && !main.querySelector('[data-e2e-old]') && !main.querySelector('.loading') &&
        !!main.querySelector('h1');
    }, re.toString(), { timeout });
  } finally {
    // a later navigation without atRoute must not have its screen marked
    if (action) {
      await page.evaluate(() => { window.__e2eRouteWatch?.disconnect(); window.__e2eRouteWatch = null; })
        .catch(() => {});
    }
  }
}

export async function h1Text(page) {
  return (await page.locator('#main h1').first().innerText()).trim();
}

// ---- screenshots ----

let shotDirMade = false;
// fullPage: false for a screen with a dialog (a fixed overlay covers the
// viewport only, so a full-page picture would show the page below it).
// Returns the file written, or null when SHOTS is unset.
export async function shot(page, name, { fullPage = true } = {}) {
  if (!SHOTS) return null;
  if (!shotDirMade) { fs.mkdirSync(SHOTS, { recursive: true }); shotDirMade = true; }
  const file = path.join(SHOTS, name.replace(/[^A-Za-z0-9._-]+/g, '-') + '.png');
  await page.screenshot({ path: file, fullPage, animations: 'disabled', caret: 'hide' });
  return file;
}

// ---- axe-core ----

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// Runs axe on the page; returns the violations with impact serious or
// critical as readable lines. The daemon's CSP (script-src 'self') refuses
// an inline <script> (addScriptTag({content})), so the source is evaluated
// through the DevTools protocol, which CSP does not govern; the page's own
// CSP stays in force for everything the kiosk does. preload: false: axe
// otherwise fetches and parses every stylesheet and waits on every media
// element before each run, for the two rules that read them, neither of
// which can report here (css-orientation-lock is experimental, outside
// these tags; no-autoplay-audio is moderate and only asks for review, and
// the UI has no audio or video element): the same violations, a third less
// of the renderer's time per run (0.068 against 0.100 s of CPU on the
// labour-handbook overview, 2026-12-07), about 290 runs a suite.
export async function axeSerious(page) {
  const has = await page.evaluate(() => typeof window.axe === 'object');
  if (!has) await page.evaluate(AXE_SOURCE);
  const res = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      resultTypes: ['violations'],
      preload: false,
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), impact: n.impact, summary: n.failureSummary })),
    }));
  });
  const bad = [];
  for (const v of res) {
    for (const n of v.nodes) {
      const imp = n.impact || v.impact;
      if (imp === 'serious' || imp === 'critical')
        bad.push(`[${imp}] ${v.id} (${v.help}) at ${n.target}: ${(n.summary || '').replace(/\s+/g, ' ').slice(0, 300)}`);
    }
  }
  return bad;
}

// ---- the accessibility tree ----

// What a screen reader is given for the element the expression expr names
// ("document.activeElement"): its accessible role, name and description,
// from Chromium's accessibility tree through the DevTools protocol (found
// in the whole tree: this Chromium has no getPartialAXNode).
export async function spoken(page, expr) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Accessibility.enable');
    await cdp.send('DOM.getDocument', {});
    const { result } = await cdp.send('Runtime.evaluate', { expression: expr });
    assert.ok(result.objectId, `${expr} is an element`);
    const { node } = await cdp.send('DOM.describeNode', { objectId: result.objectId });
    const { nodes } = await cdp.send('Accessibility.getFullAXTree', {});
    const n = nodes.find((x) => x.backendDOMNodeId === node.backendNodeId);
    assert.ok(n, `${expr} is in the accessibility tree`);
    return { role: n.role?.value, name: n.name?.value ?? '', description: n.description?.value ?? '' };
  } finally {
    await cdp.detach();
  }
}

// ---- the kiosk's size rules ----

// Every visible button, link, text input, select, textarea, and the label of
// every checkbox/radio (the input itself is drawn by its label) must be at
// least `min` × `min` CSS px. Returns the offenders as lines.
export async function smallTargets(page, min = 60) {
  return page.evaluate((min) => {
    const out = [];
    const seen = new Set();
    const visible = (e) => {
      if (e.closest('[hidden], [inert]')) return false;
      const cs = getComputedStyle(e);
      if (cs.visibility === 'hidden' || cs.display === 'none') return false;
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0;
    };
    const describe = (e) => {
      const id = e.id ? '#' + e.id : '';
      const cls = e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '';
      return `${e.localName}${id}${cls} "${(e.innerText || e.value || e.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim().slice(0, 40)}"`;
    };
    const all = document.querySelectorAll('button, a[href], input, select, textarea, [role=button], [role=link]');
    for (let e of all) {
      if (e.type === 'hidden') continue;
      if (e.localName === 'input' && (e.type === 'checkbox' || e.type === 'radio')) {
        const lab = e.closest('label') || (e.id && document.querySelector(`label[for="${CSS.escape(e.id)}"]`));
        if (!lab) { out.push(`${describe(e)}: checkbox/radio without a label`); continue; }
        e = lab;
      }
      if (seen.has(e) || !visible(e)) continue;
      seen.add(e);
      const r = e.getBoundingClientRect();
      if (r.width < min - 0.5 || r.height < min - 0.5)
        out.push(`${describe(e)}: ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return out;
  }, min);
}

// Every visible element with its own text (a non-blank text node child)
// must have a computed font-size of at least `min` px. Returns offenders.
export async function smallText(page, min = 24) {
  return page.evaluate((min) => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.nodeValue.trim()) continue;
      const e = n.parentElement;
      if (!e || seen.has(e)) continue;
      seen.add(e);
      if (e.closest('[hidden], script, style, noscript, [inert]')) continue;
      const cs = getComputedStyle(e);
      if (cs.display === 'none' || cs.visibility === 'hidden') continue;
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const fs = parseFloat(cs.fontSize);
      if (fs < min - 0.01)
        out.push(`${e.localName}.${(e.className || '').toString().trim().replace(/\s+/g, '.')} "${n.nodeValue.trim().slice(0, 30)}": ${fs}px`);
    }
    return out;
  }, min);
}

export async function horizontalOverflow(page) {
  return page.evaluate(() => {
    const d = document.documentElement;
    return d.scrollWidth > d.clientWidth ? `scrollWidth ${d.scrollWidth} > clientWidth ${d.clientWidth}` : null;
  });
}

// ---- the kiosk's header switches ----

export async function getMode(page) {
  return page.evaluate(() => ({
    lang: document.documentElement.lang,
    big: document.documentElement.classList.contains('big'),
  }));
}

// Sets 中文/English and 大字 with the header buttons (as a resident would)
// and waits until the screen is redrawn.
export async function setMode(page, { lang, big }) {
  const cur = await getMode(page);
  const wantLang = lang === 'en' ? 'en' : 'zh-CN';
  if (cur.lang !== wantLang) {
    // mark what is on screen now; the switch redraws the screen, so the
    // mark disappears once the new language is shown
    await page.evaluate(() => { for (const e of document.getElementById('main').children) e.dataset.e2eOld = '1'; });
    await page.click('#btn-lang');
    await page.waitForFunction((l) => {
      if (document.documentElement.lang !== l) return false;
      const m = document.getElementById('main');
      return !m.querySelector('[data-e2e-old]') && !m.querySelector('.loading') && !!m.querySelector('h1');
    }, wantLang);
  }
  if (cur.big !== big) {
    await page.click('#btn-big');
    await page.waitForFunction((b) => document.documentElement.classList.contains('big') === b, big);
  }
}
