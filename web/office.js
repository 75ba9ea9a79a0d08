// Referrals: the offices of _directory.md that residents are sent to for
// what the hall does not handle. The office card (a triage ending, a
// procedure's link #/office/ID, a search for 身份证), its screen, and the
// search over offices. The directory is small (at most 100 offices) and
// changes rarely, so the page matches it itself instead of asking the
// server's procedure search, whose answer stays {"procedures":[…]}.

import { t } from './i18n.js';
import { el, zh, show, go, button, backButton, liveRoute } from './core.js';
import { api } from './api.js';

export async function loadOffices() {
  return (await api('/api/v1/directory')).body.offices;
}

// "地址：幸福路 12 号" (or with ":") → ['地址', '幸福路 12 号']; a line without a label is
// shown whole.
function splitLine(line) {
  const m = /^([^:：]{1,8})[:：]\s*(.+)$/.exec(line);
  return m ? [m[1], m[2]] : [null, line];
}

// The card: name, then each line, label and text, in large type.
export function officeCard(o, heading = 'h2') {
  const id = 'office-' + o.id;
  return el('section', { class: 'office-card', 'aria-labelledby': id },
    zh(heading, { id, class: 'office-name' }, o.name),
    el('dl', { class: 'office-lines' }, o.lines.map((line) => {
      const [k, v] = splitLine(line);
      return el('div', { class: 'office-line' },
        k ? zh('dt', {}, k) : null, zh('dd', {}, v));
    })));
}

// Offices that a query points at: the query names one of its keywords (or a
// keyword holds the query: 户口 → 户口迁移), its name, or, for two or more
// characters, one of its lines. Two or more Latin letters are also read as
// the start of the name's or a keyword's pinyin or initials (shenfen, sfz →
// 身份证), as the procedure search does.
export function matchOffices(offices, q) {
  q = q.trim();
  if (!q) return [];
  const py = /^[a-z' -]+$/i.test(q) ? q.toLowerCase().replace(/[' -]/g, '') : '';
  // one character (证, 办) is in half the keywords: only a keyword that is it
  if ([...q].length < 2) return offices.filter((o) => (o.keywords || []).includes(q));
  return offices.filter((o) =>
    o.name.includes(q) || q.includes(o.name) ||
    (o.keywords || []).some((k) => k.includes(q) || q.includes(k)) ||
    ([...q].length >= 2 && o.lines.some((l) => l.includes(q))) ||
    (py.length >= 2 && (o.pinyin || []).some((p) => p.startsWith(py))));
}

// Search results: the offices to go to, above the procedures found (or in
// place of "nothing found").
export function officeResults(offices) {
  return el('section', { class: 'office-results', 'aria-labelledby': 'office-results-h' },
    el('h2', { id: 'office-results-h' }, t('officeElsewhere')),
    el('p', { class: 'lead' }, t('officeElsewhereLead')),
    offices.map((o) => officeCard(o, 'h3')));
}

export async function officeScreen(id) {
  const live = liveRoute();
  const offices = await loadOffices();
  if (!live()) return;
  const o = offices.find((x) => x.id === id);
  if (!o) {
    show([el('h1', {}, t('officeKicker')),
      el('p', { class: 'notice' }, t('officeMissing')),
      el('div', { class: 'actions' }, backButton(),
        button(t('homeLong'), () => go('#/'), 'btn btn-primary'))]);
    return;
  }
  show([
    el('p', { class: 'kicker' }, t('officeKicker')),
    zh('h1', {}, o.name),
    el('p', { class: 'lead' }, t('officeLead')),
    officeCard({ ...o, name: t('officeCardTitle') }),
    el('div', { class: 'actions' }, backButton(),
      button(t('homeLong'), () => go('#/'), 'btn btn-primary')),
  ]);
}
