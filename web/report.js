// The day's report (/admin/report, 日报日清): a date picker, the staff
// table with its totals, the day's figures, a CSV download and 打印 (the
// print stylesheet fits it on one A4 page).
import { el } from './core.js';
import { api, ApiError, serverNow } from './api.js';
import { ensureLogin, errorText, sessionBadge } from './auth.js';
import { offerNewerBuild } from './fresh.js';

const COLS = [
  ['called', '叫号'], ['accepted', '受理'], ['passed', '流转'], ['completed', '办结'],
  ['returned', '退回补正'], ['rejected', '不予办理'], ['visits', '上门服务'], ['followups', '回访'],
  ['handed_out', '发放'], ['refused', '不予受理'],
  // ours, the page's only (the CSV's staff table keeps its columns): the
  // reminder calls to residents owing 补正
  ['reminded', '电话提醒补正'],
];
const SCORES = ['1 分 非常不满意', '2 分 不满意', '3 分 基本满意', '4 分 满意', '5 分 非常满意'];

function num(n) {
  return el('td', { class: 'num' }, String(n));
}

function usersTable(data) {
  const totals = COLS.map(([k]) => data.users.reduce((a, u) => a + u[k], 0));
  return el('table', { class: 'report', id: 'users' },
    el('caption', {}, `工作人员办件情况（${data.date}）`),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, '工作人员'),
      COLS.map(([, name]) => el('th', { scope: 'col', class: 'num' }, name)))),
    el('tbody', {}, data.users.length
      ? data.users.map((u) => el('tr', {}, el('th', { scope: 'row', title: u.user }, u.display || u.user),
        COLS.map(([k]) => num(u[k]))))
      : el('tr', {}, el('td', { colspan: COLS.length + 1, class: 'hint' }, '这一天没有工作人员办件记录。'))),
    el('tfoot', {}, el('tr', {}, el('th', { scope: 'row' }, '合计'), totals.map((n) => num(n)))));
}

function rateText(data) {
  if (!data.finished) return '—（当日没有办结的件）';
  return `${(data.on_time_rate * 100).toFixed(1)}%（${data.on_time} / ${data.finished} 件）`;
}

// Complaints (差评整改) opened by a rating 满意率 leaves out (a staff
// session's, a case never handed in): owed all the same, said so that 差评
// here and the counted ratings below do not read as a contradiction.
function apartComplaints(f) {
  return f.complaints_apart ? `，其中 ${f.complaints_apart} 件由不计入满意率的评价引起` : '';
}

function dayTable(data) {
  const rows = [
    ['自助机开始办理', `${data.channels.kiosk} 件`],
    ['窗口开始办理', `${data.channels.window} 件`],
    ['网上开始办理', `${data.channels.web} 件`],
    ['逾期未办结（当日结束时）', `${data.overdue} 件`],
    // the day's own hand-ins only (report.c): an older ticket still
    // unserved is not in it, and a manager read it as the whole queue
    ['当天取号、下班时仍在等候', `${data.waiting_at_close} 件`],
    ['按期办结率', rateText(data)],
    // what the hall still owes residents at the day's end, done or not by
    // whom: the staff table's 回访 is the call-backs made that day
    data.followups_owed ? ['待回访（当日结束时）', `${data.followups_owed.open} 件（已超期 ${data.followups_owed.overdue}，` +
      `差评整改 ${data.followups_owed.complaints}${apartComplaints(data.followups_owed)}` +
      // tried without reaching the resident, another day's call (followup.h)
      `${data.followups_owed.retrying ? `；联系不上、改天再打 ${data.followups_owed.retrying} 件` : ''}）`] : null,
    // today's only (visits_owed is null on another day): the B post's
    // visits nobody recorded, from the cases as they stand
    data.visits_owed ? ['上门服务未办（现在）', `已过约定日期 ${data.visits_owed.missed} 件，今天约定 ${data.visits_owed.today} 件`] : null,
    // what residents owe after a return (补正): today's from the cases as
    // they stand, the day's losses from its events (any day)
    data.corrections_owed ? ['等居民补正（现在）', `退回未交回 ${data.corrections_owed.returned} 件，` +
      `补正后叫号未到 ${data.corrections_owed.no_show} 件（一个工作日内将放弃 ${data.corrections_owed.ending}）`] : null,
    // call-backs closed that day, shown when a try went before: how many
    // were reached only on another day's call, and how many never
    data.followups_closed && (data.followups_closed.reached_on_retry || data.followups_closed.unreachable)
      ? ['回访结束（当日）', `${data.followups_closed.done} 件，其中改天再打才联系上 ${data.followups_closed.reached_on_retry} 件，` +
        `始终联系不上 ${data.followups_closed.unreachable} 件`] : null,
    // any day, from the events: whether the 等居民补正 list was phoned
    data.reminders ? ['电话提醒补正（当日）', `${data.reminders.calls} 次，${data.reminders.cases} 件`] : null,
    data.corrections_lost ? ['补正件当日流失', `未交回、按放弃处理 ${data.corrections_lost.given_up} 件，` +
      `叫号未到、当天没有再来 ${data.corrections_lost.no_show} 件`] : null,
  ].filter(Boolean);
  return el('table', { class: 'report', id: 'day' },
    el('caption', {}, '当日情况'),
    el('tbody', {}, rows.map(([k, v]) => el('tr', {}, el('th', { scope: 'row' }, k), el('td', { class: 'num' }, v)))));
}

// 满意率 counts the residents' ratings of cases handed in to the hall
// (ratings_counted); a rating from a browser logged in as staff, or of a
// case never handed in, is recorded (the contract's ratings, 全部) and
// said apart under the table, never in 好评率 (schema/043).
function ratingsTable(data) {
  const counted = data.ratings_counted || data.ratings;
  const apart = data.ratings_apart || { staff: 0, not_handed_in: 0, staff_users: [] };
  const c = (i) => counted[String(i)];
  const n = [1, 2, 3, 4, 5].reduce((a, i) => a + c(i), 0);
  const good = c(3) + c(4) + c(5);
  const rate = n ? `${(good * 100 / n).toFixed(1)}%（${good} / ${n} 条）` : '—（没有计入的评价）';
  const notes = [];
  if (apart.staff) {
    const who = apart.staff_users.map((u) => `${u.user} ${u.count} 条`).join('、');
    notes.push(`工作人员登录着的浏览器评价 ${apart.staff} 条（${who}）`);
  }
  if (apart.not_handed_in) notes.push(`没有交到大厅办理的办件的评价 ${apart.not_handed_in} 条`);
  return el('div', { id: 'ratings-box' },
    el('table', { class: 'report', id: 'ratings' },
      el('caption', {}, '当日评价'),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, '评价'),
        el('th', { scope: 'col', class: 'num' }, '计入满意率'), el('th', { scope: 'col', class: 'num' }, '全部'))),
      el('tbody', {}, SCORES.map((name, i) => el('tr', {},
        el('th', { scope: 'row' }, name), el('td', { class: 'num' }, `${c(i + 1)} 条`),
        el('td', { class: 'num' }, `${data.ratings[String(i + 1)]} 条`)))),
      el('tfoot', {}, el('tr', {}, el('th', { scope: 'row' }, '好评率（3 到 5 分）'),
        el('td', { class: 'num', colspan: '2', id: 'good-rate' }, rate)))),
    notes.length ? el('p', { class: 'hint', id: 'ratings-apart' },
      `不计入满意率：${notes.join('；')}。已记录在“全部”一栏，1、2 分的照样要回访整改。`) : null);
}

// Today's report names the overdue cases (overdue_cases: null on another
// day, whose figure is its end's and whose list is not kept): which, the
// stage and its post, the dates, whose (首问负责). A case id never shows.
function lateTable(data) {
  if (!Array.isArray(data.overdue_cases)) return null;
  const list = data.overdue_cases;
  const more = data.overdue > list.length ? `，列出最早到期的 ${list.length} 件` : '';
  const ticket = (x) => (x.ticket || '—') + (x.ticket_day && x.ticket_day !== data.date ? `（${x.ticket_day}）` : '');
  return el('table', { class: 'report', id: 'overdue-cases' },
    el('caption', {}, `逾期办件（共 ${data.overdue} 件${more}）`),
    el('thead', {}, el('tr', {}, ['号', '事项', '环节（岗位）', '环节期限', '承诺办结日期', '首问负责人']
      .map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, list.length
      ? list.map((x) => el('tr', {},
        el('th', { scope: 'row' }, ticket(x)),
        el('td', {}, x.title || x.procedure),
        el('td', {}, x.stage && x.stage.label ? `${x.stage.label}（${x.stage.post}）` : '—'),
        el('td', { class: x.due && x.due < data.date ? 'late' : null }, x.due || '—'),
        el('td', { class: x.committed && x.committed < data.date ? 'late' : null }, x.committed || '—'),
        el('td', {}, x.owner || '—')))
      : el('tr', {}, el('td', { colspan: 6, class: 'hint' }, '现在没有逾期的办件。'))));
}

// Today's report also names the cases waiting on their residents after a
// return (等居民补正: GET /api/v1/staff/corrections?all=1, the staff route
// an admin may call), and who answers for each, so the manager can ask who
// phoned whom; null on another day (a case's status has no past) and when
// the list cannot be read (the counts above still stand). The route
// answers at most OWED_LISTED cases, soonest given up first, while the
// figure above counts them all: past that the caption says the table is
// the first part, or the manager reads 共 500 件 under 退回未交回 612 件.
const OWED_LISTED = 500;
function owedTable(data, list) {
  if (!data.corrections_owed || !list) return null;
  const ticket = (x) => (x.ticket || '—') + (x.ticket_day ? `（${x.ticket_day}）` : '');
  const total = Math.max(list.length, data.corrections_owed.returned + data.corrections_owed.no_show);
  return el('table', { class: 'report', id: 'owed-cases' },
    el('caption', {}, list.length >= OWED_LISTED
      ? `等居民补正的办件（共 ${total} 件，列出最晚期限最早的 ${list.length} 件）`
      : `等居民补正的办件（共 ${list.length} 件）`),
    el('thead', {}, el('tr', {}, ['号', '事项', '退回或过号', '工作日', '最晚期限', '负责人', '电话提醒']
      .map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, list.length
      ? list.map((x) => el('tr', {},
        el('th', { scope: 'row' }, ticket(x)),
        el('td', {}, x.title || x.procedure),
        el('td', {}, `${x.no_show_at ? '补正后叫号未到' : '退回补正'} ${x.since}`),
        el('td', { class: 'num' }, String(x.days)),
        el('td', { class: x.ending ? 'late' : null }, x.ends_on || '—'),
        el('td', {}, x.owner || x.returned_by || '—'),
        el('td', { class: x.reminded ? null : x.ending ? 'late' : null }, remindedText(x.reminded))))
      : el('tr', {}, el('td', { colspan: 7, class: 'hint' }, '现在没有等居民补正的办件。'))));
}

// The reminder calls since the case's return (corrections_remind): how
// many, the newest's day and who; 未提醒 when none, so the manager sees
// whom nobody phoned (red when the hall is about to lose the case).
function remindedText(r) {
  if (!r) return '未提醒';
  const d = new Date(r.at);
  const when = Number.isNaN(d.getTime()) ? '' : `${d.getMonth() + 1}月${d.getDate()}日 `;
  return `${r.count} 次（最近 ${when}${r.by}）`;
}

// Printed too: a sheet of today taken at ten is not the day's close, and a
// day ahead counts its overdue from the stages as they stand (data.day).
function dayNote(data) {
  const d = new Date(serverNow());
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  if (data.day === 'open')
    return el('p', { class: 'notice', id: 'day-note' }, `当天还没有结束：这是 ${hm} 的数字，下班后还会变。`);
  if (data.day === 'ahead')
    return el('p', { class: 'notice', id: 'day-note' }, '这一天还没有到：逾期等数字是按现在的情况推算的。');
  return null;
}

async function start() {
  const main = document.getElementById('main');
  await ensureLogin(main, 'admin');
  document.getElementById('session').replaceChildren(sessionBadge());

  const params = new URLSearchParams(location.search);
  const date = el('input', { type: 'date', id: 'date', name: 'date', value: params.get('date') || '' });
  const csv = el('a', { class: 'btn', id: 'csv', download: '' }, '下载 CSV 表格');
  const print = el('button', { type: 'button', class: 'btn', id: 'print' }, '打印');
  const status = el('p', { class: 'hint no-print', role: 'status', 'aria-live': 'polite' });
  const error = el('p', { class: 'msg-error', role: 'alert' });
  const results = el('div', { id: 'results' });
  const form = el('form', { class: 'card filters no-print', 'aria-label': '日报日期' },
    el('div', { class: 'field' }, el('label', { for: 'date' }, '日期'), date),
    el('button', { type: 'submit', class: 'btn btn-primary' }, '查询'), csv, print);
  const title = el('h1', {}, '日报');
  main.replaceChildren(title,
    el('p', { class: 'hint no-print' }, '工作人员的数字是当天每一次操作的次数（同一件受理两次算两次）；' +
      '开始办理按当天新开始的办事记录计；逾期按当天结束时仍未办结、且当前环节的时限或承诺办结日期已过的办件计，' +
      // a corrected case waiting for the hall is counted too: the manager
      // finds it in the lists by this mark, not in 我的待办 (accepted ones)
      '补正后已重新提交、还没有再次受理的也计入（窗口页面的等候、网上预审和上门服务列表上标“补正件 · 已超期”）；' +
      '按期办结率是当天办结的件中，在承诺期限内办结的比例；' +
      '好评率只算居民对交到大厅办理的办件的评价，工作人员登录着的浏览器给的评价和没有交到大厅的办件的评价另列。'),
    form, error, status, results);
  print.addEventListener('click', () => window.print());

  // The load asked for last: an earlier one's answer, back after it, drew
  // the day asked before under the one asked now.
  let loads = 0;
  async function load() {
    const mine = ++loads;
    error.textContent = '';
    status.textContent = '正在统计……';
    const asked = date.value;
    const qs = asked ? `?date=${encodeURIComponent(asked)}` : '';
    try {
      const { body: data } = await api(`/api/v1/admin/report${qs}`);
      if (mine !== loads) return;
      // the day the answer is of, unless the admin has put another in the
      // box meanwhile or is typing one (a date half typed reads as ''):
      // the page's first load (today) set the box back under a date chosen
      // while it ran, and 查询 then asked for today
      if (date.value === asked && document.activeElement !== date) date.value = data.date;
      title.textContent = `日报 ${data.date}`;
      history.replaceState(null, '', `/admin/report?date=${data.date}`);
      csv.href = `/api/v1/admin/report?date=${data.date}&format=csv`;
      status.textContent = `${data.date} 的日报已更新。`;
      let owed = null;
      if (data.corrections_owed) {
        try {
          owed = (await api('/api/v1/staff/corrections?all=1')).body.corrections;
        } catch { /* the figures stand without the names */ }
        if (mine !== loads) return;
      }
      results.replaceChildren(dayNote(data), usersTable(data),
        el('div', { class: 'report-grid' }, dayTable(data), ratingsTable(data)), lateTable(data),
        owedTable(data, owed));
    } catch (err) {
      if (mine !== loads) return;
      status.textContent = '';
      results.replaceChildren();
      // the CSV was of the day shown before, not of the date now in the box
      csv.removeAttribute('href');
      error.textContent = err instanceof ApiError ? errorText(err, '日报没有生成，请检查日期后再试')
        : '日报没有生成，请检查网络后再试。';
    }
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    load();
  });
  await load();
}

start();
offerNewerBuild(import.meta.url);
