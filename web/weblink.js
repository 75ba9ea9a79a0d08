// 找回网上办件的链接 on the staff page (/staff). A resident who handed a
// case in from home and lost its link phones the hall: the link (its case
// id) is the only key of a web case, which has no ticket. The staffer
// finds the caller's web cases by the mobile or ID number they give (a
// POST: the number stays out of the address bar, the history and the
// logs) and, on the case, has the daemon text the link to the mobile the
// case already holds (docs/http-api.md "A lost web link"). The link is
// never on this page: the staffer checks only the number's last four with
// the caller, and never reads anything out.

import { el, busy, closable } from './core.js';
import { api } from './api.js';
import { errorText } from './auth.js';

const enc = encodeURIComponent;
const ui = {};

// Whether this hall can text a link at all (GET /api/v1/hall, as the
// pages at home ask): a hall without a sender or --public-url has no
// 短信发送办件链接 on any case, and its card told the staffer to press it.
// null until known: the card's words then name no button.
let sms = null;
const HINT_FIND = '居民在网上办的事找不到办件链接时，输入居民办理时填写的手机号或身份证号，打开找到的办件。';
// the resident at the desk, its ID card checked: the case goes on here
const HINT_HERE = '居民在窗口的，核对身份证件后打开办件；还没填完或没提交的，点“在窗口接着办”和居民一起填完提交。';
const HINT_KEEP = '不要在电话里念链接，也不要说出办件里填写的内容。';
function hintText() {
  if (sms === true) return `${HINT_FIND}居民打电话来问的，核对手机尾号后用“短信发送办件链接”把链接发到办件里留的手机上。${HINT_HERE}${HINT_KEEP}`;
  if (sms === false) {
    return `${HINT_FIND}本大厅没有设置短信发送（或对外网址），不能补发办件链接：居民打电话来问的，`
      + `请居民带身份证件到综合窗口。${HINT_HERE}${HINT_KEEP}`;
  }
  return HINT_FIND + HINT_HERE + HINT_KEEP;
}

// 2026-12-07 of a stored UTC time, by the staff PC's clock
function day(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

// as staff.js's msg: a line of its own in the status or alert box
function say(box, text, kind = 'error') {
  box.replaceChildren(text ? el('p', { class: kind === 'ok' ? 'msg-ok' : 'msg-error' }, text) : '');
}

// The card: open(id) shows a case (staff.js), badge(status) its status.
export function linkFindCard(open, badge) {
  ui.open = open;
  ui.badge = badge;
  ui.q = el('input', { id: 'link-find-q', name: 'link-find-q', autocomplete: 'off', spellcheck: 'false',
    inputmode: 'text', 'aria-describedby': 'link-find-hint' });
  ui.msg = el('div', { id: 'link-find-msg', role: 'status' });
  ui.body = el('tbody');
  ui.table = el('table', { class: 'queue', id: 'link-find', hidden: true },
    el('caption', { class: 'sr-only' }, '找到的网上办件，最近开始的在前'),
    el('thead', {}, el('tr', {}, ['事项', '状态', '开始办理', '证件号', '短信发到', '操作']
      .map((c) => el('th', { scope: 'col' }, c)))),
    ui.body);
  const form = el('form', { class: 'link-find-form', novalidate: true },
    el('label', { for: 'link-find-q' }, '居民办理时填写的手机号或身份证号'),
    el('div', { class: 'key-row' }, ui.q, el('button', { type: 'submit', class: 'btn' }, '查找')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(form.querySelector('[type=submit]'), find);
  });
  ui.hint = el('p', { class: 'hint', id: 'link-find-hint' }, hintText());
  hallLoad();
  return el('section', { class: 'card', id: 'link-find-card', 'aria-labelledby': 'link-find-h' },
    el('h2', { id: 'link-find-h' }, '网上办件找回链接'), ui.hint, form, ui.msg, ui.table);
}

// with each card drawn: the daemon's options do not change while it runs,
// but a restart with others reloads no staff page
async function hallLoad() {
  try {
    sms = !!(await api('/api/v1/hall')).body.link_sms;
  } catch {
    return;
  }
  if (ui.hint) ui.hint.textContent = hintText();
}

async function find() {
  const number = ui.q.value.trim();
  if (!number) {
    say(ui.msg, '请输入居民办理时填写的 11 位手机号，或 18 位身份证号');
    ui.q.focus();
    return;
  }
  let l;
  try {
    l = (await api('/api/v1/staff/web-cases/search', { method: 'POST', body: { number } })).body;
  } catch (err) {
    say(ui.msg, errorText(err, '没有查找成功，请稍后再试'));
    // the number sent, selected to be typed over; one the staffer has
    // changed meanwhile is theirs to go on typing (selected, the next key
    // replaced it)
    if (ui.q.value.trim() === number) ui.q.select();
    return;
  }
  // the number is the resident's: not left on the screen once used. A
  // number typed in the box while the search ran (the next caller's) is
  // not that one, and stays: emptied, what the staffer had typed went.
  if (ui.q.value.trim() === number) ui.q.value = '';
  ui.body.replaceChildren(...l.cases.map((c) => el('tr', { 'data-id': c.id },
    el('td', {}, c.title),
    el('td', {}, ui.badge(c.status)),
    el('td', {}, day(c.created_at)),
    el('td', {}, (c.ids || []).map((x) => x.value).join('、') || '—'),
    el('td', {}, c.sms_to ? `尾号 ${c.sms_to}` : el('span', { class: 'hint' }, '没有手机号')),
    el('td', {}, el('button', { type: 'button', class: 'btn btn-small', onClick: () => ui.open(c.id),
      'aria-label': `打开 ${c.title}（${day(c.created_at)} 开始）` }, '打开')))));
  ui.table.hidden = l.cases.length === 0;
  say(ui.msg, l.cases.length
    ? `找到 ${l.cases.length} 件网上办件。请问清居民办的是哪件事，${sms === true ? '打开它再发送链接' : '再打开它'}。`
    : '没有找到这个号码的网上办件。请核对号码；在自助机或窗口办的事不在这里，凭排队凭条查看。',
  l.cases.length ? 'ok' : 'error');
}

// What a web case's view offers for its link: box is the case's form area,
// done(view, text) redraws the case with a message (staff.js).
export function linkSection(v, box, done) {
  let body;
  if (!v.link_sms) {
    body = [el('p', { class: 'hint', id: 'link-none' },
      '本大厅没有设置短信发送（或对外网址），不能补发办件链接。请不要在电话里念链接：请居民带身份证件到大厅，由窗口帮忙办理。')];
  } else if (!v.sms_to) {
    body = [el('p', { class: 'hint', id: 'link-none' },
      '这件办件里没有手机号，不能用短信补发办件链接。请不要在电话里念链接：请居民带身份证件到大厅，由窗口帮忙办理。')];
  } else {
    const btn = el('button', { type: 'button', class: 'btn', id: 'link-send' }, '短信发送办件链接');
    btn.addEventListener('click', () => confirmForm(v, box, done));
    body = [el('p', { class: 'hint' },
      `居民找不到办件链接时，可以用短信把链接发到办件里留的手机（尾号 ${v.sms_to}）。`
      + '请先和来电的居民核对这个尾号；不要在电话里念链接。'),
    el('div', { class: 'btn-row' }, btn)];
  }
  return el('section', { class: 'link-send', 'aria-labelledby': 'link-h' },
    el('h3', { id: 'link-h' }, '办件链接'), ...body);
}

function confirmForm(v, box, done) {
  const err = el('div', { role: 'alert' });
  const form = el('form', { class: 'card inner-form', novalidate: true, 'aria-labelledby': 'link-confirm-h' },
    el('h3', { id: 'link-confirm-h', tabindex: '-1' }, `把办件链接发到尾号 ${v.sms_to} 的手机？`),
    el('p', {}, '居民说的手机尾号和这个一样才发送。短信里是这件办件的链接，居民点开就能查看和修改；'
      + '号码不对的话，请不要发送，请居民带身份证件到大厅办理。'),
    err,
    el('div', { class: 'btn-row' },
      el('button', { type: 'submit', class: 'btn btn-primary', id: 'link-confirm' }, '确认发送'),
      el('button', { type: 'button', class: 'btn', 'data-cancel': '' }, '取消')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(form.querySelector('[type=submit]'), async () => {
      let m;
      try {
        m = (await api(`/api/v1/staff/cases/${enc(v.id)}/send-link`, { method: 'POST', body: {} })).body;
      } catch (x) {
        say(err, errorText(x, '没有发送成功，请稍后再试'));
        return;
      }
      done(m, `已把办件链接用短信发到尾号 ${m.link_sent.sms_to} 的手机。请居民留意短信，可能要等一两分钟；`
        + '收到后请居民收藏好链接。不要在电话里念链接。');
    });
  });
  closable(form, () => box.replaceChildren());
  box.replaceChildren(form);
  form.querySelector('h3').focus();
}
