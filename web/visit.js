// 上门服务 on the resident's side (issue #10.4): for an item with
// `visit: yes`, the review screen offers 请工作人员上门办理 besides taking a
// number; its form asks for the day, the half-day, the address and a
// phone (each error beside its box, as the server names it), and the case
// then waits for the B post: the confirmation screen says when. The form's
// boxes are fields.js's, so they look and type (keypad included) as the
// steps' do. case.js routes here and lends its error helpers (kit), since
// this module must not import it back.

import { t, getLang } from './i18n.js';
import { el, show, go, button, busy, holdInputs, hooks, friendly, KIOSK, liveRoute } from './core.js';
import { api, ApiError } from './api.js';
import { renderField, fieldTarget } from './fields.js';
import { caseLinkBox, dateWords } from './online.js';

const MEMBERS = ['date', 'slot', 'address', 'phone'];

// The form's fields, in the shape of a procedure's, for renderField. days:
// the working days the server offers (GET /api/v1/visit/days), a choice of
// them; null (not known) gives the date boxes and the server's checks.
const FIELDS = (days) => ({
  date: days && days.length
    ? { key: 'date', label: t('visitDate'), type: 'choice', required: true, options: days,
      labels: Object.fromEntries(days.map(d => [d, dateWords(d)])) }
    : { key: 'date', label: t('visitDate'), type: 'date', required: true },
  // the values the server takes, in the page's words (Morning in English)
  slot: { key: 'slot', label: t('visitSlot'), type: 'choice', required: true, options: ['上午', '下午'],
    labels: { 上午: t('visitAm'), 下午: t('visitPm') } },
  address: { key: 'address', label: t('visitAddress'), type: 'text', required: true, rules: { max: 200 } },
  phone: { key: 'phone', label: t('visitPhone'), type: 'phone', required: true },
});

// Whether the case's item may be done at home.
export const visitOffered = c => !!(c.proc.meta && c.proc.meta.visit === 'yes');

// The offer on the review screen: a card with its own button.
export function visitOffer(c, caseHash) {
  if (!visitOffered(c)) return null;
  return el('section', { class: 'card visit-offer', 'aria-labelledby': 'visit-offer-h' },
    el('h2', { id: 'visit-offer-h' }, t('visitOfferTitle')),
    el('p', {}, t('visitOfferText')),
    el('div', { class: 'actions' },
      button(t('visitAsk'), () => go(caseHash(c, 'visit')), 'btn', { id: 'visit-ask' })));
}

// The first answer the case already holds for a field pred picks, shown
// in full ('' when none, or only masked): the address and phone typed in
// the steps, so an elder does not type them twice.
function answered(c, pred) {
  for (const s of c.proc.steps)
    for (const f of s.fields) {
      const v = (c.values || {})[f.key];
      if (pred(f) && typeof v === 'string' && v && !/\*/.test(v)) return v;
    }
  return '';
}

// #/case/ID/visit: the request's form. kit: {caseHash, kicker, summary,
// focusSummary, alertBox, caseProblem} from case.js.
export async function visitScreen(c, kit) {
  if (!visitOffered(c)) { go(kit.caseHash(c, 'review'), { replace: true }); return; }
  // the days' answer, back after the resident went on (上一步 from the
  // review, 首页), drew this form over the screen they went to: a step
  // being filled in, or home with its search box
  const live = liveRoute();
  // the days a visitor comes: working days of the hall's calendar, so an
  // elder is never booked for a Sunday or a holiday nobody works; in a year
  // the calendar has no dates of yet, a holiday may be among them, and the
  // hint says so (a year-end review: 元旦 was offered)
  if (c.visitDays === undefined) {
    try {
      const { body } = await api('/api/v1/visit/days');
      c.visitDays = body.days;
      c.visitGap = body.calendar_gap || null;
    } catch {
      c.visitDays = null;
    }
    if (!live()) return;
  }
  const fields = FIELDS(c.visitDays);
  const d = c.visitDraft || (c.visitDraft = {
    date: c.visitDays && c.visitDays.length ? '' : ['', '', ''], slot: '',
    address: answered(c, f => /地址|住址/.test(f.label) || /address/.test(f.key)),
    phone: answered(c, f => f.type === 'cn_mobile' || f.type === 'phone'),
  });
  // the server's message in Chinese; in English the text of its code
  const errs = Object.fromEntries(Object.entries(c.visitErrors || {}).map(([k, m]) => {
    const code = (c.visitCodes || {})[k];
    const en = getLang() === 'en' && code ? t('visitErr_' + code) : null;
    return [k, en && en !== 'visitErr_' + code ? en : m];
  }));
  const reads = {};
  const nodes = MEMBERS.map(k => {
    const f = fields[k];
    const r = renderField(f, {
      id: 'v-' + k, value: d[k], onInput: v => { d[k] = v; },
      hint: k === 'date' ? (c.visitDays && c.visitDays.length
        ? (c.visitGap ? t('visitDaysGap', { y: c.visitGap }) : t('visitDaysHint')) : t('visitDateHint'))
        : k === 'phone' ? t('hint_phone') : '',
      error: errs[k] || '',
    });
    reads[k] = r.read;
    return r.node;
  });
  const entries = MEMBERS.filter(k => errs[k]).map(k => ({ text: errs[k], target: fieldTarget(fields[k], 'v-' + k) }));
  const slot = el('div', { class: 'alert-slot' });
  const sendBtn = button(t('visitSend'), send, 'btn btn-primary', { id: 'visit-send' });

  let form = null;
  async function send() {
    // one request at a time (Enter in a box while it is on its way)
    if (sendBtn.disabled) return;
    const visit = {};
    for (const k of MEMBERS) visit[k] = reads[k]() ?? '';
    // a refusal is drawn only on this form: the resident who went back
    // meanwhile (上一步, the phone's back button) finds it on their return.
    // A request made goes to its confirmation wherever they are.
    const here = location.hash;
    // the day, address and phone shown stay the ones sent: one changed
    // meanwhile stood under the server's refusal of the other
    const giveBack = holdInputs(form);
    try {
      await busy(sendBtn, async () => {
        const { body } = await api('/api/v1/cases/' + c.id + '/submit', { method: 'POST', body: { visit } });
        c.status = body.status || 'visit';
        c.ticket = null;
        c.visit = { date: visit.date, slot: visit.slot };
        c.visitErrors = null;
        go(kit.caseHash(c, 'done'));
      }, { hold: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 422 && err.body && err.body.fields) {
        c.visitErrors = err.body.fields;
        c.visitCodes = err.body.field_codes || {};
        if (location.hash !== here) return;
        visitScreen(c, kit);
        kit.focusSummary();
        return;
      }
      if (location.hash !== here) return;
      giveBack();
      if (await kit.caseProblem(c, err)) return;
      const a = kit.alertBox(friendly(err), send);
      slot.replaceChildren(a);
      window.scrollTo(0, 0);
      a.focus({ preventScroll: true });
    }
  }

  show([
    kit.kicker(c),
    slot,
    entries.length ? kit.summary(entries) : null,
    el('h1', {}, t('visitTitle')),
    el('p', { class: 'lead' }, t('visitIntro')),
    form = el('form', { class: 'step-form visit-form', novalidate: true, autocomplete: 'off', onSubmit: ev => { ev.preventDefault(); send(); } },
      nodes),
    el('div', { class: 'actions actions-sticky' },
      // from home there is no number to take instead
      button(t(KIOSK ? 'visitBack' : 'visitBackWeb'), () => go(kit.caseHash(c, 'review')), 'btn'),
      sendBtn),
  ]);
}

// 上午/下午 in the page's language; anything else as the server gave it.
export const slotWords = (v) => (v === '上午' ? t('visitAm') : v === '下午' ? t('visitPm') : v || '');

// The case waits for the B post: the day and half-day, and the originals to
// have ready (bring: case.js's list of the case's materials), nothing else
// (the screen faces the hall; the address and phone were typed here already).
export function visitDoneScreen(c, kicker, bring) {
  const v = c.visit || {};
  show([
    kicker,
    el('section', { class: 'ticket-box visit-done', 'aria-labelledby': 'visit-done-h' },
      el('h1', { id: 'visit-done-h' }, t('visitDoneTitle')),
      el('p', { class: 'visit-when', id: 'visit-when' }, v.date ? dateWords(v.date) + ' ' + slotWords(v.slot) : ''),
      // the day went by and nobody recorded the visit: not a promise for
      // a day that passed
      el('p', { class: 'lead', id: 'visit-lead' }, t(v.past ? 'visitPastText' : 'visitDoneText'))),
    bring ? el('section', { class: 'card', 'aria-labelledby': 'visit-bring-h' },
      el('h2', { id: 'visit-bring-h' }, t('visitBring')), bring) : null,
    el('p', {}, t(KIOSK ? 'visitDoneKiosk' : 'visitDoneWeb')),
    // from home: the link it asks to keep, as pre-review shows it
    KIOSK ? null : caseLinkBox(c),
    el('div', { class: 'actions' }, button(t('homeLong'), () => hooks.reset(), 'btn btn-primary', { id: 'visit-finish' })),
  ]);
}
