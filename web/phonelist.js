// The staff page's lists of residents to phone (待通知 in notify.js, 回访 in
// followup.js) share one shape: a card with a heading and a count, a line
// on how to use it, a status line for what just happened, and a table that
// the list route answers into; a button's change answers the whole list
// again, which is drawn the same way. Only what differs stays in each module.

import { el, redrawRows } from './core.js';
import { api, ApiError } from './api.js';
import { errorText } from './auth.js';

// A stored time as the staffer's month-day hour:minute.
export const hm = (iso) => {
  const d = new Date(iso);
  return `${d.getMonth() + 1}-${d.getDate()} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

// The card: id names the card (`${id}-card`), its heading (`${id}-h`), its
// table (`#${id}`) and status line (`${id}-note`); columns are the header
// cells, caption what the table holds for a screen reader. Returns the
// parts a module fills: {card, body, count, how, note, columns}.
export function phoneCard({ id, title, caption, columns }) {
  const ui = {
    body: el('tbody'),
    count: el('span', {}, ''),
    how: el('p', { class: 'hint' }, ''),
    note: el('p', { class: 'hint', id: `${id}-note`, role: 'status' }),
    columns: columns.length,
  };
  ui.card = el('section', { class: 'card', id: `${id}-card`, 'aria-labelledby': `${id}-h` },
    el('h2', { id: `${id}-h` }, `${title} `, ui.count),
    ui.how, ui.note,
    el('table', { class: 'queue', id },
      el('caption', { class: 'sr-only' }, caption),
      el('thead', {}, el('tr', {}, columns.map((c) => el('th', { scope: 'col' }, c)))),
      ui.body));
  return ui;
}

// The ticket cell of a row: a button that opens the row's own case (open,
// staff.js's case view, by id). Tickets start again at A001 each day, and
// a call-back's or a notice's is an earlier day's as a rule: typed into
// 打开办件 it would open today's case of that number, another resident's.
export function caseButton(open, id, ticket, title) {
  if (!open || !id) return ticket || '—';
  return el('button', { type: 'button', class: 'btn btn-small ticket-btn', onClick: () => open(id),
    'aria-label': `打开 ${ticket || '办件'} ${title || ''}`.trim() }, ticket || '打开');
}

// Fills the table with rows (a list of <tr>), or one row saying empty.
export function phoneRows(ui, rows, empty) {
  redrawRows(ui.body, rows.length ? rows
    : [el('tr', {}, el('td', { colspan: String(ui.columns), class: 'hint' }, empty))]);
}

// GET url and draw it; on failure the status line says `${what}没有更新`,
// until a later load draws the list again (the line stayed after the
// network came back, and read as if the list were still old).
export async function phoneLoad(ui, url, draw, what) {
  if (!ui.body) return;
  let l;
  try {
    l = (await api(url)).body;
  } catch (err) {
    // a change the network lost is said until the next change: the poll's
    // own failure would put 没有更新 alone over it
    if (ui.changeLost) return;
    ui.note.textContent = `${what}没有更新：` + errorText(err);
    ui.loadFailed = ui.note.textContent;
    return;
  }
  if (ui.loadFailed && ui.note.textContent === ui.loadFailed) ui.note.textContent = '';
  ui.loadFailed = '';
  draw(l);
  // the list now shows whether the lost change was recorded; a later
  // failed refresh is said again (the flag stayed set before, and a
  // refresh that failed after the network came back said nothing)
  if (ui.changeLost) {
    ui.changeLost = false;
    ui.note.textContent = '网络已恢复，列表已经更新。刚才没有收到回复的那一项，请在列表里看看记上了没有；' +
      '没有的话再点一次，已经记上的会提示，不会记两次。';
  }
}

// POST body to url, draw the list it answers and say done; on failure say
// fail with why, and fetch the list again (someone else may have acted).
// typed: the text written for the change, kept under the message when a
// colleague's change came first (409): the list drawn again shows theirs,
// and the box it was typed into is gone with the row.
// A change the network lost may have been made (only its answer lost):
// said so, with what was typed still in its box, and no reload, whose own
// failure (the network is down) replaced the line with 列表没有更新 alone.
export async function phoneChange(ui, url, body, draw, done, fail, reload, typed = '') {
  try {
    draw((await api(url, { method: 'POST', body })).body);
    ui.note.textContent = done;
    ui.loadFailed = '';
    ui.changeLost = false;
    return true;
  } catch (err) {
    ui.changeLost = err instanceof ApiError && err.kind === 'network';
    if (ui.changeLost) {
      ui.note.textContent = `${fail}（也可能已经记上了，只是回复没有收到）：连接不上服务器。` +
        `${typed.trim() ? '写的内容还在框里；' : ''}网络恢复后再点一次，已经记上的会提示，不会记两次。`;
      ui.loadFailed = '';
      return false;
    }
    ui.note.textContent = `${fail}：` + errorText(err);
    if (err.status === 409 && typed.trim()) {
      ui.note.append('。您刚才写的内容没有保存，还在下面，需要时可以复制再用：',
        el('textarea', { class: 'typed-kept', rows: '2', readonly: true,
          'aria-label': '刚才写的内容（没有保存）' }, typed.trim()));
    }
    reload();
    return false;
  }
}
