// The case after the window on the staff page (/staff): 我的待办 — the cases
// at stages of my posts and the cases I answer for (首问负责), soonest due
// first, overdue ones red and those due within a working day amber, in
// words as well as colour — and, in the case view, the review chain with
// every stage's due date, who passed it and when, and the moves along it
// (pass with a note, complete, hand out, reject with a reason, assign).

import { el, busy, closable, redrawRows, focusMark } from './core.js';
import { api, serverNow } from './api.js';
import { currentSession, errorText } from './auth.js';

const enc = encodeURIComponent;
const ui = {};
let openCase = () => {};

// "12月3日" from YYYY-MM-DD.
// A stored moment (ISO, UTC) as the local day the staff page is in: a
// stage passed at 01:24 Beijing time is that day's, not the UTC day before.
function localDay(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso).slice(0, 10);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function dueText(ymd) {
  if (!ymd) return '—';
  const [y, m, d] = ymd.split('-').map(Number);
  return `${y === new Date(serverNow()).getFullYear() ? '' : `${y}年`}${m}月${d}日`;
}

// 已超期 / 即将到期 for anything with the flags overdue and soon (also
// followup.js's call-backs, so the page says one thing one way).
export function dueBadge(x) {
  if (x.overdue) return el('span', { class: 'badge badge-error due-badge' }, '已超期');
  if (x.soon) return el('span', { class: 'badge badge-warn due-badge' }, '即将到期');
  return null;
}

// The card, built once; open(id) opens a case in the pane.
export function workCard(open) {
  openCase = open;
  ui.body = el('tbody');
  ui.count = el('span', {}, '');
  ui.note = el('p', { class: 'hint', id: 'work-note', role: 'status' });
  ui.owed = el('tbody');
  ui.owedCount = el('span', {}, '');
  ui.owedNote = el('p', { class: 'hint', id: 'owed-list-note', role: 'status' });
  return el('section', { class: 'card', id: 'work-card', 'aria-labelledby': 'work-h' },
    el('h2', { id: 'work-h' }, '我的待办 ', ui.count),
    el('p', { class: 'hint' }, '本人岗位上的审核环节和本人负责的办件，先到期的在前。'),
    ui.note,
    el('table', { class: 'queue', id: 'work' },
      el('caption', { class: 'sr-only' }, '我的待办，先到期的在前；超期的标“已超期”，一个工作日内到期的标“即将到期”'),
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col' }, '排队号'), el('th', { scope: 'col' }, '事项和环节'),
        el('th', { scope: 'col' }, '到期'), el('th', { scope: 'col' }, '负责人'))),
      ui.body),
    // returned for 补正 and not brought back, or called and not come:
    // the resident's move, so on no list above, and lost to the sweep a
    // month on unless somebody phones
    el('h3', { id: 'owed-h' }, '等居民补正 ', ui.owedCount),
    // the owner's (首问负责), whoever returned it; a case never accepted
    // has no owner and is its returner's (GET …/corrections). "本人退回"
    // alone had a back-office staffer look here for a case they returned
    el('p', { class: 'hint' }, '本人负责的办件（还没有受理过的，算退回它的人的），居民还没有交回补正，或补正后叫号未到。请打电话提醒；'
      + '行动不便的老人，可以预约上门（B岗）在家中补正。过了“最晚期限”（大厅开门的最后一天）仍没有动静的，系统按放弃处理。'),
    ui.owedNote,
    el('table', { class: 'queue', id: 'owed' },
      el('caption', { class: 'sr-only' }, '等居民补正，最晚期限早的在前；一个工作日内到期的标“即将放弃”'),
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col' }, '排队号'), el('th', { scope: 'col' }, '事项'),
        el('th', { scope: 'col' }, '退回或过号'), el('th', { scope: 'col' }, '最晚期限'),
        el('th', { scope: 'col' }, '电话'))),
      ui.owed));
}

// The reminder calls since the return (…/remind): 已电话提醒 2 次，最近 12月7日 14:05 王芳：居民说周五来.
export function remindedText(r) {
  const d = new Date(r.at);
  const p = (n) => String(n).padStart(2, '0');
  const when = Number.isNaN(d.getTime()) ? '' : `${dueText(localDay(r.at))} ${p(d.getHours())}:${p(d.getMinutes())}`;
  return `已电话提醒${r.count > 1 ? ` ${r.count} 次，最近` : ''} ${when} ${who(r.by) || ''}${r.note ? `：${r.note}` : ''}`;
}

// One case owed by its resident (GET /api/v1/staff/corrections).
function owedRow(x) {
  const what = x.no_show_at ? '补正后叫号未到' : '退回补正';
  return el('tr', { 'data-id': x.id, class: x.ending ? 'is-soon' : undefined },
    el('td', {}, el('button', { type: 'button', class: 'btn btn-small ticket-btn', onClick: () => openCase(x.id),
      'aria-label': `打开 ${x.ticket || '办件'}${ticketDay(x) ? ` ${ticketDay(x)}` : ''} ${x.title || x.procedure} ${what}` },
    x.ticket || '打开'),
    ticketDay(x) ? el('span', { class: 'hint ticket-day' }, ` ${ticketDay(x)}的号`) : null),
    el('td', {}, x.title || x.procedure,
      x.stage ? [el('br'), el('span', { class: 'hint' }, `暂停在「${x.stage.label}」`)] : null,
      // booked (预约上门补正): the B post's on that day, not a call to make
      x.visit_booked ? [el('br'), el('span', { class: 'hint visit-booked' }, `已预约上门补正 ${dueText(x.visit_booked.date)} ${x.visit_booked.slot}`)]
        : x.home_visit ? [el('br'), el('span', { class: 'hint' }, '可预约上门补正')] : null),
    el('td', {}, `${what} ${dueText(x.since)}`, el('br'),
      el('span', { class: 'hint' }, x.days ? `已过 ${x.days} 个工作日` : '今天'),
      x.returned_by ? el('span', { class: 'hint' }, ` · ${who(x.returned_by)}退回`) : null),
    el('td', {}, dueText(x.ends_on), ' ',
      x.ending ? el('span', { class: 'badge badge-warn due-badge' }, x.no_show_at ? '即将清除' : '即将放弃') : null),
    el('td', {}, x.phone || el('span', { class: 'hint' }, '没有留电话'),
      x.notice && !x.notice.done ? [el('br'), el('span', { class: 'hint' }, '退回通知还没有发出')] : null,
      // a colleague phoned already: not the same elder twice
      x.reminded ? [el('br'), el('span', { class: 'hint reminded' }, remindedText(x.reminded))] : null));
}

// Whether list part would be drawn as it is on show: the refresh (5 s at
// a desk, 30 s on the B post's phone since 12-07) replaced every row, and
// a tap landing on a row as it was replaced did nothing. The day is part
// of it: a due date of another year reads with its year.
function unchanged(part, data) {
  const key = `${new Date(serverNow()).toDateString()}|${JSON.stringify(data)}`;
  if (ui[part] === key) return true;
  ui[part] = key;
  return false;
}

function renderOwed(list) {
  const ending = list.filter((x) => x.ending).length;
  ui.owedCount.textContent = `（${list.length} 件${ending ? `，即将放弃 ${ending}` : ''}）`;
  if (unchanged('owedDrawn', list)) return;
  redrawRows(ui.owed, list.length ? list.map(owedRow)
    : [el('tr', {}, el('td', { colspan: '5', class: 'hint' }, '现在没有等居民补正的办件'))]);
}

// The day of a ticket not given today ("12月30日"; the server says which), else ''.
function ticketDay(x) {
  return x.ticket && x.ticket_day ? dueText(x.ticket_day) : '';
}

function render(cases) {
  const over = cases.filter((x) => x.overdue).length;
  const soon = cases.filter((x) => x.soon).length;
  ui.count.textContent = `（${cases.length} 件${over ? `，超期 ${over}` : ''}${soon ? `，即将到期 ${soon}` : ''}）`;
  if (unchanged('workDrawn', cases)) return;
  redrawRows(ui.body, (cases.length ? cases.map((x) => el('tr', {
    'data-id': x.id, class: x.overdue ? 'is-overdue' : x.soon ? 'is-soon' : undefined,
  },
  el('td', {}, el('button', { type: 'button', class: 'btn btn-small ticket-btn', onClick: () => openCase(x.id),
    'aria-label': `打开 ${x.ticket || '办件'}${ticketDay(x) ? ` ${ticketDay(x)}` : ''} ${x.title} ${x.stage.label}` }, x.ticket || '打开'),
    // tickets start again each day: another day's A001 says which
    ticketDay(x) ? el('span', { class: 'hint ticket-day' }, ` ${ticketDay(x)}的号`) : null),
  el('td', {}, x.title, el('br'), el('span', { class: 'hint' }, x.stage.label)),
  el('td', {}, dueText(x.due), ' ', dueBadge(x),
    // the stage is on time, the date promised to the resident is not
    x.late ? el('span', { class: 'hint late-note' }, ` 承诺 ${dueText(x.committed)} 已过`) : null),
  el('td', {}, who(x.owner) || ''))) :
    [el('tr', {}, el('td', { colspan: '4', class: 'hint' }, '现在没有待办的办件'))]));
}

// When 我的待办 was last asked for (this page's clock, any caller): the
// B post's phone asks again only once it is PHONE_WORK_MS old (staff.js).
let workAskedAt = -Infinity;
export const workAge = () => Date.now() - workAskedAt;

export async function refreshWork() {
  if (!ui.body) return;
  workAskedAt = Date.now();
  const me = currentSession()?.user;
  let posts, owned;
  try {
    // my posts' stages, and what I own wherever it stands
    [posts, owned] = await Promise.all([api('/api/v1/staff/work'),
      me ? api('/api/v1/staff/work?owner=' + enc(me)) : Promise.resolve({ body: { cases: [] } })]);
  } catch (err) {
    ui.note.textContent = '待办列表没有更新：' + errorText(err);
    return;
  }
  ui.note.textContent = '';
  // what residents owe me after a return: not the work's, a list of its own
  api('/api/v1/staff/corrections').then(({ body }) => {
    ui.owedNote.textContent = '';
    renderOwed(body.corrections);
  }, (err) => { ui.owedNote.textContent = '等居民补正的列表没有更新：' + errorText(err); });
  const seen = new Map();
  for (const x of [...posts.body.cases, ...owned.body.cases]) seen.set(x.id, x);
  render([...seen.values()].sort((a, b) => (a.due || '').localeCompare(b.due || '')));
}

// ---- in the case view ----

// The chain: every stage with its post, days, due date, who passed it.
export function chainView(v) {
  if (!v.stages || !v.stages.length) return null;
  const started = v.stage !== null && v.stage !== undefined;
  return el('section', { 'aria-labelledby': 'chain-h', id: 'chain' },
    el('h3', { id: 'chain-h' }, '办理环节', v.due ? `（承诺 ${dueText(v.due)} 前办结）` : ''),
    // each stage starts with its full days, so one that overran leaves the
    // next on time while the promise to the resident is not
    v.late ? el('p', { class: 'msg-error', id: 'late-note' },
      `已超过承诺居民的办结日期（${dueText(v.due)}），请尽快办结，并主动告诉居民进度。`) : null,
    // the hall's calendar lacks that year: its holidays counted as working days
    v.calendar_gap ? el('p', { class: 'msg-error', id: 'calendar-gap' },
      `注意：节假日日历里还没有 ${v.calendar_gap} 年的日期，这个期限把 ${v.calendar_gap} 年的节假日算成了工作日，`
      + '可能早了。请告诉居民以窗口的正式通知为准，并请管理员补上日历。') : null,
    el('ol', { class: 'chain-stages' }, v.stages.map((s, i) => {
      // the stage in hand, or stopped: with the resident, or handed in
      // again (at the window, for a home visit, or from home for pre-review)
      const now = started && i === v.stage
        && ['accepted', 'returned', 'waiting', 'visit', 'prereview', 'invited'].includes(v.status);
      return el('li', { class: (s.done_at ? 'done' : now ? 'current' : 'todo') + (now && v.overdue ? ' overdue' : '') },
        // 0 days: done the same working day, as the receipt and the kiosk say
        el('strong', {}, s.label), ` · ${s.post_name || s.post} · ${s.days ? `${s.days} 个工作日` : '当天'}`,
        s.due ? ` · ${s.done_at ? '期限' : '到期'} ${dueText(s.due)}` : '',
        // not accepted nor returned: the resident has handed the correction in again
        now ? el('span', { class: 'badge badge-warn' }, v.status === 'accepted' ? '当前环节'
          : v.status === 'returned' ? '暂停（退回补正中）' : '暂停（已补正，待再次受理）') : null,
        now && v.overdue ? el('span', { class: 'badge badge-error' }, '已超期') : null,
        s.done_at ? el('span', { class: 'hint' }, ` 已完成：${who(s.by)}，${localDay(s.done_at)}${s.note ? `，${s.note}` : ''}`) : null);
    })));
}

// Whether a move's error means the case may stand otherwise than the page
// shows: refused 409 (moved on elsewhere) or its answer lost (the network,
// status 0: it may have been done).
export const movedOn = (err) => err.status === 409 || !err.status;

// The key of the stage the page shows (undefined without one): pass,
// reject and return send it, and one made over a colleague's pass of that
// stage is refused (409 stage_moved) instead of answering a stage unseen.
export const stageSeen = (v) => ((v.stages || [])[v.stage] || {}).key;

// A small form in box: one text (or none), a submit; done(moved) after.
// failed(err, typed), when given, takes a 409 or a lost answer (the case
// moved on, or this move was done and its answer lost) and the text typed:
// the case is redrawn there.
// choices, when given, makes the text a choice among what it resolves to
// ([{value, text}]); should they not come, a line to type in stands instead.
// needText, when given, is said instead of sending a blank text (a note
// the next post needs: the server takes a pass without one).
// draft: the form's key (data-draft), the same as its button's data-opens:
// a redraw of the case opens it again with what was typed (staff.js).
function textForm(box, { id, title, label, hint, required, submit, danger, post, after, failed, choices, note = null, needText = '', draft }) {
  let input = label ? el(choices ? 'select' : 'textarea',
    { id, name: id, rows: '3', maxlength: '500', autocomplete: 'off' }) : null;
  if (choices) {
    input.append(el('option', { value: '' }, '请选择'));
    choices().then((list) => {
      input.append(...list.map((c) => el('option', { value: c.value }, c.text)));
      // chosen before a redraw that drew the form again before its list came
      if (input.dataset.want) input.value = input.dataset.want;
    }, () => {
      const typed = el('input', { id, name: id, maxlength: '64', autocomplete: 'off' });
      const had = document.activeElement === input;
      input.replaceWith(typed);
      input = typed;
      if (had) typed.focus();
    });
  }
  const err = el('div', { role: 'alert' });
  const form = el('form', { class: 'card inner-form', novalidate: true, 'aria-labelledby': id + '-h', 'data-draft': draft },
    el('h3', { id: id + '-h' }, title), note,
    label ? el('label', { for: id }, label, required ? '' : '（可不填）') : null,
    hint ? el('p', { class: 'hint' }, hint) : null, input, err,
    el('div', { class: 'btn-row' },
      el('button', { type: 'submit', class: danger ? 'btn btn-danger' : 'btn btn-primary' }, submit),
      el('button', { type: 'button', class: 'btn', 'data-cancel': '' }, '取消')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (input && input.tagName === 'SELECT' && !input.value) {
      err.textContent = `请选择${label}的人`;
      input.focus();
      return;
    }
    if (needText && input && !input.value.trim()) {
      err.textContent = needText;
      input.focus();
      return;
    }
    busy(form.querySelector('[type=submit]'), async () => {
      const free = focusMark(form);
      let moved;
      try {
        moved = (await api(post.path, { method: 'POST', body: post.body(input ? input.value : '') })).body;
      } catch (x) {
        // the redraw takes the form away: what was typed goes with the
        // message (a reason with its legal basis is not retyped from memory)
        if (failed && movedOn(x)) { await failed(x, input && !choices ? input.value.trim() : ''); return; }
        err.textContent = errorText(x);
        // back to the box unless the staffer has gone on elsewhere by then
        if (input && free()) input.focus();
        return;
      }
      await after(moved);
    });
  });
  closable(form, () => box.replaceChildren());
  box.replaceChildren(form);
  (input || form.querySelector('[type=submit]')).focus();
}

// Login name → the name colleagues know (王芳), from the colleague list,
// read once when the page starts; a login name stands for itself until
// then, and for an account without one.
const names = new Map();
export async function loadNames() {
  try {
    const { body } = await api('/api/v1/staff/colleagues');
    for (const c of body.colleagues) if (c.display) names.set(c.user, c.display);
  } catch { /* the login names stand */ }
}
export const who = (user) => (user && names.get(user)) || user;

// Who a case may be handed to, as choices: each colleague with their posts
// (民政专干, 窗口), the one who has it now left out, oneself marked.
// Those who hold the post of the stage the case is at come first (the
// stage is theirs); an account with no post and an admin's role (the
// hall's setup account, not a desk) is left out.
async function colleagues(owner, post) {
  const me = (currentSession() || {}).user;
  const { body } = await api('/api/v1/staff/colleagues');
  const holds = (c) => !!post && c.posts.some((p) => p.id === post);
  return body.colleagues.filter((c) => c.user !== owner && !(c.role === 'admin' && !c.posts.length))
    .sort((a, b) => Number(holds(b)) - Number(holds(a))).map((c) => ({
    value: c.user,
    // 李娜（li） · 民政专干: the name colleagues know, the login name the system keeps
    text: (c.display ? `${c.display}（${c.user}${c.user === me ? '，我' : ''}）`
      : c.user + (c.user === me ? '（我）' : ''))
      + (c.posts.length ? ` · ${c.posts.map((p) => p.name).join('、')}` : '')
      + (c.role === 'admin' ? ' · 管理员' : ''),
  }));
}

// The buttons of the moves after acceptance. show(moved, text) redraws;
// failed(err, typed) redraws the case as it stands and says err, with the
// text typed (textForm).
// A stage of a post the staffer does not hold (a window clerk at the
// street's approval): not refused, since A and B posts cover each other
// (一窗受理), but said in the form, so that nobody records another post's
// decision by a slip: null when the stage is theirs or has no post.
export function otherPostNote(v) {
  const s = v.stages && v.stage !== null && v.stage !== undefined ? v.stages[v.stage] : null;
  const mine = (currentSession() || {}).posts || [];
  if (!s || !s.post || mine.includes(s.post)) return null;
  return el('p', { class: 'msg-warn other-post', role: 'note' },
    `「${s.label}」是${s.post_name || s.post}岗位的环节，您不在这个岗位：请确认这个环节确实已由该岗位办完（例如已收到审核意见）再提交。`);
}

// Whether the last of v's events named whats was made at the resident's
// home (its channel visit: a case waiting for the B post refused or
// returned there), whose paper the daemon lays out for the visitor's phone.
export function madeAtHome(v, ...whats) {
  const ev = (v.events || []).filter((e) => whats.includes(e.what));
  return ev.length > 0 && ev[ev.length - 1].channel === 'visit';
}

// The 如有 papers to put right before the receipt is printed (then: what
// is done with it, 再打印; at the home 再给居民看): a tick is the resident's
// word, not the paper, and the receipt lists what is ticked. '' when none.
export function papersAdvice(m, then = '再打印') {
  const optional = (m.procedure_steps || []).flatMap((x) => x.checklist).filter((x) => x.applies && !x.required);
  const unticked = optional.some((x) => !x.ticked);
  const ticked = optional.some((x) => x.ticked && !receivedRecord(m, x.id));
  return unticked && ticked
    ? `标“如有”的材料请核对：居民交来了却没勾选的，点材料旁边的“已收到”；勾选了却没有带来的，点“没带”；${then}。`
    : unticked ? `居民交来了标“如有”的材料的，先点材料旁边的“已收到”，${then}。`
      : ticked ? `标“如有”的材料居民勾选了却没有带来的，先点材料旁边的“没带”，${then}。` : '';
}

// What to do once a case is accepted at the window (受理, or again after
// 补正), said under the buttons as 已上门办理 says it on the phone. A
// newcomer took the badge 已受理 for the end of it: the resident left
// without the receipt (受理回执) the hall owes them, and a corrected case
// accepted again, back at the street's or the 残联's stage it left, was
// passed on by the window with 本环节办完 (the button is there: A and B
// posts cover each other) while the papers the resident brought for the
// correction stayed at the window. m: the case as it stands after.
export function acceptedText(m) {
  const s = m.stages && m.stage !== null && m.stage !== undefined ? m.stages[m.stage] : null;
  const again = (m.events || []).filter((e) => e.what === 'accepted').length > 1;
  const post = s ? s.post_name || s.post : '';
  // the last stage ends with 办结, any other with 本环节办完
  const done = s && m.stage >= m.stages.length - 1 ? '办结' : '本环节办完';
  const mine = !!s && ((currentSession() || {}).posts || []).includes(s.post);
  const papers = papersAdvice(m);
  if (again) {
    return `已再次受理 ${m.ticket || ''}：办件回到退回前的环节${s ? `「${s.label}」（${post}），${dueText(s.due)}到期` : ''}，`
      + `承诺 ${dueText(m.due)}前办结（补正期间不计）。`
      + (s && !mine ? `这个环节由${post}办理，不用您点“${done}”：请把居民补正交来的材料转给${post}。` : `请核对补正交来的材料，办完点“${done}”。`)
      + `请重新打印受理回执交给居民。${papers}`;
  }
  return `已受理 ${m.ticket || ''}。请点“打印受理回执”，交给居民保存：上面有已收材料和承诺办结日期（${dueText(m.due)}前）。${papers}`
    + (s ? (mine ? `当前环节「${s.label}」${dueText(s.due)}到期，办完点“${done}”。`
      : `当前环节「${s.label}」由${post}办理。`) : '');
}

// 容缺受理: a case accepted while a required paper was not ticked. The
// next post learns whether it came from the pass note alone, and the
// form's example (材料齐全，已核实) was copied over a paper still owed: the
// paper is named, and the note asked for (null when nothing is owed).
export function owedPapers(v) {
  return ((v.missing || {}).checklist || []).map((x) => x.text);
}
// act(x), when given, is what stands beside each paper ({id, text} of
// missing.checklist): its 已补交 button.
export function owedNote(v, ask, act = null) {
  const owed = owedPapers(v);
  if (!owed.length) return null;
  const text = `这件办件还缺必需的材料：${owed.join('、')}（受理时没有勾选）。${ask}`;
  if (!act) return el('p', { class: 'msg-warn owed-papers', role: 'note' }, text);
  return el('div', { class: 'msg-warn owed-papers', role: 'note' }, el('p', {}, text,
    '居民已经交来的，点它旁边的“已补交”登记。'),
  el('ul', {}, v.missing.checklist.map((x) => el('li', {}, x.text, ' ', act(x)))));
}

// Whether the paper of id is optional (如有) in case v's version.
function optionalPaper(v, id) {
  const it = (v.procedure_steps || []).flatMap((s) => s.checklist).find((x) => x.id === id);
  return !!it && it.required === false;
}

// 已补交: the paper x ({id, text}) owed since 容缺受理 came. Without it the
// owed list stayed for good (the checklist is the resident's): every pass
// asked a note about it and a reprinted receipt still listed it.
// 已收到: an optional paper (如有) handed over at the window without the
// resident's tick: without it the receipt's 已收材料 and the back office
// never knew the hall had it.
// show(moved, text) and failed(err) as chainActions takes them.
export function receivedButton(v, x, show, failed) {
  const word = optionalPaper(v, x.id) ? '已收到' : '已补交';
  const btn = el('button', { type: 'button', class: 'btn btn-small received-btn', 'aria-label': `${word}：${x.text}`,
    'data-item': x.id }, word);
  btn.addEventListener('click', () => busy(btn, async () => {
    let m;
    try {
      m = (await api(`/api/v1/staff/cases/${enc(v.id)}/received`, { method: 'POST', body: { items: [x.id] } })).body;
    } catch (err) {
      if (failed && movedOn(err)) await failed(err);
      else show(null, errorText(err));
      return;
    }
    // pressed in the pass or 办结 form with a note typed: the case is
    // drawn again, and the form with it, the note kept (staff.js's drafts)
    show(m, word === '已收到' ? `已登记收到：${x.text}（会列在受理回执的已收材料里）` : `已登记补交：${x.text}`);
  }));
  return btn;
}

// The standing 补交 record of paper id on case v ({id, text, at, by} of
// received_papers), or null.
export function receivedRecord(v, id) {
  return (v.received_papers || []).find((r) => r.id === id) || null;
}

// 撤销: a 补交 recorded by mistake (the wrong case, the wrong paper) taken
// back, with why; before, nothing could, and the paper stayed received for
// good. Offered to whoever recorded it and to admins (the server's rule,
// 403 not_your_record for anyone else); null for others. rec as
// receivedRecord gives it; the form opens in box.
export function withdrawButton(v, rec, box, show, failed) {
  const s = currentSession() || {};
  if (!rec || (s.user !== rec.by && s.role !== 'admin') || (v.status !== 'accepted' && v.status !== 'ready')) return null;
  // an optional paper was never owed: its record is of receipt, and
  // taken back it is owed no more than before
  const kind = optionalPaper(v, rec.id) ? '收到' : '补交';
  const draft = `withdraw:received:${rec.id}`;
  const btn = el('button', { type: 'button', class: 'btn btn-small withdraw-btn',
    'aria-label': `撤销${kind}登记：${rec.text}`, 'data-opens': draft }, '撤销');
  btn.addEventListener('click', () => textForm(box(), {
    id: 'withdraw-reason', title: `撤销「${rec.text}」的${kind}登记`, label: '撤销原因', required: true, draft,
    hint: `例如：登记错了办件；或：点错了材料。撤销后这份材料${kind === '补交' ? '重新列为待补交' : '不再算作已收'}；谁撤销、什么时候、为什么都记在办件记录里。最多 200 字。`,
    needText: '请写明撤销的原因', submit: '确认撤销', danger: true,
    post: { path: `/api/v1/staff/cases/${enc(v.id)}/received/withdraw`, body: (t) => ({ item: rec.id, reason: t }) },
    failed, after: (m) => show(m, `已撤销${kind}登记：${rec.text}${kind === '补交' ? '（重新列为待补交）' : ''}`),
  }));
  return btn;
}

// 没带: an optional paper (如有) the resident ticked at the kiosk and did
// not bring (an elder who has a 残疾人证 at home ticks it). Before, the
// tick stood: the receipt the resident keeps listed it under 已收材料 and
// the back office took it for in the file. x is the checklist item.
export function notBroughtButton(v, x, show, failed) {
  const btn = el('button', { type: 'button', class: 'btn btn-small not-brought-btn',
    'aria-label': `没带：${x.text}` }, '没带');
  btn.addEventListener('click', () => busy(btn, async () => {
    let m;
    try {
      m = (await api(`/api/v1/staff/cases/${enc(v.id)}/not-brought`, { method: 'POST', body: { items: [x.id] } })).body;
    } catch (err) {
      if (failed && movedOn(err)) await failed(err);
      else show(null, errorText(err));
      return;
    }
    show(m, `已登记没带：${x.text}（不会列在受理回执的已收材料里；已打印的回执请重新打印。居民以后交来，点“已收到”）`);
  }));
  return btn;
}

// The standing 没带 record of paper id on case v ({id, text, at, by} of
// not_brought_papers), or null.
export function notBroughtRecord(v, id) {
  return (v.not_brought_papers || []).find((r) => r.id === id) || null;
}

// 撤销 of a 没带 recorded by mistake (the paper was in the pile after
// all): the resident's tick back, with why; to whoever recorded it and to
// admins, as a 补交's 撤销. rec as notBroughtRecord gives it.
export function notBroughtUndoButton(v, rec, box, show, failed) {
  const s = currentSession() || {};
  if (!rec || (s.user !== rec.by && s.role !== 'admin') || (v.status !== 'accepted' && v.status !== 'ready')) return null;
  const draft = `withdraw:not-brought:${rec.id}`;
  const btn = el('button', { type: 'button', class: 'btn btn-small withdraw-btn',
    'aria-label': `撤销没带登记：${rec.text}`, 'data-opens': draft }, '撤销');
  btn.addEventListener('click', () => textForm(box(), {
    id: 'withdraw-reason', title: `撤销「${rec.text}」的没带登记`, label: '撤销原因', required: true, draft,
    hint: '例如：材料其实收到了，夹在户口簿里。撤销后这份材料恢复为居民勾选的、已收的材料；谁撤销、什么时候、为什么都记在办件记录里。最多 200 字。',
    needText: '请写明撤销的原因', submit: '确认撤销', danger: true,
    post: { path: `/api/v1/staff/cases/${enc(v.id)}/not-brought/withdraw`, body: (t) => ({ item: rec.id, reason: t }) },
    failed, after: (m) => show(m, `已撤销没带登记：${rec.text}（恢复为已收材料）`),
  }));
  return btn;
}

// b(label, fn, cls, opens) as staff.js's actions() makes its buttons:
// opens is the key of the form the button opens.
export function chainActions(v, box, b, show, windowBody, failed = null) {
  const list = [];
  // a pass note or a refusal is of the stage it was written at: after a
  // colleague's pass it is not opened again at the next one
  const at = stageSeen(v) || '';
  const path = (what) => `/api/v1/staff/cases/${enc(v.id)}/${what}`;
  const last = v.stage === null || v.stage === undefined || v.stage >= v.stages.length - 1;
  if (v.status === 'accepted' && !last) {
    const next = v.stages[v.stage + 1];
    const owed = owedPapers(v).length > 0;
    list.push(b(`本环节办完，转${next.label}`, () => textForm(box, {
      id: 'pass-note', title: `办完「${v.stages[v.stage].label}」，转「${next.label}」`,
      label: '备注', required: owed,
      hint: owed ? '例如：所缺材料已补交，已核实；或：还没有交，居民答应 12 月 10 日前补交。最多 500 字。'
        : '例如：材料齐全，已核实。最多 500 字。',
      needText: owed ? '请在备注里写明所缺材料是否已补交，再转下一环节' : '',
      submit: '确认转下一环节',
      note: [otherPostNote(v), owedNote(v, '请在备注里写明还缺什么、居民什么时候补交：下一环节的同事只能从备注知道。',
        (x) => receivedButton(v, x, show, failed))],
      post: { path: path('pass'), body: (t) => ({ note: t, stage: stageSeen(v) }) }, failed, draft: `pass:${at}`,
      after: (m) => show(m, `已转「${next.label}」，到期 ${dueText(m.stages[m.stage].due)}`),
    }), 'btn btn-primary', `pass:${at}`));
  }
  if (v.status === 'accepted') {
    list.push(b('转交同事', () => textForm(box, {
      id: 'assign-user', title: '转交同事负责（首问负责）', label: '转交给', required: true,
      hint: '转交后由这位同事负责这件办件，直到办结或再转交。', submit: '确认转交',
      choices: () => colleagues(v.owner, (v.stages[v.stage] || {}).post),
      // the owner shown: a colleague's 转交 meanwhile is 409, not overruled
      post: { path: path('assign'), body: (t) => ({ user: t.trim(), owner: v.owner }) }, failed, draft: 'assign',
      after: (m) => show(m, `已转交 ${who(m.owner)} 负责`),
    }), 'btn', 'assign'));
    list.push(b('不予办理', () => textForm(box, {
      id: 'reject-reason', title: '不予办理', label: '理由和依据', required: true, danger: true,
      hint: '居民会在办件页面和告知书上看到这段文字，请写明依据。最多 500 字。', submit: '确认不予办理',
      // the desk's window: the refused resident rates the service there too
      // the stage read: a colleague's pass meanwhile is 409, not overruled
      // (none for a case accepted before the chain existed: stage null)
      post: { path: path('reject'), body: (t) => ({ reason: t, stage: stageSeen(v), ...windowBody() }) }, failed,
      draft: `reject:${at}`,
      // offered where the resident is (the server's sitting), said by the view
      after: (m) => show(m, m.rating_offer
        ? `已决定不予办理，请打印告知书交给居民，并通知居民；请居民在评价器上评价`
        : '已决定不予办理，请打印告知书交给居民，并通知居民'),
    }), 'btn btn-danger', `reject:${at}`));
    // the B post's phone has no printer: the receipt is shown to the
    // resident on its screen (the daemon lays out one accepted at the home
    // for it), and printed at the hall later
    list.push(el('a', { class: 'btn', href: `/print/staff/cases/${enc(v.id)}/receipt`, target: '_blank',
      rel: 'noopener', id: 'print-receipt' },
      document.body.classList.contains('visit-mode') ? '给居民看受理回执' : '打印受理回执'));
  }
  if (v.status === 'ready') {
    list.push(b('居民已领取', async () => {
      // one click closed the case for good, and a slip of the mouse at a
      // busy window recorded a pickup that never happened (a review)
      if (!window.confirm('确认居民已经领取？请先核对居民的身份证件。确认后办件办结，不能撤销。')) return;
      let m;
      try {
        m = (await api(path('handout'), { method: 'POST', body: windowBody() })).body;
      } catch (x) {
        if (failed && movedOn(x)) await failed(x);
        else show(null, errorText(x));
        return;
      }
      show(m, '已发放，办件已办结');
    }, 'btn btn-primary'));
  }
  if (v.status === 'rejected') {
    // refused at the home: shown on the B post's phone, as the receipt of
    // a case taken on there (the paper, to sign, is printed at the hall)
    const kind = v.refused ? '不予受理告知书' : '不予办理告知书';
    const shown = document.body.classList.contains('visit-mode') && madeAtHome(v, 'refused', 'rejected');
    list.push(el('a', { class: 'btn', href: `/print/staff/cases/${enc(v.id)}/rejection`, target: '_blank',
      rel: 'noopener', id: 'print-rejection' }, (shown ? '给居民看' : '打印') + kind));
  }
  return list;
}
