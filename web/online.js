// From home (网上办事): what a resident's own phone or PC shows that the
// hall's kiosk does not (core.js KIOSK) — the link to the case, to keep
// and open again later, and a web case once handed in: in online
// pre-review (网上预审), or invited to come to the hall with the originals
// on a date. The walkthrough itself is case.js, the same as at the kiosk.

import { t, getLang } from './i18n.js';
import { el, zh, show, button, hooks } from './core.js';
import { api } from './api.js';

// The address that opens the case again (#/case/ID, read from the server):
// never with the page's query, so never a kiosk's flag or test timers.
export const caseLink = id => location.origin + '/#/case/' + id;

// What this hall can do for a resident who lost a web case's link (GET
// /api/v1/hall, ours): text it to the mobile on the case (only with a
// sender and a public address, `serve --notify-command`, `--public-url`),
// or find the case at the window when the resident brings the ID card.
// Asked once a page load (app.js, from home); until it answers, or when it
// cannot be read, the pages promise no text: the window is true of every
// hall, and a promise a hall cannot keep has the resident phone for nothing.
let hall = null;
let hallAsk = null;
export function loadHall() {
  if (!hallAsk) {
    hallAsk = api('/api/v1/hall').then((r) => { hall = r.body; return hall; },
      () => { hallAsk = null; return null; });
  }
  return hallAsk;
}

// node's words: base() then how a lost link is found again (key + 'Sms'
// or key + 'Hall'; key 'lostLink' names the hall's own phone where it has
// one, for a page that shows no item), drawn again if the hall's answer
// comes after the screen.
// sms (a case's link box): whether a text can come for this case, which
// the case knows (link_by_sms: the hall can text and the case has a
// mobile); undefined asks the hall alone.
export function lostLinkWords(node, base, key = 'lostLink', sms = undefined) {
  const draw = () => {
    let tail = t(key + 'Hall');
    if (typeof sms === 'boolean' ? sms : hall && hall.link_sms) {
      tail = key === 'lostLink' && hall.phone ? t('lostLinkSmsPhone', { phone: hall.phone }) : t(key + 'Sms');
    }
    node.textContent = base() + (getLang() === 'en' ? ' ' : '') + tail;
  };
  draw();
  if (!hall && typeof sms !== 'boolean') loadHall().then((h) => { if (h) draw(); });
  return node;
}

// The case link, to bookmark or copy. The copy falls back to selecting the
// link where the browser offers no clipboard (a page served over plain
// HTTP on the hall's network). What to do if it is lost follows the case
// (link_by_sms): a hall that can text links cannot text one to a case with
// only a landline, or no number yet, and said it could.
export function caseLinkBox(c) {
  const url = caseLink(c.id);
  const link = el('a', { class: 'case-link-url', id: 'case-link', href: url }, url);
  const said = el('p', { class: 'case-link-said', role: 'status' });
  const copy = button(t('caseLinkCopy'), async () => {
    const range = document.createRange();
    range.selectNodeContents(link);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    try {
      await navigator.clipboard.writeText(url);
      said.textContent = t('caseLinkCopied');
    } catch {
      said.textContent = t('caseLinkSelect');
    }
  }, 'btn', { id: 'case-link-copy' });
  return el('section', { class: 'card case-link', 'aria-labelledby': 'case-link-h' },
    el('h2', { id: 'case-link-h' }, t('caseLinkTitle')),
    lostLinkWords(el('p', { id: 'case-link-text' }), () => t('caseLinkText'), 'caseLinkLost', c.link_by_sms),
    el('p', {}, link),
    el('div', { class: 'actions' }, copy),
    said);
}

// 2026-12-08 as the resident reads it, with the weekday.
export function dateWords(ymd) {
  const [y, m, d] = ymd.split('-').map(Number);
  const date = new Date(y, m - 1, d);
  return date.toLocaleDateString(getLang() === 'en' ? 'en-GB' : 'zh-CN',
    { year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' });
}

// A web case after it was handed in: prereview or invited (with the date,
// the staffer's note, where and when to come, what to bring). bring: the
// list of materials (case.js draws it as the ticket screen does).
export function onlineScreen(c, kicker, bring) {
  const invited = c.status === 'invited' && c.invite;
  const meta = c.proc.meta || {};
  const code = c.id.replace(/(.{4})(?=.)/g, '$1 ');
  show([
    kicker,
    el('h1', {}, t(invited ? 'invitedTitle' : 'prereviewTitle')),
    el('p', { class: 'lead', id: 'online-status' },
      el('strong', {}, t('onlineStatus')), t(invited ? 'invitedState' : 'prereviewState')),
    invited
      ? el('section', { class: 'card invite', 'aria-labelledby': 'invite-h' },
        el('h2', { id: 'invite-h' }, t('invitedDate')),
        el('p', { class: 'invite-date', id: 'invite-date' }, dateWords(c.invite.date)),
        c.invite.note ? el('p', {}, el('strong', {}, t('invitedNote')), zh('span', { class: 'invite-note' }, c.invite.note)) : null,
        meta.location ? el('p', {}, t('invitedWhere'), zh('strong', {}, meta.location)) : null,
        meta.hours ? el('p', {}, t('invitedHours'), zh('span', {}, meta.hours)) : null,
        el('p', {}, t('invitedShow')),
        el('p', { class: 'case-code' }, t('caseCode'), el('span', { class: 'case-code-value' }, code)))
      : el('p', {}, t('prereviewText')),
    bring ? el('section', { class: 'card', 'aria-labelledby': 'bring-h' },
      el('h2', { id: 'bring-h' }, t(invited ? 'invitedBring' : 'prereviewBring')), bring) : null,
    caseLinkBox(c),
    el('div', { class: 'actions' }, button(t('homeLong'), () => hooks.reset(), 'btn btn-primary')),
  ]);
}
