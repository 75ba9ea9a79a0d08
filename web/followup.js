// 回访 on the staff page (/staff): the call-backs due — a routine one for a
// completed case of an item with `followup: N`, a 差评整改 one for every
// rating of 1 or 2 — soonest due first, overdue ones red and those due
// within a working day amber, then what was done today. A staffer phones,
// writes what was said or done (a complaint needs it) and presses 满意,
// 不满意 or 联系不上. 联系不上 before the third try leaves the call-back
// open for another working day (followup.h): the row says how many tries,
// who made the last and when to call again, and offers 联系不上 again only
// from that day. The card's frame and its list calls are phonelist.js's.
// On the B post's phone (/staff#visits, 360 px) the same call-backs are a
// list of rows under the visits, as visits.js draws its own: the number a
// link to tap, the result buttons full width.

import { el, busy } from './core.js';
import { phoneCard, phoneRows, phoneLoad, phoneChange, hm, caseButton } from './phonelist.js';
import { dueBadge, dueText, who } from './work.js';

const KIND = { routine: '回访', complaint: '差评整改' };
// What went wrong, as a rating of 1 or 2 names it (the API's codes; the
// case view's rating says them too).
export const RATE_REASONS = { wait: '等候时间长', attitude: '态度不好', unclear: '没有一次说清', materials: '材料要求多', other: '其他' };

// What the resident complained of (the list's `rating`): a 差评整改 was
// phoned with its score alone, what to put right to be looked up in the
// case (on the B post's phone, not at all). Null for a routine call-back
// and a rating without reasons or words.
function complaintLine(f) {
  const r = f.kind === 'complaint' ? f.rating : null;
  const why = r ? (r.reasons || []).map((c) => RATE_REASONS[c] || c).join('、') : '';
  if (!why && !(r && r.comment)) return null;
  return el('p', { class: 'followup-complaint' }, el('strong', {}, '居民的差评：'),
    why, why && r.comment ? '；' : '', r.comment ? `“${r.comment}”` : '');
}
const RESULT = { satisfied: '满意', unsatisfied: '不满意', unreachable: '联系不上' };
const enc = encodeURIComponent;
let ui = {};

// The card, built once; refreshFollowup fills it. open(id) shows a case.
export function followupCard(open) {
  ui = phoneCard({
    id: 'followup', title: '回访',
    caption: '要回访的居民，先到期的在前，然后是今天已回访的',
    columns: ['到期', '类型', '电话', '排队号', '事项', '回访结果'],
  });
  ui.how.textContent = '请电话回访居民，写下回访情况后选择结果；差评整改须写明做了哪些整改。' +
    '联系不上的，隔一个工作日再打，打满 3 次仍联系不上才结束。';
  ui.open = open;
  // the phone's rows (visit mode): drawn instead of the table's
  ui.list = el('ol', { class: 'visits followup-list', id: 'followup-list', 'aria-labelledby': 'followup-h' });
  ui.card.append(ui.list);
  return ui.card;
}

// The B post's phone (/staff#visits): staff.js sets the class.
const onPhone = () => document.body.classList.contains('visit-mode');
let triesMax = 3;

// the due date, and 已超期 / 即将到期 while open, as 我的待办 says them
// and, for a date counted over a year the calendar has no holidays of, that
// it may be early (as the case view says of its committed date)
const due = (f) => el('span', {}, dueText(f.due), ' ', f.done ? null : dueBadge(f),
  f.calendar_gap ? el('span', { class: 'hint calendar-gap' },
    ` 日历里还没有 ${f.calendar_gap} 年的节假日，这个日期可能偏早`) : null);

// Where a rating the satisfaction figures keep apart came from
// (rating_apart, schema/043): the caller knows before dialling.
const APART = {
  staff: (f) => `工作人员 ${f.rated_by} 登录着的浏览器评的`,
  not_handed_in: () => '办件没有交到大厅办理时评的',
};

function kind(f) {
  const score = f.score ? el('span', { class: 'hint' }, ` ${f.score} 分`) : '';
  const from = APART[f.rating_apart] ? el('span', { class: 'hint rating-apart' }, `（${APART[f.rating_apart](f)}）`) : '';
  return el('span', {}, el('span', { class: f.kind === 'complaint' ? 'badge badge-warn' : 'badge' },
    KIND[f.kind] || f.kind), score, from);
}

// The tries that did not reach the resident: how many, the last one's
// staffer and time, and while open when to call again (today, or a later
// working day while waiting); the last try's note (the box starts empty).
function tries(f) {
  if (!f.tries) return null;
  const last = f.tried ? `，最近 ${who(f.tried.by)} ${hm(f.tried.at)}` : '';
  const next = f.done ? '' : f.waiting ? `；${dueText(f.retry_on)}再打` : '；今天可以再打';
  return el('p', { class: 'hint followup-tries' }, `已打 ${f.tries} 次联系不上${last}${next}`,
    !f.done && f.note ? el('span', { class: 'followup-last-note' }, `。上次：${f.note}`) : null);
}

function result(f) {
  if (f.done) {
    return el('div', {},
      complaintLine(f),
      el('span', { class: 'badge badge-ok' }, `${RESULT[f.result] || f.result} · ${who(f.done_by)} ${hm(f.done)}`),
      tries(f),
      f.note ? el('p', { class: 'followup-note' }, f.note) : '');
  }
  const complaint = f.kind === 'complaint';
  const last = f.tries + 1 >= triesMax;
  const note = el('textarea', { id: `followup-note-${f.id}`, class: 'followup-text', rows: '2',
    maxlength: '500', 'aria-required': complaint ? 'true' : undefined });
  const label = el('label', { for: note.id },
    complaint ? '整改和答复情况（必填）' : '回访情况（可不填）');
  // tried today already: 联系不上 again is another working day's (the
  // server refuses it); the resident calling back is still recorded
  const buttons = Object.entries(RESULT).filter(([r]) => r !== 'unreachable' || !f.waiting).map(([r, text]) => {
    const shown = r === 'unreachable' && f.tries ? (last ? `${text}（第 ${f.tries + 1} 次，结束回访）` : `${text}（第 ${f.tries + 1} 次）`) : text;
    const b = el('button', { type: 'button', class: `btn btn-small followup-${r}`,
      'aria-label': `${shown}：${f.ticket || ''} ${f.title || f.procedure}` }, shown);
    b.addEventListener('click', () => busy(b, () => record(f, r, note.value)));
    return b;
  });
  return el('div', {}, complaintLine(f), tries(f), label, note, el('div', { class: 'btn-row' }, ...buttons));
}

// A row of the phone's list (visit mode), as visits.js draws a visit:
// the due date and kind, the case, the number to tap, the result.
function phoneItem(f) {
  const cls = f.done ? 'is-done' : f.overdue ? 'is-overdue' : f.soon ? 'is-soon' : '';
  return el('li', { class: `visit-row followup-row ${cls}`.trim(), 'data-id': String(f.id) },
    el('p', {}, kind(f), ' ', due(f)),
    el('p', {}, caseButton(ui.open, f.case, f.ticket, f.title || f.procedure), ' ',
      el('span', { class: 'visit-title' }, f.title || f.procedure)),
    el('p', {}, f.phone ? el('a', { href: 'tel:' + f.phone, class: 'visit-phone' }, f.phone)
      : el('span', { class: 'hint' }, '没有留电话')),
    result(f));
}

// The list is drawn again at every refresh of the queue (5 s) and after a
// result. A note being typed must survive it (a 差评整改 reply is written
// during the phone call, and 满意 then sent an empty box): a refresh while a
// box of the list has the focus redraws the counts alone, since a new box
// would cut the typing and an input method's composition; any other
// drawing puts the text typed back into the same call-back's new box.
function render(l, refresh = false) {
  const c = l.counts;
  triesMax = l.tries_max || triesMax;
  ui.count.textContent = `（待回访 ${c.open} 条，已超期 ${c.overdue}，即将到期 ${c.soon}，` +
    `${c.waiting ? `改天再打 ${c.waiting}，` : ''}今天已回访 ${c.done_today}）`;
  const active = document.activeElement;
  if (refresh && active && active.tagName === 'TEXTAREA' && ui.card.contains(active)) return;
  const typed = [...ui.card.querySelectorAll('textarea.followup-text')].filter((t) => t.value)
    .map((t) => [t.id, t.value]);
  // A result's answer redraws the list whatever has the focus: a staffer
  // who had gone on to the next call-back's note while it was recorded
  // lost the focus with the old box (on the phone, the keyboard closed and
  // the next keys went nowhere; at the desk the caret jumped to the end).
  // That box, when it is still listed, takes the focus back, the caret
  // where it was.
  const typing = active && active.tagName === 'TEXTAREA' && ui.card.contains(active)
    ? { id: active.id, start: active.selectionStart, end: active.selectionEnd, dir: active.selectionDirection } : null;
  if (onPhone()) {
    // the poll asks every few seconds: a list unchanged is left as it is,
    // so a tap on the phone never lands on a row being replaced
    const key = JSON.stringify(l.followups);
    if (key === ui.drawnPhone) return;
    ui.drawnPhone = key;
    if (ui.body.childElementCount) ui.body.replaceChildren();
    ui.list.replaceChildren(...(l.followups.length ? l.followups.map(phoneItem)
      : [el('li', { class: 'hint' }, '现在没有要回访的居民')]));
    restore(typed, typing);
    return;
  }
  ui.drawnPhone = null;
  if (ui.list.childElementCount) ui.list.replaceChildren();
  phoneRows(ui, l.followups.map((f) => el('tr', {
    'data-id': String(f.id),
    class: f.done ? 'is-done' : f.overdue ? 'is-overdue' : f.soon ? 'is-soon' : undefined },
  el('td', {}, due(f)),
  el('td', {}, kind(f)),
  el('td', {}, f.phone || el('span', { class: 'hint' }, '没有留电话')),
  el('td', {}, caseButton(ui.open, f.case, f.ticket, f.title || f.procedure)),
  el('td', {}, f.title || f.procedure),
  el('td', {}, result(f)))), '现在没有要回访的居民');
  restore(typed, typing);
}

// text typed into a box goes back into the same call-back's new box, and
// the box being typed in (typing: its id and selection) gets the focus
function restore(typed, typing = null) {
  for (const [id, value] of typed) {
    const box = document.getElementById(id);
    if (box && ui.card.contains(box)) box.value = value;
  }
  const box = typing && document.getElementById(typing.id);
  if (!box || !ui.card.contains(box)) return;
  if (document.activeElement !== box) box.focus({ preventScroll: true });
  box.setSelectionRange(typing.start, typing.end, typing.dir);
}

function record(f, r, note) {
  const name = f.ticket || f.title || f.procedure;
  // 联系不上 before the last try: open still, another day's call
  const done = r === 'unreachable' && f.tries + 1 < triesMax
    ? `已记下 ${name} 第 ${f.tries + 1} 次联系不上，回访没有结束：下一个工作日再打`
    : `已记录 ${name} 的回访：${RESULT[r]}`;
  return phoneChange(ui, `/api/v1/staff/followups/${enc(f.id)}?done=today`, { result: r, note }, render,
    done, '回访结果没有记录', refreshFollowup, note);
}

export function refreshFollowup() {
  return phoneLoad(ui, '/api/v1/staff/followups?done=today', (l) => render(l, true), '回访列表');
}
