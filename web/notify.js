// 待通知 on the staff page (/staff): the residents to tell that their case is
// ready, returned or rejected. Without `serve --notify-command` a staffer
// phones the number and presses 已通知; with it the daemon sends them, and
// the list shows what is waiting to be sent and what failed (with the
// error), so a staffer can phone instead. The text shown is what is sent:
// the item, the ticket and what to do, nothing else about the resident.

import { el, busy } from './core.js';
import { api } from './api.js';
import { errorText } from './auth.js';

const KIND = { ready: '可领取', returned: '退回补正', rejected: '不予办理' };
const enc = encodeURIComponent;
const ui = {};

const hm = (iso) => {
  const d = new Date(iso);
  return `${d.getMonth() + 1}-${d.getDate()} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

// The card, built once; refreshNotify fills it.
export function notifyCard() {
  ui.body = el('tbody');
  ui.note = el('p', { class: 'hint', id: 'notify-note', role: 'status' });
  ui.count = el('span', {}, '');
  ui.how = el('p', { class: 'hint' }, '');
  return el('section', { class: 'card', id: 'notify-card', 'aria-labelledby': 'notify-h' },
    el('h2', { id: 'notify-h' }, '待通知 ', ui.count),
    ui.how, ui.note,
    el('table', { class: 'queue', id: 'notify' },
      el('caption', { class: 'sr-only' }, '要告诉居民办件可领取、需补正或不予办理的电话，先来的在前'),
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col' }, '电话'), el('th', { scope: 'col' }, '排队号'),
        el('th', { scope: 'col' }, '事项'), el('th', { scope: 'col' }, '通知内容'),
        el('th', { scope: 'col' }, '状态'))),
      ui.body));
}

function state(n, command) {
  if (n.done) return el('span', { class: 'badge badge-ok' }, `已通知 · ${n.done_by === 'notify-command' ? '短信' : n.done_by} ${hm(n.done)}`);
  const parts = [];
  if (n.last_error) {
    parts.push(el('span', { class: 'badge badge-error notify-failed' },
      n.failed ? `发送失败，已停止重试（${n.attempts} 次）` : `发送失败（第 ${n.attempts} 次），稍后重试`));
    parts.push(el('span', { class: 'hint' }, ` ${n.last_error}`));
  } else if (command) {
    parts.push(el('span', { class: 'hint' }, '等待自动发送'));
  }
  const btn = el('button', { type: 'button', class: 'btn btn-small notify-done',
    'aria-label': `已通知：${n.phone} ${n.ticket || ''} ${n.title}` }, '已通知');
  btn.addEventListener('click', () => busy(btn, () => markDone(n)));
  parts.push(el('div', { class: 'btn-row' }, btn));
  return el('div', {}, ...parts);
}

function render(l) {
  const open = l.notifications.filter((n) => !n.done);
  ui.count.textContent = `（${open.length} 条）`;
  ui.how.textContent = l.command
    ? '通知由系统自动发送；发送失败的请电话告知居民后点“已通知”。'
    : '请按电话告知居民，告知后点“已通知”。';
  ui.body.replaceChildren(...(l.notifications.length ? l.notifications.map((n) => el('tr', {
    'data-id': String(n.id), class: n.done ? 'is-done' : undefined },
  el('td', {}, n.phone),
  el('td', {}, n.ticket || '—'),
  el('td', {}, n.title, ' ', el('span', { class: 'badge' }, KIND[n.kind] || n.kind)),
  el('td', {}, n.text),
  el('td', {}, state(n, l.command)))) :
    [el('tr', {}, el('td', { colspan: '5', class: 'hint' }, '现在没有要通知的居民'))]));
}

async function markDone(n) {
  try {
    render((await api(`/api/v1/staff/notifications/${enc(n.id)}/done`, { method: 'POST', body: {} })).body);
    ui.note.textContent = `已标记 ${n.ticket || n.title} 为已通知`;
  } catch (err) {
    ui.note.textContent = '没有标记成功：' + errorText(err);
    refreshNotify();
  }
}

export async function refreshNotify() {
  if (!ui.body) return;
  let l;
  try {
    l = (await api('/api/v1/staff/notifications')).body;
  } catch (err) {
    ui.note.textContent = '待通知列表没有更新：' + errorText(err);
    return;
  }
  render(l);
}
