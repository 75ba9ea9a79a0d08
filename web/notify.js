// 待通知 on the staff page (/staff): the residents to tell that their case is
// ready, returned or rejected. Without `serve --notify-command` a staffer
// phones the number and presses 已通知; with it the daemon sends them, and
// the list shows what is waiting to be sent and what failed (with the
// error), so a staffer can phone instead. The text shown is what is sent:
// the item, the ticket and what to do, nothing else about the resident.

import { el, busy } from './core.js';
import { phoneCard, phoneRows, phoneLoad, phoneChange, hm, caseButton } from './phonelist.js';
import { who } from './work.js';

// link: a web case's link texted again at the resident's call (weblink.js);
// completed: 办结告知, only with `serve --notify-completed`
const KIND = { ready: '可领取', returned: '退回补正', rejected: '不予办理', link: '补发办件链接', completed: '已办结' };
const enc = encodeURIComponent;
let ui = {};

// The card, built once; refreshNotify fills it. open(id) shows a case.
export function notifyCard(open) {
  ui = phoneCard({
    id: 'notify', title: '待通知',
    caption: '要告诉居民办件可领取、需补正、不予办理（或已办结）的电话，先来的在前',
    columns: ['电话', '排队号', '事项', '通知内容', '状态'],
  });
  ui.open = open;
  return ui.card;
}

// Why the last try failed, for the staffer: the API keeps the daemon's
// own words (docs/http-api.md: `exit status N` …), which are for the IT
// officer's log, not for the window.
function whyFailed(e) {
  let m;
  if ((m = /^exit status (\d+)/.exec(e))) return `短信程序报告发送失败（退出码 ${m[1]}），请告诉管理员`;
  if ((m = /^killed after (\d+) s/.exec(e))) return `短信程序超过 ${m[1]} 秒没有结束，已停止`;
  if (/^killed by signal/.test(e)) return '短信程序被中止了';
  if (/^cannot start the command/.test(e)) return '短信程序没有启动，请管理员检查通知命令的设置';
  return '发送时系统出了问题，会自动重试';
}

// The number as the list shows it: a link text's only as its tail (尾号
// 8000), since nobody phones about it and the row is seen over a
// shoulder; the weblink card names the same tail.
function shownPhone(n) {
  if (!n.phone) return '';
  return n.kind === 'link' ? `尾号 ${n.phone.slice(-4)}` : n.phone;
}

function state(n, command) {
  // the resident came back and handed the case in again: nobody phoned
  if (n.done && n.done_by === '~resident') return el('span', { class: 'badge badge-ok' }, `不用再通知 · 居民已重新提交 ${hm(n.done)}`);
  if (n.done && n.kind === 'link') {
    return el('span', { class: 'badge badge-ok' },
      n.done_by === 'notify-command' ? `已发送 · 短信 ${hm(n.done)}` : `不再发送 · ${who(n.done_by)} ${hm(n.done)}`);
  }
  if (n.done) return el('span', { class: 'badge badge-ok' }, `已通知 · ${n.done_by === 'notify-command' ? '短信' : who(n.done_by)} ${hm(n.done)}`);
  const parts = [];
  if (!n.phone) {
    // queued all the same: the resident is told when they come or ask
    parts.push(el('span', { class: 'hint no-phone' }, '居民没有留电话：来问或来领取时当面告知'));
  } else if (n.last_error) {
    parts.push(el('span', { class: 'badge badge-error notify-failed' },
      n.failed ? `发送失败，已停止重试（${n.attempts} 次）` : `发送失败（第 ${n.attempts} 次），稍后重试`));
    parts.push(el('span', { class: 'hint' }, ` ${whyFailed(n.last_error)}`));
    // the link is the case's key: never read out over the phone
    if (n.kind === 'link') {
      parts.push(el('p', { class: 'hint link-no-phone' },
        '这是办件链接短信：请不要打电话念链接。可以稍后在办件里再发一次，或请居民带身份证件到大厅办理。'));
    }
  } else if (command) {
    parts.push(el('span', { class: 'hint' }, '等待自动发送'));
  }
  // a link text nobody phones about: the staffer only clears it off the list
  const word = n.kind === 'link' ? '不再发送' : '已通知';
  const btn = el('button', { type: 'button', class: 'btn btn-small notify-done',
    'aria-label': `${word}：${shownPhone(n) || '没有电话'} ${n.ticket || ''} ${n.title}` }, word);
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
  phoneRows(ui, l.notifications.map((n) => el('tr', {
    'data-id': String(n.id), class: n.done ? 'is-done' : undefined },
  el('td', {}, shownPhone(n) || '—'),
  el('td', {}, caseButton(ui.open, n.case, n.ticket, n.title)),
  // a refusal at intake is kind rejected too (the contract's three); its text says 不予受理
  el('td', {}, n.title, ' ', el('span', { class: 'badge' },
    n.kind === 'rejected' && n.text.includes('不予受理') ? '不予受理' : KIND[n.kind] || n.kind)),
  el('td', {}, n.text),
  el('td', {}, state(n, l.command)))), '现在没有要通知的居民');
}

function markDone(n) {
  return phoneChange(ui, `/api/v1/staff/notifications/${enc(n.id)}/done`, {}, render,
    `已标记 ${n.ticket || n.title} 为已通知`, '没有标记成功', refreshNotify);
}

export function refreshNotify() {
  return phoneLoad(ui, '/api/v1/staff/notifications', render, '待通知列表');
}
