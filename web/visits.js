// 上门服务 on the staff page (/staff): the B post's visits of a day, in
// order (上午 before 下午, then as asked), with a date switcher; a row opens
// the same case view as the window's, so the visitor checks the same steps
// and papers on the phone; and the visit's result: 已上门办理 (the case is
// accepted at the home, the visitor its owner) or 不在家（改期） with a new
// day. On a phone (/staff#visits, 360 px wide) the page shows only this
// card, the call-backs (followup.js, drawn as rows as these are) and the
// case: staff.js sets the layout.

import { el, busy, closable, focusMark } from './core.js';
import { api, serverNow } from './api.js';
import { errorText } from './auth.js';
import { who, dueText, refreshWork, papersAdvice } from './work.js';

const enc = encodeURIComponent;
const ui = {};
const VISIT_DAYS_MAX = 30;     // as the server bounds a visit's day (visit.h)

// A local date days from today (the daemon's: a hall PC's own clock may be
// off, and the daemon bounds a visit's day by its own), YYYY-MM-DD.
export function dayFrom(days, base = new Date(serverNow())) {
  const d = new Date(base.getFullYear(), base.getMonth(), base.getDate() + days);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

// The card, built once; open(id) shows a case (staff.js's case view).
export function visitsCard(open) {
  ui.open = open;
  ui.date = el('input', { type: 'date', id: 'visits-date', value: dayFrom(0), 'aria-describedby': 'visits-hint' });
  ui.date.addEventListener('change', () => refreshVisits());
  const shift = (days, label, id) => {
    const b = el('button', { type: 'button', class: 'btn', id }, label);
    b.addEventListener('click', () => {
      const [y, m, d] = (ui.date.value || dayFrom(0)).split('-').map(Number);
      ui.date.value = dayFrom(days, new Date(y, m - 1, d));
      busy(b, refreshVisits);
    });
    return b;
  };
  ui.list = el('ol', { class: 'visits', id: 'visits' });
  // returned at the home, not handed in again: 代为补正 there, or go back
  ui.back = el('ol', { class: 'visits', id: 'visits-returned', 'aria-labelledby': 'visits-returned-h' });
  ui.backPart = el('div', { hidden: true },
    el('h3', { id: 'visits-returned-h' }, '上门时退回补正、还没有重新提交的'),
    el('p', { class: 'hint' }, '点开办件，能当场改的点“代为补正”和居民一起改好，再点“提交，在居民家中办理”。'),
    ui.back);
  // returned at the window, booked for this day (预约上门补正): corrected at the home
  ui.booked = el('ol', { class: 'visits', id: 'visits-booked', 'aria-labelledby': 'visits-booked-h' });
  ui.bookedPart = el('div', { hidden: true },
    el('h3', { id: 'visits-booked-h' }, '预约上门补正（退回补正、居民来不了大厅的）'),
    el('p', { class: 'hint' }, '点开办件，和居民一起点“代为补正”改好，再点“提交，在居民家中办理”，然后“已上门办理”。'),
    ui.booked);
  ui.note = el('p', { class: 'hint', id: 'visits-note', role: 'status' });
  ui.count = el('span', {}, '');
  return el('section', { class: 'card', id: 'visits-card', 'aria-labelledby': 'visits-h' },
    el('h2', { id: 'visits-h' }, '上门服务 ', ui.count),
    el('p', { class: 'hint', id: 'visits-hint' }, '预约上门办理的办件，上午在前。点开办件核对材料和填写内容，办完点“已上门办理”。'),
    el('div', { class: 'visits-day' },
      shift(-1, '前一天', 'visits-prev'),
      el('label', { for: 'visits-date', class: 'sr-only' }, '上门日期'), ui.date,
      shift(1, '后一天', 'visits-next')),
    ui.note, ui.list, ui.bookedPart, ui.backPart);
}

// When a return was made, as the row says it: 12月7日 10:20.
function returnedWhen(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getMonth() + 1}月${d.getDate()}日 ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

// Answers may come back out of order (the page's first load, then a tap
// on 后一天): only the latest asked for is drawn, so the list always
// belongs to the date on show.
let asked = 0;

export async function refreshVisits() {
  if (!ui.list) return;
  const mine = ++asked;
  let l;
  try {
    l = (await api('/api/v1/staff/visits?date=' + enc(ui.date.value || dayFrom(0)))).body;
  } catch (err) {
    if (mine === asked) ui.note.textContent = errorText(err);
    return;
  }
  if (mine !== asked) return;
  // the page's poll asks every few seconds: redraw only what changed, so a
  // tap on the phone never lands on a row being replaced
  const back = l.returned || [];
  const booked = l.booked || [];
  ui.note.textContent = l.visits.length || booked.length ? '' : '这一天没有预约上门的办件。';
  const key = (ui.date.value || '') + JSON.stringify(l.visits) + JSON.stringify(back) + JSON.stringify(booked);
  if (key === ui.drawn) return;
  ui.drawn = key;
  ui.count.textContent = `（${l.visits.length + booked.length} 件）`;
  ui.list.replaceChildren(...l.visits.map((v) => {
    const b = el('button', { type: 'button', class: 'btn visit-open', 'data-id': v.id },
      el('span', { class: 'visit-slot' }, v.slot), el('span', { class: 'visit-title' }, v.title));
    b.addEventListener('click', () => busy(b, () => ui.open(v.id)));
    // a day the B post missed: still to do, so listed first in today's
    return el('li', { class: v.overdue ? 'visit-row visit-overdue' : 'visit-row' },
      v.overdue ? el('p', { class: 'badge badge-warn' }, `逾期：原约 ${v.date} ${v.slot}，还没有上门`) : null,
      // booked before the calendar had the year's holidays
      v.rest_day ? el('p', { class: 'badge badge-error' }, `${v.date} 是节假日，请打电话和居民另约时间（在办件里点“不在家（改期）”记下新日子）`) : null,
      // handed in again after 补正: the hall's clock runs (the day's report)
      v.resume && v.resume.overdue ? el('p', { class: 'badge badge-error tag-resume' },
        `补正件 · 已超期：本环节 ${dueText(v.resume.stage_due)} 到期，承诺 ${dueText(v.resume.committed)} 前办结`) : null, b,
      el('p', { class: 'visit-address' }, v.address),
      el('p', {}, el('a', { href: 'tel:' + v.phone, class: 'visit-phone' }, v.phone)));
  }));
  ui.bookedPart.hidden = !booked.length;
  ui.booked.replaceChildren(...booked.map((v) => {
    const b = el('button', { type: 'button', class: 'btn visit-open', 'data-id': v.id },
      el('span', { class: 'visit-slot' }, v.slot), el('span', { class: 'visit-title' }, v.title));
    b.addEventListener('click', () => busy(b, () => ui.open(v.id)));
    return el('li', { class: v.overdue ? 'visit-row visit-overdue' : 'visit-row' },
      v.overdue ? el('p', { class: 'badge badge-warn' }, `逾期：原约 ${v.date} ${v.slot}，还没有补正`) : null, b,
      el('p', { class: 'hint' }, `${returnedWhen(v.returned_at)} 由 ${who(v.returned_by) || v.returned_by || ''} 退回补正，居民来不了大厅`),
      el('p', { class: 'visit-address' }, v.address),
      el('p', {}, el('a', { href: 'tel:' + v.phone, class: 'visit-phone' }, v.phone)));
  }));
  ui.backPart.hidden = !back.length;
  ui.back.replaceChildren(...back.map((v) => {
    const b = el('button', { type: 'button', class: 'btn visit-open', 'data-id': v.id },
      el('span', { class: 'visit-slot' }, '退回'), el('span', { class: 'visit-title' }, v.title));
    b.addEventListener('click', () => busy(b, () => ui.open(v.id)));
    return el('li', { class: 'visit-row' }, b,
      el('p', { class: 'hint' }, `原约 ${v.date} ${v.slot}；${returnedWhen(v.returned_at)} 由 ${who(v.returned_by) || v.returned_by || ''} 退回`),
      el('p', { class: 'visit-address' }, v.address),
      v.phone ? el('p', {}, el('a', { href: 'tel:' + v.phone, class: 'visit-phone' }, v.phone)) : null);
  }));
}

// The facts row of a case asked to be visited: when, where, whom to call.
export function visitFact(v) {
  if (!v.visit) return null;
  const x = v.visit;
  return ['上门', `${x.date} ${x.slot}${x.address ? '，' + x.address : ''}${x.phone ? '，' + x.phone : ''}`];
}

// The result's buttons of a case in visit. move(what, body) is staff.js's
// move on the case (the case redrawn, or null after it said what went
// wrong); box the pane's form slot; say(text) its message.
export function visitActions(v, button, move, box, say) {
  return [
    // it accepts the case and starts its time limit: not on a slip of the
    // thumb beside 不在家 (as 叫号未到 asks too)
    button('已上门办理', () => {
      if (!window.confirm('确认已在居民家中核对材料并受理？受理后开始计算办结期限。')) return null;
      return move('visit', { result: 'handled' }).then((m) => {
        // the visitor owns it now, its first stage due within days: a
        // newcomer on the phone took the visit for the end of it, and the
        // phone had no list to find the case again (我的待办, below now)
        const s = m && m.stages && m.stage !== null && m.stage !== undefined ? m.stages[m.stage] : null;
        if (m) {
          // the resident was left with nothing in hand: no paper, no number,
          // no date (the window prints the receipt; the phone shows it)
          const phone = document.body.classList.contains('visit-mode');
          const shown = phone ? '给居民看受理回执' : '打印受理回执';
          // a web case's link, where this hall can text it (weblink.js's
          // section below, as for any web case)
          const link = m.channel === 'web' && m.link_sms && m.sms_to
            ? `居民找不到办件链接的，可以点下面的“短信发送办件链接”发到尾号 ${m.sms_to} 的手机。` : '';
          say(`已在居民家中受理，由 ${who(m.owner || m.accepted_by) || '您'} 负责。` +
            `请点“${shown}”${phone ? '，把手机给居民看' : ''}：上面有已核对的材料、承诺办结日期（${dueText(m.due)}前）和查进度的二维码` +
            (phone ? '，居民可以拍照保存；要纸质回执的，回到大厅后在办件里打印。' : '。') +
            papersAdvice(m, phone ? '再给居民看' : '再打印') + link +
            (s && s.due ? `这件办件已列在“我的待办”里：${s.label}，${dueText(s.due)}到期，请按时办完转下一环节。` : ''));
        }
        refreshVisits();
        refreshWork();
      });
    }, 'btn btn-primary'),
    button('不在家（改期）', () => notHomeForm(v, box, move, say), 'btn', 'not-home'),
  ];
}

// Moves a date box that offers tomorrow to the hall's next working day (the
// days the resident's visit form offers): tomorrow may be a Saturday or a
// holiday, and a staffer who only presses 改期 or 通知来大厅 would name a
// day the hall is closed. A day typed meanwhile stays; without an answer
// tomorrow stands. Resolves once the days answered or failed: a form's
// submit waits for it, or a staffer quick on a slow network sent
// tomorrow, the rest day this is here to avoid.
// For a visit's day (keep), the box's max becomes the last day the server
// takes (last_day: the 30 days, or the day the case is kept to when that
// is sooner, which the server refuses past, naming it), and hint, when
// given, says it; a day to come to the hall (通知来大厅) is not held to it.
export function offerNextWorkingDay(date, { keep = false, hint = null } = {}) {
  const first = date.value;
  let typed = false;
  date.addEventListener('input', () => { typed = true; });
  return api('/api/v1/visit/days').then(({ body }) => {
    const next = body && Array.isArray(body.days) ? body.days[0] : null;
    if (next && !typed && date.value === first) date.value = next;
    const last = keep && body && typeof body.last_day === 'string' ? body.last_day : null;
    if (last && (!date.max || last < date.max)) {
      date.max = last;
      if (hint) hint.textContent = `今天起最晚到 ${dueText(last)}（再晚，办件会在上门以前按保存期限自动结束）；请先电话和居民约好。`;
    }
  }, () => {});
}

// 不在家: the new day (the server checks it: today to 30 days ahead).
function notHomeForm(v, box, move, say) {
  const first = dayFrom(1);
  const date = el('input', { type: 'date', id: 'visit-new-date', min: dayFrom(0), max: dayFrom(VISIT_DAYS_MAX),
    value: first, 'aria-describedby': 'visit-new-date-hint' });
  const hint = el('p', { class: 'hint', id: 'visit-new-date-hint' }, '今天起 30 天以内；请先电话和居民约好。');
  const offered = offerNextWorkingDay(date, { keep: true, hint });
  const form = el('form', { class: 'card inner-form', novalidate: true, 'aria-labelledby': 'not-home-h', 'data-draft': 'not-home' },
    el('h3', { id: 'not-home-h' }, '居民不在家，改期上门'),
    el('label', { for: 'visit-new-date' }, '新的上门日期'),
    hint,
    date,
    el('div', { class: 'btn-row' },
      el('button', { type: 'submit', class: 'btn btn-primary' }, '改期'),
      el('button', { type: 'button', class: 'btn', 'data-cancel': '' }, '取消')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(form.querySelector('[type=submit]'), async () => {
      await offered;
      const m = await move('visit', { result: 'not_home', date: date.value });
      if (m) say(`已改期到 ${m.visit.date} ${m.visit.slot}`);
      refreshVisits();
    });
  });
  closable(form, () => box.replaceChildren());
  box.replaceChildren(form);
  date.focus();
}

// Whether a returned case has a visit booked since its return (its
// events: a visit_booked after the last returned).
export function visitBooked(v) {
  const ev = v.events || [];
  const last = (what) => ev.map((e) => e.what).lastIndexOf(what);
  return v.status === 'returned' && last('visit_booked') > last('returned');
}

// The first answer of the staff view v for a field pred picks, '' when none:
// the address and phone typed in the steps, so nobody types them twice.
function answered(v, pred) {
  for (const s of v.procedure_steps || []) {
    for (const f of s.fields) if (pred(f) && typeof f.value === 'string' && f.value) return f.value;
  }
  return '';
}

// 预约上门补正: a returned case of an item done at home whose elder cannot
// come back (book-visit). The day, half-day, address and phone, agreed on
// the phone first, each refusal beside its box (as 代填's 预约上门办理);
// the B post finds it on that day's list. done(view, said) redraws the
// case (staff.js).
export function bookVisitForm(v, box, done) {
  const x = v.visit || {};
  const again = visitBooked(v);
  const date = el('input', { type: 'date', id: 'book-visit-date', min: dayFrom(0), max: dayFrom(VISIT_DAYS_MAX),
    value: again && x.date ? x.date : dayFrom(1), 'aria-describedby': 'book-visit-date-hint book-visit-date-err' });
  const offered = again ? null : offerNextWorkingDay(date, { keep: true });
  const slot = el('select', { id: 'book-visit-slot', 'aria-describedby': 'book-visit-slot-err' },
    el('option', { value: '' }, '（请选择）'), el('option', { value: '上午' }, '上午'), el('option', { value: '下午' }, '下午'));
  if (again && x.slot) slot.value = x.slot;
  const address = el('input', { id: 'book-visit-address', autocomplete: 'off', maxlength: '200',
    'aria-describedby': 'book-visit-address-err' });
  address.value = x.address || answered(v, (f) => /地址|住址/.test(f.label) || /address/.test(f.key));
  const phone = el('input', { id: 'book-visit-phone', autocomplete: 'off', inputmode: 'tel',
    'aria-describedby': 'book-visit-phone-err' });
  phone.value = x.phone || answered(v, (f) => f.type === 'cn_mobile' || f.type === 'phone');
  const boxes = { date, slot, address, phone };
  const errs = Object.fromEntries(Object.keys(boxes).map((k) =>
    [k, el('p', { class: 'field-error', id: `book-visit-${k}-err` })]));
  const say = el('div', { role: 'alert' });
  const row = (k, label, hint) => el('div', { class: 'field' }, el('label', { for: boxes[k].id }, label),
    hint ? el('p', { class: 'hint', id: 'book-visit-date-hint' }, hint) : null, boxes[k], errs[k]);
  const form = el('form', { class: 'card inner-form', id: 'book-visit-form', novalidate: true, 'aria-labelledby': 'book-visit-h',
    'data-draft': 'book-visit' },
    el('h3', { id: 'book-visit-h' }, again ? '改约上门补正' : '预约上门补正'),
    el('p', { class: 'hint' }, '居民来不了大厅的，由上门服务（B岗）在约好的那天到家里，和居民一起改好再受理。'
      + '办件仍是“已退回补正”，居民也还可以自己来大厅。'),
    row('date', '上门日期', '今天起 30 天以内，先电话和居民约好。'), row('slot', '上门时段'),
    row('address', '上门地址'), row('phone', '联系电话（手机或座机）'), say,
    el('div', { class: 'btn-row' },
      el('button', { type: 'submit', class: 'btn btn-primary' }, '确认预约'),
      el('button', { type: 'button', class: 'btn', 'data-cancel': '' }, '取消')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(form.querySelector('[type=submit]'), async () => {
      // the first box refused takes the focus, unless the staffer has gone
      // on elsewhere meanwhile (focusMark)
      const free = focusMark(form);
      await offered;
      for (const k of Object.keys(boxes)) { errs[k].textContent = ''; boxes[k].removeAttribute('aria-invalid'); }
      say.textContent = '';
      const visit = { date: date.value, slot: slot.value, address: address.value, phone: phone.value };
      let booked;
      try {
        booked = (await api(`/api/v1/staff/cases/${enc(v.id)}/book-visit`, { method: 'POST', body: { visit } })).body;
      } catch (y) {
        const bad = y.status === 422 && y.body && y.body.fields ? y.body.fields : null;
        for (const [k, m] of Object.entries(bad || {})) {
          if (!errs[k]) continue;
          errs[k].textContent = m;
          boxes[k].setAttribute('aria-invalid', 'true');
        }
        say.textContent = bad ? (y.serverMessage || errorText(y)) : errorText(y);
        if (free()) form.querySelector('[aria-invalid="true"]')?.focus();
        return;
      }
      done(booked, `已预约 ${booked.visit.date} ${booked.visit.slot} 上门补正，B岗在这一天的上门列表里能看到。`);
    });
  });
  closable(form, () => box.replaceChildren());
  box.replaceChildren(form);
  date.focus();
}
