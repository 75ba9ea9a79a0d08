// The kiosk's own number keypad, for a touch screen with no keyboard: ID
// numbers (with X), mobiles, bank cards, numbers and the date boxes. The
// field renderer (fields.js) marks the boxes it serves with data-keypad (the
// kind of keys) and data-keypad-full (a date box's length, after which the
// keypad moves on to the next box); this module does the rest.
//
// It never takes the focus: the box keeps it, so a keyboard-wedge ID-card
// reader or scanner (which "types" into the focused box and ends with Enter)
// and a real keyboard work as before, and Enter still submits the step. A key
// types through the path a keyboard uses (beforeinput, the text at the caret,
// input), so the page's own handlers (capitals, the draft, the idle timer)
// see it as typing. While it is up, its box has inputmode="none", so a
// tablet's own keyboard does not cover it; 收起键盘 puts it away and gives
// the box its keyboard back, and a tap on a box brings the keypad again.
//
// Shown in kiosk mode only (/?kiosk=1, the kiosk launcher's address; many
// touch frames report themselves as a mouse, so the mode, not the pointer,
// decides). A phone at home (网上办事) has a keyboard of its own, which
// knows the box's inputmode; a desk PC has a real one.

import { el, KIOSK, clearBand } from './core.js';
import { t } from './i18n.js';

// The key left of 0 by kind: [typed text, i18n key of its spoken name].
const EXTRA = {
  id: ['X', null],
  digits: null,
  decimal: ['.', 'keypadDot'],
  tel: ['-', 'keypadDash'],
};

let target = null;    // the box the keys type into
let pad = null;       // the keypad's element while it is up
let putAway = null;   // the box whose keypad 收起键盘 put away
let pressing = false; // a pointer is down (a press under way)
let pendingDetach = false; // the keypad goes when that press ends
let pressOn = null;   // what a press under way began on
let pendingReveal = null; // reveal's arguments, kept until that press ends
let clickWait = 0;    // the timer that ends the press after its click
// how long after a release its click may come (a touch's comes in later
// tasks); a release that makes none (a drag) ends the press then
const CLICK_WAIT_MS = 400;

const served = (n) => n instanceof HTMLInputElement && Object.hasOwn(EXTRA, n.dataset.keypad || '');

// Starts the keypad for the kiosk page: call once. kiosk: kiosk mode (the
// launcher's ?kiosk=1 unless told).
export function installKeypad({ kiosk = KIOSK } = {}) {
  if (!kiosk) return;
  document.addEventListener('pointerdown', (e) => {
    // the press is under way first, so that what follows waits for its end
    clearTimeout(clickWait);
    pressing = true;
    pressOn = e.target;
    // a tap on a box: the keypad comes (back), and the box's inputmode is
    // set before the browser decides on its own keyboard
    if (served(e.target)) {
      if (putAway === e.target) putAway = null;
      quiet(e.target);
      if (document.activeElement === e.target) attach(e.target);
    }
  }, { capture: true });
  // A press on a button (下一步) moves the focus at its start: the keypad
  // going then would pull the page up under the finger, and the release
  // would land beside the button, losing the tap. While a pointer is down
  // the keypad stays; it goes once the press has made its click.
  // A touch's press ends with its click, which comes after pointerup and
  // after the mousedown that moves the focus (so the keypad's going is
  // asked for only then): gone at the pointerup, or at that focus move, it
  // moved the page before the click, which then landed beside 下一步 (a
  // resident's review: it took a second tap). So the press lasts until its
  // click has been handled, or CLICK_WAIT_MS after a release that makes
  // none (a drag); a cancelled press ends at once.
  const endPress = () => {
    clearTimeout(clickWait);
    pressing = false;
    pressOn = null;
    if (pendingDetach) detach();
    const r = pendingReveal;
    pendingReveal = null;
    if (r && pad && r[2] === pad && target === r[1]) reveal(...r);
  };
  document.addEventListener('pointerup', () => {
    clearTimeout(clickWait);
    clickWait = setTimeout(endPress, CLICK_WAIT_MS);
  }, { capture: true });
  document.addEventListener('pointercancel', endPress, { capture: true });
  // in the capture phase: the click's own handlers (the step's submit) run
  // before the task that ends the press
  document.addEventListener('click', () => {
    if (!pressing) return;
    clearTimeout(clickWait);
    clickWait = setTimeout(endPress, 0);
  }, { capture: true });
  document.addEventListener('focusin', (e) => {
    if (pad && pad.contains(e.target)) return;   // a keyboard user on a key
    if (served(e.target) && putAway !== e.target) attach(e.target, !byResident(e.target));
    else later();
  });
  document.addEventListener('focusout', () => {
    // focus that left for nothing focusable (a tap on the page, a redrawn
    // screen): the keypad goes with it; to another box, focusin moved it
    setTimeout(() => {
      const a = document.activeElement;
      if (pad && a !== target && !pad.contains(a)) later();
    }, 0);
  });
  // this file comes after the first paint: a box that took the focus
  // before it (a ticket scanned at once, then 我有凭条's last four) had no
  // focusin to see, and no keypad until tapped again
  if (served(document.activeElement)) attach(document.activeElement, true);
}

// Whether the box got the focus from the resident's press: on it, on its
// label, or on a key (a full date box moves on to the next one).
function byResident(box) {
  if (!pressing || !(pressOn instanceof Element)) return false;
  return pressOn === box || pressOn.closest('label')?.control === box || !!(pad && pad.contains(pressOn));
}

// Whether the keypad is up (for the browser tests and the docs' numbers).
export const keypadShown = () => !!pad && pad.isConnected;

// inputmode="none" on the box while the keypad serves it; the box's own
// value comes back when it does not.
// The empty box also shows its field's name while the keypad serves it:
// on a short screen (大字 at 1366×768) the label and the hint do not fit
// with the box and the keys, and the resident saw an empty box over the
// keys, not knowing whether it was 公民身份号码 or 监护人公民身份号码.
function quiet(input) {
  if (input.dataset.keypadIm === undefined) input.dataset.keypadIm = input.getAttribute('inputmode') ?? '';
  input.setAttribute('inputmode', 'none');
  const label = input.id && document.querySelector(`label[for="${CSS.escape(input.id)}"]`);
  if (label && !input.hasAttribute('placeholder')) {
    input.setAttribute('placeholder', label.textContent.trim());
    input.dataset.keypadPh = '';
  }
}

function restore(input) {
  if (!input || input.dataset.keypadIm === undefined) return;
  if (input.dataset.keypadIm) input.setAttribute('inputmode', input.dataset.keypadIm);
  else input.removeAttribute('inputmode');
  delete input.dataset.keypadIm;
  if (input.dataset.keypadPh !== undefined) {
    input.removeAttribute('placeholder');
    delete input.dataset.keypadPh;
  }
}

// The keypad under the field of input (its .field wrapper: for a date, the
// three boxes' fieldset, so the keypad stays put as it moves between them).
// byPage: the page gave the box its focus (the error summary's link, a
// redraw), not the resident's tap on it.
function attach(input, byPage = false) {
  if (target && target !== input) restore(target);
  target = input;
  putAway = null;
  pendingDetach = false;
  quiet(input);
  const kind = input.dataset.keypad;
  const where = input.closest('.field') || input;
  if (!pad || pad.dataset.kind !== kind || pad.previousElementSibling !== where || pad.lang !== document.documentElement.lang) {
    if (pad) pad.remove();
    pad = build(kind);
    where.after(pad);
  }
  reveal(where, input, pad, byPage);
}

// Scrolls so that the field (its label, its box) and the keys show between
// the sticky header and the sticky 上一步/下一步 bar. scrollIntoView knew
// neither: with 大字 at 1366×768 the bar covered 7, 8, 9, 0 and 收起键盘,
// and the box sat under the header (a resident's review). When all cannot
// show, the box and as many keys as fit do; or, when the page brought the
// box (errorFirst), its error line and the box: with 大字 at 1366×768 the
// summary's link to a date in error showed three red boxes and the keys,
// and not a word of what was wrong. A tap on the box then brings the keys
// whole, as any tap does; the page never moves under a key's press.
function reveal(where, input, keys, errorFirst) {
  // not under a finger: a scroll at a tap's pointerdown moved the box away
  // before its click, which landed on a key or 下一步 instead
  if (pressing) {
    pendingReveal = [where, input, keys, errorFirst];
    return;
  }
  const { lo, hi } = clearBand();
  const top = where.getBoundingClientRect().top, bottom = keys.getBoundingClientRect().bottom;
  let dy = 0;
  if (bottom - top <= hi - lo) {
    if (bottom > hi) dy = bottom - hi;
    else if (top < lo) dy = top - lo;
  } else {
    const err = errorFirst ? where.querySelector('.field-error') : null;
    const inTop = input.getBoundingClientRect().top;
    const errTop = err ? err.getBoundingClientRect().top : inTop;
    dy = Math.min(bottom - hi, Math.min(errTop, inTop) - lo);
  }
  if (dy) window.scrollBy(0, dy);
}

// The keypad goes now, or once the press under way has made its click.
function later() {
  if (pressing) pendingDetach = true;
  else detach();
}

function detach() {
  pendingDetach = false;
  pendingReveal = null;
  restore(target);
  target = null;
  if (pad) pad.remove();
  pad = null;
}

function build(kind) {
  const key = (label, cls, act, name) => {
    const b = el('button', { type: 'button', class: 'kkey ' + cls, tabindex: '-1', 'aria-label': name }, label);
    b.addEventListener('click', () => press(act));
    return b;
  };
  const digit = (d) => key(d, 'kkey-digit kkey-' + d, () => insert(d));
  const extra = EXTRA[kind];
  const box = el('div', {
    class: 'keypad', role: 'group', 'aria-label': t('keypadLabel'), 'data-kind': kind,
    lang: document.documentElement.lang,
  },
  ['1', '2', '3'].map(digit), key(t('keypadBack'), 'kkey-word kkey-back', back),
  ['4', '5', '6'].map(digit), key(t('keypadClear'), 'kkey-word kkey-clear', clear),
  ['7', '8', '9'].map(digit), key(t('keypadDone'), 'kkey-word kkey-done', done),
  extra ? key(extra[0], 'kkey-digit kkey-extra', () => insert(extra[0]), extra[1] ? t(extra[1]) : undefined)
    : el('span', { class: 'kkey-gap', 'aria-hidden': 'true' }),
  digit('0'));
  // a press must not move the focus off the box (the wedge reader types
  // there); the click that follows still comes
  for (const type of ['pointerdown', 'mousedown'])
    box.addEventListener(type, (e) => { if (e.target.closest('button')) e.preventDefault(); });
  return box;
}

function press(act) {
  if (!target || !target.isConnected) { detach(); return; }
  // its step being sent (core.js holdInputs): a key typed into it now
  // would not be what the server got; the keypad stays for a failure
  if (target.disabled) return;
  if (document.activeElement !== target) target.focus({ preventScroll: true });
  act();
}

// Text replacing [s, e) of the box, announced as a keyboard's edit is:
// a cancelable beforeinput, the change, then input. false when not made.
function edit(input, text, s, e, inputType) {
  const data = inputType === 'insertText' ? text : null;
  if (!input.dispatchEvent(new InputEvent('beforeinput', { bubbles: true, cancelable: true, inputType, data })))
    return false;
  input.setRangeText(text, s, e, 'end');
  input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType, data }));
  return true;
}

const caret = (input) => [input.selectionStart ?? input.value.length, input.selectionEnd ?? input.value.length];

function insert(ch) {
  const input = target;
  const [s, e] = caret(input);
  // as typing does: nothing beyond maxlength
  if (input.maxLength >= 0 && input.value.length - (e - s) + ch.length > input.maxLength) return;
  if (!edit(input, ch, s, e, 'insertText')) return;
  // a full date box: on to the next one, as the resident reads them
  const full = +input.dataset.keypadFull;
  if (full && input.value.length >= full && input.selectionStart === input.value.length) {
    const boxes = [...(input.closest('fieldset') || document).querySelectorAll('input[data-keypad]')];
    const next = boxes[boxes.indexOf(input) + 1];
    if (next) {
      next.focus({ preventScroll: true });
      next.setSelectionRange(next.value.length, next.value.length);
    }
  }
}

function back() {
  const input = target;
  let [s, e] = caret(input);
  if (s === e) {
    if (s === 0) return;
    s -= 1;
  }
  edit(input, '', s, e, 'deleteContentBackward');
}

function clear() {
  if (target.value) edit(target, '', 0, target.value.length, 'deleteContent');
}

function done() {
  const input = target;
  detach();
  putAway = input;
}
