// The kiosk at /: a single-page app with hash routes (so the browser's back
// button works), the header switches (中文/English, 大字), the idle reset.
//
//   #/                 home: search, 不知道办什么?, categories
//   #/s/QUERY          home with search results
//   #/c/ID             a category          #/policies   policy documents
//   #/p/ID             a procedure         #/p/ID/print the one-time notice
//   #/triage[/Q[/end/N]]                   the clarification questions
//   #/office/ID        an office of _directory.md (a procedure's link to it)
//   #/case/ID/(conditions|unmet|step/N|review|visit|done|slip|returned|closed)  the walkthrough
//   #/case/ID          a case opened again by its code (read from the server)
//   #/code             我有凭条: scan the slip's code, or a ticket and last four
//
// /?kiosk=1 is the hall's kiosk (core.js KIOSK): only there the idle reset.
// For tests only: /?idle=S&countdown=S shortens the idle timers.

import { t, setLang, getLang } from './i18n.js';
import {
  el, state, hooks, show, go, errorView, loadingView, openDialog, closeAllDialogs, KIOSK, routeBegin,
  navEntry, startVisit,
} from './core.js';
import {
  homeScreen, categoryScreen, policiesScreen, overviewScreen, noticeScreen, triageScreen,
} from './browse.js';
import { officeScreen } from './office.js';
import { caseLink, loadHall } from './online.js';

// The case screens (and the code screen, which shares their fields) load
// when first wanted, not before the home screen: they are half the kiosk's
// script and a resident browsing never needs them (issue #13, first paint
// <= 50 KB). They are fetched once the home screen is up, so that the
// first tap on "start" waits for nothing.
const caseModule = () => import('./case.js');
const codeModule = () => import('./backin.js');

const params = new URLSearchParams(location.search);
const clamp = (v, lo, hi, d) => (Number.isFinite(v) && v > 0 ? Math.min(Math.max(v, lo), hi) : d);
const IDLE_S = clamp(+params.get('idle'), 1, 3600, 90);
const COUNTDOWN_S = clamp(+params.get('countdown'), 1, 600, 30);

// ---- the header and footer ----

const $ = id => document.getElementById(id);

function applyChrome() {
  const html = document.documentElement;
  html.classList.toggle('web', !KIOSK); // the phone layout (app.css)
  html.lang = getLang() === 'en' ? 'en' : 'zh-CN';
  html.classList.toggle('big', state.big);
  document.title = t('appName');
  $('brand').textContent = t('appName');
  $('t-home').textContent = t('home');
  const lang = $('btn-lang');
  lang.textContent = t('langSwitch');
  lang.lang = t('langSwitchLang');
  $('t-big').textContent = t('bigText');
  $('btn-big').setAttribute('aria-pressed', String(state.big));
  $('footer-text').textContent = t(KIOSK ? 'footer' : 'footerWeb');
}

function onCaseRoute() {
  return /^#\/case\//.test(location.hash) && state.case &&
    (state.case.status === 'open' || state.case.status === 'returned') && !state.case.stopped;
}

// At the kiosk leaving a case ends it for the next resident; from home the
// case stays on the server, its sent steps kept, and its link opens it
// again: the dialog says so and shows the link, not "everything cleared".
function confirmLeave(then) {
  const id = !KIOSK && state.case && state.case.id;
  const close = openDialog({
    labelId: 'leave-title', descId: 'leave-desc', cls: 'dialog-confirm',
    content: [
      el('h2', { id: 'leave-title' }, t(id ? 'leaveTitleWeb' : 'leaveTitle')),
      el('p', { id: 'leave-desc' }, t(id ? 'leaveTextWeb' : 'leaveText')),
      id ? el('p', {}, el('a', { class: 'case-link-url', id: 'leave-link', href: caseLink(id) }, caseLink(id))) : null,
      el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'btn btn-primary', onClick: () => close() }, t('leaveNo')),
        el('button', { type: 'button', class: 'btn', onClick: () => { close({ restoreFocus: false }); then(); } },
          t(id ? 'leaveYesWeb' : 'leaveYes'))),
    ],
  });
}

// The ticket on screen (排队号): 首页 clears it as 完成 does, so it asks as
// 完成 does; it went straight home and the number was gone (a resident's
// review).
function onTicketRoute() {
  return /^#\/case\/[0-9a-f]{32}\/(done|slip)$/.test(location.hash) && state.case &&
    state.case.status === 'waiting' && !!state.case.ticket;
}

function goHome() {
  if (onCaseRoute()) { confirmLeave(() => reset({ keepPrefs: true })); return; }
  if (onTicketRoute()) { caseModule().then((m) => m.confirmFinish(state.case)); return; }
  state.case = null;
  state.query = '';
  state.triageStack = [];
  // the kiosk: whoever comes next starts here, and the back button must not
  // take them through this resident's screens (their search, the items read)
  if (KIOSK) {
    state.navDepth = 0;
    startVisit();
  }
  go('#/', { replace: KIOSK });
}

// Tab brings the next control into view by the window's edges, and the
// sticky header and 上一步/下一步 bar cover those edges: a box, a tick or
// 开始办理 got the focus hidden under one of them (WCAG 2.4.11), and a
// keyboard user saw no ring anywhere. The browser keeps scroll-padding
// clear when it scrolls for the focus; it is measured as the focus moves
// (both bars change height with 大字, English, the width and the screen;
// a phone's are not sticky). The browser brings only a tick's box into
// view while its whole row draws the ring, and it has scrolled before
// focusin: the row and its ring are brought clear here. A focus the page
// put itself (a heading, the error summary: tabindex -1) is left where
// the page put it.
const RING = 12; // app.css :focus-visible: 4 px outline 2 px off, 8 px halo
function clearOfBars(e) {
  const stuck = (bar) => (bar && getComputedStyle(bar).position === 'sticky' ? bar.getBoundingClientRect() : null);
  const head = stuck(document.querySelector('.app-header'));
  const bar = stuck(document.querySelector('#main .actions-sticky'));
  const s = document.documentElement.style;
  s.scrollPaddingTop = head ? head.height + RING + 'px' : '';
  s.scrollPaddingBottom = bar ? bar.height + RING + 'px' : '';
  const a = e.target;
  if (!(a instanceof Element) || !$('main').contains(a) || a.closest('.actions-sticky') || a.matches('[tabindex="-1"]')) return;
  const row = (a.matches('input[type=radio], input[type=checkbox]') && a.closest('label')) || a;
  const r = row.getBoundingClientRect();
  const lo = (head ? Math.max(0, head.bottom) : 0) + RING;
  // the bar covers only what is below its top (a box after it, the case
  // link at home, is below it once the page is scrolled to its end)
  const hi = (bar && r.top < bar.bottom ? bar.top : innerHeight) - RING;
  if (r.height > hi - lo) return;
  if (r.top < lo) scrollBy(0, r.top - lo);
  else if (r.bottom > hi) scrollBy(0, r.bottom - hi);
}
document.addEventListener('focusin', clearOfBars, { capture: true });

$('btn-home').addEventListener('click', goHome);
$('btn-lang').addEventListener('click', () => {
  state.lang = getLang() === 'zh' ? 'en' : 'zh';
  setLang(state.lang);
  applyChrome();
  route({ keepFocus: true });
  armIdle();
});
$('btn-big').addEventListener('click', () => {
  state.big = !state.big;
  applyChrome();
  armIdle();
});

// ---- routing ----

let seq = 0;

function segments() {
  const raw = location.hash.replace(/^#/, '') || '/';
  return raw.split('/').slice(1).map(s => { try { return decodeURIComponent(s); } catch { return s; } });
}

async function route({ keepFocus = false } = {}) {
  const my = ++seq;
  routeBegin(my);
  const seg = segments();
  state.keepFocus = keepFocus;
  const loading = setTimeout(() => { if (my === seq) show(loadingView(), { keepFocus: true }); }, 400);
  try {
    const [a, b, c, d] = seg;
    let p;
    // home is a fresh start: the case of the last visit is forgotten
    if (!a || a === 's') state.case = null;
    if (!a) p = homeScreen('');
    else if (a === 's') p = homeScreen(b || '');
    else if (a === 'c' && b) p = categoryScreen(b);
    else if (a === 'policies') p = policiesScreen();
    else if (a === 'p' && b && !c) p = overviewScreen(b);
    else if (a === 'p' && b && c === 'print') p = noticeScreen(b);
    else if (a === 'code' && !b) p = codeModule().then(m => m.codeScreen());
    else if (a === 'office' && b && !c) p = officeScreen(b);
    else if (a === 'triage') p = triageScreen(b, c === 'end' && /^\d+$/.test(d || '') ? +d : undefined);
    else if (a === 'case' && b && c === 'step' && /^\d+$/.test(d || '')) p = caseModule().then(m => m.caseScreen(b, 'step', +d));
    else if (a === 'case' && b && c && !d) p = caseModule().then(m => m.caseScreen(b, c));
    else if (a === 'case' && b && !c) p = caseModule().then(m => m.resumeCase(b));
    else { go('#/', { replace: true }); return; }
    await guarded(my, p);
  } finally {
    clearTimeout(loading);
  }
  armIdle();
}

// Screens render themselves when their data arrives; a screen that is no
// longer wanted (the resident moved on) must not replace the newer one.
async function guarded(my, promise) {
  try {
    await promise;
  } catch (err) {
    if (my !== seq) return;
    show(errorView(err, () => route()));
  } finally {
    state.keepFocus = false;
  }
}

window.addEventListener('hashchange', () => {
  const hs = history.state;
  // the kiosk: an entry of a visit before the last reset (the back button
  // after 完成 or the idle reset) is the last resident's, not for the next
  // one to see (their search words, the item they opened): home instead.
  // A phone at home is its owner's: its history is left alone.
  if (KIOSK && hs && typeof hs.idx === 'number' && hs.visit !== state.visit) {
    state.navDepth = 0;
    history.replaceState(navEntry(), '', '#/');
  } else if (hs && typeof hs.idx === 'number') state.navDepth = hs.idx;
  else {
    state.navDepth++;
    history.replaceState(navEntry(), '', location.hash);
  }
  route();
});

// ---- reset: what 完成 and the idle timeout do ----

function reset({ keepPrefs = false } = {}) {
  closeAllDialogs();
  stopCountdown();
  state.case = null;
  state.query = '';
  state.triageStack = [];
  if (!keepPrefs) {
    state.lang = 'zh';
    setLang('zh');
    state.big = false;
  }
  applyChrome();
  state.navDepth = 0;
  startVisit();
  history.replaceState(navEntry(), '', '#/');
  route();
}
hooks.reset = () => reset();

// ---- idle ----
// 90 s without a touch or key: a countdown asks 还在使用吗?; when it ends,
// everything is cleared and the kiosk returns home. The untouched home
// screen needs no countdown; its timer only puts the screens before it out
// of the back button's reach.

let idleTimer = 0;
let tick = 0;
let closeIdle = null;

function untouched() {
  return segments().length === 0 || (segments().length === 1 && segments()[0] === '')
    ? !state.query && !state.case && state.lang === 'zh' && !state.big && !document.querySelector('.overlay')
    : false;
}

function armIdle() {
  clearTimeout(idleTimer);
  // at home on a phone nobody else will use the screen: no reset
  if (!KIOSK) return;
  if (closeIdle) return;
  // the untouched home needs no reset, but after the idle time nobody is
  // the last resident any more: their screens leave the back and forward
  // buttons' reach (a resident who went home by 返回 left them there)
  if (untouched()) {
    idleTimer = setTimeout(() => {
      state.navDepth = 0;
      startVisit();
      history.replaceState(navEntry(), '', location.hash);
    }, IDLE_S * 1000);
    return;
  }
  idleTimer = setTimeout(openIdle, IDLE_S * 1000);
}

function stopCountdown(restoreFocus = false) {
  clearInterval(tick);
  tick = 0;
  if (closeIdle) { const c = closeIdle; closeIdle = null; c({ restoreFocus }); }
}

// The seconds left that a screen reader hears: the digits change every
// second, and reading each one out would drown everything else.
const IDLE_SAY_AT = [20, 10, 5];

function openIdle() {
  const deadline = Date.now() + COUNTDOWN_S * 1000;
  const num = el('span', { class: 'countdown-num' }, String(COUNTDOWN_S));
  const stay = () => { stopCountdown(true); armIdle(); };
  const cont = el('button', { type: 'button', class: 'btn btn-primary btn-big', onClick: stay },
    t('idleContinue'));
  const said = el('p', { class: 'sr-only', role: 'status', id: 'idle-left' });
  closeIdle = openDialog({
    role: 'alertdialog', labelId: 'idle-title', descId: 'idle-desc', cls: 'dialog-idle', focus: cont, onEscape: stay,
    content: [
      el('h2', { id: 'idle-title' }, t('idleTitle')),
      el('p', { id: 'idle-desc' }, t('idleText'), ' ', t('idleLeft', { n: COUNTDOWN_S })),
      el('p', { class: 'countdown', 'aria-hidden': 'true' }, num, el('span', { class: 'countdown-unit' }, t('idleSeconds'))),
      said,
      cont,
    ],
  });
  // someone in front of the screen touches it anywhere, not only the button:
  // the whole overlay means 继续使用 (the press is swallowed, so it does not
  // also act on the page below once the dialog is gone)
  const overlay = said.closest('.overlay');
  overlay.addEventListener('pointerdown', (e) => {
    if (e.target.closest('button')) return;
    e.preventDefault();
    stay();
  });
  const restore = closeIdle;
  closeIdle = opts => { restore(opts); };
  tick = setInterval(() => {
    const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    if (num.textContent !== String(left) && IDLE_SAY_AT.includes(left)) said.textContent = t('idleLeft', { n: left });
    num.textContent = String(left);
    if (left <= 0) reset();
  }, 250);
}

let lastInput = Date.now();
for (const type of ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart'])
  document.addEventListener(type, () => { lastInput = Date.now(); if (!closeIdle) armIdle(); }, { capture: true, passive: true });
window.addEventListener('scroll', () => { if (!closeIdle) armIdle(); }, { passive: true });

// ---- start ----

history.replaceState(navEntry(), '', location.hash || '#/');
setLang(state.lang);
applyChrome();
route();
// from home, what this hall can do for a lost case link, before a screen
// says it (online.js)
if (!KIOSK) loadHall();
// After an upgrade the kiosk loads the new build by itself, on its home
// screen as the last resident left it (nothing typed, no 大字 or English
// on, no dialog) and untouched for the idle time: nothing is lost, and
// nobody has to find a keyboard for F5 (fresh.js, fetched after the first
// paint like the case screens). A phone at home is left alone: its
// resident reloads it, and a reload could drop 大字.
if (KIOSK) {
  const own = import.meta.url;
  window.addEventListener('load', () => import('./fresh.js').then(({ watchBuild }) => watchBuild(own, {
    quiet: () => untouched() && Date.now() - lastInput > IDLE_S * 1000,
    act: () => location.reload(),
  })).catch(() => {}));
}
// After the first paint (issue #13: the kiosk's first paint <= 50 KB over
// the wire; it had grown to 54.9 KB): the touch keypad, which only a form's
// box needs, and the print sheet's style, which only printing does, at
// once; then the case screens, so that "start" does not wait.
window.addEventListener('load', () => {
  const print = document.createElement('link');
  Object.assign(print, { rel: 'stylesheet', href: '/assets/print.css', media: 'print' });
  document.head.append(print);
  import('./keypad.js').then(({ installKeypad }) => installKeypad()).catch(() => {});
  setTimeout(() => { caseModule().catch(() => {}); codeModule().catch(() => {}); }, 1000);
});
