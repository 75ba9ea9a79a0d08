// 这一步有误 (SP有误, issue #11 part 5). For staff: a small button on a
// step that opens a short form (有误 / 不清楚 and a note) and reports the
// step by procedure, version and step index only — never the case on
// show — so practice can put the same button on its own steps. For the
// admin console: a procedure's open reports (step, kind, note, who, when),
// each with 已处理 and an optional reply.

import { el, busy, holdInputs, stepLabel, closable, focusMark } from './core.js';
import { api } from './api.js';
import { errorText } from './auth.js';

export const KIND = { wrong: '有误', unclear: '不清楚' };
const enc = encodeURIComponent;
let seq = 0;                // unique ids for the forms' labels

function when(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso || '';
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

// The button and, once pressed, its form, for step (its index) of
// procedure at version hash; label names the step for screen readers.
export function stepReport({ procedure, hash, step, label }) {
  const slot = el('div');
  // data-opens / data-draft: the staff page's case view opens it again,
  // with what was typed, when it redraws the case (staff.js)
  const open = el('button', { type: 'button', class: 'btn btn-small spreport-open',
    'aria-expanded': 'false', 'aria-label': `这一步有误：${label}`, 'data-opens': `spreport:${step}` }, '这一步有误');
  open.addEventListener('click', () => {
    if (slot.querySelector('form')) { slot.querySelector('textarea').focus(); return; }
    open.setAttribute('aria-expanded', 'true');
    slot.replaceChildren(reportForm({ procedure, hash, step, label }, () => {
      open.setAttribute('aria-expanded', 'false');
      open.focus();
    }));
    // in the page now: the note takes the focus at once, not on a later
    // turn of the event loop a keystroke could come before
    slot.querySelector('textarea').focus();
  });
  return el('div', { class: 'spreport' }, open, slot);
}

function reportForm({ procedure, hash, step, label }, closed) {
  const n = ++seq;
  const hid = `spreport-h-${n}`;
  const kinds = Object.entries(KIND).map(([k, text], i) => {
    const input = el('input', { type: 'radio', name: `spreport-kind-${n}`, value: k,
      id: `spreport-kind-${n}-${k}`, checked: i === 0 });
    return el('label', { class: 'spreport-kind', for: input.id }, input, ` ${text}`);
  });
  const note = el('textarea', { id: `spreport-note-${n}`, rows: '3', maxlength: '500',
    'aria-required': 'true', 'aria-describedby': `spreport-hint-${n}` });
  const err = el('div', { role: 'alert', class: 'msg-error' });
  const done = el('div', { role: 'status' });
  const form = el('form', { class: 'card inner-form spreport-form', novalidate: true, 'aria-labelledby': hid,
    'data-draft': `spreport:${step}` },
    el('h5', { id: hid }, `报告问题：${label}`),
    el('fieldset', {}, el('legend', {}, '问题类型'), kinds),
    el('label', { for: note.id }, '哪里有误或不清楚'),
    el('p', { class: 'hint', id: `spreport-hint-${n}` }, '报告的是事项说明本身，请不要写居民的姓名、证件号等信息。最多 500 字。'),
    note, err,
    el('div', { class: 'btn-row' },
      el('button', { type: 'submit', class: 'btn btn-primary' }, '提交给管理员'),
      el('button', { type: 'button', class: 'btn', 'data-cancel': '' }, '取消')));
  closable(form, () => { form.remove(); closed(); });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const kind = form.querySelector('input[type=radio]:checked').value;
    // the kind and the words shown stay the ones sent: words added while
    // it was on its way went with the form, unsent, under 已报告
    const giveBack = holdInputs(form, [form.querySelector('fieldset'), note]);
    busy(form.querySelector('[type=submit]'), async () => {
      err.replaceChildren();
      const free = focusMark(form);
      try {
        await api(`/api/v1/staff/procedures/${enc(procedure)}/reports`,
          { method: 'POST', body: { hash, step, kind, note: note.value } });
      } catch (x) {
        giveBack();
        err.textContent = errorText(x);
        if (free()) note.focus();
        return;
      }
      form.remove();
      done.textContent = `已报告给管理员：这一步${KIND[kind]}。谢谢！`;
      done.className = 'msg-ok';
      closed();
    });
  });
  return el('div', {}, form, done);
}

// The open reports of one procedure for the admin list: a badge with the
// count and the reports under a disclosure. onDealt(report) after 已处理.
export function reportsBlock(p, reports, onDealt) {
  if (!reports.length) return null;
  let left = reports.length;
  const badge = el('span', { class: 'badge badge-warn' });
  const count = () => { badge.textContent = left ? `步骤反馈 ${left} 条待处理` : '步骤反馈已全部处理'; };
  const list = el('ul', { class: 'spreport-list' }, reports.map((r) => reportItem(p, r, (d) => {
    left--;
    count();
    onDealt(d);
  })));
  count();
  return el('details', { class: 'spreport-block', 'data-procedure': p.id }, el('summary', {}, badge), list);
}

function reportItem(p, r, onDealt) {
  const reply = el('input', { type: 'text', id: `spreport-reply-${r.id}`, maxlength: '500', class: 'spreport-reply' });
  const err = el('span', { role: 'alert', class: 'msg-error' });
  const btn = el('button', { type: 'button', class: 'btn btn-small',
    'aria-label': `已处理：第 ${r.step + 1} 步 ${stepLabel(r.step_title)} 的反馈` }, '已处理');
  const li = el('li', { 'data-report': String(r.id) },
    el('p', {},
      el('strong', {}, `第 ${r.step + 1} 步 ${stepLabel(r.step_title)}`), ' ',
      el('span', { class: r.kind === 'wrong' ? 'badge badge-error' : 'badge badge-warn' }, KIND[r.kind] || r.kind),
      r.live ? null : el('span', { class: 'badge' }, `旧版本 ${r.version || r.hash.slice(0, 10)}`)),
    el('p', { class: 'spreport-note' }, r.note),
    el('p', { class: 'muted' }, `${r.by} · ${when(r.at)}`),
    el('div', { class: 'spreport-deal' },
      el('label', { for: reply.id }, '答复（可不填）'), reply, btn, err));
  btn.addEventListener('click', () => busy(btn, async () => {
    const free = focusMark(li);
    let dealt;
    try {
      dealt = (await api(`/api/v1/admin/reports/${enc(r.id)}/dealt`, { method: 'POST', body: { reply: reply.value } })).body;
    } catch (x) {
      err.textContent = errorText(x);
      return;
    }
    const note = el('p', { class: 'msg-ok', role: 'status', tabindex: '-1' },
      `已处理：第 ${r.step + 1} 步的反馈${dealt.reply ? `（答复：${dealt.reply}）` : ''}`);
    // the focus, which went with the button, unless the admin has put it
    // elsewhere meanwhile (the next report's reply)
    const back = free();
    li.replaceChildren(note);
    if (back) note.focus();
    onDealt(dealt);
  }));
  return li;
}
