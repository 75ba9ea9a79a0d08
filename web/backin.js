// 我有凭条 / 补正告知单 (#/code): the way back into a handed-in case. One
// input takes focus, so a keyboard-wedge scanner types the slip's code and
// Enter: a case id (or the kiosk address ending in one that the QR holds
// with `serve --public-url`) opens #/case/ID at once. A ticket is for
// people, never a key: it asks also for the last four characters of the ID
// number or mobile typed on the case, which the server checks
// (POST /api/v1/cases/lookup, throttled).

import { t, getLang } from './i18n.js';
import { el, show, go, busy, holdInputs, backButton, friendly, KIOSK } from './core.js';
import { api, ApiError } from './api.js';
import { fieldErrorP } from './fields.js';
import { lostLinkWords } from './online.js';

const CASE_ID = /([0-9a-f]{32})\/?$/i;
// a ticket: a letter and 3 digits, 4 to 6 once a busy day used A001 … Z999 (window.h)
const TICKET = /^[a-z]\d{3,6}$/i;
const LAST4 = /^\d{3}[\dx]$/i;
// A Chinese input method types ＡＯＯ１ or １２３Ｘ; the resident means the
// ASCII ones, as every form box takes them (they were refused here: a
// resident's review). White space, the ideographic one too, goes.
const ascii = (s) => s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0))
  .replace(/[\s\u3000]+/g, '');

export function codeScreen() {
  const code = el('input', {
    id: 'code-q', type: 'text', class: 'search-input', autocomplete: 'off', spellcheck: 'false',
    autocapitalize: 'characters', enterkeyhint: 'go', tabindex: '0', 'aria-describedby': 'code-intro',
  });
  const last4 = el('input', {
    id: 'code-last4', type: 'text', class: 'search-input code-last4', autocomplete: 'off',
    spellcheck: 'false', maxlength: '4', inputmode: 'text', 'aria-describedby': 'code-last4-hint',
    'data-keypad': 'id', // the kiosk's keypad on a touch screen (keypad.js)
  });
  const last4Err = el('div', { class: 'code-last4-error' });
  const last4Box = el('div', { class: 'field code-last4-box' },
    el('label', { for: 'code-last4', class: 'search-label' }, t('codeLast4Label')),
    el('p', { id: 'code-last4-hint', class: 'hint' }, t('codeLast4Hint')),
    last4Err, last4);
  last4Box.hidden = true;
  const slot = el('div', { class: 'alert-slot' });
  const goBtn = el('button', { type: 'submit', class: 'btn btn-primary' }, t('codeGo'));

  function alert(text) {
    const a = el('div', { class: 'notice notice-error', role: 'alert', tabindex: '-1' },
      el('p', {}, el('strong', { class: 'prefix' }, t('errorPrefix')), text));
    slot.replaceChildren(a);
    return a;
  }

  function badLast4(text) {
    last4Err.replaceChildren(fieldErrorP('code-last4-error', text));
    last4.setAttribute('aria-invalid', 'true');
    last4.setAttribute('aria-describedby', 'code-last4-hint code-last4-error');
    last4.focus();
  }

  // A quarter-hour's lock, or from outside the hall the day's tries used
  // up: that day runs from its first lookup, so its end is named (the
  // daemon's own words in Chinese, which give the hall's time).
  function tooMany(err) {
    if (!(err instanceof ApiError) || err.retryAfter <= 15 * 60) return t('codeTooMany');
    if (getLang() === 'zh' && /以后再试/.test(err.serverMessage)) return err.serverMessage;
    const end = new Date(Math.ceil((Date.now() + err.retryAfter * 1000) / 60000) * 60000);
    const hm = end.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
    const today = end.toDateString() === new Date().toDateString();
    const when = getLang() === 'zh' ? `${today ? '今天' : '明天'} ${hm}` : `${hm} ${today ? 'today' : 'tomorrow'}`;
    return t('codeTooManyDay', { when });
  }

  async function lookup(ticket) {
    const four = ascii(last4.value);
    if (!LAST4.test(four)) { badLast4(t('codeLast4Bad')); return; }
    last4Err.replaceChildren();
    last4.removeAttribute('aria-invalid');
    // the number and the four shown stay the ones looked up: 没有找到 said
    // beside a code scanned or typed meanwhile was about the other
    const giveBack = holdInputs(form, [code, last4]);
    try {
      const { body } = await busy(goBtn, () =>
        api('/api/v1/cases/lookup', { method: 'POST', body: { ticket, last4: four } }), { hold: true });
      go('#/case/' + encodeURIComponent(body.id));
    } catch (err) {
      giveBack();
      const status = err instanceof ApiError ? err.status : 0;
      if (status === 422) { badLast4(t('codeLast4Bad')); return; }
      // a miss or the throttle: what to do instead, in the kiosk's language
      last4.value = '';
      alert(status === 404 ? t('codeNotFound') : status === 429 ? tooMany(err) : friendly(err)).focus();
    }
  }

  function submit() {
    if (goBtn.disabled) return;
    slot.replaceChildren();
    const raw = ascii(code.value);
    const id = CASE_ID.exec(raw);
    if (id) { go('#/case/' + id[1].toLowerCase()); return; }
    if (TICKET.test(raw)) {
      if (last4Box.hidden) {
        last4Box.hidden = false;
        last4.focus();
        return;
      }
      lookup(raw.toUpperCase());
      return;
    }
    last4Box.hidden = true;
    alert(t('codeUnknown'));
    code.select();
    code.focus();
  }

  // a changed code is another question: the last four goes with it
  code.addEventListener('input', () => {
    if (!last4Box.hidden && !TICKET.test(ascii(code.value))) last4Box.hidden = true;
  });
  const form = el('form', { class: 'code-form', autocomplete: 'off', novalidate: true },
    el('label', { for: 'code-q', class: 'search-label' }, t('codeLabel')),
    code, last4Box,
    el('div', { class: 'actions' }, goBtn));
  form.addEventListener('submit', ev => { ev.preventDefault(); submit(); });

  show([
    backButton(),
    el('h1', {}, t('codeTitle')),
    // the kiosk has a scanner; a phone at home has none
    el('p', { id: 'code-intro', class: 'lead' }, t(KIOSK ? 'codeIntro' : 'codeIntroWeb')),
    // at home the one looking here may have handed a case in online and
    // lost its link: there is no number to type for it (the lookup takes
    // only today's tickets), and starting again makes a second application
    KIOSK ? null : lostLinkWords(el('p', { id: 'code-online' }), () => t('codeOnlineWeb')),
    slot,
    form,
  ], { focus: code });
}
