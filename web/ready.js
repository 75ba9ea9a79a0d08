// 待领取 on the staff page (/staff): the cases of a pickup item done and
// waiting to be collected (the queue's `ready`). The resident comes back
// days later, often without the slip, and that day's ticket opens nothing:
// the staffer finds the case here by the ID number's last four (read off
// the card the resident shows) or by the resident's name.
//
// Up to 500 rows sat open under 办理中 on every staff page, drawn again
// every 5 s: the queue's other lists were pushed down a long page, and a
// staffer scrolling or tabbing through them lost the row under the pointer
// or the focus at each refresh. Now the list is folded under its heading
// (the count stays in it) unless this PC left it unfolded, a box filters
// it as the staffer types, and a refresh that brings the same rows draws
// nothing.
//
// The lists carry no names (they are seen over a staffer's shoulder): a
// name typed is looked up by the server among all the cases waiting
// (POST /api/v1/staff/ready/search: a name never in an address), which
// answers the matching cases' list
// entries, never the name.

import { el, redrawRows } from './core.js';
import { api } from './api.js';

const enc = encodeURIComponent;
// how long typing rests before a name is looked up
const NAME_WAIT_MS = 300;
// Whether the list is unfolded on this PC, kept in localStorage as 本窗口号
// is (staff.js WINDOW_KEY): a desk that hands certificates out all day
// unfolded it again at every load of the page (each login, F5). It belongs
// to the desk, not to whoever logs in there, and says nothing of anyone.
const OPEN_KEY = 'spkiosk.ready-open';

let ui = {};
let listed = [];           // the queue's `ready`, as last received
let total = 0;             // all the cases waiting (`ready_total`)
let hits = null;           // the name lookup's answer: {q, entries, failed}, or null
let drawn = null;          // what the table shows now (its rows' text), to skip a redraw
let lookupSeq = 0;
let lookupTimer = 0;

// The heading and the folded part, built once. open(id) shows a case;
// when(iso) is how the page writes a case's time.
export function readyCard({ open, when }) {
  ui.open = open;
  ui.when = when;
  ui.count = el('span', { id: 'ready-count' }, '');
  ui.toggle = el('button', {
    type: 'button', class: 'fold-btn', id: 'ready-toggle', 'aria-expanded': 'false', 'aria-controls': 'ready-part',
    onClick: () => setOpen(ui.toggle.getAttribute('aria-expanded') !== 'true', true),
  }, el('span', { class: 'fold-mark', 'aria-hidden': 'true' }), '待领取 ', ui.count);
  ui.body = el('tbody');
  ui.q = el('input', {
    id: 'ready-q', type: 'search', autocomplete: 'off', spellcheck: 'false', class: 'ready-q',
    'aria-describedby': 'ready-q-hint', 'aria-controls': 'ready-list',
  });
  ui.q.addEventListener('input', () => {
    draw();
    lookUp(true);
  });
  // Enter opens the one case the box leaves, or the slip just scanned
  ui.q.addEventListener('keydown', (e) => {
    if (e.isComposing) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      const slip = scannedSlip(ui.q.value);
      if (slip) {
        ui.q.value = slip.typed;
        draw();
        lookUp(false);
        ui.open(slip.id);
        return;
      }
      const only = shownRows();
      if (only.length === 1) ui.open(only[0].id);
    }
  });
  ui.found = el('p', { id: 'ready-found', role: 'status', class: 'ready-found' });
  const table = el('table', { class: 'queue', id: 'ready-list' },
    el('caption', { class: 'sr-only' }, '已办好、等居民来领取的办件，先办好的在前'),
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col' }, '排队号'), el('th', { scope: 'col' }, '事项'),
      el('th', { scope: 'col' }, '证件号'), el('th', { scope: 'col' }, '办好'))),
    ui.body);
  ui.part = el('div', { id: 'ready-part', hidden: true },
    el('p', { class: 'hint' }, '居民带了凭条的，用扫码枪扫凭条上的二维码，办件就打开了（光标在下面的框里也可以扫）。没带凭条的，在框里输入证件号后四位或居民的姓名找到办件打开。核对身份证件后交给居民，再点“居民已领取”。'),
    el('label', { for: 'ready-q' }, '查找待领取的办件'),
    ui.q,
    el('p', { id: 'ready-q-hint', class: 'hint' }, '证件号后四位（如 002X）、姓名（写全名）、排队号或事项名称；只剩一件时按回车打开。'),
    ui.found,
    table);
  setOpen(storedOpen(), false);
  return [el('h2', { id: 'ready-h', class: 'fold-h' }, ui.toggle), ui.part];
}

// Folded unless this PC left it unfolded; folded too where the browser
// keeps nothing.
function storedOpen() {
  try { return localStorage.getItem(OPEN_KEY) === '1'; } catch { return false; }
}

// keep: the staffer's click, remembered on this PC
function setOpen(open, keep) {
  ui.toggle.setAttribute('aria-expanded', String(open));
  ui.part.hidden = !open;
  if (!keep) return;
  try {
    if (open) localStorage.setItem(OPEN_KEY, '1');
    else localStorage.removeItem(OPEN_KEY);
  } catch { /* the fold holds for this page; the next load folds it */ }
}

// The queue's answer came (every 5 s): the count, and the rows if they changed.
export function drawReady(q) {
  listed = q.ready || [];
  // at most 500 are listed (the ones done last): the count is of them all
  total = Math.max(q.ready_total ?? 0, listed.length);
  const count = total > listed.length ? `（共 ${total} 件，列出最近办好的 ${listed.length} 件）` : `（${listed.length} 件）`;
  if (ui.count.textContent !== count) ui.count.textContent = count;
  draw();
  lookUp(false);
}

// A slip scanned while the cursor was in the box: the scanner types like
// a keyboard, so its code ran on from what the staffer had typed (a last
// four, often digits) and its Enter found nothing. A slip's QR holds the
// case's id, alone or at the end of the kiosk's address of the case
// (…/#/case/ID, print.c print_qr_payload); 32 hex digits are in no last
// four, name, ticket or item. {id, typed: the box without the code}, or
// null.
function scannedSlip(raw) {
  const m = /(?:https?:\/\/\S*?#\/case\/)?([0-9a-f]{32})(?![0-9a-f])/i.exec(raw);
  if (!m) return null;
  const typed = (raw.slice(0, m.index) + raw.slice(m.index + m[0].length)).trim();
  return { id: m[1].toLowerCase(), typed };
}

// What the box asks: the text as typed (trimmed) and its capitals (an ID
// number's X, a ticket's letter).
function query() {
  const raw = ui.q.value.trim();
  return { raw, up: raw.toUpperCase() };
}

// A name is worth asking the server for: two characters or more, not only
// what the lists already match (digits, an X, a ticket's letters).
const nameLike = (raw) => [...raw].length >= 2 && /[^\x00-\x7f]/.test(raw);

// The rows the box leaves, first done first: the listed cases it matches
// (ID numbers' last four, ticket, item), then the name lookup's, once each.
function shownRows() {
  const { raw, up } = query();
  if (!raw) return listed;
  const match = (e) => (e.ids || []).some((x) => x.value.slice(-4).toUpperCase().includes(up)) ||
    (e.ticket || '').toUpperCase().includes(up) || (e.title || '').includes(raw);
  const out = listed.filter(match);
  if (hits && hits.q === raw && !hits.failed) {
    const seen = new Set(out.map((e) => e.id));
    for (const e of hits.entries) if (!seen.has(e.id)) out.push(e);
    out.sort((a, b) => (a.ready_at < b.ready_at ? -1 : a.ready_at > b.ready_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  return out;
}

// Draws the table when what it would show differs from what it shows: a
// refresh that brings the same rows leaves them (and the focus, the
// pointer, a screen reader's place) alone.
function draw() {
  const { raw } = query();
  const rows = shownRows().map((e) => ({
    id: e.id, ticket: e.ticket || '', title: e.title, ids: (e.ids || []).map((x) => x.value).join(' '), at: ui.when(e.ready_at),
  }));
  const empty = rows.length ? '' : raw ? `没有找到“${raw}”` : '没有';
  const mark = JSON.stringify([rows, empty]);
  if (raw) {
    const asked = hits && hits.q === raw ? hits : null;
    const n = rows.length ? `找到 ${rows.length} 件` : `没有找到“${raw}”`;
    const where = total > listed.length ? `；证件号后四位、排队号和事项只在列出的 ${listed.length} 件里找，姓名在全部 ${total} 件里找` : '';
    const text = nameLike(raw) && !asked ? `${n}，正在按姓名查找…`
      : asked && asked.failed ? `${n}。按姓名查找没有成功，请稍后再输入一次，或按证件号后四位查找`
        : rows.length ? n : `${n}${where}。姓名要写全名，和居民填写的一样`;
    if (ui.found.textContent !== text) ui.found.textContent = text;
  } else if (ui.found.textContent) {
    ui.found.textContent = '';
  }
  if (mark === drawn) return;
  drawn = mark;
  redrawRows(ui.body, rows.length ? rows.map((r) => el('tr', { 'data-id': r.id },
    el('td', {}, el('button', { type: 'button', class: 'btn btn-small ticket-btn', onClick: () => ui.open(r.id),
      'aria-label': `打开 ${r.ticket || '办件'} ${r.title}` }, r.ticket || '打开')),
    el('td', {}, r.title),
    el('td', {}, r.ids),
    el('td', {}, r.at))) :
    [el('tr', {}, el('td', { colspan: '4', class: 'hint' }, empty))]);
}

// Asks the server for the cases whose resident has the name typed, once
// typing rests (wait), or at once when the queue refreshed (a case handed
// out meanwhile leaves the answer); an answer to an older text is dropped.
function lookUp(wait) {
  clearTimeout(lookupTimer);
  const { raw } = query();
  if (!nameLike(raw)) {
    lookupSeq++;
    hits = null;
    return;
  }
  if (wait && hits && hits.q === raw && !hits.failed) return;
  lookupTimer = setTimeout(async () => {
    const seq = ++lookupSeq;
    let entries = [], failed = false;
    try {
      entries = (await api('/api/v1/staff/ready/search', { method: 'POST', body: { name: raw } })).body.ready || [];
    } catch {
      // the lists' own matches stay; the line says the name was not looked up
      failed = true;
    }
    if (seq !== lookupSeq) return;
    hits = { q: raw, entries, failed };
    draw();
  }, wait ? NAME_WAIT_MS : 0);
}
