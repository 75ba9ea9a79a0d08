// 回访 on the staff page (/staff): the call-backs due — a routine one for a
// completed case of an item with `followup: N`, a 差评整改 one for every
// rating of 1 or 2 — soonest due first, overdue ones red and those due
// within a working day amber, then what was done today. A staffer phones,
// writes what was said or done (a complaint needs it) and presses 满意,
// 不满意 or 联系不上. The card's frame and its list calls are phonelist.js's.

import { el, busy } from './core.js';
import { phoneCard, phoneRows, phoneLoad, phoneChange, hm, caseButton } from './phonelist.js';
import { dueBadge, dueText, who } from './work.js';

const KIND = { routine: '回访', complaint: '差评整改' };
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
  ui.how.textContent = '请电话回访居民，写下回访情况后选择结果；差评整改须写明做了哪些整改。';
  ui.open = open;
  return ui.card;
}

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

function result(f) {
  if (f.done) {
    return el('div', {},
      el('span', { class: 'badge badge-ok' }, `${RESULT[f.result] || f.result} · ${who(f.done_by)} ${hm(f.done)}`),
      f.note ? el('p', { class: 'followup-note' }, f.note) : '');
  }
  const complaint = f.kind === 'complaint';
  const note = el('textarea', { id: `followup-note-${f.id}`, class: 'followup-text', rows: '2',
    maxlength: '500', 'aria-required': complaint ? 'true' : undefined });
  const label = el('label', { for: note.id },
    complaint ? '整改和答复情况（必填）' : '回访情况（可不填）');
  const buttons = Object.entries(RESULT).map(([r, text]) => {
    const b = el('button', { type: 'button', class: `btn btn-small followup-${r}`,
      'aria-label': `${text}：${f.ticket || ''} ${f.title || f.procedure}` }, text);
    b.addEventListener('click', () => busy(b, () => record(f, r, note.value)));
    return b;
  });
  return el('div', {}, label, note, el('div', { class: 'btn-row' }, ...buttons));
}

// The list is drawn again at every refresh of the queue (5 s) and after a
// result. A note being typed must survive it (a 差评整改 reply is written
// during the phone call, and 满意 then sent an empty box): a refresh while a
// box of the list has the focus redraws the counts alone, since a new box
// would cut the typing and an input method's composition; any other
// drawing puts the text typed back into the same call-back's new box.
function render(l, refresh = false) {
  const c = l.counts;
  ui.count.textContent = `（待回访 ${c.open} 条，已超期 ${c.overdue}，即将到期 ${c.soon}，今天已回访 ${c.done_today}）`;
  const active = document.activeElement;
  if (refresh && active && active.tagName === 'TEXTAREA' && ui.body.contains(active)) return;
  const typed = [...ui.body.querySelectorAll('textarea.followup-text')].filter((t) => t.value)
    .map((t) => [t.id, t.value]);
  phoneRows(ui, l.followups.map((f) => el('tr', {
    'data-id': String(f.id),
    class: f.done ? 'is-done' : f.overdue ? 'is-overdue' : f.soon ? 'is-soon' : undefined },
  el('td', {}, due(f)),
  el('td', {}, kind(f)),
  el('td', {}, f.phone || el('span', { class: 'hint' }, '没有留电话')),
  el('td', {}, caseButton(ui.open, f.case, f.ticket, f.title || f.procedure)),
  el('td', {}, f.title || f.procedure),
  el('td', {}, result(f)))), '现在没有要回访的居民');
  for (const [id, value] of typed) {
    const box = document.getElementById(id);
    if (box && ui.body.contains(box)) box.value = value;
  }
}

function record(f, r, note) {
  return phoneChange(ui, `/api/v1/staff/followups/${enc(f.id)}?done=today`, { result: r, note }, render,
    `已记录 ${f.ticket || f.title || f.procedure} 的回访：${RESULT[r]}`, '回访结果没有记录', refreshFollowup, note);
}

export function refreshFollowup() {
  return phoneLoad(ui, '/api/v1/staff/followups?done=today', (l) => render(l, true), '回访列表');
}
