// 本事项已更新 (issue #11 point 6). When the live version of a procedure
// is not the one a staffer last confirmed, the staff case view and the
// practice page show what changed, part by part (基本信息 such as 收费 and
// 办理时限, 办理条件, each section,
// each step: 有改动 / 新增 / 删除, unchanged ones named only), each line
// marked + (added) or − (removed) in text as well as colour, and 我已阅读,
// which confirms the live version; until then the notice comes back each
// time the procedure is opened. The staff page's card lists the
// procedures with unread updates, each readable in place. The server
// keeps what each staffer confirmed (docs/http-api.md "What changed in a
// procedure"): the first look at a procedure is their baseline.
import { el, busy, focusMark } from './core.js';
import { api } from './api.js';
import { errorText } from './auth.js';

const enc = encodeURIComponent;
const KIND = { facts: '基本信息', conditions: '办理条件', section: '说明', step: '步骤' };
const CHANGE = { changed: '有改动', added: '新增', removed: '删除', same: '未改动' };
const OP = {
  '+': { cls: 'diff-add', mark: '+', said: '新增：' },
  '-': { cls: 'diff-del', mark: '−', said: '删除：' },
  '=': { cls: 'diff-same', mark: ' ', said: '' },
};
const confirmedHooks = [];  // run after any 我已阅读 (the card's count)
let seq = 0;                // unique ids for headings

function day(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso || '';
  return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`;
}

// One part: its title and change, then its lines (none for unchanged).
function partView(p) {
  const changed = p.change !== 'same';
  return el('li', { class: 'diff-part diff-part-' + p.change },
    el('p', { class: 'diff-part-title' },
      el('span', { class: 'badge' + (changed ? ' badge-warn' : '') }, CHANGE[p.change] || p.change), ' ',
      p.kind === 'conditions' || p.kind === 'facts' ? p.title : `${KIND[p.kind] || ''}：${p.title}`),
    p.lines.length ? el('ul', { class: 'diff-lines' }, p.lines.map((l) => {
      const op = OP[l.op] || OP['='];
      return el('li', { class: op.cls },
        el('span', { class: 'diff-op', 'aria-hidden': 'true' }, op.mark),
        op.said ? el('span', { class: 'sr-only' }, op.said) : null,
        el('span', {}, l.text));
    })) : null,
    p.truncated ? el('p', { class: 'hint' }, '这一部分太长，只列出了前面的内容；后面如有改动没有列出，请在办事指南中看全文。') : null);
}

// The notice for changes c (the GET's answer): the diff and 我已阅读.
// said: a line shown above the button from the start.
function noticeView(c, done, said = null) {
  const hid = `changes-h-${++seq}`;
  const err = el('div', { role: 'alert' }, said || '');
  const btn = el('button', { type: 'button', class: 'btn btn-primary changes-read' }, '我已阅读');
  const box = el('section', { class: 'changes-notice', 'aria-labelledby': hid },
    el('h3', { id: hid }, `本事项已更新：${c.title}`),
    el('p', {}, `${c.to.version ? `版本 ${c.to.version}，` : ''}${day(c.since || c.to.first_loaded)}更新。` +
      `下面是与您上次阅读的版本${c.from.version && c.from.version !== c.to.version ? `（${c.from.version}）` : ''}相比的变化：` +
      '标 + 的是新增内容，标 − 的是删除内容。读完请点“我已阅读”；没点之前，每次打开本事项都会提示。'),
    el('ol', { class: 'diff-parts' }, c.parts.map(partView)),
    err,
    el('div', { class: 'btn-row' }, btn));
  btn.addEventListener('click', () => busy(btn, async () => {
    err.replaceChildren();
    const free = focusMark(box);
    try {
      await api(`/api/v1/staff/procedures/${enc(c.id)}/changes/read`, { method: 'POST', body: { hash: c.hash } });
    } catch (x) {
      // another version went live while this one was read: the diff on
      // screen can never be confirmed, so the newer one takes its place
      if (x.status === 409 && x.code === 'stale_version') {
        let r;
        try {
          r = await api(`/api/v1/staff/procedures/${enc(c.id)}/changes`);
        } catch (y) {
          err.replaceChildren(el('p', { class: 'msg-error' }, errorText(y)));
          return;
        }
        if (r.body.changed) {
          const said = el('p', { class: 'msg-warn', tabindex: '-1' },
            '本事项刚刚又更新了：上面是到最新版本为止的变化，读完再点“我已阅读”。');
          box.replaceWith(noticeView(r.body, done, said));
          if (free()) said.focus(); // the button pressed is gone with the old notice
          return;
        }
        // nothing left to read (confirmed in another tab, or the newer
        // version shows nothing new): as confirmed
      } else {
        err.replaceChildren(el('p', { class: 'msg-error' }, errorText(x)));
        return;
      }
    }
    const ok = el('p', { class: 'msg-ok', role: 'status', tabindex: '-1' }, `已确认阅读“${c.title}”的更新。`);
    const moved = !free();
    box.replaceWith(ok);
    if (!moved) ok.focus();
    if (done) done();
    for (const f of confirmedHooks) f(c.id, c.title, ok);
  }));
  return box;
}

// A slot for procedure id's notice: empty while it asks the server, then
// the notice when the staffer has an unread update, else nothing. A
// failure to ask is said quietly: the case view works without it.
export function changesNotice(id, done = null) {
  const slot = el('div', { class: 'changes-slot' });
  // for a test: the answer was read, so that no notice means none to
  // show (a count taken after a fixed wait passed before a slow answer)
  const checked = () => { slot.dataset.checked = 'true'; };
  api(`/api/v1/staff/procedures/${enc(id)}/changes`).then((r) => {
    if (r.body.changed) slot.replaceChildren(noticeView(r.body, done));
    checked();
  }, (x) => {
    checked();
    // 404: the item is not live (withdrawn, or renamed): a case of it
    // keeps its version and there is no newer one to tell of
    if (x.status === 404 && x.code === 'unknown_procedure') return;
    slot.replaceChildren(el('p', { class: 'hint' }, `没能查到本事项有没有更新：${errorText(x)}`));
  });
  return slot;
}

// ---- the staff page's card: 事项更新 (N) ----

const ui = {};

export function changesCard() {
  ui.count = el('span', { id: 'changes-count' }, '');
  ui.body = el('div', { id: 'changes-list' });
  // the card's own 我已阅读 redraws the list: it then says what was
  // confirmed and takes the focus, which was in the item that went (a UI
  // review), unless the staffer has put it elsewhere by then; one
  // confirmed in the case view keeps the focus there
  confirmedHooks.push((id, title, ok) => refreshChanges(ui.body.contains(ok)
    ? `已确认阅读“${title}”的更新。` : ''));
  return el('section', { class: 'card', id: 'changes-card', 'aria-labelledby': 'changes-h' },
    el('h2', { id: 'changes-h' }, '事项更新 ', ui.count),
    el('p', { class: 'hint' }, '您上次阅读后办事指南有更新的事项。打开看看改了什么，读完点“我已阅读”。'),
    ui.body);
}

export async function refreshChanges(done = '') {
  if (!ui.body) return;
  // the message takes the focus only where nobody has put it since the
  // press: a staffer typing a ticket in 打开办件 by the time the list
  // answered had it taken from them
  const free = focusMark(ui.body);
  let list;
  try {
    list = (await api('/api/v1/staff/changes')).body.procedures;
  } catch (x) {
    ui.body.replaceChildren(el('p', { class: 'msg-error' }, errorText(x)));
    return;
  }
  ui.count.textContent = list.length ? `（${list.length} 个事项有更新）` : '（没有未读的更新）';
  const said = done ? el('p', { class: 'msg-ok', role: 'status', tabindex: '-1' }, done) : null;
  const canFocus = free();
  ui.body.replaceChildren(said || '', list.length ? el('ul', { class: 'changes-items' }, list.map((p) => {
    const slot = el('div');
    const open = el('button', { type: 'button', class: 'btn btn-small', 'aria-expanded': 'false',
      'aria-label': `看看改了什么：${p.title}` }, '看看改了什么');
    open.addEventListener('click', () => {
      const shown = open.getAttribute('aria-expanded') === 'true';
      open.setAttribute('aria-expanded', String(!shown));
      slot.replaceChildren(shown ? '' : changesNotice(p.id));
    });
    return el('li', { 'data-id': p.id }, el('span', {}, `${p.title}（${day(p.since)}更新）`), ' ', open, slot);
  })) : el('p', { class: 'hint' }, '您已读过所有事项的最新版本。'));
  if (said && canFocus) said.focus();
}
