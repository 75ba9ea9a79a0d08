// The walkthrough of a case: conditions, one step per screen, review,
// submission, the ticket with its slip; the 好差评 rating once the window
// completed the case (closedScreen); and a case
// opened again by its code (#/case/ID), e.g. one the window returned for
// correction, whose reason it shows.
// The server is the authority on every answer; the page only hides what
// does not apply ({if …}) for a smoother screen and shows what it says.

import { t, getLang, fieldCodeEn, paren, STRINGS } from './i18n.js';
import {
  el, zh, show, go, state, hooks, button, bigButton, contentHtml,
  stepLabel, friendly, friendlyShort, busy, holdInputs, openDialog, KIOSK, clearBand,
} from './core.js';
import { caseLinkBox, onlineScreen, lostLinkWords, dateWords } from './online.js';
import { visitOffer, visitScreen, visitDoneScreen, slotWords } from './visit.js';
import { api, ApiError, serverNow } from './api.js';
import { windowName } from './calls.js';
import { factsList, printPreview } from './info.js';
import {
  holds, readValue, showValue, fieldType, fieldTarget, fieldHint, fieldErrorP, radio, renderField,
  dateBoxError, fieldMask, maskIdsIn,
} from './fields.js';

const enc = encodeURIComponent;
const caseHash = (c, view) => '#/case/' + c.id + '/' + view;
// a web case handed in: no ticket, online pre-review (online.js)
const online = c => c.status === 'prereview' || c.status === 'invited';
// waiting for the B post at home: no ticket either (visit.js)
const atHome = c => c.status === 'visit';
// from home, the link to keep on every screen of the walk (online.js)
const linkBox = c => (KIOSK ? null : caseLinkBox(c));
// A case started from home is handed in to online pre-review (网上预审), not
// to today's queue: the submit asks for it, since without the ask the
// contract's submit gives every channel a hall ticket.
const handIn = c => (c.channel === 'web' ? { prereview: true } : {});
// From home the words of KEY + 'Web' where there are any: a resident at
// home reads 请到综合窗口咨询 as a trip to the hall for a question a phone
// call answers, and 窗口退回 of a case no window has seen (pre-review).
const wt = (key, params) => t(!KIOSK && Object.hasOwn(STRINGS.zh, key + 'Web') ? key + 'Web' : key, params);
// the sentence for a question from home: the item's phone (the file's, or
// the hall's own, serve --hall-phone), the window only when there is none
const askLine = c => (c.proc.meta && c.proc.meta.phone
  ? t('askPhone', { phone: c.proc.meta.phone }) : t('askWindow'));

// ---- starting ----

export async function startCase(p, btn) {
  // From home the back button leads from a case's first screens to this
  // overview again with the case still this tab's: 开始办理 goes back to
  // it while it is open, rather than starting an empty second case with
  // another link (tests/e2e/phone-restart.test.mjs). 首页's 回首页 and the
  // kiosk's resets clear state.case, so a new case starts after them.
  const cur = state.case;
  if (!KIOSK && cur && cur.proc.id === p.id && cur.status === 'open') {
    go(caseHash(cur, cur.nConditions > 0 ? 'conditions' : 'step/' + firstUndone(cur)));
    return;
  }
  const holder = btn && btn.closest('.actions');
  const old = holder && holder.parentNode.querySelector('.start-error');
  if (old) old.remove();
  try {
    await busy(btn, async () => {
      const channel = KIOSK ? 'kiosk' : 'web';
      const { body: c } = await api('/api/v1/cases', { method: 'POST', body: { procedure: p.id, channel } });
      let proc = p;
      if (c.hash && p.hash && c.hash !== p.hash) {
        // the file changed in between: show the version the case is pinned
        // to, by the case (the live one may have moved on again meanwhile)
        try { proc = (await api('/api/v1/cases/' + enc(c.id) + '/procedure')).body; } catch { proc = p; }
      }
      const nConditions = typeof c.conditions === 'number' ? c.conditions : proc.conditions.length;
      state.case = {
        id: c.id, proc, channel, status: c.status || 'open', steps: c.steps, step: c.step,
        applicable: c.applicable || proc.steps.map((s, i) => i).filter(i => !proc.steps[i].if),
        done: c.done || [], nConditions, conditionsConfirmed: nConditions === 0,
        conditions: new Array(nConditions).fill(undefined), unmet: null, unmetFirst: null, stopped: false,
        values: {}, drafts: {}, accepted: {}, errors: {}, alerts: {},
        reviewMode: false, ticket: null, rating: null,
        // a new case holds no mobile yet: no text of its link can come
        link_by_sms: false,
      };
      if (nConditions > 0) go(caseHash(state.case, 'conditions'));
      else go(caseHash(state.case, 'step/' + firstUndone(state.case)));
    }, { hold: true });
  } catch (err) {
    const note = el('div', { class: 'notice notice-error start-error', role: 'alert', tabindex: '-1' },
      el('p', {}, el('strong', { class: 'prefix' }, t('errorPrefix')), friendly(err)));
    if (holder) { holder.before(note); note.focus(); }
  }
}

// ---- helpers ----

function firstUndone(c) {
  const i = c.applicable.find(n => !c.done.includes(n));
  return i === undefined ? 'review' : i;
}

// An answer as sent, from what the step's draft holds ('' when none).
function draftValue(f, raw) {
  return readValue(f, raw) ?? '';
}

function flatFields(proc, n, d) {
  const out = {};
  if (!d) return out;
  for (const f of proc.steps[n].fields)
    if (f.key in d.fields) out[f.key] = draftValue(f, d.fields[f.key]);
  return out;
}

// The answers {if} conditions are evaluated against for step n: the
// accepted answers (the server's where it has them) and step n's inputs.
function valuesFor(c, n) {
  const v = {};
  if (c.valuesLoaded) Object.assign(v, c.values);
  else for (const m of c.done) if (m !== n) Object.assign(v, flatFields(c.proc, m, c.accepted[m]));
  if (n !== undefined) Object.assign(v, flatFields(c.proc, n, c.drafts[n]));
  return v;
}

// Whether the window flagged the part (kind 'fields' or 'checklist') when
// it returned the case, until the case is handed in again.
function windowFlagged(c, kind, key) {
  const marked = c.status === 'returned' && c.returnedItems ? c.returnedItems : null;
  return !!marked && (marked[kind] || []).includes(key);
}

// A step's answers so far: the server's accepted ones. An ID or card
// number comes masked (3706**********0015) and is kept so: the server
// takes that echo for the number it has, so nobody retypes it to correct
// something else. What the window flagged is the exception: such a
// number starts empty (it must be typed anew), and so does its masked
// confirmation (same_as): kept, it repeats the old number, refused as
// 不一致 beside a box of stars; such an item starts unticked (to be
// checked again, not passed with the tick it had).
function draft(c, n) {
  if (!c.drafts[n]) {
    const d = { fields: {}, checklist: {} };
    const anew = f => windowFlagged(c, 'fields', f.key) ||
      !!(f.rules && f.rules.same_as && windowFlagged(c, 'fields', f.rules.same_as));
    for (const f of c.proc.steps[n].fields) {
      const sv = c.values[f.key];
      if (sv !== undefined && !(isMasked(sv) && anew(f))) d.fields[f.key] = sv;
    }
    for (const it of c.proc.steps[n].checklist)
      if (c.serverChecklist && c.serverChecklist[it.id] && !windowFlagged(c, 'checklist', it.id))
        d.checklist[it.id] = true;
    c.drafts[n] = d;
  }
  return c.drafts[n];
}

const isMasked = v => typeof v === 'string' && /\*/.test(v);

const clone = o => JSON.parse(JSON.stringify(o));

async function refreshCase(c) {
  const { body } = await api('/api/v1/cases/' + c.id);
  if (state.case !== c) return;
  c.status = body.status;
  c.step = body.step;
  if (body.applicable) c.applicable = body.applicable;
  if (body.done) c.done = body.done;
  c.values = body.values || {};
  // the mobile typed in this step is what a lost link can be texted to
  if (typeof body.link_by_sms === 'boolean') c.link_by_sms = body.link_by_sms;
  c.valuesLoaded = true;
  c.valuesStale = false;
  c.serverChecklist = body.checklist || {};
  c.conditionsConfirmed = !!body.conditions_confirmed || c.nConditions === 0;
  if (body.ticket) c.ticket = body.ticket;
  if (body.rating) c.rating = body.rating;
  c.returnedReason = body.returned_reason || null;
  c.returnedItems = body.returned_items || null;
  c.invite = body.invite || null;
  c.visit = body.visit || null;
}

function errText(msg, code, label) {
  if (getLang() === 'en') return fieldCodeEn(code, label) || msg;
  return msg;
}

function caseGone(messageKey = 'errCaseGone') {
  show([
    el('h1', {}, t('errTitle')),
    el('div', { class: 'notice notice-error', role: 'alert', id: 'case-gone' },
      el('p', {}, el('strong', { class: 'prefix' }, t('errorPrefix')),
        // from home: how a lost link is found again, by what this hall can do
        KIOSK ? wt(messageKey) : lostLinkWords(el('span'), () => wt(messageKey)))),
    el('div', { class: 'actions' }, button(t('homeLong'), () => hooks.reset(), 'btn btn-primary')),
  ]);
}

// Handles an API error of a case call that the screen cannot: returns true
// if it navigated away. A conflict that leaves the case where this screen
// already is (no tickets left today: tickets_used_up) is the caller's to
// say, with the server's message: redrawing the same screen said nothing.
async function caseProblem(c, err) {
  if (!(err instanceof ApiError) || err.kind !== 'http') return false;
  if (err.status === 404 && err.code === 'unknown_case') { caseGone(); return true; }
  if (err.status === 409) {
    try { await refreshCase(c); } catch { return false; }
    let to;
    if (c.status !== 'open' && c.status !== 'returned') to = caseHash(c, c.ticket || online(c) || atHome(c) ? 'done' : 'review');
    else if (!c.conditionsConfirmed && c.nConditions > 0) to = caseHash(c, 'conditions');
    else {
      const next = firstUndone(c);
      to = caseHash(c, next === 'review' ? 'review' : 'step/' + next);
    }
    if (to === location.hash) return false;
    go(to, { replace: true });
    return true;
  }
  return false;
}

function errorSummary(entries, id = 'error-summary') {
  return el('div', { class: 'error-summary', id, role: 'alert', tabindex: '-1', 'aria-labelledby': id + '-title' },
    el('h2', { id: id + '-title' }, t('errorSummary', { n: entries.length })),
    el('ul', {}, entries.map(e => el('li', {}, e.target
      ? el('a', { href: '#' + e.target, onClick: ev => { ev.preventDefault(); focusField(e.target); } }, e.text)
      : e.text))));
}

// The summary's link shows the field from its question down, under the
// sticky header: centred, a date's three boxes left its question, hint and
// error above the screen with 大字 at 1366×768 (a resident saw three red
// boxes and no word of what was wrong). A field too tall for the screen
// has its box centred, as before.
function focusField(id) {
  const f = document.getElementById(id);
  if (!f) return;
  f.closest('[hidden]')?.removeAttribute('hidden');
  const wrap = f.closest('.field') || f;
  const { lo, hi } = clearBand();
  const top = wrap.getBoundingClientRect().top;
  if (f.getBoundingClientRect().bottom - top <= hi - lo) window.scrollBy(0, top - lo);
  else f.scrollIntoView({ block: 'center' });
  f.focus({ preventScroll: true });
}

function alertBox(text, retry) {
  return el('div', { class: 'notice notice-error', role: 'alert', tabindex: '-1' },
    el('p', {}, el('strong', { class: 'prefix' }, t('errorPrefix')), text),
    retry ? button(t('retry'), retry, 'btn') : null);
}

function procKicker(c) {
  return zh('p', { class: 'kicker' }, c.proc.title);
}

// ---- routing ----

export async function caseScreen(id, view, n) {
  const c = state.case;
  // the kiosk: only the case of this visit, kept in memory: after 完成, a
  // reset or 结束办理, the back button must not bring a resident's answers
  // back. At home the phone is the resident's own: a reload, a tab the
  // browser restored or a bookmarked step opens the case again from the
  // server, where it stands
  if (!c || c.id !== id) {
    if (!KIOSK) return resumeCase(id);
    go('#/', { replace: true });
    return;
  }
  const submitted = c.status !== 'open' && c.status !== 'returned';
  // once the window has it (or it ended), the ticket screen no longer fits;
  // a web case in pre-review or invited has its own (online.js) instead
  const closed = submitted && c.status !== 'waiting' && !online(c) && !atHome(c);
  if (closed !== (view === 'closed')) {
    go(caseHash(c, closed ? 'closed' : submitted ? 'done' : 'review'), { replace: true });
    return;
  }
  if (submitted && view !== 'done' && (view !== 'slip' || online(c) || atHome(c)) && view !== 'closed' && view !== 'missing') { go(caseHash(c, 'done'), { replace: true }); return; }
  if (!submitted && (view === 'done' || view === 'slip')) { go(caseHash(c, 'review'), { replace: true }); return; }
  if (c.stopped && view !== 'unmet') { go(caseHash(c, 'unmet'), { replace: true }); return; }
  if (view !== 'conditions' && view !== 'unmet' && !c.conditionsConfirmed) {
    go(caseHash(c, 'conditions'), { replace: true });
    return;
  }
  switch (view) {
    case 'conditions': return conditionsScreen(c);
    case 'unmet': return unmetScreen(c);
    case 'step': return stepScreen(c, n);
    case 'review': return reviewScreen(c);
    case 'done': return online(c) ? onlineScreen(c, procKicker(c), bringList(c))
      : atHome(c) ? visitDoneScreen(c, procKicker(c), bringList(c)) : doneScreen(c);
    case 'visit': return visitScreen(c, visitKit);
    case 'returned': return returnedScreen(c);
    case 'closed': return closedScreen(c);
    case 'slip': return printPreview('/print/cases/' + c.id, t('printPreviewSlip'));
    case 'missing': return missingSheet(c, submitted);
  }
  caseGone();
}

// ---- a case opened again by its code ----

// #/case/ID without a view: the case is read from the server (its id is
// the code on the slip and on the correction notice) and shown where it
// stands. The route is replaced, so the back button after 完成 does not
// bring it back.
export async function resumeCase(id) {
  // a whole id with more glued after it (a full stop or words, where the
  // link was pasted into a message) or in capitals is that case's: the
  // server knows ids in lower case only, and its 404 was said as a link
  // cut short (后面少了字) of a link that had every digit
  const whole = /^([0-9a-f]{32})(?![0-9a-f])/i.exec(id);
  if (whole) id = whole[1].toLowerCase();
  let body;
  try {
    body = (await api('/api/v1/cases/' + enc(id))).body;
  } catch (err) {
    // a case id is 32 hex digits: a shorter one is a link cut short in a
    // message or a copy, which is worth saying (the rest of it finds the case)
    if (err instanceof ApiError && err.status === 404) { caseGone(!KIOSK && /^[0-9a-f]{1,31}$/i.test(id) ? 'errLinkCut' : 'errCaseGone'); return; }
    throw err;
  }
  let proc = null;
  try {
    proc = (await api('/api/v1/procedures/' + enc(body.procedure))).body;
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err;
  }
  // the steps on screen must be the version the case was started on: the
  // live one may have changed or been retired since
  if (!proc || proc.hash !== body.hash) {
    proc = (await api('/api/v1/cases/' + enc(id) + '/procedure')).body;
  }
  const nConditions = typeof body.conditions === 'number' ? body.conditions : proc.conditions.length;
  const confirmed = !!body.conditions_confirmed || nConditions === 0;
  const c = state.case = {
    id: body.id, proc, channel: body.channel, status: body.status, steps: body.steps, step: body.step,
    applicable: body.applicable, done: body.done, nConditions, conditionsConfirmed: confirmed,
    conditions: new Array(nConditions).fill(confirmed ? true : undefined), unmet: null, unmetFirst: null, stopped: false,
    values: body.values || {}, valuesLoaded: true, serverChecklist: body.checklist || {},
    drafts: {}, accepted: {}, errors: {}, alerts: {}, reviewMode: false,
    ticket: body.ticket, ticketDay: body.ticket_day || null, ticketExpired: !!body.ticket_expired, called: body.called || null, noShow: body.no_show || null, rating: body.rating,
    returnedReason: body.returned_reason || null, returnedItems: body.returned_items || null, correctBy: body.correct_by || null,
    visitBooked: body.visit_booked || null,
    missing: (body.missing_items || []).map(x => x.id), missingItems: body.missing_items || [],
    invite: body.invite || null, visit: body.visit || null,
    stage: body.stage || null, due: body.due || null, calendarGap: body.calendar_gap || null, waitAt: body.wait_at || null, rejectedReason: body.rejected_reason || null, refused: body.refused === true,
    link_by_sms: body.link_by_sms,
  };
  let view;
  if (c.status === 'returned') view = 'returned';
  else if (online(c) || atHome(c)) view = 'done';
  else if (c.status === 'open') {
    const next = firstUndone(c);
    view = !c.conditionsConfirmed ? 'conditions' : next === 'review' ? 'review' : 'step/' + next;
  } else if (c.status === 'waiting' && c.ticket) view = 'done';
  else if (c.status !== 'waiting') view = 'closed';
  if (!view) { caseGone(); return; }
  go(caseHash(c, view), { replace: true });
}

// What the window said to correct, as the resident reads it: the reason,
// and the materials and answers it marked, by their names.
function returnedNotice(c) {
  const marked = c.returnedItems || { fields: [], checklist: [] };
  const names = [];
  for (const s of c.proc.steps) {
    for (const it of s.checklist) if ((marked.checklist || []).includes(it.id)) names.push(it.text);
    for (const f of s.fields) if ((marked.fields || []).includes(f.key)) names.push(f.label);
  }
  return el('div', { class: 'notice notice-warn returned-notice', id: 'returned-notice' },
    el('p', {}, el('strong', { class: 'prefix' }, wt('returnedReason')), zh('span', { class: 'returned-reason' }, c.returnedReason || '')),
    names.length ? el('div', {}, el('p', { class: 'sub-h' }, t('returnedItems')),
      el('ul', {}, names.map(n => el('li', {}, zh('span', {}, n))))) : null);
}

// Whether the case's ticket was drawn today (the daemon's clock, this
// screen's zone, as the hall's kiosk shares it).
function ticketOfToday(c) {
  const d = new Date(serverNow());
  const p = (n) => String(n).padStart(2, '0');
  return !!c.ticket && c.ticketDay === `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function returnedScreen(c) {
  if (c.status !== 'returned') { go(caseHash(c, 'review'), { replace: true }); return; }
  const next = firstUndone(c);
  show([
    procKicker(c),
    el('h1', {}, t('returnedTitle')),
    c.ticket ? el('p', { class: 'lead' }, t('returnedTicket', { ticket: c.ticket })) : null,
    // the staff booked the B post with the elder on the phone (预约上门补正):
    // the day, that they need not come, what to have ready; the page said
    // only to hand it in by a day
    c.visitBooked ? el('div', { class: c.visitBooked.past ? 'notice' : 'notice notice-ok', id: 'visit-booked' },
      el('p', {}, el('strong', {}, t(c.visitBooked.past ? 'returnedVisitPast' : 'returnedVisit',
        { when: dateWords(c.visitBooked.date) + ' ' + slotWords(c.visitBooked.slot) }))),
      // a day gone by: no promise of it, a call to agree another
      el('p', {}, t(c.visitBooked.past ? 'returnedVisitPastNext' : 'returnedVisitReady'))) : null,
    returnedNotice(c),
    // a web case returned from pre-review never had a number to keep; an
    // earlier day's (returned from the back office days after) is not kept
    // either: tickets start again each day
    el('p', {}, (c.visitBooked ? t('returnedVisitSelf') : '') + t(!c.ticket ? 'returnedIntroNoTicket'
      : ticketOfToday(c) ? 'returnedIntro' : 'returnedIntroNewTicket')),
    // the day the staff's 等居民补正 list gives (correct_by): after it the
    // hall gives the case up, and the resident starts again
    c.correctBy ? el('p', { class: 'notice', id: 'correct-by' },
      el('strong', {}, t('returnedBy', { date: dateWords(c.correctBy) })), ' ', t('returnedAfter')) : null,
    el('div', { class: 'actions' },
      button(t('homeLong'), () => hooks.reset(), 'btn'),
      button(t('returnedStart'), () => go(caseHash(c, next === 'review' ? 'review' : 'step/' + next)),
        'btn btn-primary')),
  ]);
}

// A case the window has accepted or completed, or that ended (a no-show):
// what it is now, not the ticket to wait with (which may be another day's).
// Never the outcome: that is the staffer's text for the window.
// The 好差评 rating comes after the service, so it is offered here, once
// the case is completed (or ready to collect), and never while waiting.
// A case in its review chain says which stage it is at and by when the
// hall has committed to finish it (the public case JSON's stage and due);
// a rejected one gives the reason the staffer wrote for the resident.
function closedScreen(c) {
  // 不予受理 (refused at the window, never accepted) is not 不予办理
  // passed (叫号未到) with the answers kept: the window takes it on as it
  // stands, so not 请从首页重新开始 (which had the resident fill it all in
  // again for a new number)
  const key = c.status === 'rejected' && c.refused ? 'closedRefused'
    : c.status === 'abandoned' && c.noShow && c.noShow.kept ? 'closedPassed'
    : { accepted: 'closedAccepted', completed: 'closedCompleted', ready: 'closedReady',
      rejected: 'closedRejected' }[c.status] || 'closedEnded';
  const served = c.status === 'completed' || c.status === 'ready';
  const ymd = (s) => { const [y, m, d] = s.split('-').map(Number); return t('dateYmd', { y, m, d }); };
  // where and when to collect it: a resident at home who opens the link
  // was told to come to the window, not where the hall is or when it is
  // open (tests/e2e/phone-ready.test.mjs)
  const where = c.status === 'ready' ? factsList(c.proc.meta, ['location', 'hours', 'phone']) : null;
  show([
    procKicker(c),
    el('h1', {}, t(key + 'Title')),
    el('p', { class: 'lead', id: 'closed-text' }, wt(key + 'Text', { ask: askLine(c) })),
    c.status === 'accepted' && c.stage ? el('dl', { class: 'case-chain', id: 'case-chain' },
      el('dt', {}, t('chainStage')), el('dd', {}, zh('span', {}, c.stage.label)),
      c.due ? el('dt', {}, t('chainDue')) : null, c.due ? el('dd', {}, ymd(c.due)) : null) : null,
    c.status === 'accepted' && c.stage && c.due && c.calendarGap
      ? el('p', { class: 'hint', id: 'case-calendar-gap' }, t('chainDueGap', { y: c.calendarGap })) : null,
    owedNotice(c),
    c.status === 'rejected' && c.rejectedReason ? el('div', { class: 'alert', id: 'rejected-reason' },
      el('p', {}, el('strong', {}, t(c.refused ? 'refusedReason' : 'rejectedReason'))), zh('p', {}, c.rejectedReason)) : null,
    where ? el('section', { class: 'card', id: 'ready-where', 'aria-labelledby': 'ready-where-h' },
      el('h2', { id: 'ready-where-h' }, t('readyWhere')), where) : null,
    served ? ratingSection(c) : null,
    el('div', { class: 'actions' }, button(t('homeLong'), () => hooks.reset(), served ? 'btn' : 'btn btn-primary')),
  ]);
}

// 容缺受理: the window took the case on (accepted, or made a pickup item
// ready) while papers the resident said they lacked at the hand-in were
// still owed. The receipt listed them; this page said nothing, and said
// nothing either once they were brought (已补交): the papers still owed,
// or that every one is in.
function owedNotice(c) {
  const listed = (c.status === 'accepted' || c.status === 'ready') ? c.missingItems || [] : [];
  if (!listed.length) return null;
  const owed = listed.filter(x => !x.received);
  if (!owed.length) return el('p', { class: 'notice notice-ok', id: 'case-owed' }, t('owedAllIn'));
  return el('div', { class: 'notice notice-warn', id: 'case-owed' },
    el('p', {}, el('strong', { class: 'prefix' }, t('owedTitle'))),
    el('ul', {}, owed.map(x => el('li', {}, zh('span', {}, x.text)))));
}

// ---- conditions ----

function yesNo(name, value, onChange, describedBy) {
  return el('div', { class: 'radios radios-inline' }, ['yes', 'no'].map((v, i) =>
    radio({ name, id: name + '-' + v, value: v, checked: value === v, text: i === 0 ? t('yes') : t('no'),
      onChange, describedBy }).label));
}

// missing: the conditions left unanswered at the last try, kept on the case
// so that a language switch (which draws the screen again) keeps them
function conditionsScreen(c, missing = c.condMissing || []) {
  const conds = c.proc.conditions;
  const summary = missing.length ? errorSummary(missing.map(i => ({
    text: t('conditionsUnanswered', { k: i + 1 }), target: 'cond-' + i + '-yes',
  }))) : null;
  const slot = el('div', { class: 'alert-slot' }, summary);
  const list = el('ol', { class: 'conditions' }, conds.map((text, i) => {
    const err = missing.includes(i);
    const errId = 'cond-' + i + '-error';
    return el('li', {}, el('fieldset', { class: 'cond' + (err ? ' has-error' : ''), 'aria-describedby': err ? errId : undefined },
      el('legend', {}, el('span', { class: 'cond-num' }, (i + 1) + '. '), zh('span', {}, text)),
      err ? fieldErrorP(errId, t('conditionsUnanswered', { k: i + 1 })) : null,
      yesNo('cond-' + i, c.conditions[i] === true ? 'yes' : c.conditions[i] === false ? 'no' : undefined,
        v => { c.conditions[i] = v === 'yes'; }, err ? errId : undefined)));
  }));
  for (const i of missing)
    for (const r of list.querySelectorAll(`input[name="cond-${i}"]`)) r.setAttribute('aria-invalid', 'true');

  const nextBtn = button(t('conditionsNext'), submit, 'btn btn-primary');
  let form = null;
  async function submit() {
    // Enter on a radio while the answers are on their way
    if (nextBtn.disabled) return;
    const miss = conds.map((x, i) => i).filter(i => c.conditions[i] === undefined);
    c.condMissing = miss;
    if (miss.length) { conditionsScreen(c, miss); focusSummary(); return; }
    // as a step's 下一步: not taken on, nor drawn over, from a screen the
    // resident went to while the answers were sent
    const here = location.hash;
    const gone = () => location.hash !== here;
    slot.replaceChildren(el('p', { class: 'sending', role: 'status' }, t('sending')));
    // the 是/否 shown stay the ones sent until the server has them
    const giveBack = holdInputs(form, [list]);
    try {
      await busy(nextBtn, async () => {
        const { body } = await api('/api/v1/cases/' + c.id + '/conditions', {
          method: 'POST', body: { confirmed: c.conditions.map(x => x === true) },
        });
        c.conditionsConfirmed = true;
        if (typeof body.step === 'number') c.step = body.step;
        if (gone()) return;
        // forward from the conditions is always the first step (a resident
        // who came back to them walks through the answers again)
        const first = c.applicable.length ? c.applicable[0] : firstUndone(c);
        go(caseHash(c, first === 'review' ? 'review' : 'step/' + first));
      }, { hold: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 422 && Array.isArray(err.body.unmet)) {
        c.unmet = err.body.unmet;
        c.stopped = true;
        // read before the screen is drawn, so that no button comes in
        // above another under a finger on its way to it
        c.unmetFirst = [];
        try {
          c.unmetFirst = conditionItems(c.unmet.map(i => c.proc.conditions[i]).filter(x => x),
            (await api('/api/v1/procedures')).body.procedures, c.proc.id);
        } catch { /* the screen's other ways stay */ }
        // stopped: any screen of the case leads there (caseScreen)
        if (gone()) return;
        go(caseHash(c, 'unmet'), { replace: true });
        return;
      }
      if (gone()) return;
      giveBack();
      if (await caseProblem(c, err)) return;
      const a = alertBox(wt('errSubmitKept', { msg: friendlyShort(err), ask: askLine(c) }), submit);
      slot.replaceChildren(a);
      a.focus();
    }
  }

  show([
    procKicker(c),
    slot,
    el('p', { class: 'progress-label' }, t('conditionsKicker')),
    el('h1', {}, t('conditionsHeading')),
    el('p', { class: 'lead' }, t('conditionsIntro')),
    form = el('form', { class: 'step-form', novalidate: true, autocomplete: 'off', onSubmit: ev => { ev.preventDefault(); submit(); } },
      list,
      el('div', { class: 'actions actions-sticky' },
        button(t('back'), () => go('#/p/' + enc(c.proc.id)), 'btn'),
        nextBtn)),
    linkBox(c),
  ]);
}

// The page goes to its top for the summary; when the header and what is
// above the summary leave it, or its last links, under the sticky action
// bar or below the screen (a phone zoomed in, 大字: the tap on 确认 seemed
// to do nothing; tests/e2e/phone-summary.test.mjs), the summary comes up
// to the top, below the header while that sticks.
function focusSummary() {
  const s = document.getElementById('error-summary');
  if (!s) return;
  window.scrollTo(0, 0);
  const bar = document.querySelector('#main .actions-sticky');
  const sticky = (e) => !!e && getComputedStyle(e).position === 'sticky';
  const limit = sticky(bar) ? bar.getBoundingClientRect().top : window.innerHeight;
  const r = s.getBoundingClientRect();
  if (r.bottom > limit) {
    const head = document.querySelector('.app-header');
    const top = sticky(head) ? head.getBoundingClientRect().bottom : 0;
    window.scrollBy(0, r.top - top - 8);
  }
  s.focus({ preventScroll: true });
}

// The items of this hall an unmet condition names by their title (居住证申领's
// 已经在本市办理居住登记 names 居住登记): done first, they may meet it. A
// condition saying what the applicant is not or has not (户口不在本市,
// 没有参加职工医保) names nothing to do, and a title inside a longer one
// found there (居住证 in 居住证明) is not that item.
const NEGATION = /[不没未无非]/;
function conditionItems(texts, procs, selfId) {
  const found = new Map();
  for (const text of texts) {
    if (NEGATION.test(text)) continue;
    const spans = [];
    for (const p of procs) {
      if (!p.title) continue;
      for (let at = text.indexOf(p.title); at >= 0; at = text.indexOf(p.title, at + 1))
        spans.push({ p, from: at, to: at + p.title.length });
    }
    for (const s of spans) {
      if (spans.some(o => o !== s && o.from <= s.from && o.to >= s.to && o.to - o.from > s.to - s.from)) continue;
      if (s.p.id !== selfId && s.p.kind !== 'policy') found.set(s.p.id, s.p);
    }
  }
  return [...found.values()];
}

function unmetScreen(c) {
  const unmet = (c.unmet || []).filter(i => i < c.proc.conditions.length);
  const contact = factsList(c.proc.meta, ['responsible', 'location', 'hours', 'phone']);
  // a refused resident must leave knowing where to go, not only that this
  // item is not for them: what the condition names, the questions that
  // find another item or office, and whom to ask
  const first = c.unmetFirst || [];
  const leave = hash => { state.case = null; go(hash); };
  show([
    procKicker(c),
    el('h1', {}, t('unmetTitle')),
    unmet.length ? el('div', { class: 'notice notice-warn' },
      el('p', {}, t('unmetIntro')),
      el('ul', { class: 'unmet' }, unmet.map(i => zh('li', {}, c.proc.conditions[i])))) : null,
    el('section', { class: 'card', id: 'unmet-next', 'aria-labelledby': 'unmet-next-h' },
      el('h2', { id: 'unmet-next-h' }, t('unmetNext')),
      // the title in its own language: an English voice spells Chinese out
      first.map(p => bigButton([t('unmetFirst'), zh('span', {}, p.title)], t('unmetFirstSub'),
        () => leave('#/p/' + enc(p.id)), 'btn btn-secondary btn-big unmet-first')),
      bigButton(t('unmetTriage'), t('unmetTriageSub'), () => leave('#/triage'), 'btn btn-secondary btn-big'),
      el('p', { id: 'unmet-ask' }, c.proc.meta && c.proc.meta.phone && !KIOSK
        ? t('unmetAskPhone', { phone: c.proc.meta.phone }) : t('unmetAskWindow'))),
    el('section', { class: 'card', 'aria-labelledby': 'contact-h' },
      el('h2', { id: 'contact-h' }, t('unmetContact')),
      contact),
    el('div', { class: 'actions' },
      // a wrong tap, or a relative who answered about themselves: the
      // answers stay on the screen to change
      button(t('unmetBackToEdit'), () => { c.stopped = false; c.unmet = null; go(caseHash(c, 'conditions')); }, 'btn', { id: 'unmet-back' }),
      button(t('unmetBackToInfo'), () => { const id = c.proc.id; state.case = null; go('#/p/' + enc(id)); }, 'btn'),
      button(t('homeLong'), () => hooks.reset(), 'btn btn-primary')),
  ]);
}

// ---- one step ----

function stepScreen(c, n) {
  const proc = c.proc;
  if (!(n >= 0 && n < proc.steps.length) || !c.applicable.includes(n)) {
    const next = firstUndone(c);
    go(caseHash(c, next === 'review' ? 'review' : 'step/' + next), { replace: true });
    return;
  }
  const reachable = c.done.includes(n) || n === firstUndone(c);
  if (!reachable) { go(caseHash(c, 'step/' + firstUndone(c)), { replace: true }); return; }

  const s = proc.steps[n];
  const d = draft(c, n);
  // what the window marked when it returned the case, until it is submitted again
  const marked = c.status === 'returned' && c.returnedItems ? c.returnedItems : null;
  const flagged = (kind, key) => windowFlagged(c, kind, key);
  const anyMarked = marked && ((marked.fields || []).length + (marked.checklist || []).length) > 0;
  const markedHere = s.checklist.some(it => flagged('checklist', it.id)) || s.fields.some(f => flagged('fields', f.key));
  const errs = c.errors[n] || null;
  const k = c.applicable.indexOf(n) + 1;
  const m = c.applicable.length;
  const isLast = c.applicable.every(i => i <= n);

  const parts = []; // [{cond, node}] for the {if} visibility
  const entries = [];

  // checklist
  let checklist = null;
  if (s.checklist.length) {
    checklist = el('fieldset', { class: 'checklist' }, el('legend', {}, wt('checklistTitle')));
    for (const it of s.checklist) {
      const id = 'ck-' + it.id;
      const bad = errs && errs.checklist.includes(it.id);
      const errId = bad ? id + '-error' : null;
      const input = el('input', { type: 'checkbox', id, class: 'check-input', 'aria-describedby': errId, 'aria-invalid': bad ? 'true' : undefined });
      input.checked = !!d.checklist[it.id];
      input.addEventListener('change', () => { d.checklist[it.id] = input.checked; update(); });
      const row = el('div', { class: 'check-row' + (bad ? ' has-error' : '') + (flagged('checklist', it.id) ? ' flagged' : '') },
        flagged('checklist', it.id) ? flagNote() : null,
        bad ? fieldErrorP(errId, wt('errorTick', { text: it.text })) : null,
        el('label', { class: 'check', for: id }, input,
          el('span', { class: 'check-mark', 'aria-hidden': 'true' }),
          zh('span', { class: 'check-text' }, it.text),
          it.required ? null : el('span', { class: 'tag' }, paren(wt('ifAnyItem')))));
      checklist.append(row);
      parts.push({ cond: it.if, node: row, kind: 'item', it });
      if (bad) entries.push({ text: wt('errorTick', { text: it.text }), target: id, node: row });
    }
  }

  // fields
  let fields = null;
  if (s.fields.length) {
    fields = el('div', { class: 'fields' });
    for (const f of s.fields) {
      const msg = errs && errs.fields[f.key];
      const boxErr = msg ? dateBoxError(d.fields[f.key], errs.codes[f.key]) : null;
      const text = boxErr ? t(boxErr.key, { label: f.label, ...boxErr.params })
        : msg ? errText(msg, errs.codes[f.key], f.label) : null;
      const { node } = renderField(f, {
        id: 'f-' + f.key, value: d.fields[f.key], error: text,
        // a number kept as the server shows it: say why only four digits show
        hint: isMasked(d.fields[f.key]) ? t('hint_masked_kept') : fieldHint(f, proc.steps.flatMap(x => x.fields)),
        onInput: (raw) => { d.fields[f.key] = raw; clearConfirmations(f); update(); },
      });
      // a field the window marked: the mark above it, hidden with it
      const box = flagged('fields', f.key) ? el('div', { class: 'flagged' }, flagNote(), node) : node;
      fields.append(box);
      parts.push({ cond: f.if, node: box, kind: 'field', f, forced: !!msg });
      if (msg) entries.push({ text, target: boxErr ? 'f-' + f.key + '-' + boxErr.box : fieldTarget(f), node });
    }
  }
  // a number edited: its masked confirmation (same_as) repeated the old
  // one, refused as 不一致 beside a box of stars; it is typed anew instead
  function clearConfirmations(f) {
    for (const g of s.fields) {
      if (!(g.rules && g.rules.same_as === f.key) || !isMasked(d.fields[g.key])) continue;
      d.fields[g.key] = '';
      const box = document.getElementById('f-' + g.key);
      if (box) box.value = '';
      // its hint said 已经填过…不用改; now it says what to type
      const hint = document.getElementById('f-' + g.key + '-hint');
      if (hint) hint.textContent = fieldHint(g, proc.steps.flatMap(x => x.fields));
    }
  }

  // errors the server named for things this step does not show
  if (errs) for (const key of Object.keys(errs.fields))
    if (!s.fields.some(f => f.key === key)) entries.push({ text: errs.fields[key] });

  function update() {
    const v = valuesFor(c, n);
    for (const p of parts) p.node.hidden = !p.forced && !holds(p.cond, v);
    if (checklist) checklist.hidden = parts.filter(p => p.kind === 'item').every(p => p.node.hidden);
  }
  update();

  // the reason again where the marked parts are (on every step when the
  // window marked none)
  const reason = c.status === 'returned' && c.returnedReason && (markedHere || !anyMarked)
    ? el('div', { class: 'notice notice-warn returned-notice', id: 'step-returned' },
      el('p', {}, el('strong', { class: 'prefix' }, wt('returnedReason')), zh('span', { class: 'returned-reason' }, c.returnedReason)),
      markedHere ? el('p', {}, t('returnedMarkedHere', { mark: wt('returnedMark') })) : null)
    : null;
  const slot = el('div', { class: 'alert-slot' },
    entries.length ? errorSummary(entries) : null,
    c.alerts[n] ? alertBox(c.alerts[n]) : null,
    !entries.length && c.reviewMode && !c.done.includes(n)
      ? el('p', { class: 'notice notice-info' }, t('needMore')) : null);
  c.alerts[n] = null;

  // editing from the review page: back to it, unless this step has to be
  // answered again (an earlier change made it, or part of it, new)
  const reviewEdit = c.reviewMode && c.done.includes(n);
  const nextLabel = reviewEdit ? t('saveAndReview') : isLast ? t('nextToReview') : t('next');
  const nextBtn = el('button', { type: 'submit', class: 'btn btn-primary' }, nextLabel);
  const prevIdx = c.applicable[k - 2];
  const actions = el('div', { class: 'actions actions-sticky' },
    reviewEdit
      // the answers as sent from this screen, else (a case opened again,
      // none sent from here) the server's: draft() builds those anew
      ? button(t('cancelEdit'), () => {
        if (c.accepted[n]) c.drafts[n] = clone(c.accepted[n]);
        else delete c.drafts[n];
        c.errors[n] = null; c.reviewMode = false; go(caseHash(c, 'review'));
      }, 'btn')
      : button(t('prev'), () => {
        if (prevIdx !== undefined) go(caseHash(c, 'step/' + prevIdx));
        else if (c.nConditions > 0) go(caseHash(c, 'conditions'));
        else go('#/p/' + enc(proc.id));
      }, 'btn'),
    nextBtn);

  function answers() {
    const body = { checklist: {}, fields: {} };
    for (const p of parts) {
      if (p.node.hidden) continue;
      if (p.kind === 'item') body.checklist[p.it.id] = !!d.checklist[p.it.id];
      else {
        const v = readValue(p.f, d.fields[p.f.key]);
        if (v !== undefined) body.fields[p.f.key] = v.trim();
      }
    }
    return body;
  }

  async function send() {
    // one send at a time
    if (nextBtn.disabled) return;
    const body = answers();
    // the screen the answer is for: a resident who went elsewhere while it
    // was sent (the phone's back button on a slow network, 上一步) was
    // taken on to the next step, or had this step drawn again over the one
    // they were filling in
    const here = location.hash;
    const gone = () => location.hash !== here;
    slot.replaceChildren(el('p', { class: 'sending', role: 'status' }, t('sending')));
    // what is shown stays what was sent: a tick or a digit changed while
    // it was on its way stood on the screen, and in the draft kept as the
    // step's accepted answers, while the server had the other
    const giveBack = holdInputs(form, [checklist, fields]);
    try {
      await busy(nextBtn, async () => {
        const { body: r } = await api('/api/v1/cases/' + c.id + '/steps/' + n, { method: 'POST', body });
        c.errors[n] = null;
        c.accepted[n] = clone(d);
        if (Array.isArray(r.applicable)) c.applicable = r.applicable;
        if (Array.isArray(r.done)) c.done = r.done;
        else if (!c.done.includes(n)) c.done.push(n);
        if (typeof r.step === 'number') c.step = r.step;
        // the step's own answer is enough to go on; the server's answers on
        // hand are then a step old (the review trusts them only when fresh)
        try { await refreshCase(c); } catch { c.valuesStale = true; }
        if (gone()) return;
        const undone = firstUndone(c);
        let target;
        if (c.reviewMode) target = undone;
        else {
          const after = c.applicable.find(i => i > n);
          if (undone !== 'review' && (after === undefined || undone < after)) target = undone;
          else target = after === undefined ? 'review' : after;
        }
        go(caseHash(c, target === 'review' ? 'review' : 'step/' + target));
      }, { hold: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 422 && err.body && (err.body.fields || err.body.checklist)) {
        c.errors[n] = {
          fields: err.body.fields || {}, codes: err.body.field_codes || {},
          checklist: err.body.checklist || [],
        };
        // only papers missing, every answer good: 材料没带齐? is offered
        c.errors[n].papersOnly = !Object.keys(c.errors[n].fields).length && c.errors[n].checklist.length > 0;
        // said when the resident comes back to the step, not drawn over
        // the screen they went to
        if (gone()) return;
        stepScreen(c, n);
        focusSummary();
        return;
      }
      if (gone()) return;
      giveBack();
      if (await caseProblem(c, err)) return;
      const a = alertBox(wt('errSubmitKept', { msg: friendlyShort(err), ask: askLine(c) }), send);
      slot.replaceChildren(a);
      window.scrollTo(0, 0);
      a.focus({ preventScroll: true });
    }
  }

  const form = el('form', { class: 'step-form', novalidate: true, autocomplete: 'off' },
    checklist, fields,
    !checklist && !fields ? el('p', { class: 'notice notice-info' }, t('noInputStep')) : null,
    actions);
  form.addEventListener('submit', ev => { ev.preventDefault(); send(); });

  show([
    procKicker(c),
    el('div', { class: 'progress' },
      el('p', { class: 'progress-label', id: 'step-of' }, t('stepOf', { k, m })),
      progressBar(k, m)),
    slot,
    errs && errs.papersOnly ? missingPanel(c, n, errs.checklist, answers, slot) : null,
    reason,
    // the focus comes to the heading, below 第 k 步 / 共 M 步: a screen
    // reader said the step's name alone, never where it stands
    el('h1', { lang: 'zh-CN', 'aria-describedby': 'step-of' }, stepLabel(s.title)),
    s.html ? contentHtml(s.html, 'step-text') : null,
    form,
    linkBox(c),
  ]);
}

// ---- 材料没带齐? ----

function itemTexts(c, ids) {
  const out = [];
  for (const s of c.proc.steps) for (const it of s.checklist) if (ids.includes(it.id)) out.push(it.text);
  return out;
}

// A step that failed only on papers not ticked: rather than a dead end,
// the list of exactly what is missing (to print or read), or a number now
// to ask at the window; ticking the papers and 下一步 still go on.
// From home (网上办事) there is no number to take: the case goes to online
// pre-review as it is, and the staffer who checks it says what to bring.
const mt = (key) => t(KIOSK ? key : key + 'Web');

function missingPanel(c, n, ids, answers, slot) {
  const texts = itemTexts(c, ids);
  return el('section', { class: 'card missing-panel', id: 'missing-panel', 'aria-labelledby': 'missing-h' },
    el('h2', { id: 'missing-h' }, t('missingTitle')),
    el('p', {}, mt('missingIntro')),
    el('ul', { class: 'materials-list' }, texts.map(x => el('li', {}, zh('span', {}, x)))),
    el('div', { class: 'actions missing-actions' },
      bigButton(t('missingPrint'), t('missingPrintSub'), () => { c.missingPrint = ids.slice(); go(caseHash(c, 'missing')); },
        'btn btn-big btn-secondary'),
      bigButton(mt('missingTicket'), mt('missingTicketSub'), () => confirmMissingTicket(c, n, texts, answers, slot),
        'btn btn-big btn-secondary')),
    el('p', { class: 'hint' }, t('missingFix')));
}

function confirmMissingTicket(c, n, texts, answers, slot) {
  const go1 = el('button', { type: 'button', class: 'btn btn-primary' }, mt('missingConfirmYes'));
  const close = openDialog({
    labelId: 'missing-confirm-title', descId: 'missing-confirm-desc', cls: 'dialog-confirm',
    content: [
      el('h2', { id: 'missing-confirm-title' }, mt('missingConfirmTitle')),
      el('div', { id: 'missing-confirm-desc' },
        el('p', {}, mt('missingConfirmText')),
        el('ul', {}, texts.map(x => el('li', {}, zh('span', {}, x))))),
      el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'btn', onClick: () => close() }, t('missingConfirmNo')),
        go1),
    ],
  });
  go1.addEventListener('click', async () => {
    try {
      await busy(go1, async () => {
        const { body } = await api('/api/v1/cases/' + c.id + '/steps/' + n + '/incomplete',
          { method: 'POST', body: { ...answers(), ...handIn(c) } });
        close({ restoreFocus: false });
        c.status = body.status || 'waiting';
        c.ticket = body.ticket;
        c.missing = body.missing || [];
        c.errors[n] = null;
        go(caseHash(c, 'done'));
      }, { hold: true });
    } catch (err) {
      close();
      if (err instanceof ApiError && err.status === 422 && err.body && err.body.fields && Object.keys(err.body.fields).length) {
        c.errors[n] = { fields: err.body.fields, codes: err.body.field_codes || {}, checklist: err.body.checklist || [] };
        stepScreen(c, n);
        focusSummary();
        return;
      }
      if (await caseProblem(c, err)) return;
      const a = alertBox(friendly(err));
      slot.replaceChildren(a);
      window.scrollTo(0, 0);
      a.focus({ preventScroll: true });
    }
  });
}

// The sheet of what is missing: the papers the step named, or once the
// number was taken, the ones the case recorded.
function missingSheet(c, submitted) {
  const ids = c.missingPrint || [];
  if (!submitted && !ids.length) { go(caseHash(c, 'step/' + firstUndone(c)), { replace: true }); return; }
  return printPreview('/print/cases/' + c.id + '/missing' + (submitted ? '' : '?items=' + ids.map(enc).join(',')),
    t('missingSheet'));
}

// The mark of a part the window flagged: a sign and words, not colour alone.
function flagNote() {
  return el('p', { class: 'flag-note' },
    el('span', { class: 'flag-icon', 'aria-hidden': 'true' }, '⚑'), wt('returnedMark'));
}

function progressBar(k, m) {
  const fill = el('span', { class: 'progress-fill' });
  fill.style.width = Math.round(100 * k / Math.max(m, 1)) + '%';
  return el('span', { class: 'progress-bar', 'aria-hidden': 'true' }, fill);
}

// ---- review ----

function appliedItems(c, n, values) {
  const s = c.proc.steps[n];
  return s.checklist.filter(it => holds(it.if, values));
}

function reviewScreen(c) {
  const next = firstUndone(c);
  if (next !== 'review') { go(caseHash(c, 'step/' + next), { replace: true }); return; }
  c.reviewMode = false;
  const values = valuesFor(c);
  const cards = [];
  if (c.nConditions > 0)
    cards.push(el('section', { class: 'card review-card', 'aria-labelledby': 'rv-cond' },
      el('h2', { id: 'rv-cond' }, t('reviewConditions')),
      el('p', {}, el('span', { class: 'ok-mark', 'aria-hidden': 'true' }, '✓ '), t('reviewConditionsOk'))));
  for (const n of c.applicable) {
    const s = c.proc.steps[n];
    // what this screen sent, never a draft: a step edited from here and
    // left unsaved (the back button) is not what 确认提交 hands in
    const acc = c.accepted[n] || { fields: {}, checklist: {} };
    const fields = s.fields.filter(f => holds(f.if, values));
    // ticked as the server holds it, once known: a tick of a situation
    // turned off and on again was dropped there
    const items = appliedItems(c, n, values).filter(it => (c.valuesLoaded && !c.valuesStale
      ? (c.serverChecklist || {})[it.id] : acc.checklist[it.id] || (c.serverChecklist || {})[it.id]));
    if (!fields.length && !s.checklist.length) continue;
    const hid = 'rv-' + n;
    const dl = el('dl', { class: 'answers-list' });
    for (const f of fields) {
      // the server's accepted answer, except where this screen's own
      // answer reads better (a date or yes/no as typed, an ID number in full
      // before masking); a case opened again from its link or slip has no
      // answers of this screen, and shows the server's, masked as it gives them
      const server = c.values[f.key];
      const typed = draftValue(f, acc.fields[f.key]);
      // none held, once the server's answers are known: an answer typed
      // here may have been dropped since (an earlier change turned its
      // situation off, then on again), and the hand-in carries none
      let v = server === undefined && c.valuesLoaded && !c.valuesStale ? ''
        : server !== undefined && (typed === '' ||
          (!/\*/.test(server) && f.type !== 'date' && f.type !== 'yesno')) ? server : typed;
      // the screen faces the hall: an ID number shows only its last four,
      // as the server gives it
      const mask = fieldMask(f, c.proc.steps.flatMap(x => x.fields));
      if (mask && v) v = server !== undefined ? server : mask(v);
      // an ID number inside another answer (残疾人证号) likewise
      else if (typeof v === 'string') v = maskIdsIn(v);
      const shown = showValue(f, v);
      dl.append(el('div', { class: 'answer-row' },
        zh('dt', {}, f.label),
        shown === null ? el('dd', { class: 'empty' }, t('reviewEmpty'))
          : ((fieldType(f) || {}).words ? el('dd', {}, shown) : zh('dd', {}, shown))));
    }
    cards.push(el('section', { class: 'card review-card', 'aria-labelledby': hid },
      el('div', { class: 'card-head' },
        zh('h2', { id: hid }, stepLabel(s.title)),
        el('button', {
          type: 'button', class: 'btn btn-small', 'aria-label': t('editLabel', { title: stepLabel(s.title) }),
          onClick: () => { c.reviewMode = true; go(caseHash(c, 'step/' + n)); },
        }, t('edit'))),
      items.length ? el('div', {},
        el('p', { class: 'sub-h' }, t('reviewTicked')),
        el('ul', { class: 'ticked' }, items.map(it => el('li', {},
          el('span', { class: 'ok-mark', 'aria-hidden': 'true' }, '✓ '), zh('span', {}, it.text))))) : null,
      fields.length ? dl : null));
  }
  const slot = el('div', { class: 'alert-slot' });
  const submitBtn = button(t('submit'), submit, 'btn btn-primary');
  const last = c.applicable[c.applicable.length - 1];

  async function submit() {
    slot.replaceChildren(el('p', { class: 'sending', role: 'status' }, t('submitting')));
    try {
      await busy(submitBtn, async () => {
        const { body } = await api('/api/v1/cases/' + c.id + '/submit', { method: 'POST', body: handIn(c) });
        c.status = body.status || 'waiting';
        c.ticket = body.ticket;
        go(caseHash(c, 'done'));
      }, { hold: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.code === 'not_finished') {
        try { await refreshCase(c); } catch { /* fall through to the message */ }
        const nx = firstUndone(c);
        if (nx !== 'review') {
          c.alerts[nx] = friendly(err);
          go(caseHash(c, 'step/' + nx), { replace: true });
          return;
        }
      } else if (await caseProblem(c, err)) return;
      const a = alertBox(wt('errSubmitKept', { msg: friendlyShort(err), ask: askLine(c) }), submit);
      slot.replaceChildren(a);
      window.scrollTo(0, 0);
      a.focus({ preventScroll: true });
    }
  }

  show([
    procKicker(c),
    slot,
    el('h1', {}, t('reviewTitle')),
    c.status === 'returned' && c.returnedReason ? returnedNotice(c) : null,
    el('p', { class: 'lead' }, t('reviewIntro')),
    cards,
    // before the buttons, not under them: read before 确认提交 is tapped
    visitOffer(c, caseHash),
    el('div', { class: 'actions actions-sticky' },
      last !== undefined ? button(t('prev'), () => go(caseHash(c, 'step/' + last)), 'btn') : null,
      submitBtn),
    linkBox(c),
  ]);
}

// what the visit's form (visit.js) borrows of this module's screens
const visitKit = {
  caseHash, kicker: procKicker, summary: entries => errorSummary(entries), focusSummary, alertBox, caseProblem,
};

// ---- the ticket ----

const LEVELS = [5, 4, 3, 2, 1];
// what went wrong, for a 1 or a 2: the API's codes (cases.h), in its order
const RATE_REASONS = ['wait', 'attitude', 'unclear', 'materials', 'other'];

function ratingSection(c) {
  const sec = el('section', { class: 'card rating', 'aria-labelledby': 'rating-h' });
  const head = el('h2', { id: 'rating-h' }, t('ratingTitle'));
  if (c.rating) {
    sec.append(head, el('p', { class: 'notice notice-ok', role: 'status' },
      el('span', { 'aria-hidden': 'true' }, '✓ '), t(c.ratingNote || 'ratingThanks')));
    return sec;
  }
  let score = c.ratingDraft || 0;
  const picked = c.ratingReasons || (c.ratingReasons = new Set());
  const slot = el('div', { class: 'alert-slot' });
  // 哪里没做好?, asked of a 1 or a 2 only
  const why = el('fieldset', { class: 'checklist rating-why', hidden: score > 2 || !score },
    el('legend', {}, t('ratingWhy')),
    RATE_REASONS.map(code => {
      const input = el('input', { type: 'checkbox', id: 'why-' + code, class: 'check-input' });
      input.checked = picked.has(code);
      input.addEventListener('change', () => { if (input.checked) picked.add(code); else picked.delete(code); });
      return el('div', { class: 'check-row' }, el('label', { class: 'check', for: 'why-' + code }, input,
        el('span', { class: 'check-mark', 'aria-hidden': 'true' }), el('span', { class: 'check-text' }, t('ratingWhy_' + code))));
    }));
  const radios = el('div', { class: 'rating-levels' }, LEVELS.map(sv => radio({
    name: 'rating', id: 'rate-' + sv, value: String(sv), checked: score === sv, text: t('rating' + sv),
    cls: 'choice choice-rating', onChange: () => { score = sv; c.ratingDraft = sv; why.hidden = sv > 2; },
  }).label));
  const comment = el('textarea', { id: 'rating-comment', class: 'input', rows: '2', autocomplete: 'off', maxlength: '500' });
  comment.value = c.ratingComment || '';
  comment.addEventListener('input', () => { c.ratingComment = comment.value; });
  const sendBtn = el('button', { type: 'submit', class: 'btn btn-primary' }, t('ratingSubmit'));
  const form = el('form', { novalidate: true, autocomplete: 'off' },
    el('fieldset', {}, el('legend', {}, t('ratingLegend')), radios),
    why,
    el('div', { class: 'field' }, el('label', { for: 'rating-comment' }, t('ratingComment')), comment),
    el('div', { class: 'actions' }, sendBtn));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    if (sendBtn.disabled) return;
    let giveBack = null;
    if (!score) {
      const a = alertBox(t('ratingChoose'));
      slot.replaceChildren(a);
      a.focus();
      return;
    }
    try {
      const text = comment.value.trim();
      const body = { score };
      if (text) body.comment = text;
      if (score <= 2) body.reasons = RATE_REASONS.filter(code => picked.has(code));
      // the rating shown stays the one sent: a comment typed while it was
      // on its way went with the form, unsent, under 谢谢您的评价
      giveBack = holdInputs(form, [form.querySelector('fieldset'), why, comment.parentNode]);
      // The hall's kiosk is the residents' device: a staff session left
      // open in its browser (or a window PC running the kiosk page) must
      // not make their rating a staffer's, kept out of 满意率 (the daemon
      // marks a rating by the session cookie it carries). So the kiosk
      // sends it without cookies; a browser elsewhere sends them as ever.
      await busy(sendBtn, () => api('/api/v1/cases/' + c.id + '/rating',
        { method: 'POST', body, anonymous: KIOSK }), { hold: true });
      c.rating = body.score;
      c.ratingNote = 'ratingThanks';
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.code === 'already_rated') {
        c.rating = score;
        c.ratingNote = 'ratingAlready';
      } else {
        if (giveBack) giveBack();
        const a = alertBox(t('errRatingFailed', { msg: friendlyShort(err) }));
        slot.replaceChildren(a);
        a.focus();
        return;
      }
    }
    const fresh = ratingSection(c);
    sec.replaceWith(fresh);
    fresh.querySelector('[role=status]')?.setAttribute('tabindex', '-1');
    fresh.querySelector('[role=status]')?.focus();
  });
  sec.append(head, slot, form);
  return sec;
}

// The large number's element: a ticket past Z999 (A0001) has five
// characters, and gets a size that fits five in the box (app.css).
function ticketNumber(ticket, extra = '', id = undefined) {
  const long = [...(ticket || '')].length > 4;
  return el('p', { class: ['ticket-number', extra, long ? 'ticket-long' : ''].filter(Boolean).join(' '), id }, ticket || '');
}

// 完成 clears the screen, ticket and all: an elderly resident who has not
// noted the number (or printed the slip) would have to ask at the window,
// so it asks first, with the number large, and 返回 is the easy choice.
// 首页 asks the same (app.js).
export function confirmFinish(c) {
  const close = openDialog({
    // the number itself is said with the question: it is what is asked about
    labelId: 'finish-title', descId: 'finish-num finish-desc', cls: 'dialog-confirm',
    content: [
      el('h2', { id: 'finish-title' }, t('finishTitle')),
      ticketNumber(c.ticket, '', 'finish-num'),
      el('p', { id: 'finish-desc' }, t('finishText')),
      el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'btn btn-primary', onClick: () => close() }, t('finishNo')),
        el('button', { type: 'button', class: 'btn', onClick: () => { close({ restoreFocus: false }); hooks.reset(); } },
          t('finishYes'))),
    ],
  });
}

// The materials that apply to the case, to bring to the window (null: none);
// but those in except (ids): the papers the resident said are missing,
// listed above as such, are not in hand to bring.
function bringList(c, except = []) {
  const values = valuesFor(c);
  const items = [];
  for (const n of c.applicable) items.push(...appliedItems(c, n, values).filter(it => !except.includes(it.id)));
  return items.length ? el('ul', { class: 'materials-list' }, items.map(it => el('li', {}, zh('span', {}, it.text),
    it.required ? null : el('span', { class: 'note' }, t('ifAny'))))) : null;
}

// An earlier day's ticket, never served (the slip brought back): it will
// not be called today, since today's numbers start again. One tap draws a
// new ticket for the same case; nothing filled in is lost.
function expiredScreen(c) {
  const slot = el('div', { class: 'alert-slot' });
  const renew = bigButton(t('ticketRenew'), t('ticketRenewSub'), async () => {
    try {
      await busy(renew, async () => {
        const { body } = await api('/api/v1/cases/' + c.id + '/submit', { method: 'POST' });
        c.status = body.status || 'waiting';
        c.ticket = body.ticket;
        c.ticketExpired = false;
        doneScreen(c);
      }, { hold: true });
    } catch (err) {
      if (await caseProblem(c, err)) return;
      const a = alertBox(friendly(err));
      slot.replaceChildren(a);
      a.focus({ preventScroll: true });
    }
  });
  show([
    procKicker(c),
    slot,
    el('section', { class: 'ticket-box ticket-expired', 'aria-labelledby': 'ticket-h' },
      el('h1', { id: 'ticket-h', 'aria-describedby': 'ticket-num ticket-said' }, t('ticketOldTitle')),
      ticketNumber(c.ticket, 'ticket-old', 'ticket-num'),
      el('p', { class: 'lead', id: 'ticket-said' }, t('ticketOldIntro'))),
    el('div', { class: 'actions' }, renew, bigButton(t('finish'), t(KIOSK ? 'finishSub' : 'finishSubWeb'), () => confirmFinish(c))),
  ]);
}

// The window of a call in the page's language ("3 号窗口" as the call
// screen writes it; "window 3" in English; a Chinese name as written).
function calledWindow(w) {
  if (getLang() !== 'en') return windowName(w);
  if (!w) return 'the window';
  return /^[0-9A-Za-z]+$/.test(w) ? `window ${w}` : w;
}

function doneScreen(c) {
  if (c.ticketExpired) return expiredScreen(c);
  const bring = bringList(c, c.missing || []);
  // the hall that called the ticket (serve --hall-location), else the item's
  // 办理地点: an item whose file names a street office is still called here
  const place = c.waitAt || (c.proc.meta && c.proc.meta.location);
  show([
    procKicker(c),
    el('div', { class: 'done-layout' }, el('div', { class: 'done-main' },
    el('section', { class: 'ticket-box', 'aria-labelledby': 'ticket-h' },
      // the focus comes to the heading: a screen reader said 您的排队号 and
      // stopped, the number itself and 已经提交成功 left for the resident to
      // go and find; they are said with it now
      el('h1', { id: 'ticket-h', 'aria-describedby': 'ticket-num ' + (c.called ? 'called-note' : 'ticket-said') }, t('ticketTitle')),
      ticketNumber(c.ticket, '', 'ticket-num'),
      // called already (a resident who missed the call opens the slip's
      // case): where to go, not 留意叫号 for a call that was made
      c.called
        ? [el('p', { class: 'lead called-note', id: 'called-note', role: 'status' },
          el('strong', {}, t('ticketCalled', { w: calledWindow(c.called.window) }))),
        el('p', {}, t('ticketCalledAgain', { w: calledWindow(c.called.window) }))]
        : el('p', { class: 'lead', id: 'ticket-said' }, t('ticketIntro')),
      place && !c.called ? el('p', { class: 'where' }, t('ticketWhere'), zh('strong', {}, place)) : null),
    c.missing && c.missing.length ? el('div', { class: 'notice notice-warn', id: 'done-missing' },
      el('p', {}, el('strong', { class: 'prefix' }, t('doneMissing'))),
      el('ul', {}, itemTexts(c, c.missing).map(x => el('li', {}, zh('span', {}, x)))),
      button(t('missingPrint'), () => go(caseHash(c, 'missing')), 'btn')) : null,
    el('div', { class: 'actions' },
      el('a', {
        class: 'btn btn-big btn-secondary', href: '/print/cases/' + c.id, target: '_blank', rel: 'noopener',
        onClick: ev => { ev.preventDefault(); go(caseHash(c, 'slip')); },
      }, el('span', { class: 'btn-label' }, t('printSlip')), el('span', { class: 'btn-sub' }, t('printSlipSub'))),
      bigButton(t('finish'), t(KIOSK ? 'finishSub' : 'finishSubWeb'), () => confirmFinish(c))),
    bring ? el('section', { class: 'card', 'aria-labelledby': 'bring-h' },
      el('h2', { id: 'bring-h' }, t('ticketBring')), bring) : null)),
  ]);
}

