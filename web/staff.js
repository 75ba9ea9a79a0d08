// The comprehensive window (/staff): the queue, refreshing itself every few
// seconds; a box where a barcode scanner types a slip's code (or a staffer a
// ticket such as A017) and Enter opens the case; the case view with every
// answer in full, what was ticked and what is missing, the steps with their
// staff-only guidance and the history; the moves (call, accept, complete,
// return with the correction notice, no-show); and a case started at the
// window, or a returned one the resident brings back (代为补正), filled in
// here through the resident's own step routes. 网上预审: web cases handed
// in from home, which staff invite to the hall on a date or return.
// The server decides every move; the page shows what it answers.

import { el, stepLabel, busy, closable, redrawRows, holdInputs } from './core.js';
import { api, ApiError, serverNow } from './api.js';
import { currentSession, ensureLogin, errorText, sessionBadge, warnBeforeLogout } from './auth.js';
import { holds, renderField, showValue } from './fields.js';
import { callText, checkWindow, windowName } from './calls.js';
import { notifyCard, refreshNotify } from './notify.js';
import { workCard, refreshWork, workAge, chainView, chainActions, dueText, movedOn, stageSeen, loadNames, who, otherPostNote, acceptedText, owedNote, receivedButton, receivedRecord, withdrawButton, notBroughtButton, notBroughtRecord, notBroughtUndoButton, remindedText, madeAtHome } from './work.js';
import { followupCard, refreshFollowup, RATE_REASONS } from './followup.js';
import { visitsCard, refreshVisits, visitFact, visitActions, offerNextWorkingDay, dayFrom, bookVisitForm, visitBooked } from './visits.js';
import { stepReport } from './spreport.js';
import { changesCard, changesNotice, refreshChanges } from './changes.js';
import { readyCard, drawReady } from './ready.js';
import { offerNewerBuild } from './fresh.js';
import { linkFindCard, linkSection } from './weblink.js';

const POLL_MS = 5000;
// 我的待办 on the B post's phone: three requests a read, on mobile data,
// for a list that changes when a colleague hands a case on (a few times a
// day), so every sixth tick of the refresh rather than every one. Without
// it a case passed to the B post while the phone was open showed only
// after a reload.
const PHONE_WORK_MS = 30000;
// The window this PC stands at (窗口号), set once: kept in localStorage,
// since it belongs to the desk, not to a staffer or a session (whoever
// logs in here calls to this window). It is not personal data, and the
// staff PC is not a screen residents use.
const WINDOW_KEY = 'spkiosk.window';
const enc = encodeURIComponent;

const STATUS = {
  open: '填写中', waiting: '等候中', accepted: '已受理', returned: '已退回补正',
  completed: '已办结', abandoned: '已结束', prereview: '网上预审中', invited: '已约来大厅',
  visit: '等待上门', ready: '待领取', rejected: '不予办理',
};
const STATUS_BADGE = {
  waiting: 'badge-warn', accepted: 'badge-ok', completed: 'badge-ok', returned: 'badge-error',
  abandoned: 'badge-error', prereview: 'badge-warn', invited: 'badge-warn',
  visit: 'badge-warn', ready: 'badge-warn', rejected: 'badge-error',
};
const WHAT = {
  created: '开始办理', conditions: '确认办理条件', conditions_unmet: '办理条件不符', step: '提交一步',
  step_rejected: '一步未通过检查', step_incomplete: '一步材料不全', submitted: '提交到窗口', rated: '评价', called: '叫号',
  received: '补交材料', received_withdrawn: '撤销补交登记', not_brought: '登记没带材料', not_brought_withdrawn: '撤销没带登记',
  accepted: '受理', completed: '办结', returned: '退回补正', no_show: '叫号未到', transferred: '转窗',
  invited: '通知来大厅', passed: '本环节办完', handed_out: '居民领取', rejected: '不予办理', refused: '不予受理',
  assigned: '转交', visit_requested: '预约上门', visit_booked: '预约上门补正', visited: '上门办理', not_home: '上门不在家',
  reminded: '电话提醒补正', followup: '回访', due_moved: '承诺日期顺延', kept_open: '打印所缺材料清单（保留待续办）',
  link_sent: '短信补发办件链接', taken_up: '窗口接着办', abandoned: '未办完，超时结束',
};
const CHANNEL = { kiosk: '自助机', window: '窗口', web: '网上', visit: '上门', calendar: '工作日日历' };
// what a call-back found (followup.c), as the 回访 card names it
const FOLLOWUP = { satisfied: '满意', unsatisfied: '不满意', unreachable: '联系不上' };

// A checklist item of the case's version by its id, or undefined.
const paperOf = (v, id) => (v.procedure_steps || []).flatMap((s) => s.checklist).find((x) => x.id === id);

// The history's 说明 column: an event's detail in words, never a stored code.
function eventDetail(v, e) {
  if (e.what === 'called' && e.detail) return `第 ${e.detail} 次`;
  // "3 5": from the window of the last call ("-": none) to the new one
  if (e.what === 'transferred' && e.detail) {
    const [from, to] = e.detail.split(' ');
    return `${from && from !== '-' ? `从${windowName(from)}` : ''}转到${windowName(to)}`;
  }
  if (e.what === 'submitted' && /incomplete/.test(e.detail || '')) return '材料不全，先取号';
  if (e.what === 'submitted' && e.detail === 'ticket') return '';
  if (e.what === 'followup' && FOLLOWUP[e.detail]) return FOLLOWUP[e.detail];
  // a try that did not close it (followup.c): open still, another day's call
  if (e.what === 'followup' && /^unreachable_try /.test(e.detail || '')) return '联系不上，改天再打';
  // relay_recount: the calendar got the holidays of the year it was counted into
  if (e.what === 'due_moved' && e.detail) return `${e.detail}（日历补录了节假日）`;
  // accepted by the B post at the resident's home (visit.c's detail)
  if (e.what === 'accepted' && e.detail === 'visit') return '在居民家中受理';
  // window_accept_at: a web case in pre-review, its resident at the window uninvited
  if (e.what === 'accepted' && e.detail === 'walk_in') return '网上预审中，居民未经通知来到窗口，直接受理';
  // window_accept_at: a home visit asked for, its resident at the window instead
  if (e.what === 'accepted' && e.detail === 'walk_in_visit') return '预约了上门，居民改为自己来到窗口，直接受理';
  // window_take_up: a web case given up by the idle day, open again
  if (e.what === 'taken_up' && e.detail === 'abandoned') return '已超时结束的办件，重新打开';
  // the new owner, by the name colleagues know (as 负责人 gives it)
  if (e.what === 'assigned' && e.detail) return who(e.detail);
  // the paper by its text, as the resident's checklist names it
  if (e.what === 'received' && e.detail) {
    const it = paperOf(v, e.detail);
    // 如有: handed over, never owed, so not a 补交 whatever the row says
    if (it) return it.required ? it.text : `${it.text}（如有的材料，窗口收到）`;
  }
  // a 如有 paper the resident ticked, not handed over
  if (e.what === 'not_brought' && e.detail) {
    const it = paperOf(v, e.detail);
    if (it) return `${it.text}（居民勾选了，没有带来）`;
  }
  // the detail is the item's id, a space, then why it was withdrawn
  if ((e.what === 'received_withdrawn' || e.what === 'not_brought_withdrawn') && e.detail) {
    const sp = e.detail.indexOf(' ');
    const it = paperOf(v, sp < 0 ? e.detail : e.detail.slice(0, sp));
    if (it) return `${it.text}：${sp < 0 ? '' : e.detail.slice(sp + 1)}`;
  }
  if (e.what === 'passed' && e.detail) {
    const st = (v.stages || []).find((s) => s.key === e.detail);
    if (st) return st.label;
  }
  return e.detail || '';
}

const ui = {};              // the page's fixed parts, once logged in
let clockOffset = 0;        // server time minus this computer's, from the queue
let current = null;         // the case view on show
let calledId = null;        // the case the call note (#call-msg) speaks of
let pollTimer = 0;
// Each ask for a case to show (a key typed or scanned, 叫下一个号, a queue
// row, 代填) bumps paneSeq; an answer, or a move's result, that comes back
// after a newer ask is not drawn. A slow A011 drawn over A012 left A011's
// 受理 and 退回 under the eyes of A012's resident (a staff review).
let paneSeq = 0;
const paneStale = (mine) => mine !== paneSeq;

// ---- small helpers ----

// Whether an instant falls on today's date (the staff PC's, by the
// daemon's clock).
function sameDay(iso) {
  return !!iso && new Date(iso).toDateString() === new Date(serverNow()).toDateString();
}

function time(iso, withDate = false) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n) => String(n).padStart(2, '0');
  const hm = `${p(d.getHours())}:${p(d.getMinutes())}`;
  return withDate ? `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${hm}` : hm;
}

function waited(iso) {
  const ms = Date.now() + clockOffset - new Date(iso).getTime();
  const min = Math.max(0, Math.floor(ms / 60000));
  return min < 60 ? `${min} 分钟` : `${Math.floor(min / 60)} 小时 ${min % 60} 分`;
}

// refused never accepted: 不予受理, not 不予办理 (accepted, then refused)
function badge(status, refused = false) {
  return el('span', { class: 'badge ' + (STATUS_BADGE[status] || '') },
    refused && status === 'rejected' ? '不予受理' : STATUS[status] || status);
}

function storedWindow() {
  try { return checkWindow(localStorage.getItem(WINDOW_KEY)) || ''; } catch { return ''; }
}

// What went wrong, as a rating of 1 or 2 names it (the API's codes).
const RATE_WORDS = ['', '非常不满意', '不满意', '基本满意', '满意', '非常满意'];

function ratingText(r) {
  const why = (r.reasons || []).map((c) => RATE_REASONS[c] || c).join('、');
  // kept out of 满意率 (the API's staff and handed_in): said, so nobody
  // reads a staffer's own 5 as a resident's
  const apart = r.staff ? `（工作人员 ${r.staff} 登录着的浏览器评的，不计入满意率）`
    : r.handed_in === false ? '（办件交到大厅之前评的，不计入满意率）' : '';
  return `${r.score} 分 ${RATE_WORDS[r.score] || ''}${why ? '，' + why : ''}${r.comment ? '：' + r.comment : ''}${apart}`;
}

// The body of a call, and of 办结 (the service at this window ended, so
// its evaluator offers the rating): the window set on this PC, if any.
function callBody() {
  const w = storedWindow();
  return w ? { window: w } : {};
}

function msg(box, text, kind = 'error') {
  box.replaceChildren(text ? el('p', { class: kind === 'ok' ? 'msg-ok' : 'msg-error' }, text) : '');
}

// "请 A001 号到 3 号窗口" speaks of the call just made; once the staffer does
// anything else (a move, another case, another call) it would be stale.
function clearCallNote() {
  calledId = null;
  msg(ui.callMsg, '');
}

// What a staffer typed or a scanner sent: a case id (the slip's QR code
// holds it) or a ticket of today. Null when it is neither.
export function parseKey(raw) {
  const s = String(raw || '').replace(/\s+/g, '');
  const id = /(?:^|[^0-9a-f])([0-9a-f]{32})(?:$|[^0-9a-f])/i.exec(s);
  if (id) return id[1].toLowerCase();
  if (/^[A-Za-z]\d{3,6}$/.test(s)) return s.toUpperCase();
  return null;
}

// Whether keys pressed in element t are text it takes (a text box, a
// text area, a select that jumps to an option by its letter).
function typesText(t) {
  if (t.matches('textarea, select, [contenteditable]')) return true;
  return t.matches('input') &&
    !['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'image', 'range', 'color'].includes(t.type);
}

// ---- the page ----

async function start() {
  const main = document.getElementById('main');
  await ensureLogin(main, 'staff');
  document.getElementById('session').replaceChildren(sessionBadge());
  await loadNames();
  build(main);
  loadProcedures();
  // the B post's phone opens /staff#visits: the day's visits, the
  // call-backs and the case only
  document.body.classList.toggle('visit-mode', location.hash === '#visits');
  refreshVisits();
  // on the phone 我的待办 is read here, after 已上门办理, and by the
  // refresh when it is PHONE_WORK_MS old (a home's poor network, refreshQueue)
  if (document.body.classList.contains('visit-mode')) refreshWork();
  refreshChanges();
  await refreshQueue();
  pollTimer = setInterval(() => { if (!document.hidden) refreshQueue(); }, POLL_MS);
  // a reload (F5, the 系统已经更新 bar's 刷新页面, logging out) asks first
  // while a reason or note typed into a form is not sent: it went with the
  // page without a word
  window.addEventListener('beforeunload', (e) => {
    if ([...document.querySelectorAll('#main textarea:not([readonly])')].some((x) => x.value.trim()) ||
        [...drafts.values()].some((l) => l.some((d) => d.text))) {
      e.preventDefault();
      e.returnValue = '';
    }
  });
  document.addEventListener('visibilitychange', () => { if (!document.hidden) refreshQueue(); });
  // a phone back in signal (a lift, a cellar flat) catches up at once,
  // not at the next tick
  window.addEventListener('online', () => { if (!document.hidden) refreshQueue(); });
  // a scanner types wherever the focus is: unless a staffer is typing into
  // a field, its keys go to the ticket box. A focused button or link (say
  // 叫下一个号 after "no one waiting") would lose the digits and take the
  // Enter. Space is left alone: it presses buttons and ticks boxes, and no
  // code holds one.
  document.addEventListener('keydown', (e) => {
    const t = e.target;
    if (e.ctrlKey || e.altKey || e.metaKey || e.key.length !== 1 || e.key === ' ') return;
    if (t && t.closest && (typesText(t) || t.closest('dialog'))) return;
    ui.key.focus();
  });
  // the ticket box is where the page starts, unless the staffer went
  // elsewhere while the queue loaded: a window number typed then went on
  // into the ticket box when the focus moved under it (a browser test
  // caught it on a loaded machine)
  const a = document.activeElement;
  if (!a || a === document.body) ui.key.focus();
}

function build(main) {
  ui.key = el('input', {
    id: 'case-key', name: 'case-key', autocomplete: 'off', spellcheck: 'false', autofocus: true,
    'aria-describedby': 'case-key-hint', class: 'key-input',
  });
  ui.keyMsg = el('div', { id: 'case-key-msg', role: 'alert' });
  const openForm = el('form', { class: 'open-form', 'aria-labelledby': 'open-h' },
    el('h2', { id: 'open-h' }, '打开办件'),
    el('label', { for: 'case-key' }, '排队号或凭条二维码'),
    el('p', { id: 'case-key-hint', class: 'hint' }, '扫描凭条或补正告知单上的二维码，或输入排队号（如 A017）后按回车。'),
    el('div', { class: 'key-row' }, ui.key, el('button', { type: 'submit', class: 'btn btn-primary' }, '打开')),
    ui.keyMsg);
  openForm.addEventListener('submit', (e) => { e.preventDefault(); openByKey(ui.key.value); });

  ui.window = el('input', {
    // no maxlength: it kept 8 of a scanned code's characters, a valid name
    id: 'window-no', name: 'window-no', autocomplete: 'off', spellcheck: 'false',
    class: 'window-input', 'aria-describedby': 'window-hint window-msg', value: storedWindow(),
  });
  ui.windowMsg = el('div', { id: 'window-msg', role: 'status' });
  ui.window.addEventListener('change', saveWindow);
  const windowRow = el('div', { class: 'window-row' },
    el('label', { for: 'window-no' }, '本窗口号'), ui.window,
    el('p', { id: 'window-hint', class: 'hint' },
      '叫号时大厅叫号屏显示并播报“请 A017 号到 3 号窗口”。填数字（如 3）或窗口名称（如 综合窗口），只需设置一次，保存在这台电脑上。'),
    ui.windowMsg);
  ui.callBtn = el('button', { type: 'button', class: 'btn btn-primary', id: 'call-next' }, '叫下一个号');
  ui.callBtn.addEventListener('click', () => busy(ui.callBtn, callNext));
  ui.callMsg = el('div', { id: 'call-msg', role: 'status' });
  // residents called to this PC's window and not taken on yet, whoever
  // called them: after a shift change the one logged in here knew nothing
  // of them and called another resident to the same window
  ui.atWindow = el('p', { id: 'at-window', class: 'hint' });

  ui.queueCount = el('span', {}, '');
  ui.queueNote = el('p', { class: 'hint', id: 'queue-note' });
  ui.queueBody = el('tbody');
  ui.progressBody = el('tbody');
  const queueTable = el('table', { class: 'queue', id: 'queue' },
    el('caption', { class: 'sr-only' }, '等候中的办件，先到的在前'),
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col' }, '排队号'), el('th', { scope: 'col' }, '事项'),
      el('th', { scope: 'col' }, '已等候'), el('th', { scope: 'col' }, '叫号'),
      el('th', { scope: 'col' }, '证件号'))),
    ui.queueBody);
  const progressTable = el('table', { class: 'queue', id: 'in-progress' },
    el('caption', { class: 'sr-only' }, '已受理还没有办结的办件，和窗口代填还没有提交的办件'),
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col' }, '排队号'), el('th', { scope: 'col' }, '事项'),
      el('th', { scope: 'col' }, '受理人'), el('th', { scope: 'col' }, '时间'))),
    ui.progressBody);
  // 待领取: the resident comes back days later, often without the slip,
  // and that day's ticket no longer opens the case (ready.js)
  const ready = readyCard({ open: (id) => openByKey(id), when: (iso) => time(iso, !sameDay(iso)) });

  ui.startSelect = el('select', { id: 'start-proc', name: 'start-proc' },
    el('option', { value: '' }, '（请选择事项）'));
  ui.startMsg = el('div', { role: 'alert' });
  const startForm = el('form', { class: 'start-form', 'aria-labelledby': 'start-h' },
    el('h2', { id: 'start-h' }, '窗口代填'),
    el('p', { class: 'hint' }, '居民没有用自助机时，由窗口开始办件并代为填写。'),
    el('label', { for: 'start-proc' }, '事项'), ui.startSelect,
    el('div', { class: 'btn-row' }, el('button', { type: 'submit', class: 'btn' }, '开始填写')),
    ui.startMsg);
  startForm.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(startForm.querySelector('button'), startAtWindow);
  });

  ui.preBody = el('tbody');
  ui.preNote = el('p', { class: 'hint', id: 'prereview-note' });
  ui.preCount = el('span', {}, '');
  const preTable = el('table', { class: 'queue', id: 'prereview' },
    el('caption', { class: 'sr-only' }, '网上提交、等待预审的办件，先提交的在前；和已约来大厅的办件，按日期'),
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col' }, '事项'), el('th', { scope: 'col' }, '提交时间'),
      el('th', { scope: 'col' }, '证件号'), el('th', { scope: 'col' }, '操作'))),
    ui.preBody);
  const preCard = el('section', { class: 'card', 'aria-labelledby': 'prereview-h' },
    el('h2', { id: 'prereview-h' }, '网上预审 ', ui.preCount),
    el('p', { class: 'hint' }, '居民在家通过网上办事提交的办件。核对后通知居民带原件来大厅（选日期），或退回补正；居民到大厅后打开办件即可受理。'),
    ui.preNote, preTable);

  ui.pane = el('section', { class: 'case-pane card', id: 'case-pane', 'aria-label': '办件' },
    el('p', { class: 'hint' }, location.hash === '#visits'
      ? '点上面的预约打开办件，核对材料和填写内容。'
      : '请在左侧扫码或输入排队号打开办件，或点“叫下一个号”。'));

  main.replaceChildren(el('h1', { class: 'sr-only' }, '综合窗口'),
    el('div', { class: 'staff-layout' },
      el('div', { class: 'staff-side' },
        el('div', { class: 'card', id: 'open-card' }, openForm),
        // the queue right under the ticket box: 叫下一个号 and the first
        // tickets on a 1366×768 screen without scrolling (below the visits
        // card it was at the fold)
        el('section', { class: 'card', 'aria-labelledby': 'queue-h' },
          el('h2', { id: 'queue-h' }, '等候中 ', ui.queueCount),
          windowRow,
          el('div', { class: 'btn-row' }, ui.callBtn), ui.callMsg, ui.atWindow,
          ui.queueNote, queueTable,
          el('h2', { id: 'progress-h' }, '办理中'), progressTable,
          ready),
        visitsCard((id) => openByKey(id)),
        workCard(openByKey),
        changesCard(),
        preCard,
        // a web case's lost link: found by the caller's number, texted again
        linkFindCard(openByKey, (st) => badge(st)),
        notifyCard(openByKey),
        followupCard(openByKey),
        el('div', { class: 'card' }, startForm)),
      ui.pane));
}

// ---- the queue ----

let lastQueue = null;       // the queue as last read

// Residents expected at this staffer's desk who are not taken on yet:
// logging out then (a shift change, lunch) left them at a window nobody
// serves, and whoever logged in there next called another resident to it
// (a review of a busy morning). The page asks first (auth.js). A ticket
// sent on to another window (转窗, `transferred`) is no longer the
// sender's but that window's: asked about at the PC whose 本窗口号 it
// names, not at the sender's (a review: the sender was asked about a
// resident standing at window 5, and whoever sat at 5 was not).
function expectedHere(e, me, w) {
  if (!(e.calls > 0)) return false;
  return e.transferred ? !!w && e.called_window === w : e.called_by === me;
}

async function calledNotTakenOn() {
  const me = currentSession()?.user;
  // as it is now, not 5 s ago: a case accepted a moment before is no
  // reason to ask
  // session: false: a session already ended opens no login here
  const q = (await api('/api/v1/staff/queue', { session: false }).then((r) => r.body).catch(() => null)) || lastQueue;
  if (!q || !me) return '';
  const w = storedWindow();
  const mine = q.queue.filter((e) => expectedHere(e, me, w));
  if (!mine.length) return '';
  const list = mine.map((e) => `${e.ticket} 号${e.called_window ? `（${windowName(e.called_window)}）` : ''}` +
    (e.transferred ? `（${who(e.called_by)} 转来）` : '')).join('、');
  return `您叫的（或同事转到本窗口的）${list}还没有受理，居民可能正在窗口等候。退出前请先受理或标记“叫号未到”，` +
    '或告诉接班的同事：同事打开这个号，可以再次叫号到自己的窗口或直接受理。';
}
warnBeforeLogout(calledNotTakenOn);

// 已叫到本窗口、还没有受理: today's waiting tickets whose last call named
// this PC's window (the queue's called_window), each a button that opens it;
// one a colleague sent here (转窗) says so, beside who sent it.
function drawAtWindow(q) {
  const w = storedWindow();
  const here = w ? q.queue.filter((e) => e.calls > 0 && e.called_window === w) : [];
  const mark = here.map((e) => `${e.id}|${e.calls}|${e.transferred}`).join(',');
  if (ui.atWindow.dataset.mark === mark) return;   // unchanged: leave focus and pointer be
  ui.atWindow.dataset.mark = mark;
  ui.atWindow.replaceChildren(...(here.length ? [`已叫到${windowName(w)}、还没有受理：`,
    ...here.flatMap((e, i) => [i ? '、' : '', el('button', { type: 'button', class: 'btn btn-small ticket-btn',
      'aria-label': `打开 ${e.ticket}（${time(e.called_at)} ${who(e.called_by)} ${calledHow(e)}）`, onClick: () => openByKey(e.id) },
    e.ticket), ` ${time(e.called_at)} ${who(e.called_by)}${e.transferred ? ' 转来' : ''}`])] : []));
}

// How the ticket came to its window: a call, or a colleague's 转窗.
function calledHow(e) {
  return e.transferred ? '转窗' : '叫号';
}

async function refreshQueue() {
  // the B post's phone (/staff#visits) shows the visits, the call-backs
  // (回访: the B post phones from out of the hall too), 我的待办 and the
  // case only: the queue and the other lists, four more requests every 5 s that it
  // never shows, went on all the same and, on a home's poor network, held
  // up the staffer's own saves
  if (document.body.classList.contains('visit-mode')) {
    refreshVisits();
    refreshFollowup();
    // 我的待办 too, but less often (PHONE_WORK_MS); a phone taken out of
    // the pocket after that long asks at once (visibilitychange)
    if (workAge() >= PHONE_WORK_MS) refreshWork();
    return;
  }
  refreshPrereview();
  refreshNotify();
  refreshWork();
  refreshVisits();
  refreshFollowup();
  let q;
  try {
    q = (await api('/api/v1/staff/queue')).body;
  } catch (err) {
    ui.queueNote.textContent = '队列没有更新：' + errorText(err);
    return;
  }
  checkShown(q);
  lastQueue = q;
  drawAtWindow(q);
  clockOffset = new Date(q.now).getTime() - Date.now();
  ui.queueCount.textContent = `（${q.total} 件）`;
  ui.queueNote.textContent = `每 ${POLL_MS / 1000} 秒自动更新，上次 ${time(q.now)}` +
    (q.total > q.queue.length ? `；只列出最早的 ${q.queue.length} 件` : '');
  // a row of the queue table: the ticket opens the case
  const row = (e, cls, label, when, calls, same) => el('tr', { class: cls, 'data-id': e.id },
    el('td', {}, el('button', { type: 'button', class: 'btn btn-small ticket-btn', onClick: () => openByKey(e.id),
      'aria-label': `${label} ${e.ticket} ${e.title}` }, e.ticket)),
    el('td', {}, e.title, e.incomplete ? incompleteTag(e) : null, resumeTag(e)),
    el('td', {}, when),
    el('td', {}, calls),
    el('td', {}, e.ids.map((x) => x.value).join(' '), same));
  // an earlier day's tickets never served: not in line (today's numbers
  // start again at A001), but the resident may come back with the slip
  const earlier = q.earlier || [];
  redrawRows(ui.queueBody, [
    ...(q.queue.length ? q.queue.map((e) => row(e,
      current && current.id === e.id ? 'is-open' : undefined, '打开', waited(e.submitted_at),
      // handed in at a staffer's own desk: its resident is there, and
      // 叫下一个号 passes it over (the server's rule)
      // where and by whom: a staffer who takes over the window, or a
      // colleague the resident turns to, sees who is expected where
      // (on lines of their own: one line pushed the item's name to a
      // character a line and the ID numbers out of the card)
      e.calls ? [`${e.calls} 次 · ${time(e.called_at)}`, ...(e.called_window ? [el('br'), windowName(e.called_window)] : []),
        el('br'), who(e.called_by) + (e.transferred ? ' 转窗' : '')] : e.handed_in_by ? `${who(e.handed_in_by)} 窗口提交 · 不叫号` : '未叫',
      sameId(e.same_id))) :
      [el('tr', {}, el('td', { colspan: '5', class: 'hint' }, '现在没有等候的办件'))]),
    ...(earlier.length ? [el('tr', { class: 'earlier-head' }, el('td', { colspan: '5', class: 'hint' },
      `往日没有办理的号（${earlier.length} 件）：不再叫号；居民拿凭条来了可以打开直接受理，或请居民扫码重新取号`)),
    ...earlier.map((e) => row(e, 'earlier', '打开往日的', `${time(e.submitted_at, true)} 取号`, '过号', null))] : []),
  ]);
  // accepted cases, then window cases still being filled in (代填, and web
  // cases taken up at the window)
  const rows = [...q.in_progress, ...q.filling];
  redrawRows(ui.progressBody, (rows.length ? rows.map((e) => el('tr', { 'data-id': e.id },
    el('td', {}, el('button', { type: 'button', class: 'btn btn-small ticket-btn',
      onClick: () => (e.status === 'open' ? fillCase(e.id) : openByKey(e.id)),
      // an accepted case may have no ticket (accepted at the home, or a web
      // case invited to the hall): it is not one being filled in (代填)
      // a web case the window took up (窗口接办) is the resident's own
      'aria-label': `打开 ${e.status === 'open' ? (e.channel === 'web' ? '接着办' : '窗口代填') : e.ticket || '办件'} ${e.title}` },
    e.status === 'open' ? (e.channel === 'web' ? '接着办' : '代填') : e.ticket || '打开')),
    el('td', {}, e.title),
    el('td', {}, e.status === 'open' ? '填写中' : e.accepted_by || ''),
    // a chain runs for weeks: an acceptance of another day says its day,
    // or yesterday's 10:00 reads as this morning's
    el('td', {}, time(e.accepted_at || e.submitted_at, !sameDay(e.accepted_at || e.submitted_at))))) :
    [el('tr', {}, el('td', { colspan: '4', class: 'hint' }, '没有'))]));
  drawReady(q);
}

// What the queue's lists tell of a case (an entry or the case view): its
// status, its turn, its calls and its acceptance.
const listMark = (e) => [e.status, e.submitted_at, e.calls, e.called_at, e.accepted_at].join('|');
// The same and more of a case view: its returns and its history's length.
const viewMark = (v) => [listMark(v), v.returned_at, v.stage, v.events.length].join('|');

// Whether the queue says the case on show moved since it was drawn: listed
// otherwise, or no longer listed while it was waiting or accepted.
function shownMoved(q) {
  if (!current) return false;
  const e = [...q.queue, ...(q.earlier || []), ...q.in_progress, ...q.filling].find((x) => x.id === current.id);
  if (e) return listMark(e) !== listMark(current);
  return current.status === 'waiting' || current.status === 'accepted';
}

// The case on show moved elsewhere (a colleague returned it and the
// resident handed it in corrected, accepted it, took it off the queue):
// before, the page kept the old answers for as long as it stayed open and
// 受理 accepted what nobody here had seen (a staff review). Redrawn, with
// a line saying so; a form open on it (a reason half typed) is left as it
// is, under the same line.
async function checkShown(q) {
  if (!shownMoved(q)) return;
  const was = current, mine = paneSeq;
  let v;
  try {
    v = (await api('/api/v1/staff/cases/' + enc(was.id))).body;
  } catch { return; /* the next refresh tries again */ }
  if (paneStale(mine) || current !== was || viewMark(v) === viewMark(was)) return;
  // this staffer's own move still on its way (a button busy): its answer
  // redraws the case; the line would speak of that move as someone else's
  if (ui.pane.querySelector('[aria-busy="true"]')) return;
  const text = '这个办件刚才在别处有了变动（同事的操作，或居民改过后重新提交）';
  if (ui.form && ui.form.childElementCount) {
    // not drawn under the form: it sends what was shown (a stage or status
    // moved since is 409). Before, the line said to press 取消 first, which
    // threw away what was typed; 显示最新内容 draws the case with the form
    // and its text kept (or the text read-only, where the move is gone)
    if (ui.box.querySelector('#show-latest')) return;
    const latest = el('button', { type: 'button', class: 'btn btn-small', id: 'show-latest' }, '显示最新内容');
    latest.addEventListener('click', () => busy(latest, async () => {
      if (await reloadCase()) {
        msg(ui.box, text + '，下面已是现在的内容，您写的内容还在，请重新核对后再操作。');
      }
    }));
    ui.box.replaceChildren(el('p', { class: 'msg-error' },
      text + '：上面显示的还是变动前的内容。请点“显示最新内容”核对后再操作，您写的内容会保留。'), latest);
    return;
  }
  // typing in a form of the pane (这一步有误's note): a redraw would cut an
  // input method's word short; the next refresh, once the box is left
  if (ui.pane.querySelector('form[data-draft]:focus-within')) return;
  showCase(v, { keepFocus: true });
  msg(ui.box, text + '，下面已是现在的内容，请重新核对后再操作。');
}

// 网上预审: the web cases to check, then those invited, by their date.
async function refreshPrereview() {
  let l;
  try {
    l = (await api('/api/v1/staff/prereview')).body;
  } catch (err) {
    ui.preNote.textContent = '网上预审列表没有更新：' + errorText(err);
    return;
  }
  ui.preNote.textContent = '';
  ui.preCount.textContent = `（待预审 ${l.prereview.length} 件）`;
  const row = (e) => {
    const what = `${e.title} ${time(e.submitted_at, true)}`;
    // opens the case, then (then) the form of a move on it
    const btn = (label, then) => el('button', { type: 'button', class: 'btn btn-small', 'aria-label': `${label}:${what}`,
      onClick: async () => { await openByKey(e.id); if (then && current && current.id === e.id) then(current); } }, label);
    return el('tr', { 'data-id': e.id },
      el('td', {}, e.title, e.status === 'invited' ? el('span', { class: 'badge badge-warn' }, `约 ${e.invite_date}`) : null,
        resumeTag(e)),
      el('td', {}, time(e.submitted_at, true)),
      el('td', {}, e.ids.map((x) => x.value).join(' ')),
      el('td', {}, el('div', { class: 'btn-row' },
        btn('打开', null),
        btn(e.status === 'invited' ? '改约日期' : '通知来大厅', (v) => openOnce('invite', () => inviteForm(v, ui.form))),
        btn('退回补正', (v) => openOnce('return', () => returnForm(v, ui.form))))));
  };
  const rows = [...l.prereview, ...l.invited].map(row);
  redrawRows(ui.preBody, rows.length ? rows
    : [el('tr', {}, el('td', { colspan: '4', class: 'hint' }, '现在没有网上提交的办件'))]);
}

// A form of the case just opened, unless the same one came back open with
// what was typed in it before (a draft): that one stays as it is.
function openOnce(key, open) {
  const f = ui.form && ui.form.querySelector(`form[data-draft="${key}"]`);
  if (f) (f.querySelector('textarea, input, select') || f).focus();
  else open();
}

// Waiting cases that share an ID number (a resident with two tickets, an
// agent queuing for several): the server says which group, never the number.
function sameId(same) {
  if (!same) return null;
  return el('span', { class: 'badge badge-warn same-id' },
    `同一身份证号有 ${same.count} 个排队 · 第 ${same.group} 组`);
}

// A case code that a scanner typed into 本窗口号 (the focus left there
// after the number was set): the box's text after whatever was in it.
// Longer than any window name, so never a name that was meant.
function scannedIntoWindow(raw) {
  const s = String(raw || '').replace(/\s+/g, '');
  if ([...s].length <= 8) return null;
  const key = parseKey(s);
  if (key && key.length === 32) return key;
  const tail = /([0-9a-f]{32})$/i.exec(s);
  return tail ? tail[1].toLowerCase() : null;
}

function saveWindow() {
  const scanned = scannedIntoWindow(ui.window.value);
  if (scanned) {
    // the window stays; the slip opens as if scanned into the ticket box
    ui.window.value = storedWindow();
    ui.window.removeAttribute('aria-invalid');
    msg(ui.windowMsg, '窗口号没有改：刚才扫描的是办件码，已打开办件', 'ok');
    openByKey(scanned);
    return;
  }
  const w = checkWindow(ui.window.value);
  if (w === null) {
    ui.window.setAttribute('aria-invalid', 'true');
    msg(ui.windowMsg, '窗口号请填 1 到 3 位数字（如 3），或不超过 8 个字的窗口名称（如 A2、综合窗口），不要带空格或符号');
    return;
  }
  ui.window.removeAttribute('aria-invalid');
  ui.window.value = w;
  try {
    if (w) localStorage.setItem(WINDOW_KEY, w);
    else localStorage.removeItem(WINDOW_KEY);
  } catch {
    msg(ui.windowMsg, '这台电脑的浏览器不能保存窗口号，请检查浏览器设置');
    return;
  }
  msg(ui.windowMsg, w ? `已保存：叫号到 ${windowName(w)}` : '已清除窗口号：叫号时只说“到窗口办理”', 'ok');
}

// When a call-next's answer was lost (server clock, ms), 0 when none is in
// doubt: the call may have gone out, and calling again at once would send
// a second resident to this window while the first is on the way (a hall
// review: the call screen said A009 → 1 号窗口, the page only that the
// network failed, and the next press called A010 to window 1 too).
let callInDoubt = 0;

// This staffer's call made since callInDoubt (less a margin for the two
// clocks, the page's offset being from its last queue), still waiting at
// the window: the newest, or null.
async function callOfMineSince() {
  const q = (await api('/api/v1/staff/queue')).body;
  const me = currentSession()?.user;
  const since = callInDoubt - 10_000;
  // a transfer of mine meanwhile is no call of mine to this window
  const made = q.queue.filter((e) => e.called_by === me && !e.transferred && e.called_at &&
      Date.parse(e.called_at) >= since)
    .sort((a, b) => Date.parse(b.called_at) - Date.parse(a.called_at));
  return made[0] || null;
}

async function callNext() {
  let called;
  const body = callBody();
  const mine = ++paneSeq;
  clearCallNote();
  if (callInDoubt) {
    // first learn whether the lost call went out; never call over it
    try {
      const made = await callOfMineSince();
      callInDoubt = 0;
      if (made) {
        msg(ui.callMsg, `刚才的叫号已经发出：${callText(made.ticket, body.window)}（${made.title}）`, 'ok');
        calledId = made.id;
        if (!paneStale(mine)) await openByKey(made.id);
        refreshQueue();
        return;
      }
    } catch (err) {
      msg(ui.callMsg, `${errorText(err)}（还不知道刚才的叫号是否已经发出，所以没有叫新的号）`);
      return;
    }
  }
  // when it was sent, not when its failure shows: a dropped link may
  // report it tens of seconds after the daemon made the call
  const sentAt = Date.now() + clockOffset;
  try {
    called = (await api('/api/v1/staff/call-next', { method: 'POST', body })).body;
  } catch (err) {
    if (err instanceof ApiError && err.kind === 'network') {
      callInDoubt = sentAt;
      msg(ui.callMsg, `${errorText(err)}。刚才的叫号可能已经发出：请看叫号屏；网络恢复后再按「叫下一个号」，` +
        '会先查看刚才是否已经叫出，不会重复叫号');
      refreshQueue();
      return;
    }
    msg(ui.callMsg, errorText(err));
    return;
  }
  msg(ui.callMsg, `${callText(called.ticket, body.window)}（${called.title}）`, 'ok');
  calledId = called.id;
  // the call is made either way; its case opens unless another was asked for
  if (!paneStale(mine)) await openByKey(called.id);
  refreshQueue();
}

// ---- opening a case ----

async function openByKey(raw) {
  const key = parseKey(raw);
  msg(ui.keyMsg, '');
  if (!key) {
    msg(ui.keyMsg, '请输入排队号（如 A017），或扫描凭条上的二维码');
    ui.key.focus();
    return;
  }
  let v;
  const mine = ++paneSeq;
  try {
    v = (await api('/api/v1/staff/cases/' + enc(key))).body;
  } catch (err) {
    if (paneStale(mine)) return;
    msg(ui.keyMsg, errorText(err));
    // selected to be typed over, unless the staffer is typing another
    if (ui.key.value === raw) ui.key.select();
    return;
  }
  if (paneStale(mine)) return;
  // a number typed while the case loaded (the next resident's) stays in
  // the box with the focus: it was emptied, or its keys went to the case
  // heading (found with 找回链接's box, r17)
  const typedOn = ui.key.value !== raw && ui.key.value.trim() !== '';
  if (!typedOn) ui.key.value = '';
  showCase(v, { keepFocus: typedOn && document.activeElement === ui.key });
}

async function reloadCase() {
  if (!current) return;
  const mine = paneSeq, id = current.id;
  let v;
  try {
    v = (await api('/api/v1/staff/cases/' + enc(id))).body;
  } catch { return false; /* the view on show stays; the next move says what is wrong */ }
  if (paneStale(mine) || !current || current.id !== id) return false;
  showCase(v, { keepFocus: true });
  return true;
}

// ---- the case view ----

// 材料不全: the resident took a number without every paper, to ask here.
// Words, not colour alone; the papers named in the tag's title too.
function incompleteTag(e) {
  return el('span', { class: 'badge badge-warn tag-incomplete', title: '缺：' + (e.missing_items || []).map((x) => x.text).join('、') }, '材料不全');
}

// A corrected case handed in again (补正后重交): its clock is the hall's
// from the hand-in, and the day's report counts it overdue once the dates
// it resumes to pass (the server's `resume`). Words, not colour alone:
// before, the lists said nothing, and a case aging in pre-review or left
// from yesterday read as new.
function resumeTag(e) {
  const r = e.resume;
  if (!r) return null;
  const text = r.late ? `补正件 · 已超期：承诺 ${dueText(r.committed)} 前办结`
    : r.overdue ? `补正件 · 已超期：本环节 ${dueText(r.stage_due)} 到期`
      : `补正件 · 本环节 ${dueText(r.stage_due)} 到期`;
  return el('span', { class: `badge ${r.overdue ? 'badge-error' : 'badge-warn'} tag-resume` }, text);
}

// The statuses of a case not taken on yet, where the window decides.
const INTAKE = new Set(['waiting', 'invited', 'prereview', 'visit', 'abandoned']);

// What the resident said they did not bring, as recorded when they took
// the number (the steps after it may be unfilled too: see 缺少的内容).
// Once the case is in hand (accepted 容缺, or ready: brought at pickup),
// each paper still owed has its 已补交 and one recorded says so.
// 等居民补正: a case still with its resident after a return, or corrected
// and then called while its resident was not there (v.owed, the server's):
// how long, and the day the hall loses it, for the staffer who phones.
// ends_on is the last working day the resident can come, all of it: the
// sweep gives up or erases on a later day (a rest day, or the next one at
// the time of day of the last activity), so 最晚 and 过了这一天.
function waitNote(v) {
  const o = v.owed;
  if (!o) return null;
  const [, m, d] = (o.ends_on || '--').split('-').map(Number);
  const ends = o.ends_on ? `${m}月${d}日` : '';
  const text = v.status === 'abandoned'
    ? `补正后叫号未到（${o.days ? `已过 ${o.days} 个工作日` : '今天'}）。居民来了点“过号后到场，受理”；`
      + `${ends ? `请居民最晚${ends}来，过了这一天` : '保留期过后'}这件办件填写的内容会被清除，居民要重新办理。`
    : `居民还没有交回补正（${o.days ? `退回已 ${o.days} 个工作日` : '今天退回'}）。请电话提醒居民；`
      + `${ends ? `最晚${ends}交回，过了这一天` : '保留期过后'}仍没有交回、也没有改动的，系统按放弃处理。`;
  return el('p', { class: o.ending ? 'msg-warn wait-note' : 'hint wait-note', id: 'wait-note', role: 'note' },
    o.ending ? el('strong', {}, '即将' + (v.status === 'abandoned' ? '清除' : '放弃') + '：') : null, text,
    o.reminded ? el('span', { id: 'wait-reminded' }, ` ${remindedText(o.reminded)}`) : null);
}

function incompleteNote(v) {
  if (!v.incomplete) return null;
  const inHand = v.status === 'accepted' || v.status === 'ready';
  const owed = new Set(v.missing.checklist.map((x) => x.id));
  const items = v.missing_items || [];
  const left = items.filter((x) => owed.has(x.id)).length;
  const { show, failed } = moveCallbacks();
  return el('section', { class: 'incomplete-note', id: 'incomplete-note', 'aria-labelledby': 'incomplete-h' },
    el('h3', { id: 'incomplete-h' }, '材料不全：居民取号时说明没带齐'),
    el('ul', {}, items.map((x) => el('li', {}, x.text,
      !inHand ? null : owed.has(x.id) ? [' ', receivedButton(v, x, show, failed)]
        : [' ', el('span', { class: 'badge badge-ok' }, '已补交'), ' ',
          withdrawButton(v, receivedRecord(v, x.id), () => ui.form, show, failed)]))),
    INTAKE.has(v.status) ? el('p', { class: 'hint' }, '请先咨询、说明；可以受理（容缺）、退回补正或打印所缺材料清单。')
      // accepted 容缺: the intake advice (可以受理) read as still to do
      : inHand && !left ? el('p', { class: 'hint' }, '居民取号时没带的材料都已补交。')
        : v.status === 'accepted' ? el('p', { class: 'hint' }, '已容缺受理：请居民补交这些材料；交来的，点“已补交”登记；转下一环节或办结时，在备注里写明还缺什么。')
          : v.status === 'ready' ? el('p', { class: 'hint' }, '居民领取时交来的材料，点“已补交”登记。') : null,
    inHand && !left ? null : el('a', { class: 'btn', href: `/print/cases/${enc(v.id)}/missing`, target: '_blank', rel: 'noopener' },
      '打印所缺材料清单'));
}

// A case keeps the version it started on: said when the item has a newer
// one, since the notice of what changed (本事项已更新) sits above and a
// staffer would check the new rules against it
function versionFact(v) {
  const live = v.live_version;
  if (!live) return null;
  const since = time(live.since, true).slice(0, 10);
  const mine = v.meta && v.meta.version;
  // an edit that left `version:` as it was names the same version twice
  // (a UI review): then said by the date alone
  const text = mine && live.version && mine !== live.version
    ? ` 本办件按 ${mine} 版办理，材料和表格都按这一版核对；${since} 起现行的是 ${live.version} 版。`
    : ` 本办件按开始办理时的版本办理，材料和表格都按那一版核对；办事指南在 ${since} 更新过。`;
  return ['办事指南版本', el('span', { id: 'case-version' },
    el('span', { class: 'badge badge-warn' }, '按原版本办理'), text)];
}

// 停办: the item's file was deleted (its procedure retired). The case is
// finished on its own version; the staffer is told no new one is taken,
// before telling a resident to come back for another.
function retiredFact(v) {
  if (v.procedure_status !== 'retired') return null;
  const since = v.procedure_retired_at ? time(v.procedure_retired_at, true).slice(0, 10) + ' 起' : '';
  return ['事项状态', el('span', { id: 'case-retired' },
    el('span', { class: 'badge badge-warn' }, '已停办'), ` ${since}不再受理新的申请；本办件按原版本办完。`)];
}

function facts(v) {
  const rows = [
    ['状态', badge(v.status, v.refused)],
    ['排队号', v.ticket || '（未取号）'],
    ['渠道', (CHANNEL[v.channel] || v.channel) + (v.created_by ? `（${who(v.created_by)} 代填）` : '')],
    ['开始', time(v.created_at, true)],
    v.submitted_at ? ['提交', time(v.submitted_at, true) +
      (v.handed_in_by ? `（${who(v.handed_in_by)} 在窗口提交，叫号时跳过）` : '')] : null,
    v.calls ? ['叫号', `${v.calls} 次，最近 ${time(v.called_at, !sameDay(v.called_at))}` +
      `${v.called_window ? ` 叫到 ${windowName(v.called_window)}` : ''}（${who(v.called_by)}${v.transferred ? ' 转窗' : ''}）`] : null,
    v.accepted_by ? ['受理', `${who(v.accepted_by)},${time(v.accepted_at, true)}`] : null,
    v.owner ? ['负责人', who(v.owner)] : null,
    // handed in again after 补正: the date it resumes to, as the report counts it
    v.due ? ['承诺办结', `${dueText(v.due)}前` + (v.resume ? '（补正用去的工作日已顺延）' : '')] : null,
    v.rejected_reason ? [v.refused ? '不予受理理由' : '不予办理理由', v.rejected_reason] : null,
    // a pickup item's chain ends at ready (ready_at); completed_at is then
    // the hand-out's, which has a row of its own
    v.completed_by ? ['办结', `${who(v.completed_by)},${time(v.ready_at || v.completed_at, true)}`] : null,
    v.handed_by ? ['发放', `${who(v.handed_by)},${time(v.handed_at, true)}`] : null,
    v.outcome ? ['办理结果', v.outcome] : null,
    v.returned_reason ? ['退回原因', v.returned_reason] : null,
    v.returned_by ? ['退回', `${who(v.returned_by)},${time(v.returned_at, true)}`] : null,
    v.no_show_at ? ['未到', `叫号未到，${time(v.no_show_at, true)}`] : null,
    v.invite ? ['约来大厅', `${v.invite.date}${v.invite.note ? '，' + v.invite.note : ''}（${who(v.invite.by)}，${time(v.invite.at, true)}）`] : null,
    visitFact(v),
    retiredFact(v),
    versionFact(v),
    v.rating ? ['评价', ratingText(v.rating)] : null,
  ].filter(Boolean);
  return el('dl', { class: 'case-facts' }, rows.map(([k, val]) => [el('dt', {}, k), el('dd', {}, val)]));
}

function actions(v, box) {
  // opens: the key of the form the button opens (data-draft), for a redraw
  // to open it again with what was typed
  const b = (label, fn, cls = 'btn', opens = undefined) => {
    const btn = el('button', { type: 'button', class: cls, 'data-opens': opens }, label);
    btn.addEventListener('click', () => busy(btn, () => fn(btn)));
    return btn;
  };
  const list = [];
  if (v.status === 'waiting') {
    list.push(b('受理', () => accept(v, box), 'btn btn-primary'));
    // an earlier day's number is not called again (409 ticket_expired):
    // someone may hold it today; the resident is accepted as they are
    if (!v.ticket_expired) list.push(b('再次叫号', () => callAgain(v, box)));
    // the resident belongs at another window: sent there without touching
    // this PC's 本窗口号 (changed for one call, it sent every later one there)
    if (!v.ticket_expired) list.push(b('转到其他窗口', () => transferForm(v, box), 'btn', 'transfer'));
    if (v.calls > 0) list.push(b('叫号未到', () => noShow(v, box), 'btn btn-danger'));
    list.push(b('退回补正', () => returnForm(v, box), 'btn btn-danger', 'return'));
    list.push(b(refuseWord(v), () => refuseForm(v, box), 'btn btn-danger', 'refuse'));
  } else if (v.status === 'accepted') {
    // at the last stage of the chain the case is completed; before it, passed on
    if (v.stage === null || v.stage >= v.stages.length - 1) list.push(b('办结', () => completeForm(v, box), 'btn btn-primary', 'complete'));
    list.push(b('退回补正', () => returnForm(v, box), 'btn btn-danger', 'return'));
  } else if (v.status === 'abandoned' && v.no_show_at) {
    list.push(b('过号后到场，受理', () => accept(v, box), 'btn btn-primary'));
    list.push(b(refuseWord(v), () => refuseForm(v, box), 'btn btn-danger', 'refuse'));
  } else if (v.status === 'returned') {
    // the resident brought the notice back to the window: the staffer
    // corrects the case with them, through the resident's own routes
    list.push(b('代为补正', () => fillCase(v.id, null, { box }), 'btn btn-primary'));
    // returned at the home: shown on the B post's phone there, as its
    // receipt is (the daemon lays that notice out for the phone)
    list.push(el('a', { class: 'btn', href: `/print/staff/cases/${enc(v.id)}/correction`,
      target: '_blank', rel: 'noopener', id: 'print-correction' },
      document.body.classList.contains('visit-mode') && madeAtHome(v, 'returned') ? '给居民看补正告知单' : '打印补正告知单'));
    // an elder who cannot come back: the B post corrects it at the home
    if (v.meta && v.meta.visit === 'yes') {
      const book = b(visitBooked(v) ? '改约上门补正' : '预约上门补正', () => {
        const mine = paneSeq;
        bookVisitForm(v, box, (booked, said) => {
          if (paneStale(mine)) return;
          showCase(booked);
          msg(ui.box, said, 'ok');
          // the day's list, and 等居民补正's row (已预约上门补正) at once
          refreshVisits();
          refreshWork();
        });
      }, 'btn', 'book-visit');
      book.id = 'book-visit';
      list.push(book);
    }
  } else if (v.status === 'prereview' || v.status === 'invited') {
    // 网上预审: the resident comes with the originals, or corrects at home
    if (v.status === 'invited') list.push(b('居民已到，受理', () => accept(v, box), 'btn btn-primary'));
    // not told to come yet, and here with the originals all the same: taken
    // on at once, not invited for today first (the history says which)
    else list.push(b('居民已在窗口，直接受理', () => accept(v, box, { walk_in: true }), 'btn btn-primary'));
    list.push(b(v.status === 'invited' ? '改约日期' : '通知来大厅', () => inviteForm(v, box),
      v.status === 'invited' ? 'btn' : 'btn btn-primary', 'invite'));
    list.push(b('退回补正', () => returnForm(v, box), 'btn btn-danger', 'return'));
    list.push(b(refuseWord(v), () => refuseForm(v, box), 'btn btn-danger', 'refuse'));
  } else if (v.status === 'visit') {
    // the resident came to the hall after all: taken on at this window,
    // the visit called off (已上门办理 would record 在居民家中受理); not on
    // the B post's phone, which is at the home
    if (!document.body.classList.contains('visit-mode')) {
      list.push(b('居民已在窗口，直接受理', async () => {
        await accept(v, box, { walk_in: true });
        refreshVisits();
      }, 'btn btn-primary'));
    }
    // the B post at the home: the steps below are checked there, then
    list.push(...visitActions(v, b, (what, body) => move(v, what, body, box), box, (t) => msg(ui.box, t, 'ok')));
    // found at the home: a paper missing, or not eligible (not accepted yet)
    list.push(b('退回补正', () => returnForm(v, box), 'btn btn-danger', 'return'));
    list.push(b(refuseWord(v), () => refuseForm(v, box), 'btn btn-danger', 'refuse'));
  } else if (v.status === 'open' && v.channel === 'window') {
    list.push(b('继续填写', () => fillCase(v.id, null, { box }), 'btn btn-primary'));
    if (v.created_by) list.push(discardOrWhose(v.id, v.created_by, box));
  }
  // a web case whose resident is here without its link (窗口接办): gone on
  // with at the desk, with what they typed at home
  if (v.take_up) list.push(b('在窗口接着办', () => takeUp(v, box), 'btn btn-primary'));
  // 等居民补正: the call to the resident, recorded for the colleagues
  if (v.owed) {
    const remind = b('记下电话提醒', () => remindForm(v, box), 'btn', 'remind');
    remind.id = 'remind';
    list.push(remind);
  }
  const { show, failed } = moveCallbacks();
  list.push(...chainActions(v, box, b, show, callBody, failed));
  return el('div', { class: 'btn-row case-actions' }, list);
}

// How a move made from the case on show now answers: show(moved, text)
// redraws it and says text, failed(err, typed) redraws it as it stands; a
// pane that shows another case since is left alone.
function moveCallbacks() {
  const mine = paneSeq;
  return {
    show: (m, text) => {
      if (paneStale(mine)) { refreshQueue(); return; }
      if (m) { showCase(m); refreshQueue(); }
      msg(ui.box, text, m ? 'ok' : 'error');
    },
    failed: (x, typed) => (paneStale(mine) ? undefined : moveFailed(x, typed)),
  };
}

// The case redrawn with what the link's text said (weblink.js), as a move's.
function linkSent() {
  return moveCallbacks().show;
}

function showCase(v, { keepFocus = false } = {}) {
  // a redraw in place (再次叫号, a move refused because a colleague moved
  // the case first) takes away the button that had the focus (or had it
  // until busy() disabled it), which fell to the page's body: keepFocus
  // keeps the focus only where it is outside the case
  const a = document.activeElement;
  const hadFocus = !a || a === document.body || ui.pane.contains(a);
  // the forms open on the case on show, kept (another case's go aside
  // until it is shown again)
  const back = draftsFor(v.id);
  if (v.id !== calledId) clearCallNote();
  current = v;
  const box = el('div', { class: 'case-msg', role: 'status' });
  const form = el('div', { class: 'case-form' });
  const kept = el('div', { class: 'case-kept' });
  const missing = [...v.missing.checklist.map((x) => '材料：' + x.text), ...v.missing.fields.map((x) => '填写：' + x.label)];
  const heading = el('h2', { id: 'case-h', tabindex: '-1' },
    `${v.ticket || (v.channel === 'web' ? '网上办件' : '未取号')} · ${v.title}`);
  // the parts a case lacks are null: replaceChildren would print "null"
  ui.pane.replaceChildren(...[
    // 本事项已更新: what changed since this staffer last confirmed it
    heading, changesNotice(v.procedure), facts(v), waitNote(v), incompleteNote(v), actions(v, form),
    v.channel === 'web' ? linkSection(v, form, linkSent()) : null, form, kept, box, chainView(v),
    el('section', { 'aria-labelledby': 'missing-h' },
      el('h3', { id: 'missing-h' }, '缺少的内容'),
      missing.length ? el('ul', { class: 'missing' }, missing.map((m) => el('li', {}, m)))
        // a returned case is not "all in order": what it must correct is
        // marked below (a review found the ✓ above the marks)
        : v.status === 'returned' ? el('p', { class: 'hint' }, '已退回补正：居民要改的材料和填写内容在下面标为“已标为需补正”')
          : el('p', { class: 'msg-ok' }, '必须的材料都已勾选，必填项都已填写')),
    v.conditions.length ? el('section', { 'aria-labelledby': 'cond-h' },
      el('h3', { id: 'cond-h' }, '办理条件'),
      el('p', {}, v.conditions_confirmed ? '居民已确认符合以下条件：' : '居民还没有确认以下条件：'),
      el('ul', {}, v.conditions.map((c) => el('li', {}, c)))) : null,
    el('section', { 'aria-labelledby': 'steps-h' }, el('h3', { id: 'steps-h' }, '办理步骤和填写内容'),
      v.procedure_steps.map((s, i) => stepView(v, s, i))),
    history(v)].filter(Boolean));
  ui.box = box;
  ui.form = form;
  ui.kept = kept;
  document.querySelectorAll('#queue tr[data-id]').forEach((tr) =>
    tr.classList.toggle('is-open', tr.dataset.id === v.id));
  const [sx, sy] = [window.scrollX, window.scrollY];
  const typing = draftsBack(back, v);
  if (typing && (!keepFocus || hadFocus)) typing.focus({ preventScroll: true });
  else if (!keepFocus || hadFocus) heading.focus();
  else if (a && a.isConnected && document.activeElement !== a) {
    // reopened forms took the focus, and scrolled to them, from where the
    // staffer was outside the case
    a.focus({ preventScroll: true });
    window.scrollTo(sx, sy);
  }
}

// ---- what was typed, kept across a redraw of the case ----

// The case is drawn again from the case as it now stands after a move on
// it (已收到, 没带, their 撤销, 再次叫号, a refusal), a colleague's change
// seen by the refresh, or once shown again after another: every form open
// in it went, and a long 办结 note with it (a staffer noticed a paper,
// pressed 已收到, and the note was gone). A form the pane opens carries
// data-draft, its key, and the button that opens it data-opens, the same
// key; before a redraw what is typed, ticked and chosen in each is taken
// (with the caret), and after it each is opened again from its button in
// the new view, which fills the form from the case as it now stands, and
// given back what was typed. A form whose button is gone (the case moved
// where that move is no longer offered: completed by a colleague, its
// stage passed) cannot be sent; what was typed in it is shown read-only
// with why, to copy, until the staffer closes it. A form being sent is
// not taken: its answer draws the case, and a refusal keeps its text
// itself (moveFailed). Kept in memory only, by case: gone with a reload or
// a logout (the window PC is shared; nothing of a resident is stored).
const drafts = new Map();     // case id -> [draft] of a case not on show

// The drafts kept for case id: the pane's own when it shows that case
// (those of the case it shows go aside), else any kept since it was shown.
function draftsFor(id) {
  const taken = current ? draftsTaken() : [];
  if (current && current.id !== id) {
    if (taken.length) drafts.set(current.id, taken);
    else drafts.delete(current.id);
  }
  const back = current && current.id === id ? taken : drafts.get(id) || [];
  drafts.delete(id);
  return back;
}

// Before the pane shows something else than a case (窗口代填, 代为补正):
// the drafts of the case on show go aside.
function draftsAside() {
  if (!current) return;
  const taken = draftsTaken();
  if (taken.length) drafts.set(current.id, taken);
}

const textual = (c) => c.tagName === 'TEXTAREA' ||
  (c.tagName === 'INPUT' && ['text', 'search', 'tel', 'url', 'email', 'number', ''].includes(c.type));

// What is typed in form f's text boxes and ticked in its boxes, as words
// to copy ('' when nothing).
function draftText(f, controls) {
  const lines = controls.filter((c) => textual(c) && c.value.trim()).map((c) => c.value.trim());
  const ticked = controls.filter((c) => c.type === 'checkbox' && c.checked)
    .map((c) => (f.querySelector(`label[for="${CSS.escape(c.id)}"]`) || {}).textContent || c.value);
  if (ticked.length) lines.push('标出：' + ticked.join('、'));
  return lines.join('\n');
}

// The pane's open forms and kept texts, as drafts: {key, title, values,
// focus, text} of a form, {kept: true, title, text} of a text kept.
function draftsTaken() {
  const a = document.activeElement;
  const out = [];
  for (const f of ui.pane.querySelectorAll('form[data-draft]')) {
    if (f.querySelector('[type=submit][aria-busy="true"]')) continue;
    const controls = [...f.querySelectorAll('input, textarea, select')].filter((c) => c.type !== 'hidden');
    const head = document.getElementById(f.getAttribute('aria-labelledby') || '');
    out.push({
      key: f.dataset.draft,
      title: head ? head.textContent.trim() : '',
      values: controls.map((c) => ({ id: c.id, shape: c.tagName + c.type, value: c.value, checked: c.checked,
        caret: textual(c) ? [c.selectionStart, c.selectionEnd, c.scrollTop] : null })),
      // the box that had the focus; -1 another part of the form (a button
      // of it pressed, which busy() disabled: the focus fell to the body);
      // -2 none
      focus: f.contains(a) ? controls.indexOf(a)
        : (!a || a === document.body) && f.querySelector('[aria-busy="true"]') ? -1 : -2,
      text: draftText(f, controls),
    });
  }
  for (const k of ui.pane.querySelectorAll('.draft-kept')) if (k.draft) out.push(k.draft);
  // a refusal's text kept under its message (moveFailed): the next
  // message would replace it
  for (const t of ui.pane.querySelectorAll('.case-msg textarea.typed-kept')) {
    if (t.value.trim()) out.push({ kept: true, title: '', text: t.value });
  }
  return out;
}

// Opens each draft's form again in the redrawn pane of case v, with what
// was typed; one that cannot be sent any more is kept read-only. Returns
// the box that had the focus, put back, or null.
function draftsBack(list, v) {
  let typing = null;
  for (const d of list) {
    const opener = d.kept ? null : ui.pane.querySelector(`[data-opens="${CSS.escape(d.key)}"]`);
    let f = null;
    if (opener && !opener.disabled) {
      // the form's 取消 gives the focus back to what had it when it opened
      opener.focus({ preventScroll: true });
      opener.click();
      f = ui.pane.querySelector(`form[data-draft="${CSS.escape(d.key)}"]`);
    }
    if (!f) {
      if (d.text) keepDraft(d, v);
      continue;
    }
    const controls = [...f.querySelectorAll('input, textarea, select')].filter((c) => c.type !== 'hidden');
    // the same boxes in the same order (a redraw of the same case): each
    // by its place, which needs no stable id; else by id
    const same = controls.length === d.values.length && controls.every((c, i) => c.tagName + c.type === d.values[i].shape);
    const lost = [];
    d.values.forEach((x, i) => {
      const c = same ? controls[i] : controls.find((y) => x.id && y.id === x.id);
      if (!c) {
        if (x.caret && x.value.trim()) lost.push(x.value.trim());
        return;
      }
      if (i === d.focus) typing = c;
      if (c.type === 'checkbox' || c.type === 'radio') { c.checked = x.checked; return; }
      if (c.value !== x.value) {
        c.value = x.value;
        // a colleague list still on its way: chosen once it comes (work.js)
        if (c.tagName === 'SELECT' && c.value !== x.value) c.dataset.want = x.value;
        // as typed: a date box's offer of the next working day leaves it be
        c.dispatchEvent(new Event('input', { bubbles: true }));
      }
      if (x.caret) {
        try { c.setSelectionRange(x.caret[0], x.caret[1]); } catch { /* a box without a caret */ }
        c.scrollTop = x.caret[2];
      }
    });
    // the focus was on a button of the form (its 已补交): its text box
    if (d.focus === -1 && !typing) typing = controls.find(textual) || null;
    // a box the form drawn again no longer has: its text kept all the same
    if (lost.length) {
      keepDraft({ ...d, text: lost.join('\n'), said: `“${d.title}”重新打开后没有您写过的那一栏，那里写的内容没有放回去。` }, v);
    }
  }
  return typing;
}

// What was typed in a form that can no longer be sent, read-only under
// the forms with why, until closed: the staffer copies it into another
// move (a 不予受理's reason into 不予办理) or a call note.
function keepDraft(d, v) {
  const st = v.stages && v.stage !== null && v.stage !== undefined ? v.stages[v.stage] : null;
  const now = `办件现在是“${STATUS[v.status] || v.status}”${v.status === 'accepted' && st ? `，在「${st.label}」环节` : ''}`;
  // said once, when it was kept: the case may move on again after
  const said = d.said || (d.title ? `您在“${d.title}”里写的内容没有发出：${now}，这一项已经不能再提交。`
    : '您刚才写的内容没有保存。');
  const keep = { ...d, kept: true, said };
  const close = el('button', { type: 'button', class: 'btn btn-small' }, '不需要了，关掉');
  const card = el('section', { class: 'card inner-form draft-kept', role: 'note' },
    el('p', { class: 'msg-warn' }, said, '内容在下面，需要时可以复制再用：'),
    el('textarea', { class: 'typed-kept', rows: '3', readonly: true,
      'aria-label': d.title ? `“${d.title}”里写的、没有发出的内容` : '刚才写的内容（没有保存）' }, d.text),
    el('div', { class: 'btn-row' }, close));
  card.draft = keep;
  close.addEventListener('click', () => {
    card.remove();
    document.getElementById('case-h')?.focus();
  });
  ui.kept.append(card);
}

// An optional paper (如有) of case v in hand at the hall: 已收到 while the
// resident's tick is missing (handed over all the same: an elder passes
// 如有 by at the kiosk), 撤销 beside a record of it. Without it the
// receipt's 已收材料 and the back office never knew the hall had it.
// 没带 beside the resident's own tick (ticked, not brought: an elder who
// has the paper at home ticks it), and once recorded 已收到 (brought
// later) and its 撤销: the receipt listed such a paper as received.
function optionalPaper(v, it) {
  if (it.required || !it.applies || (v.status !== 'accepted' && v.status !== 'ready')) return null;
  const { show, failed } = moveCallbacks();
  if (!it.ticked) {
    const undo = notBroughtUndoButton(v, notBroughtRecord(v, it.id), () => ui.form, show, failed);
    return [' ', receivedButton(v, it, show, failed), ...(undo ? [' ', undo] : [])];
  }
  const rec = receivedRecord(v, it.id);
  const btn = rec ? withdrawButton(v, rec, () => ui.form, show, failed) : notBroughtButton(v, it, show, failed);
  return btn ? [' ', btn] : null;
}

function stepView(v, s, i) {
  const n = v.procedure_steps.filter((x, k) => k <= i && x.applicable).length;
  const state = !s.applicable ? el('span', { class: 'badge' }, '不适用')
    : s.done ? el('span', { class: 'badge badge-ok' }, '已完成') : el('span', { class: 'badge badge-warn' }, '未完成');
  const hid = 'step-h-' + i;
  return el('article', { class: 'step' + (s.applicable ? '' : ' not-applicable'), 'aria-labelledby': hid },
    el('h4', { id: hid }, s.applicable ? `第 ${n} 步 ${s.label} ` : `${s.label} `, state),
    // about the procedure, not this case: only its id, version and step go
    stepReport({ procedure: v.procedure, hash: v.hash, step: i, label: s.label }),
    s.staff_html ? el('div', { class: 'staff-guidance', role: 'note', 'aria-label': '窗口提示' },
      el('p', { class: 'staff-guidance-title' }, '窗口提示（居民看不到）'),
      el('div', { class: 'content', html: s.staff_html })) : null,
    s.checklist.length ? el('ul', { class: 'checklist' }, s.checklist.map((it) => el('li', {
      class: (it.ticked ? 'ticked' : it.applies ? 'unticked' : 'na') + (it.flagged ? ' flagged' : ''),
    },
    el('span', { class: 'mark', 'aria-hidden': 'true' }, it.ticked ? '✓' : it.applies ? '✗' : '–'),
    el('span', {}, it.text),
    // a paper brought after 容缺受理 was ticked by the window, not the resident
    el('span', { class: 'hint' }, !it.applies ? '（不适用）'
      : it.ticked ? (receivedRecord(v, it.id) ? (it.required ? '（已补交）' : '（窗口已收）') : '（已勾选）')
        : it.required ? '（未勾选，必须）' : notBroughtRecord(v, it.id) ? '（居民勾选了，没有带来）' : '（未勾选，如有）'),
    optionalPaper(v, it),
    it.flagged ? el('span', { class: 'badge badge-error' }, '已标为需补正') : null))) : null,
    s.fields.length ? el('table', { class: 'answers' },
      el('caption', { class: 'sr-only' }, `${s.label}：填写内容`),
      el('tbody', {}, s.fields.filter((f) => f.applies || f.value !== null).map((f) => el('tr', {
        class: f.flagged ? 'flagged' : undefined,
      },
      el('th', { scope: 'row' }, f.label),
      el('td', { class: 'value' }, f.value === null ? el('span', { class: 'hint' }, f.required ? '（未填写，必填）' : '（未填写）')
        : showValue(f, f.value, true) ?? '',
      f.flagged ? el('span', { class: 'badge badge-error' }, '已标为需补正') : null))))) : null,
    s.html ? el('details', {}, el('summary', {}, '居民看到的说明'), el('div', { class: 'content', html: s.html })) : null);
}

function history(v) {
  const { show, failed } = moveCallbacks();
  // a 补交 or 没带 record that still stands: its 撤销 (recorded by mistake)
  const standing = (e) => {
    const rec = e.what === 'received' ? receivedRecord(v, e.detail)
      : e.what === 'not_brought' ? notBroughtRecord(v, e.detail) : null;
    const btn = !rec || rec.at !== e.at ? null : e.what === 'received'
      ? withdrawButton(v, rec, () => ui.form, show, failed) : notBroughtUndoButton(v, rec, () => ui.form, show, failed);
    return btn ? [' ', btn] : [];
  };
  return el('section', { 'aria-labelledby': 'hist-h' },
    el('h3', { id: 'hist-h' }, '办件记录'),
    el('table', { class: 'history' },
      el('caption', { class: 'sr-only' }, '办件记录，先发生的在前'),
      el('thead', {}, el('tr', {}, ['时间', '事件', '经办人', '渠道', '步骤', '说明'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, v.events.map((e) => el('tr', {},
        el('td', {}, time(e.at, true)),
        // a web case is handed in to online pre-review, unless its event
        // says it took a ticket for the window ("ticket")
        el('td', {}, e.what === 'submitted' && e.channel === 'web' && !/^ticket/.test(e.detail || '')
          ? '提交网上预审' : WHAT[e.what] || e.what),
        // no staffer and not the resident: the daemon's own count (relay_recount)
        el('td', { title: e.user || undefined }, who(e.user) || (e.channel === 'calendar' ? '系统' : '居民')),
        el('td', {}, CHANNEL[e.channel] || e.channel || ''),
        el('td', {}, e.step === null || !v.procedure_steps[e.step] ? '' : v.procedure_steps[e.step].label),
        el('td', {}, eventDetail(v, e), ...standing(e)))))),
    v.events_truncated ? el('p', { class: 'hint' }, '记录太多，只列出最早的部分。') : null);
}

// ---- moves ----

// A move that failed: redraw first (the case moved on elsewhere, or the
// move was done and only its answer lost on the way), then say why: a
// message put in the old pane would go with it.
async function moveFailed(err, typed = '') {
  const lost = !err.status;
  const redrawn = movedOn(err) && await reloadCase();
  msg(ui.box, lost ? `${errorText(err)}（刚才的操作可能已经完成：请先看上面办件现在的状态，再决定是否重做）`
    : redrawn ? redrawnText(errorText(err)) : errorText(err));
  // the redraw took the form away with the reason or note typed into it
  if (typed) {
    ui.box.append(el('p', { class: 'hint' }, '您刚才写的内容没有保存，还在下面，需要时可以复制再用：'),
      el('textarea', { class: 'typed-kept', rows: '3', readonly: true, 'aria-label': '刚才写的内容（没有保存）' }, typed));
  }
}

// A refusal's words after the page redrew the case itself: the server's
// 「…，请刷新后再看」 is for a client that shows the case as it was (an API
// client), and the page has just done that refresh: it says so instead.
function redrawnText(text) {
  const bare = text.replace(/[，,；;。]?\s*请刷新后再看[。！]?$/, '');
  return bare === text ? text : `${bare}。页面已经自动刷新，上面是这件办件现在的状态`;
}

async function move(v, what, body, box) {
  let moved;
  const mine = paneSeq;
  try {
    moved = (await api(`/api/v1/staff/cases/${enc(v.id)}/${what}`, { method: 'POST', body })).body;
  } catch (err) {
    if (!paneStale(mine)) await moveFailed(err);
    return null;
  }
  if (paneStale(mine)) { refreshQueue(); return null; }
  clearCallNote();
  showCase(moved);
  refreshQueue();
  return moved;
}

async function callAgain(v) {
  let call;
  const mine = paneSeq;
  try {
    // the calls shown: a colleague's 叫下一个号 that took this number
    // meanwhile is 409, not a second window on the screen for one resident
    call = (await api(`/api/v1/staff/cases/${enc(v.id)}/call`,
      { method: 'POST', body: { ...callBody(), calls: v.calls || 0 } })).body;
  } catch (err) { if (!paneStale(mine)) await moveFailed(err); return; }
  if (paneStale(mine)) return;
  clearCallNote();
  await reloadCase();
  msg(ui.box, `已再次叫 ${call.ticket} 号（第 ${call.calls} 次）`, 'ok');
  refreshQueue();
}

// 转到其他窗口: the call screen says the ticket once at the window typed,
// whose staff page lists it as called there (docs/http-api.md, …/transfer);
// this PC's 本窗口号 stays as it is. The calls shown go with it: a
// colleague's call meanwhile is refused, not a second window on the screen.
function transferForm(v, box) {
  const input = el('input', { id: 'transfer-window', type: 'text', class: 'window-input', maxlength: '8',
    autocomplete: 'off', 'aria-describedby': 'transfer-hint' });
  const err = el('div', { role: 'alert' });
  const here = storedWindow();
  const form = el('form', { class: 'card inner-form', novalidate: true, 'aria-labelledby': 'transfer-h', 'data-draft': 'transfer' },
    el('h3', { id: 'transfer-h' }, `把 ${v.ticket} 号转到其他窗口`),
    el('label', { for: 'transfer-window' }, '转到几号窗口'),
    el('p', { class: 'hint', id: 'transfer-hint' },
      `例如 5。叫号屏会叫一次“请 ${v.ticket} 号到 5 号窗口”，那个窗口的页面会列出这个号。` +
      (here ? `本机的本窗口号（${windowName(here)}）不变。` : '')),
    input, err,
    el('div', { class: 'btn-row' },
      el('button', { type: 'submit', class: 'btn btn-primary' }, '转过去'),
      el('button', { type: 'button', class: 'btn', 'data-cancel': '' }, '取消')));
  submitMove(form, v, 'transfer', input, err, () => ({ window: input.value, calls: v.calls || 0 }), async (done) => {
    clearCallNote();
    await reloadCase();
    msg(ui.box, `已把 ${done.ticket} 号转到${windowName(done.called_window)}，叫号屏会叫一次，请居民过去`, 'ok');
    refreshQueue();
  });
  closable(form, () => box.replaceChildren());
  box.replaceChildren(form);
  input.focus();
}

// 受理 of a case with required fields left empty (handed in 材料不全 from
// its first steps: no name, no ID number) put it into the review chain
// with them empty for good: the receipt and the back office saw nothing
// (a review). The staffer is told what is empty and asked first; papers
// still missing are the window's call (容缺受理) and are not asked about.
async function accept(v, box, more = {}) {
  const empty = v.missing.fields.map((f) => f.label);
  if (empty.length && !window.confirm(`还有必填项没有填写：${empty.join('、')}。\n` +
    '受理后这些内容会一直空着，受理回执和后台审核都看不到。要先补上，请点“取消”，再点“退回补正”，和居民一起代为补正。\n\n确定仍然受理吗？')) return;
  // with this PC's window: a resident taken on without a call (过号后到场,
  // a hand-in at this desk) sits before its evaluator, which stops showing
  // the resident before (docs/http-api.md, "The window's evaluator")
  const m = await move(v, 'accept', { ...callBody(), ...more }, box);
  if (m && m.status === 'accepted') msg(ui.box, acceptedText(m), 'ok');
}

async function noShow(v, box) {
  if (!window.confirm(`确认 ${v.ticket} 号叫号未到？办件将移出等候队列。`)) return;
  await move(v, 'no-show', {}, box);
}

// Sends form's move `what` of case v with body(): after(the case as it
// now stands), or the refusal beside text. Done elsewhere or done already
// (its answer lost): the case as it stands, then the words; the form stays
// for a plain refusal.
function submitMove(form, v, what, text, err, body, after) {
  const mine = paneSeq;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(form.querySelector('[type=submit]'), async () => {
      let done;
      try {
        done = (await api(`/api/v1/staff/cases/${enc(v.id)}/${what}`, { method: 'POST', body: body() })).body;
      } catch (x) {
        if (paneStale(mine)) return;
        if (movedOn(x)) { await moveFailed(x, text.value.trim()); return; }
        msg(err, errorText(x));
        text.focus();
        return;
      }
      if (paneStale(mine)) { refreshQueue(); return; }
      // awaited: while it redraws the case the form is still being sent,
      // and is not opened again as a draft
      await after(done);
    });
  });
}

// 电话提醒 of a case on 等居民补正: nothing recorded it, so a colleague
// phoned the same elder again and the list could not say 已提醒. What was
// said is optional. The case's 最晚期限 stays: the call is not the
// resident's doing (…/remind).
function remindForm(v, box) {
  const text = el('input', { id: 'remind-note', type: 'text', maxlength: '100', autocomplete: 'off',
    'aria-describedby': 'remind-hint' });
  const err = el('div', { role: 'alert' });
  const form = el('form', { class: 'card inner-form', novalidate: true, 'aria-labelledby': 'remind-h', 'data-draft': 'remind' },
    el('h3', { id: 'remind-h' }, '记下已电话提醒居民'),
    el('label', { for: 'remind-note' }, '说了什么（可以不填）'),
    el('p', { class: 'hint', id: 'remind-hint' }, '例如：居民说周五带户口簿来；没人接听。最多 100 字。记下后，最晚期限不变。'),
    text, err,
    el('div', { class: 'btn-row' },
      el('button', { type: 'submit', class: 'btn btn-primary' }, '记下'),
      el('button', { type: 'button', class: 'btn', 'data-cancel': '' }, '取消')));
  submitMove(form, v, 'remind', text, err, () => ({ note: text.value }), (done) => {
    showCase(done);
    msg(ui.box, '已记下电话提醒', 'ok');
    refreshWork();
  });
  closable(form, () => box.replaceChildren());
  box.replaceChildren(form);
  text.focus();
}

function completeForm(v, box) {
  const cb = moveCallbacks();
  const text = el('textarea', { id: 'outcome', rows: '3', maxlength: '500' });
  const err = el('div', { role: 'alert' });
  const form = el('form', { class: 'card inner-form', novalidate: true, 'aria-labelledby': 'complete-h', 'data-draft': 'complete' },
    el('h3', { id: 'complete-h' }, '办结'), otherPostNote(v),
    owedNote(v, '办结前请确认居民已补交，并在办理结果里写明；还没有补交的，请先联系居民补交。',
      (x) => receivedButton(v, x, cb.show, cb.failed)),
    el('label', { for: 'outcome' }, '办理结果'),
    el('p', { class: 'hint' }, v.pickup
      ? '例如：审批通过，证件已送回社区。办结后办件转为“待领取”并列入待通知；居民来领取时再点“居民已领取”。最多 500 字。'
      : '例如：已办结，当场发放证件。最多 500 字。'),
    text, err,
    el('div', { class: 'btn-row' },
      el('button', { type: 'submit', class: 'btn btn-primary' }, '确认办结'),
      el('button', { type: 'button', class: 'btn', 'data-cancel': '' }, '取消')));
  submitMove(form, v, 'complete', text, err, () => ({ outcome: text.value, ...callBody() }), (done) => {
    showCase(done);
    // the evaluator offers it only when the resident is at the window
    // (the server's sitting: accepted today by this staffer, nobody else
    // called since); the view says where it did
    const offer = done.rating_offer;
    msg(ui.box, done.status === 'ready' ? '已办结，等待居民领取（已列入待通知）'
      : offer ? `已办结，请居民在${windowName(offer.window)}的评价器上评价` : '已办结', 'ok');
    refreshQueue();
  });
  closable(form, () => box.replaceChildren());
  box.replaceChildren(form);
  text.focus();
}

// 不予受理: the window finds at intake that the item cannot be taken on
// (a condition not met), so the case is refused without being accepted:
// no chain, no deadline, a 不予受理告知书 for the resident. What practice
// trains as "refuse" (网页模拟). The condition picked starts the reason.
// A case accepted once (returned while accepted, handed in again) keeps its
// stage: refusing it is 不予办理, as the server tells the resident and counts it.
function refuseWord(v) {
  return v.stage === null || v.stage === undefined ? '不予受理' : '不予办理';
}

function refuseForm(v, box) {
  const word = refuseWord(v);
  const text = el('textarea', { id: 'refuse-reason', rows: '3', maxlength: '500', 'aria-describedby': 'refuse-hint' });
  const cond = el('select', { id: 'refuse-condition' },
    el('option', { value: '' }, '（不选）'),
    v.conditions.map((c, i) => el('option', { value: String(i) }, `${i + 1}. ${c}`)));
  cond.addEventListener('change', () => {
    const c = v.conditions[Number(cond.value)];
    if (cond.value !== '' && c && !text.value.trim()) text.value = `不符合办理条件「${c}」。`;
  });
  const err = el('div', { role: 'alert' });
  // the item's staff guidance, read before a refusal that cannot be undone:
  // 低保's says the window never refuses on income (the survey decides),
  // yet a newcomer saw it only down in the steps, and the condition list
  // above offered 人均收入低于本市低保标准 to refuse on
  const guidance = (v.procedure_steps || []).filter((s) => s.staff_html);
  const form = el('form', { class: 'card inner-form', novalidate: true, 'aria-labelledby': 'refuse-h', 'data-draft': 'refuse' },
    el('h3', { id: 'refuse-h' }, word),
    guidance.length ? el('div', { class: 'staff-guidance', id: 'refuse-guidance', role: 'note', 'aria-label': '窗口提示' },
      el('p', { class: 'staff-guidance-title' }, `${word}前请先看本事项的窗口提示（居民看不到）：`),
      guidance.map((s) => el('div', { class: 'content', html: s.staff_html }))) : null,
    v.conditions.length ? [el('label', { for: 'refuse-condition' }, '不符合的办理条件'), cond] : null,
    el('label', { for: 'refuse-reason' }, '理由和依据'),
    el('p', { class: 'hint', id: 'refuse-hint' },
      `居民会在办件页面和${word}告知书上看到这段文字，请写明依据。缺材料或填错的请用“退回补正”。最多 500 字。`),
    text, err,
    el('div', { class: 'btn-row' },
      el('button', { type: 'submit', class: 'btn btn-danger' }, `确认${word}`),
      el('button', { type: 'button', class: 'btn', 'data-cancel': '' }, '取消')));
  submitMove(form, v, 'refuse', text, err, () => ({ reason: text.value, ...callBody() }), (done) => {
    clearCallNote();
    showCase(done);
    // at the home, on the B post's phone: no printer there (the notice is
    // laid out for the phone; the copy to sign is printed at the hall)
    msg(ui.box, document.body.classList.contains('visit-mode') && v.status === 'visit'
      ? `已决定${word}。请点“给居民看${word}告知书”，把手机给居民看，居民可以拍照保存；要居民签收的纸质告知书，回到大厅后在办件里打印。`
      : `已决定${word}，请打印${word}告知书交给居民`, 'ok');
    refreshQueue();
  });
  closable(form, () => box.replaceChildren());
  box.replaceChildren(form);
  (v.conditions.length ? cond : text).focus();
}

// A local date, days from today, as an <input type=date> takes it.
function dayText(days) {
  const d = new Date(Date.now() + clockOffset);
  d.setDate(d.getDate() + days);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

// 通知来大厅: the day the resident of a web case brings the originals (the
// server checks it: today to 90 days ahead), and what to tell them.
function inviteForm(v, box) {
  const date = el('input', { type: 'date', id: 'invite-date', min: dayText(0), max: dayText(90),
    value: v.invite ? v.invite.date : dayText(1), 'aria-describedby': 'invite-date-hint' });
  // a first invitation starts at the hall's next working day
  const offered = v.invite ? null : offerNextWorkingDay(date);
  const note = el('textarea', { id: 'invite-note', rows: '2', maxlength: '500', 'aria-describedby': 'invite-note-hint' });
  note.value = (v.invite && v.invite.note) || '';
  const err = el('div', { role: 'alert' });
  const form = el('form', { class: 'card inner-form', novalidate: true, 'aria-labelledby': 'invite-h', 'data-draft': 'invite' },
    el('h3', { id: 'invite-h' }, '通知居民带原件来大厅'),
    el('label', { for: 'invite-date' }, '来大厅的日期'),
    el('p', { class: 'hint', id: 'invite-date-hint' }, '今天起 90 天以内。居民在网上的办件页面会看到这个日期和要带的材料。'),
    date,
    el('label', { for: 'invite-note' }, '给居民的说明（选填）'),
    el('p', { class: 'hint', id: 'invite-note-hint' }, '例如：请带户口簿原件，上午 9 点后到 3 号窗口。最多 500 字。'),
    note, err,
    el('div', { class: 'btn-row' },
      el('button', { type: 'submit', class: 'btn btn-primary' }, '通知来大厅'),
      el('button', { type: 'button', class: 'btn', 'data-cancel': '' }, '取消')));
  const mine = paneSeq;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(form.querySelector('[type=submit]'), async () => {
      let invited;
      await offered;
      try {
        // the status and date shown: a colleague's invitation meanwhile is
        // 409, not a second date over the one they phoned the resident with
        invited = (await api(`/api/v1/staff/cases/${enc(v.id)}/invite`, { method: 'POST',
          body: { date: date.value, note: note.value, status: v.status, invite_date: v.invite ? v.invite.date : null } })).body;
      } catch (x) {
        if (paneStale(mine)) return;
        if (movedOn(x)) { await moveFailed(x, note.value.trim()); return; }
        msg(err, errorText(x));
        date.focus();
        return;
      }
      if (paneStale(mine)) { refreshQueue(); return; }
      showCase(invited);
      msg(ui.box, `已通知居民 ${invited.invite.date} 带原件来大厅`, 'ok');
      refreshQueue();
    });
  });
  closable(form, () => box.replaceChildren());
  box.replaceChildren(form);
  date.focus();
}

// The statuses a case may be returned from (the server's, docs/http-api.md).
const RETURNABLE = new Set(['waiting', 'accepted', 'prereview', 'invited', 'visit']);

// kept: {reason, ticked: Set of "kind:value"} to fill the form with (a
// return refused because a colleague moved the case, offered again).
function returnForm(v, box, kept = null) {
  // a web case in pre-review: the resident is at home and reads the reason
  // on the case page; a notice printed at once would be for nobody here
  // (打印补正告知单 stays on the case). Invited, they may be at the window.
  const atHome = v.status === 'prereview';
  // a case in visit: the B post is at the resident's home with a phone,
  // and no printer. The notice opened in a new tab there (and told them
  // to print it); the reason is said face to face, corrected on the spot
  // with 代为补正 where it can be, and the notice printed back at the hall
  const atDoor = v.status === 'visit';
  const reason = el('textarea', { id: 'return-reason', rows: '3', maxlength: '500',
    'aria-describedby': 'return-reason-hint' });
  const err = el('div', { role: 'alert' });
  const checks = [];
  const group = [];
  for (const s of v.procedure_steps.filter((x) => x.applicable)) {
    for (const it of s.checklist.filter((x) => x.applies)) {
      const id = 'flag-item-' + it.id;
      const cb = el('input', { type: 'checkbox', id, value: it.id, 'data-kind': 'checklist' });
      checks.push(cb);
      group.push(el('div', { class: 'check' }, cb, el('label', { for: id }, '材料：' + it.text)));
    }
    for (const f of s.fields.filter((x) => x.applies)) {
      const id = 'flag-field-' + f.key;
      const cb = el('input', { type: 'checkbox', id, value: f.key, 'data-kind': 'fields' });
      checks.push(cb);
      group.push(el('div', { class: 'check' }, cb, el('label', { for: id }, '填写：' + f.label)));
    }
  }
  const form = el('form', { class: 'card inner-form', novalidate: true, 'aria-labelledby': 'return-h', 'data-draft': 'return' },
    el('h3', { id: 'return-h' }, '退回补正'),
    el('label', { for: 'return-reason' }, '退回原因'),
    el('p', { class: 'hint', id: 'return-reason-hint' }, atHome
      ? '居民会在网上的办件页面看到这段话，在家改好后重新提交。请一次说清楚全部问题。最多 500 字。'
      : atDoor ? '请当面告诉居民要补正什么；这段话会记在办件上，也印在补正告知单上。请一次说清楚全部问题。最多 500 字。'
      : '居民会在自助机和补正告知单上看到这段话。请一次说清楚全部问题。最多 500 字。'),
    reason,
    group.length ? el('fieldset', {}, el('legend', {}, '标出缺少或有误的内容（选填，居民要重新办理这些步骤）'), group) : null,
    err,
    el('div', { class: 'btn-row' },
      el('button', { type: 'submit', class: 'btn btn-danger' }, atHome || atDoor ? '退回补正' : '退回并打印补正告知单'),
      el('button', { type: 'button', class: 'btn', 'data-cancel': '' }, '取消')));
  if (kept) {
    reason.value = kept.reason;
    for (const cb of checks) cb.checked = kept.ticked.has(cb.dataset.kind + ':' + cb.value);
  }
  const mine = paneSeq;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(form.querySelector('[type=submit]'), async () => {
      // the status read: a colleague's 受理 meanwhile is 409, not undone;
      // and the stage read: a colleague's pass meanwhile is 409 too
      // the desk's window (ours): a case waiting for the B post returned
      // at a desk is not returned 在居民家中 (the phone has none)
      const body = { reason: reason.value, status: v.status, fields: [], checklist: [], ...callBody() };
      if (v.status === 'accepted') body.stage = stageSeen(v);
      for (const cb of checks) if (cb.checked) body[cb.dataset.kind].push(cb.value);
      let returned;
      try {
        returned = (await api(`/api/v1/staff/cases/${enc(v.id)}/return`, { method: 'POST', body })).body;
      } catch (x) {
        if (paneStale(mine)) return;
        if (!movedOn(x)) { msg(err, errorText(x)); reason.focus(); return; }
        // a colleague moved the case meanwhile (受理, a pass): the refusal
        // said to look at the case as it is now, and the page still showed
        // it as it was. Redrawn; where it can still be returned the form
        // comes back with the reason and the marks, for the staffer to
        // send again or cancel after looking
        const again = { reason: reason.value,
          ticked: new Set(checks.filter((cb) => cb.checked).map((cb) => cb.dataset.kind + ':' + cb.value)) };
        if (x.status === 409 && await reloadCase() && current.id === v.id && RETURNABLE.has(current.status)) {
          msg(ui.box, redrawnText(errorText(x)));
          returnForm(current, ui.form, again);
          return;
        }
        await moveFailed(x, again.reason.trim());
        return;
      }
      // the notice is printed at once, in its own tab, for the resident to take
      if (!atHome && !atDoor) window.open(`/print/staff/cases/${enc(v.id)}/correction`, '_blank', 'noopener');
      // returned at a back-office stage of a case a colleague answers for:
      // the resident is seldom here, and this staffer's 等居民补正 does not
      // list it (the owner's does). The message said only to hand the
      // notice to the resident, and a newcomer at the 残联 post waited for
      // a list that never showed it
      const owner = returned.owner || v.owner;
      const elsewhere = !!owner && owner !== (currentSession() || {}).user;
      if (paneStale(mine)) { refreshQueue(); return; }
      showCase(returned);
      msg(ui.box, atHome ? '已退回。居民在网上的办件页面会看到退回原因和要补正的内容；需要纸质告知单时可以点“打印补正告知单”。'
        : atDoor && document.body.classList.contains('visit-mode')
          ? '已退回。能当场改的，点“代为补正”和居民一起改好，再提交上门办理；要居民另找材料的，点“给居民看补正告知单”，'
            + '把手机给居民看，居民可以拍照保存、照着准备；要纸质告知单的，回到大厅后在办件里打印。'
        : atDoor ? '已退回。能当场改的，点“代为补正”和居民一起改好，再提交上门办理；要居民另找材料的，补正告知单回大厅后点“打印补正告知单”打印。'
        : elsewhere ? `已退回。补正告知单已在新标签页打开：居民在跟前的，打印后交给居民；不在的（后台审核时），打印后交给 ${who(owner)}，`
          + `居民也可以到综合窗口领取。这件办件由 ${who(owner)} 负责（首问负责），列在 ${who(owner)} 的“等居民补正”里，由 ${who(owner)} 电话提醒居民。`
          : '已退回。补正告知单已在新标签页打开，请打印后交给居民；也可以点“打印补正告知单”。', 'ok');
      refreshQueue();
    });
  });
  closable(form, () => box.replaceChildren());
  box.replaceChildren(form);
  reason.focus();
}

// ---- a case started at the window ----

async function loadProcedures() {
  let list;
  try {
    list = (await api('/api/v1/procedures')).body;
  } catch (err) {
    // said at once: an empty select would have 开始填写 ask for a choice
    // that cannot be made
    msg(ui.startMsg, `事项列表没有载入：${errorText(err)}，请刷新页面`);
    return;
  }
  for (const p of list.procedures.filter((x) => x.kind === 'procedure'))
    ui.startSelect.append(el('option', { value: p.id }, p.title));
}

async function startAtWindow() {
  msg(ui.startMsg, '');
  if (!ui.startSelect.value) { msg(ui.startMsg, '请先选择事项'); ui.startSelect.focus(); return; }
  let started;
  try {
    started = (await api('/api/v1/staff/cases', { method: 'POST', body: { procedure: ui.startSelect.value, ...callBody() } })).body;
  } catch (err) { msg(ui.startMsg, errorText(err)); return; }
  ui.startSelect.value = '';
  await fillCase(started.id);
}

// What a fill form says when the network fails under it: the step may or
// may not have reached the server, what was typed is still in the boxes,
// and every step saved before is kept on the server. The B post fills in
// at a home, on a phone whose network comes and goes; 连接不上服务器 alone
// left them wondering what was lost.
function fillFailText(x, what) {
  if (!(x instanceof ApiError) || x.kind !== 'network') return errorText(x);
  return `连接不上服务器，${what}可能还没有保存。填写的内容还在上面，没有丢；网络恢复后再点一次（重复提交不会出错）。` +
    '前面已经保存的步骤都在服务器上。';
}

// Where a case returned at the resident's home (上门服务) is handed in again
// once corrected there: the visit it was asked with ({address, phone}, the
// staff view's), for an item still done at home; null otherwise.
function homeVisit(sv, p) {
  const x = sv && sv.visit;
  if (!x || !x.address || !x.phone || !(p.meta && p.meta.visit === 'yes')) return null;
  return { address: x.address, phone: x.phone };
}

// 窗口接办: a case started from home, its resident at the desk with the ID
// card and without the link (or after its idle day ran out). The same
// case goes on through the resident's routes, what they typed kept; the
// link itself is never shown here (weblink.js). Handed in from this form,
// it takes a ticket at this window, as a 代填 does.
async function takeUp(v, box) {
  try {
    // with this PC's window: the resident sits before its evaluator,
    // which stops showing the one before (as at 受理 without a call)
    await api(`/api/v1/staff/cases/${enc(v.id)}/take-up`, { method: 'POST', body: callBody() });
  } catch (x) {
    moveCallbacks().failed(x);
    return;
  }
  refreshQueue();
  await fillCase(v.id, null, { box, before: '已接着办：居民在网上填写的内容都在。' });
}

// The fill-in form of a window case: the conditions, then one step at a
// time (the current one, or an earlier one to correct), then submission.
// box: where a failure to load it is said (the form or case on show; by
// default the 窗口代填 form's), after `before` (what was done already).
async function fillCase(id, stepWanted = null, { box = null, before = '' } = {}) {
  let c, p;
  const mine = ++paneSeq;
  clearCallNote();
  try {
    c = (await api('/api/v1/cases/' + enc(id))).body;
    // the steps of the version the case was started on: the live one may
    // have changed (any admin save) or been retired since, and the case
    // still finishes on its own version, as the kiosk's does (case.js)
    try {
      p = (await api('/api/v1/procedures/' + enc(c.procedure))).body;
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
      p = null;
    }
    if (!p || p.hash !== c.hash) p = (await api('/api/v1/cases/' + enc(id) + '/procedure')).body;
  } catch (err) {
    // said where the staffer looks: a step saved and the next one not
    // loaded (the network dropped) said it in the 窗口代填 form, which a
    // phone does not show, and the page seemed to ignore the tap
    if (!paneStale(mine)) {
      msg(box || ui.startMsg, before + (err instanceof ApiError && err.kind === 'network'
        ? '连接不上服务器，下一屏没有载入。网络恢复后再点一次。' : errorText(err)));
    }
    return;
  }
  // the resident's route masks ID numbers; the window's view has them in
  // full, so a step done again need not be typed again from the card
  const full = {};
  // started at a window with a staff session: the one kind 放弃 may delete
  let startedBy = '', home = null;
  try {
    const sv = (await api('/api/v1/staff/cases/' + enc(id))).body;
    for (const s of sv.procedure_steps) for (const f of s.fields) if (f.value !== null) full[f.key] = f.value;
    startedBy = sv.created_by || '';
    if (c.status === 'returned') home = homeVisit(sv, p);
  } catch { /* then the masked ones are typed again */ }
  if (paneStale(mine)) return;
  draftsAside();
  current = null;
  const err = el('div', { role: 'alert', class: 'fill-errors' });
  const heading = el('h2', { id: 'case-h', tabindex: '-1' },
    `${c.status === 'returned' ? '代为补正' : c.channel === 'web' ? '窗口接着办' : '窗口代填'} · ${p.title}`);
  const nav = el('div', { class: 'btn-row' }, c.applicable.filter((n) => c.done.includes(n) || n === c.step).map((n) =>
    el('button', { type: 'button', class: 'btn btn-small', onClick: () => fillCase(id, n, { box: err }),
      'aria-current': (stepWanted ?? c.step) === n ? 'step' : undefined },
    `第 ${c.applicable.indexOf(n) + 1} 步`)));
  const body = [];
  if (!c.conditions_confirmed && p.conditions.length) {
    const boxes = p.conditions.map((t, i) => el('input', { type: 'checkbox', id: 'cond-' + i }));
    const form = el('form', { class: 'fill-form', novalidate: true, 'aria-labelledby': 'fill-h' },
      el('h3', { id: 'fill-h' }, '核实办理条件'),
      el('fieldset', {}, el('legend', {}, '已向居民核实，符合以下条件：'),
        p.conditions.map((t, i) => el('div', { class: 'check' }, boxes[i], el('label', { for: 'cond-' + i }, t)))),
      err, el('div', { class: 'btn-row' }, el('button', { type: 'submit', class: 'btn btn-primary' }, '确认条件')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      busy(form.querySelector('[type=submit]'), async () => {
        for (const b of boxes) b.removeAttribute('aria-invalid');
        // the ticks sent stay the ones shown until the server has them
        // (core.js holdInputs), and until the next screen replaces them
        const giveBack = holdInputs(form);
        try {
          await api(`/api/v1/cases/${enc(id)}/conditions`,
            { method: 'POST', body: { confirmed: boxes.map((b) => b.checked) } });
        } catch (x) {
          giveBack();
          const unmet = x.status === 422 && Array.isArray(x.body?.unmet) ? x.body.unmet.filter((i) => boxes[i]) : [];
          if (!unmet.length) { msg(err, fillFailText(x, '办理条件')); return; }
          // the server's words are the resident's (请到综合窗口咨询, to the
          // staffer at that window) and name no condition: these do
          for (const i of unmet) boxes[i].setAttribute('aria-invalid', 'true');
          err.replaceChildren(el('div', { class: 'msg-error' },
            el('p', {}, '以下办理条件没有勾选。请向居民核实；不符合的不能办理，请向居民说明：'),
            el('ul', {}, unmet.map((i) => el('li', {}, p.conditions[i])))));
          boxes[unmet[0]].focus();
          return;
        }
        try {
          await fillCase(id, null, { box: err, before: '办理条件已确认。' });
        } finally {
          if (form.isConnected) giveBack();
        }
      });
    });
    body.push(form);
  } else {
    const n = stepWanted ?? c.step;
    if (n < c.steps) body.push(stepForm(id, c, p, n, err, full));
    else {
      // corrected at the resident's home: handed in again as today's visit,
      // not into the hall's queue with a ticket an elder who cannot come
      // would never use; the case view then offers 已上门办理. Only on the
      // B post's phone (/staff#visits), which is at the home: at a window
      // PC the resident is at the window, and the hall's hand-in comes
      // first (it calls a booked visit off, window_hand_in); handed in for
      // a visit from there, a booked day still ahead is kept as booked,
      // not moved to today's list behind the elder's back
      const atHome = document.body.classList.contains('visit-mode');
      const vb = home && c.visit_booked && !c.visit_booked.past ? c.visit_booked : null;
      const keep = !atHome && vb ? vb : null;
      const submit = el('button', { type: 'button', class: home && atHome ? 'btn' : 'btn btn-primary', id: 'fill-submit' }, '提交并取号');
      const visitBtn = home ? el('button', { type: 'button', class: atHome ? 'btn btn-primary' : 'btn', id: 'fill-submit-visit' },
        keep ? `提交，按预约上门办理（${keep.date} ${keep.slot}）` : '提交，在居民家中办理') : null;
      const send = (btn, body, said) => btn.addEventListener('click', () => busy(btn, async () => {
        let sent;
        try {
          sent = (await api(`/api/v1/cases/${enc(id)}/submit`, { method: 'POST', body })).body;
        } catch (x) {
          // handed in already (the answer of an earlier press lost on a
          // dropped network): the case as it stands, not the form
          if (x instanceof ApiError && x.status === 409 && x.code === 'already_submitted') {
            await openByKey(id);
            msg(ui.box, '这件办件已经提交过了（可能是刚才网络断开前那一次），下面是它现在的状态。');
            refreshQueue();
            return;
          }
          msg(err, fillFailText(x, '提交'));
          return;
        }
        await openByKey(id);
        msg(ui.box, said(sent), 'ok');
        refreshQueue();
        // off (or onto) the day's 上门服务 list at once
        if (home) refreshVisits();
      }));
      send(submit, {}, (sent) => `已提交，排队号 ${sent.ticket}${vb ? `。预约的 ${vb.date} ${vb.slot} 上门补正已取消` : ''}`);
      if (visitBtn) {
        send(visitBtn, { visit: { date: keep ? keep.date : dayFrom(0),
          slot: keep ? keep.slot : new Date(serverNow()).getHours() < 12 ? '上午' : '下午',
          address: home.address, phone: home.phone } },
        () => keep ? `已提交，等 ${keep.date} ${keep.slot} 按预约上门。B岗到居民家中核对无误后点“已上门办理”受理。`
          : '已提交为今天的上门办件。核对无误后点“已上门办理”，在居民家中受理。');
      }
      // an item done at home, no visit asked yet (an elder who phoned the
      // hall, or the B post filling it in at the home): booked here, as the
      // resident's own form books it, instead of a ticket nobody will use
      const ask = !home && p.meta && p.meta.visit === 'yes' ? visitAskPart(id, c, p, full) : null;
      const offOrKept = vb ? `预约的 ${vb.date} ${vb.slot} 上门补正随之取消，B岗不再上门` : '';
      const hallText = '核对无误后提交；提交后在左侧“等候中”出现（同事叫号时会跳过它），可以直接受理。';
      let said = el('p', {}, hallText);
      if (home && atHome) {
        said = el('p', {}, `在居民家中改好的，点“提交，在居民家中办理”：办件回到今天的上门列表（${home.address}），` +
          `再点“已上门办理”受理，不取号${vb && vb.date !== dayFrom(0) ? `（预约的 ${vb.date} ${vb.slot} 改为今天）` : ''}。` +
          `居民改到大厅办理的，点“提交并取号”${offOrKept ? `（${offOrKept}）` : ''}。`);
      } else if (home) {
        said = el('p', {}, `居民在窗口的，点“提交并取号”${offOrKept ? `：${offOrKept}` : ''}。${hallText}`,
          el('br'), keep
            ? `仍要B岗上门受理的（居民不在窗口），点“提交，按预约上门办理”：预约保留，办件等 ${keep.date} ${keep.slot} ` +
              `上门（${home.address}），B岗在居民家中点“已上门办理”受理，不取号。`
            : `仍要B岗上门受理的（居民不在窗口），点“提交，在居民家中办理”：办件转入今天的上门列表（${home.address}），` +
              'B岗在居民家中点“已上门办理”受理，不取号。');
      }
      body.push(el('div', { class: 'fill-form' }, el('h3', { id: 'fill-h' }, '全部填写完成'), said, err,
        el('div', { class: 'btn-row' }, ...(atHome ? [visitBtn, submit] : [submit, visitBtn]), ask && ask.button), ask && ask.form));
    }
  }
  const note = returnedNote(c, p);
  // an item picked by mistake: gone at once rather than listed for a day
  if (c.status === 'open' && startedBy) nav.append(discardOrWhose(id, startedBy, err));
  // replaceChildren writes a null as the text "null": leave it out
  ui.pane.replaceChildren(...[heading, note, nav].filter(Boolean), ...body);
  heading.focus();
}

// The first answer of the case for a field pred picks, in full (the staff
// view's, else the resident's route's unless masked): '' when none. The
// address and phone typed in the steps, so nobody types them twice (as the
// resident's visit form does, visit.js).
function answeredFor(c, p, full, pred) {
  for (const s of p.steps) {
    for (const f of s.fields) {
      const v = f.key in full ? full[f.key] : (c.values || {})[f.key];
      if (pred(f) && typeof v === 'string' && v && !/\*/.test(v)) return v;
    }
  }
  return '';
}

// 预约上门办理 on the last screen of a 代填 of a `visit: yes` item: the day
// (today to 30 days; it starts at the hall's next working day, today for a
// visit made now), the half-day, the address and phone, each refusal of the
// server beside its box. Sent, the case waits in the B post's list (no
// ticket) and the case view opens. {button, form}.
function visitAskPart(id, c, p, full) {
  const date = el('input', { type: 'date', id: 'ask-visit-date', min: dayFrom(0), max: dayFrom(30),
    value: dayFrom(1), 'aria-describedby': 'ask-visit-date-hint ask-visit-date-err' });
  const offered = offerNextWorkingDay(date, { keep: true });
  const slot = el('select', { id: 'ask-visit-slot', 'aria-describedby': 'ask-visit-slot-err' },
    el('option', { value: '' }, '（请选择）'), el('option', { value: '上午' }, '上午'), el('option', { value: '下午' }, '下午'));
  const address = el('input', { id: 'ask-visit-address', autocomplete: 'off', maxlength: '200',
    'aria-describedby': 'ask-visit-address-err' });
  address.value = answeredFor(c, p, full, (f) => /地址|住址/.test(f.label) || /address/.test(f.key));
  const phone = el('input', { id: 'ask-visit-phone', autocomplete: 'off', inputmode: 'tel',
    'aria-describedby': 'ask-visit-phone-err' });
  phone.value = answeredFor(c, p, full, (f) => f.type === 'cn_mobile' || f.type === 'phone');
  const boxes = { date, slot, address, phone };
  const errs = Object.fromEntries(Object.keys(boxes).map((k) =>
    [k, el('p', { class: 'field-error', id: `ask-visit-${k}-err` })]));
  const say = el('div', { role: 'alert' });
  const row = (k, label, hint) => el('div', { class: 'field' }, el('label', { for: boxes[k].id }, label),
    hint ? el('p', { class: 'hint', id: 'ask-visit-date-hint' }, hint) : null, boxes[k], errs[k]);
  const form = el('form', { class: 'card inner-form', id: 'ask-visit', novalidate: true, hidden: true,
    'aria-labelledby': 'ask-visit-h' },
  el('h3', { id: 'ask-visit-h' }, '预约上门办理'),
  el('p', { class: 'hint' }, '居民来不了大厅的，由上门服务（B岗）到家里核对原件并受理，不取号。在居民家中当场办理的，日期选今天。'),
  row('date', '上门日期', '今天起 30 天以内，先和居民约好。'), row('slot', '上门时段'),
  row('address', '上门地址'), row('phone', '联系电话（手机或座机）'), say,
  el('div', { class: 'btn-row' }, el('button', { type: 'submit', class: 'btn btn-primary' }, '确认预约上门'),
    el('button', { type: 'button', class: 'btn', 'data-cancel': '' }, '取消')));
  const button = el('button', { type: 'button', class: 'btn', id: 'fill-ask-visit', 'aria-expanded': 'false',
    'aria-controls': 'ask-visit' }, '预约上门办理');
  const toggle = (open) => {
    form.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    (open ? date : button).focus();
  };
  button.addEventListener('click', () => toggle(form.hidden));
  form.querySelector('[data-cancel]').addEventListener('click', () => toggle(false));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(form.querySelector('[type=submit]'), async () => {
      await offered;
      for (const k of Object.keys(boxes)) { errs[k].textContent = ''; boxes[k].removeAttribute('aria-invalid'); }
      msg(say, '');
      const visit = { date: date.value, slot: slot.value, address: address.value, phone: phone.value };
      try {
        await api(`/api/v1/cases/${enc(id)}/submit`, { method: 'POST', body: { visit } });
      } catch (x) {
        const bad = x instanceof ApiError && x.status === 422 && x.body && x.body.fields ? x.body.fields : null;
        if (bad) {
          for (const [k, m] of Object.entries(bad)) {
            if (!errs[k]) continue;
            errs[k].textContent = m;
            boxes[k].setAttribute('aria-invalid', 'true');
          }
          msg(say, x.serverMessage || errorText(x));
          form.querySelector('[aria-invalid="true"]')?.focus();
          return;
        }
        if (x instanceof ApiError && x.status === 409 && x.code === 'already_submitted') {
          await openByKey(id);
          msg(ui.box, '这件办件已经提交过了（可能是刚才网络断开前那一次），下面是它现在的状态。');
          refreshQueue();
          return;
        }
        msg(say, fillFailText(x, '预约'));
        return;
      }
      await openByKey(id);
      msg(ui.box, `已预约上门：${visit.date} ${visit.slot}，办件在“上门服务”列表里（不取号）。` +
        (visit.date === dayFrom(0) ? '在居民家中的，核对无误后点“已上门办理”受理。' : ''), 'ok');
      refreshQueue();
    });
  });
  return { button, form };
}

// 放弃 is the starter's or an admin's (the server's rule: the resident may
// be at the starter's desk typing): a colleague's page says whose it is
// instead of a button the server refuses.
function discardOrWhose(id, startedBy, err) {
  const s = currentSession();
  if (s && (s.user === startedBy || s.role === 'admin')) return discardButton(id, err);
  return el('span', { class: 'hint', id: 'discard-whose' },
    `这件代填是 ${who(startedBy)} 开始填写的，居民可能正在那个窗口；只有 ${who(startedBy)} 或管理员可以放弃`);
}

// 放弃这件代填: a case started at the window and never handed in is
// deleted with what was typed (the server refuses any other); the pane
// goes back to its hint. Refusals are said in err.
function discardButton(id, err) {
  const btn = el('button', { type: 'button', class: 'btn btn-small btn-danger', id: 'discard' }, '放弃这件代填');
  btn.addEventListener('click', () => busy(btn, async () => {
    if (!window.confirm('确定放弃这件代填吗？已经填写的内容会删除，不能恢复。')) return;
    const mine = ++paneSeq;
    try {
      await api(`/api/v1/staff/cases/${enc(id)}/discard`, { method: 'POST', body: {} });
    } catch (x) {
      if (!paneStale(mine)) msg(err, errorText(x));
      return;
    }
    refreshQueue();
    if (paneStale(mine)) return;
    current = null;
    const done = el('div', { role: 'status' });
    ui.pane.replaceChildren(done, el('p', { class: 'hint' }, '请在左侧扫码或输入排队号打开办件，或点“叫下一个号”。'));
    msg(done, '已放弃这件代填，填写的内容已删除', 'ok');
  }));
  return btn;
}

// What the return asked to correct, above the form of a returned case.
function returnedNote(c, p) {
  if (c.status !== 'returned') return null;
  const marked = c.returned_items || { fields: [], checklist: [] };
  const names = [];
  for (const s of p.steps) {
    for (const it of s.checklist) if (marked.checklist.includes(it.id)) names.push('材料：' + it.text);
    for (const f of s.fields) if (marked.fields.includes(f.key)) names.push('填写：' + f.label);
  }
  return el('div', { class: 'flagged returned-note', id: 'returned-note' },
    el('p', {}, el('strong', {}, '退回原因：'), c.returned_reason || ''),
    names.length ? el('ul', {}, names.map((x) => el('li', {}, x))) : null);
}

function stepForm(id, c, p, n, err, full) {
  const s = p.steps[n];
  const values = Object.assign({}, c.values);
  const ticks = [];     // [item id, checkbox]
  const answers = [];   // [field key, read()]
  const items = s.checklist.filter((it) => holds(it.if, values)).map((it) => {
    const cb = el('input', { type: 'checkbox', id: 'item-' + it.id });
    cb.checked = !!(c.checklist || {})[it.id];
    ticks.push([it.id, cb]);
    return el('div', { class: 'check' }, cb, el('label', { for: 'item-' + it.id }, it.text + (it.required ? '' : '（如有）')));
  });
  const fields = s.fields.filter((f) => holds(f.if, values)).map((f) => {
    const v = c.values[f.key];
    const known = f.key in full ? full[f.key] : v !== undefined && !/\*/.test(v) ? v : '';
    const { node, read } = renderField(f, { id: 'field-' + f.key, value: known, desk: true });
    answers.push([f.key, read]);
    return node;
  });
  const form = el('form', { class: 'fill-form', novalidate: true, 'aria-labelledby': 'fill-h' },
    el('h3', { id: 'fill-h' }, `第 ${c.applicable.indexOf(n) + 1} 步 · ${stepLabel(s.title)}`),
    items.length ? el('fieldset', {}, el('legend', {}, '核对材料（已收到的请勾选）'), items) : null,
    fields, err,
    el('div', { class: 'btn-row' }, el('button', { type: 'submit', class: 'btn btn-primary' }, '保存这一步')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(form.querySelector('[type=submit]'), async () => {
      const body = { checklist: {}, fields: {} };
      for (const [key, cb] of ticks) body.checklist[key] = cb.checked;
      for (const [key, read] of answers) {
        const v = read();
        if (v !== undefined) body.fields[key] = v;
      }
      for (const p2 of form.querySelectorAll('.field-error')) p2.textContent = '';
      for (const bad of form.querySelectorAll('[aria-invalid]')) bad.removeAttribute('aria-invalid');
      // the ticks and answers sent stay the ones shown until the server has
      // them (core.js holdInputs): one changed meanwhile showed beside a
      // step saved without it, and until the next step replaces the form
      const giveBack = holdInputs(form);
      try {
        await api(`/api/v1/cases/${enc(id)}/steps/${n}`, { method: 'POST', body });
      } catch (x) {
        giveBack();
        const r = x.body || {};
        if (x.status === 422 && r.fields) {
          const lines = [];
          for (const [k, m] of Object.entries(r.fields)) {
            const pe = document.getElementById('field-' + k + '-err');
            if (pe) pe.textContent = m;
            document.getElementById('field-' + k)?.setAttribute('aria-invalid', 'true');
            lines.push(m);
          }
          for (const itId of r.checklist || []) {
            const it = s.checklist.find((y) => y.id === itId);
            if (it) lines.push('未勾选：' + it.text);
            document.getElementById('item-' + itId)?.setAttribute('aria-invalid', 'true');
          }
          err.replaceChildren(el('div', { class: 'msg-error' }, el('p', {}, x.serverMessage),
            el('ul', {}, lines.map((l) => el('li', {}, l)))));
          // 保存这一步 was disabled while the step went out, which sent the
          // focus to the page's body: a keyboard staffer would Tab from the
          // top to what needs fixing. The first part refused, in form order.
          form.querySelector('[aria-invalid="true"]')?.focus();
          return;
        }
        msg(err, fillFailText(x, '这一步'));
        return;
      }
      try {
        await fillCase(id, null, { box: err, before: '这一步已保存。' });
      } finally {
        // a redraw that threw must not leave the form held for good
        if (form.isConnected) giveBack();
      }
    });
  });
  return form;
}

if (typeof document !== 'undefined' && document.getElementById('main')) {
  start();
  offerNewerBuild(import.meta.url);
}
