// Shared helpers of the kiosk: building elements, a busy button, the
// in-memory state, showing a screen, dialogs and friendly error views (the
// calls themselves are api.js). The staff and admin pages use its element
// helpers too. Nothing is ever stored in the browser (no cookies, no
// localStorage): a shared kiosk must not remember residents.

import { t, getLang, ERROR_CODES_EN } from './i18n.js';
import { ApiError } from './api.js';

// el('p', {class: 'x', text: '…', onClick: fn, hidden: true}, child, …)
// Attributes are set as written; "text" sets textContent, "html" sets
// innerHTML (only for HTML the server rendered: raw HTML is stripped from
// procedure files there), on* adds a listener.
export function el(tag, props, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k === 'html') e.innerHTML = v;
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2).toLowerCase(), v);
    else if (v === true) e.setAttribute(k, '');
    else e.setAttribute(k, v);
  }
  for (const k of kids.flat(Infinity)) {
    if (k === null || k === undefined || k === false || k === '') continue;
    e.append(k instanceof Node ? k : String(k));
  }
  return e;
}

// Runs fn with the button disabled and marked busy (aria-busy, for a screen
// reader), so a second tap cannot send the same thing twice. The button
// comes back when fn fails, and when it succeeds unless hold: a call that
// moves to another screen (the kiosk's steps, submit, rating) holds it, since
// the screen is redrawn only on the hashchange after fn returned and a
// second tap in between would send the same answers again. Resolves or
// rejects as fn does. A missing button (a call made without one) just runs fn.
export async function busy(button, fn, { hold = false } = {}) {
  // a disabled button loses the focus to the body: it takes it back when
  // the answer drew nothing new (叫下一个号 with nobody waiting)
  const had = !!button && typeof document !== 'undefined' && document.activeElement === button;
  const release = () => {
    if (!button) return;
    button.disabled = false;
    button.removeAttribute('aria-busy');
    const a = document.activeElement;
    if (had && button.isConnected && (!a || a === document.body)) button.focus();
  };
  if (button) { button.disabled = true; button.setAttribute('aria-busy', 'true'); }
  try {
    const result = await fn();
    if (!hold) release();
    return result;
  } catch (err) {
    release();
    throw err;
  }
}

// The answers being sent stay the ones sent: the boxes, ticks and choices
// in `scopes` (controls, or what holds them) take no change until the answer comes. They stayed
// usable: a 是 changed to 否 while 下一步 was on its way showed 否 while the
// server had 是 (and chose the next screen from it); a practice decision
// changed while it was sent showed beside the verdict of the other. Each
// control is disabled (a screen reader still reads it, with its value, as
// unavailable; `inert` would take it out of what it reads) and `marker`
// (the form) says aria-busy. Returns what gives them back, for a failure:
// only those it disabled, with what was typed untouched; a control that
// had the focus (Enter in a box, a scanner) gets it back unless something
// else took it meanwhile (an error's alert). A send that leaves the screen
// never calls it.
export function holdInputs(marker, scopes = [marker]) {
  const held = [];
  const CONTROLS = 'input, select, textarea, button';
  for (const s of scopes) {
    if (!s) continue;
    for (const x of [...(s.matches(CONTROLS) ? [s] : []), ...s.querySelectorAll(CONTROLS)])
      if (!x.disabled) held.push(x);
  }
  const had = held.find((x) => x === document.activeElement) || null;
  for (const x of held) x.disabled = true;
  if (marker) marker.setAttribute('aria-busy', 'true');
  return () => {
    for (const x of held) x.disabled = false;
    if (marker) marker.removeAttribute('aria-busy');
    const a = document.activeElement;
    if (had && had.isConnected && (!a || a === document.body)) had.focus({ preventScroll: true });
  };
}

// The band of the window between the sticky header and the sticky
// 上一步/下一步 bar, gap pixels inside each: where a field and the kiosk's
// keys must show ({lo, hi} in window pixels). The keypad's reveal and the
// error summary's link both scroll into it.
export function clearBand(gap = 8) {
  const header = document.querySelector('.app-header');
  const bar = document.querySelector('#main .actions-sticky');
  return {
    lo: (header ? Math.max(0, header.getBoundingClientRect().bottom) : 0) + gap,
    hi: window.innerHeight - (bar ? bar.offsetHeight : 0) - gap,
  };
}

// Wires an inline form's 取消 (its button with data-cancel): the button and
// Esc anywhere in the form call close(), and the focus goes back to what
// had it when the form was made (the button that opened it), not to the
// top of the page. Call it before the form takes the focus.
export function closable(form, close) {
  const opener = document.activeElement;
  const done = () => {
    close();
    if (opener && opener !== document.body && opener.isConnected) opener.focus();
  };
  const cancel = form.querySelector('[data-cancel]');
  if (cancel) cancel.addEventListener('click', done);
  form.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented || e.isComposing) return;
    e.preventDefault();
    done();
  });
  return form;
}

// Taken before an await, the answer to whether the page may still move
// the focus once it has come: true while nobody has put it anywhere since
// (it is where it was, on the body, where a busy button's disabling or a
// redraw leaves it, or inside scope, the part that asked). A message or a
// box that took the focus after the answer took it from a staffer who had
// gone on meanwhile to type a ticket in 打开办件, whose next keys went into
// the wrong box or nowhere (r17, 2026-12-07, the class of CI's admin
// editor flake).
export function focusMark(scope = null) {
  const was = document.activeElement;
  return () => {
    const a = document.activeElement;
    return !a || a === document.body || a === document.documentElement || a === was || (!!scope && scope.contains(a));
  };
}

// Draws a table's rows anew and keeps the keyboard's focus in it. The
// staff page draws its lists again every 5 s: a focused ticket button went
// with its old row and the focus fell to the page's body, so a staffer
// tabbing down the queue started again from the top every 5 s, and a
// screen reader lost its place. The same control of the same case's row
// (data-id) takes the focus back; when that row is gone (a colleague took
// the case) the table does, never another case's button, which an Enter
// meant for the old one would then open.
const CONTROLS = 'button, a[href], input, select, textarea';
export function redrawRows(body, rows) {
  const a = document.activeElement;
  const tr = a && a !== body && body.contains(a) ? a.closest('tr') : null;
  const id = tr && tr.dataset.id;
  const nth = tr ? [...tr.querySelectorAll(CONTROLS)].indexOf(a) : -1;
  body.replaceChildren(...rows);
  if (!tr) return;
  const again = id ? [...body.rows].find((r) => r.dataset.id === id) : null;
  const to = again ? again.querySelectorAll(CONTROLS)[nth] : null;
  if (to) { to.focus({ preventScroll: true }); return; }
  const table = body.closest('table');
  if (!table) return;
  table.setAttribute('tabindex', '-1');
  table.focus({ preventScroll: true });
}

// Procedure content (Chinese, from the files) inside an English interface.
export function zh(tag, props, ...kids) {
  return el(tag, Object.assign({ lang: 'zh-CN' }, props), ...kids);
}

// Server-rendered HTML of a procedure, with links that would leave the
// daemon turned into plain text (the kiosk never leaves the hall's server),
// and so are its links that are no page (another library file's went to a
// JSON 404): only an office's card and a file of _assets are kept.
export function contentHtml(html, cls) {
  const box = el('div', { class: 'content ' + (cls || ''), lang: 'zh-CN', html: html || '' });
  // a line break inside a Chinese paragraph is not a space
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  const cjk = '[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]';
  const re = new RegExp('(' + cjk + ')[ \t]*\n[ \t]*(?=' + cjk + ')', 'gu');
  for (let n = walker.nextNode(); n; n = walker.nextNode())
    if (n.nodeValue.includes('\n')) n.nodeValue = n.nodeValue.replace(re, '$1');
  for (const a of box.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href');
    let off = false;
    try { off = new URL(href, location.href).origin !== location.origin; } catch { off = true; }
    if (off) {
      const span = el('span', { class: 'ext-link' }, a.textContent);
      if (a.textContent.trim() !== href) span.append('(' + href + ')');
      a.replaceWith(span);
    } else if (href.startsWith('#/office/')) {
      a.className = 'office-link'; // a referral (_directory.md): a card to open
    } else if (href.startsWith('#') || !new URL(href, location.href).pathname.startsWith('/media/')) {
      a.replaceWith(el('span', {}, a.textContent));
    }
  }
  return box;
}

// A 500 is ours and says nothing a resident can use; a 503 is the server
// telling what to do (disk full: go to the window; too busy: come back).
const ownWords = (err) => err.status >= 500 && err.status !== 503;

// The English words of a refusal the server explains in Chinese, or null.
const codeEn = (err) => (getLang() === 'en' && Object.hasOwn(ERROR_CODES_EN, err.code) ? ERROR_CODES_EN[err.code] : null);

// A sentence a resident can act on; never a stack trace or a bare code.
export function friendly(err) {
  // from home, the hall is a phone call away, not a walk to its window
  if (!(err instanceof ApiError) || err.kind === 'network') return t(KIOSK ? 'errNetwork' : 'errNetworkWeb');
  if (ownWords(err)) return t(KIOSK ? 'errServer' : 'errServerWeb');
  if (codeEn(err)) return codeEn(err);
  if (getLang() === 'zh' && err.serverMessage && /[\u4e00-\u9fff]/.test(err.serverMessage))
    return err.serverMessage;
  if (err.status === 404) return t('errNotFound');
  return t(KIOSK ? 'errServer' : 'errServerWeb');
}

// The same, short, for a message that already says what to do next.
export function friendlyShort(err) {
  if (!(err instanceof ApiError) || err.kind === 'network') return t('errNetworkShort');
  if (ownWords(err)) return t('errServerShort');
  if (codeEn(err)) return codeEn(err);
  if (getLang() === 'zh' && err.serverMessage && /[\u4e00-\u9fff]/.test(err.serverMessage))
    return err.serverMessage.replace(/[。.]?$/, '。');
  return t('errServerShort');
}

// Kiosk mode: the hall's kiosk launcher opens /?kiosk=1 (docs/kiosk.md).
// Only then does the page reset itself when idle, start cases on channel
// kiosk and hand out tickets with slips; without it the same UI is the
// community website's 网上办事 on a resident's own phone or PC. The flag
// lives in the address, which hash routes never change, so it holds for
// the whole visit without storing anything in the browser.
export const KIOSK = new URLSearchParams(location.search).get('kiosk') === '1';

// ---- state (memory only) ----
export const state = {
  lang: 'zh',
  big: false,
  query: '',
  triageStack: [],
  case: null,         // the walkthrough in progress, see case.js
  navDepth: 0,        // in-app navigations since the last reset (for 返回)
  visit: newVisit(),  // whose history entries these are: new at each reset and load
  keepFocus: false,   // the next screen keeps focus and scroll (language switch)
};

// A mark for the history entries of one resident's visit. The kiosk's
// reset cannot delete the entries before it, and the browser's back button
// brought the last resident's screens back (the item they opened, their
// search words in the box); app.js sends an entry of another visit home.
function newVisit() {
  return Array.from(crypto.getRandomValues(new Uint32Array(2)), (n) => n.toString(36)).join('');
}
export function startVisit() { state.visit = newVisit(); }
// The state of a history entry of this visit, at the current depth.
export function navEntry() { return { idx: state.navDepth, visit: state.visit }; }

// The route being drawn (app.js counts them). A screen takes live() at its
// start, before its first await, and draws only while it is still the
// route: a screen whose data came back late drew over the newer one (the
// home page's categories over a case opened right after, on a slow link).
let routeNow = 0;
export function routeBegin(n) { routeNow = n; }
export function liveRoute() {
  const mine = routeNow;
  return () => mine === routeNow;
}

// Set by app.js: reset() clears everything and shows home.
export const hooks = { reset: () => {} };

// ---- navigation ----
export function go(hash, { replace = false } = {}) {
  if (location.hash === hash) {
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    return;
  }
  if (replace) {
    history.replaceState(navEntry(), '', hash);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = hash;
  }
}

// 返回: the previous screen if this session has one, else home.
export function goBack() {
  if (state.navDepth > 0) history.back();
  else go('#/');
}

// ---- screens ----
export const main = () => document.getElementById('main');

// Replaces the main area; moves focus to the screen's h1 (or the element
// given) and scrolls to the top, unless keepFocus.
export function show(nodes, { focus, keepFocus = false } = {}) {
  const m = main();
  m.replaceChildren(...[nodes].flat(Infinity).filter(Boolean));
  if (keepFocus) return;
  if (state.keepFocus) { state.keepFocus = false; return; }
  window.scrollTo(0, 0);
  const target = focus || m.querySelector('h1');
  if (target) {
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus({ preventScroll: true });
  } else {
    m.focus({ preventScroll: true });
  }
}

export function loadingView() {
  return el('p', { class: 'loading', role: 'status' }, t('loading'));
}

export function button(label, onClick, cls = 'btn', extra = {}) {
  return el('button', Object.assign({ type: 'button', class: cls, onClick }, extra), label);
}

// A big button with a second line of explanation.
export function bigButton(label, sub, onClick, cls = 'btn btn-primary btn-big') {
  return el('button', { type: 'button', class: cls, onClick },
    el('span', { class: 'btn-label' }, label), sub ? el('span', { class: 'btn-sub' }, sub) : null);
}

export function backButton(onClick = goBack, label = t('back')) {
  return el('button', { type: 'button', class: 'btn btn-back', onClick },
    el('span', { class: 'icon', 'aria-hidden': 'true' }, '‹'), label);
}

// A whole-screen error with 重试 and 返回首页.
export function errorView(err, retry) {
  // a 404 (an old or mistyped link) stays one however often it is tried:
  // no 重试 then, home is the way on
  const final = err && typeof err.status === 'number' && err.status >= 400 && err.status < 500 &&
    err.status !== 408 && err.status !== 429;
  return [
    el('h1', {}, t('errTitle')),
    el('div', { class: 'notice notice-error', role: 'alert' },
      el('p', {}, el('strong', { class: 'prefix' }, t('errorPrefix')), friendly(err))),
    el('div', { class: 'actions' },
      retry && !final ? button(t('retry'), retry, 'btn btn-primary') : null,
      button(t('homeLong'), () => go('#/'), retry && !final ? 'btn' : 'btn btn-primary')),
  ];
}

// Strips an author's "第一步:" from a step title (as the print sheet does).
export function stepLabel(title) {
  const m = /^第[0-9一二三四五六七八九十百零〇两]+步[:：、.。,，]?\s*/u.exec(title || '');
  return m && title.length > m[0].length ? title.slice(m[0].length).trim() : title;
}

// ---- modal dialogs ----
// Opens a modal dialog: everything else becomes inert; focus moves to
// `focus` (or the first button). Esc is the safe way out: `onEscape` (the
// idle countdown's 继续使用), else close() (返回), not while busy sending.
// Returns a close() function.
export function openDialog({ role = 'dialog', labelId, descId, content, focus, cls = '', onEscape = null }) {
  const prev = document.activeElement;
  const box = el('div', {
    class: 'dialog ' + cls, role, 'aria-modal': 'true', 'aria-labelledby': labelId,
    'aria-describedby': descId,
  }, content);
  const overlay = el('div', { class: 'overlay' }, box);
  // a dialog open under this one goes inert too: the idle countdown over
  // 完成's question left 已记下，完成 one Shift+Tab away, and a screen
  // reader read on into it
  for (const n of document.body.children) n.inert = true;
  document.body.append(overlay);
  // a dialog taller than the screen opens at its heading, not scrolled
  // down to the button that takes the focus (the overlay scrolls, app.css)
  (focus || box.querySelector('button'))?.focus({ preventScroll: true });
  function close({ restoreFocus = true } = {}) {
    overlay.remove();
    const open = document.querySelectorAll('.overlay');
    if (!open.length) for (const n of document.body.children) n.inert = false;
    else open[open.length - 1].inert = false;
    if (restoreFocus && prev && document.contains(prev)) prev.focus({ preventScroll: true });
  }
  overlay.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented || e.isComposing) return;
    e.preventDefault();
    if (box.querySelector('[aria-busy="true"]')) return;
    if (onEscape) onEscape(); else close();
  });
  return close;
}

export function closeAllDialogs() {
  for (const o of document.querySelectorAll('.overlay')) o.remove();
  for (const n of document.body.children) n.inert = false;
}
