// /staff/practice (网页模拟): a staffer picks an item (已通过 / 需重新练习 /
// 已过期 / 未练习, with the attempts), gets its next scenario — the resident's story
// and the case as the staff case view shows it — walks the steps (ticks what
// was brought and checked, corrects the form with the window's own field
// rendering, web/fields.js), and decides 受理 / 退回补正 (flagging fields and
// items) / 不予受理 (picking the condition). The verdict says right or
// wrong, what was expected and why: the scenario's explanation, the
// validators' messages, the {staff} guidance. Each step has 这一步有误
// (spreport.js), and a changed procedure its 本事项已更新 notice
// (changes.js), as in the staff case view. Practice never touches a real
// case (docs/http-api.md "Practice").
import { el, busy, holdInputs } from './core.js';
import { api, ApiError } from './api.js';
import { ensureLogin, errorText, sessionBadge } from './auth.js';
import { renderField } from './fields.js';
import { stepReport } from './spreport.js';
import { changesNotice } from './changes.js';
import { offerNewerBuild } from './fresh.js';

const enc = encodeURIComponent;
const DECISIONS = [['accept', '受理'], ['return', '退回补正'], ['refuse', '不予受理']];
const decisionName = (d) => (DECISIONS.find(([k]) => k === d) || [d, d])[1];

let main;

// The state of an item for this staffer, as a badge.
// A pass whose last day is this close is time to practise again (the
// readiness page's 即将到期, readiness.js).
const SOON_DAYS = 30;

function soonDay() {
  const d = new Date();
  d.setDate(d.getDate() + SOON_DAYS);
  const pad = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function stateBadge(p) {
  // a pass counts for a year: the staffer sees until when, and is told to
  // practise again before it lapses (and the hall's post with it)
  if (p.passed) return [el('span', { class: 'badge badge-ok' }, `已通过（${p.passed}）`),
    p.expires ? el('span', { class: 'hint' }, ` 有效至 ${p.expires}`) : null,
    p.expires && p.expires <= soonDay() ? [' ', el('span', { class: 'badge badge-warn' }, '即将到期，请重新练习')] : null];
  // scenarios added since the pass: it stands until it lapses, and the new
  // ones are to be done before then (a new scenario used to take the pass
  // away at once, and the hall's A or B post with it)
  // or the rules change on a later date (upcoming): the pass of the rules
  // in force holds until the day before, the new version to practise by then
  if (p.held) {
    const left = p.scenarios - p.passed_scenarios;
    return [el('span', { class: 'badge badge-ok' }, `已通过（${p.held.passed}）`),
      el('span', { class: 'hint' }, ` 有效至 ${p.held.expires}`), ' ',
      el('span', { class: 'badge badge-warn' }, p.upcoming ? `${p.upcoming} 起按新版办理，请在此前按新版练习`
        : `新增了 ${left} 道练习题，请在 ${p.held.expires} 前做完`)];
  }
  // either file may have changed (a scenario added is not a new procedure),
  // and what is already right on the current one still shows
  if (p.passed_before)
    return el('span', { class: 'badge badge-warn' }, `需重新练习（办事指南或练习题已更新；${p.passed_before} 通过的是更新前的版本` +
      (p.passed_scenarios ? `；现在已做对 ${p.passed_scenarios} / ${p.scenarios} 题）` : '）'));
  // a pass whose year is over is said, with its last day: practise again
  // (a refresher), not the first training it looked like
  if (p.lapsed)
    return el('span', { class: 'badge badge-warn' }, `已过期（${p.lapsed.passed} 通过，${p.lapsed.expires} 到期），请重新练习` +
      (p.passed_scenarios ? `；现在已做对 ${p.passed_scenarios} / ${p.scenarios} 题` : ''));
  if (p.attempts) return el('span', { class: 'badge' }, `练习中（已做对 ${p.passed_scenarios} / ${p.scenarios} 题）`);
  return el('span', { class: 'badge' }, '未练习');
}

async function showList(focusId = null) {
  let list;
  try {
    list = (await api('/api/v1/staff/practice')).body.procedures;
  } catch (x) {
    main.replaceChildren(el('h1', {}, '练习'), el('p', { class: 'msg-error', role: 'alert' }, errorText(x)));
    return;
  }
  const heading = el('h1', { id: 'practice-h', tabindex: '-1' }, '练习（网页模拟）');
  main.replaceChildren(heading,
    el('p', { class: 'hint' }, '每个事项有几道练习题，每题是一位来办事的居民。按办事指南核对材料和表格，然后决定受理、退回补正还是不予受理。' +
      '一年内把一个事项的练习题全部做对，就算“已通过”，有效 365 天，到期前要重新练习；办事指南更新后也要重新练习；' +
      '练习题新增了题目时，原来的通过到期前仍然有效，请在到期前做完新题。练习不会产生真实的办件，不排号，也不计入统计。'),
    list.length ? el('table', { id: 'practice-list' },
      el('caption', { class: 'sr-only' }, '可以练习的事项'),
      el('thead', {}, el('tr', {}, ['事项', '练习题', '我的情况', '练习次数', '操作'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, list.map((p) => el('tr', { 'data-id': p.id },
        el('th', { scope: 'row' }, p.title,
          // the scenarios follow the version that goes live that day
          p.upcoming ? [' ', el('span', { class: 'badge badge-warn' }, `按 ${p.upcoming} 起施行的新版出题`)] : null),
        el('td', { class: 'num' }, `${p.scenarios} 题`),
        el('td', {}, stateBadge(p)),
        el('td', { class: 'num' }, String(p.attempts)),
        el('td', {}, el('button', {
          type: 'button', class: 'btn btn-primary btn-small', id: 'start-' + p.id,
          'aria-label': `开始练习：${p.title}`, onClick: (e) => busy(e.currentTarget, () => play(p.id)),
        }, '开始练习'))))))
      : el('p', { class: 'hint' }, '还没有可以练习的事项。练习题由管理员在事项文件旁边编写（ID.practice.md）。'));
  const again = focusId && document.getElementById('start-' + focusId);
  (again || heading).focus();
}

// ---- a scenario ----

async function play(id) {
  let s, proc;
  try {
    s = (await api(`/api/v1/staff/practice/${enc(id)}`, { method: 'POST', body: {} })).body;
    // the version the scenario is played on (one scheduled for later may
    // have other options than the live one)
    proc = s.procedure;
  } catch (x) {
    const msg = el('p', { class: 'msg-error', role: 'alert', id: 'practice-error' }, errorText(x));
    document.getElementById('practice-error')?.remove();
    if (document.getElementById('practice-list')) {
      // from the list: it may be out of date (the item's file broke or went
      // away since), so it is read again, and the reason goes under its
      // heading; at the foot of a long list it was out of sight, and the
      // button seemed to do nothing
      await showList(id);
      const heading = document.getElementById('practice-h');
      if (heading) heading.after(msg);
      else main.append(msg);
    } else {
      main.append(msg);
    }
    msg.scrollIntoView({ block: 'nearest' });
    return;
  }
  showScenario(id, s, proc);
}

// The full definition of a field (options, rules) from the detail of the
// version played; the case view's own when it has none.
function fieldDef(proc, i, f) {
  const step = (proc.steps || [])[i];
  return (step && step.fields.find((x) => x.key === f.key)) || f;
}

// A step of the case as the window sees it, to be checked and corrected.
function stepBox(c, proc, s, i, n) {
  const hid = 'pstep-h-' + i;
  const items = s.checklist.filter((it) => it.applies);
  const fields = s.fields.filter((f) => f.applies);
  return el('article', { class: 'step practice-step', 'aria-labelledby': hid },
    el('h4', { id: hid }, `第 ${n} 步 ${s.label}`),
    s.staff_html ? el('div', { class: 'staff-guidance', role: 'note', 'aria-label': '窗口提示' },
      el('p', { class: 'staff-guidance-title' }, '窗口提示（居民看不到）'),
      el('div', { class: 'content', html: s.staff_html })) : null,
    // SP有误: the same report as from the staff case view, of this version's step
    stepReport({ procedure: c.procedure, hash: c.hash, step: i, label: s.label }),
    items.length ? el('fieldset', {}, el('legend', {}, '核对材料（居民说带来的已勾选；请核对原件）'),
      items.map((it) => el('div', { class: 'check' },
        el('input', { type: 'checkbox', id: 'pitem-' + it.id, checked: it.ticked }),
        el('label', { for: 'pitem-' + it.id }, it.text + (it.required ? '' : '（如有）'))))) : null,
    fields.map((f) => renderField(fieldDef(proc, i, f), { id: 'pfield-' + f.key, value: f.value ?? '', desk: true }).node));
}

function decisionForm(c, names, onAnswer, onRestart, onNext) {
  const err = el('div', { role: 'alert' });
  // a refusal names the 办理条件 not met: an item without any has nothing
  // to refuse on, and the answer was always refused (422 bad_condition)
  const radios = DECISIONS.filter(([k]) => k !== 'refuse' || c.conditions.length).map(([k, text]) => el('div', { class: 'check' },
    el('input', { type: 'radio', name: 'decision', id: 'decision-' + k, value: k }),
    el('label', { for: 'decision-' + k }, text)));
  const flagBoxes = [];
  for (const s of c.procedure_steps.filter((x) => x.applicable)) {
    for (const it of s.checklist.filter((x) => x.applies)) flagBoxes.push(['flag-' + it.id, it.id, '材料：' + it.text]);
    for (const f of s.fields.filter((x) => x.applies)) flagBoxes.push(['flag-' + f.key, f.key, '填写：' + f.label]);
  }
  const flags = el('fieldset', { class: 'practice-sub', id: 'flags', hidden: true },
    el('legend', {}, '要补正的内容（可多选）'),
    flagBoxes.map(([id, v, text]) => el('div', { class: 'check' },
      el('input', { type: 'checkbox', id, value: v, name: 'flag' }), el('label', { for: id }, text))));
  const conds = el('fieldset', { class: 'practice-sub', id: 'conds', hidden: true },
    el('legend', {}, '不符合哪一条办理条件'),
    c.conditions.map((text, i) => el('div', { class: 'check' },
      el('input', { type: 'radio', name: 'condition', id: 'cond-' + (i + 1), value: String(i + 1) }),
      el('label', { for: 'cond-' + (i + 1) }, `第 ${i + 1} 条：${text}`))));
  const form = el('form', { class: 'card practice-decision', novalidate: true, 'aria-labelledby': 'decide-h' },
    el('h3', { id: 'decide-h' }, '你的决定'),
    el('fieldset', {}, el('legend', {}, '这件事应当'), radios), flags, conds, err,
    el('div', { class: 'btn-row' }, el('button', { type: 'submit', class: 'btn btn-primary', id: 'decide' }, '提交决定')));
  form.addEventListener('change', () => {
    const d = form.querySelector('input[name=decision]:checked');
    flags.hidden = !d || d.value !== 'return';
    conds.hidden = !d || d.value !== 'refuse';
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    // a message of an earlier try is not left beside the verdict
    err.replaceChildren();
    const d = form.querySelector('input[name=decision]:checked');
    if (!d) { err.replaceChildren(el('p', { class: 'msg-error' }, c.conditions.length ? '请先选择：受理、退回补正或不予受理' : '请先选择：受理或退回补正')); return; }
    const body = { decision: d.value };
    if (d.value === 'return') body.flags = [...flags.querySelectorAll('input:checked')].map((x) => x.value);
    if (d.value === 'refuse') {
      const k = conds.querySelector('input:checked');
      body.condition = k ? Number(k.value) : null;
    }
    // the decision shown stays the one sent: changed while it was on its
    // way, it stood (disabled) beside the verdict of the other
    const giveBack = holdInputs(form, [...form.querySelectorAll('fieldset')]);
    busy(form.querySelector('[type=submit]'), async () => {
      try {
        await onAnswer(body, form);
        form.removeAttribute('aria-busy');
      } catch (x) {
        // answered already: it stays as it is, every input disabled below
        if (!(x instanceof ApiError && x.code === 'already_answered')) giveBack();
        else form.removeAttribute('aria-busy');
        // the file or the procedure changed under the scenario: this one
        // cannot be answered any more, so offer the way on, not the same
        // button that fails again
        if (x instanceof ApiError && x.code === 'practice_changed') {
          form.querySelector('.btn-row').replaceChildren(el('button', {
            type: 'button', class: 'btn btn-primary', id: 'restart',
            onClick: (ev) => busy(ev.currentTarget, onRestart),
          }, '按新版本重新开始'));
        }
        // answered already (from another tab, or a retry whose first
        // answer went through): it never takes another, so the way on
        if (x instanceof ApiError && x.code === 'already_answered') {
          for (const i of form.querySelectorAll('input')) i.disabled = true;
          form.querySelector('.btn-row').replaceChildren(el('button', {
            type: 'button', class: 'btn btn-primary', id: 'next',
            onClick: (ev) => busy(ev.currentTarget, onNext),
          }, '下一题'));
        }
        err.replaceChildren(el('p', { class: 'msg-error' }, errorText(x)));
      }
    });
  });
  return form;
}

// "受理", "退回补正：材料：…、填写：…", "不予受理：第 2 条 …"
function decisionText(x, c, names) {
  if (x.decision === 'return') return `退回补正：${(x.flags || []).map((k) => names[k] || k).join('、')}`;
  if (x.decision === 'refuse') return `不予受理：第 ${x.condition} 条（${c.conditions[x.condition - 1] || ''}）`;
  return decisionName(x.decision);
}

// The reasons under 为什么, each saying what it is: a bare condition text
// read as if it were true of the resident, and a blank field's 请填写… as a
// reason to refuse. A refusal comes before the steps: only its own lines.
function reasonLines(v) {
  const refuse = v.expected.decision === 'refuse';
  return v.notes.filter((n) => n.kind !== 'staff' && (!refuse || n.kind === 'explain' || n.kind === 'condition'))
    .map((n) => {
      if (n.kind === 'condition') return `不符合第 ${n.condition} 条办理条件：${n.text}`;
      if (n.kind === 'field') return `表格没有填对：${n.text}`;
      if (n.kind === 'item') return `没有带：${n.text}`;
      return n.text;
    });
}

// What was wrong in the trainee's own decision, beside what was expected:
// a paper or field flagged that is in order, one that needed flagging and
// was left out, a condition refused on that the resident meets. The
// verdict said only what was right (退回补正：公民身份号码 after the trainee
// had flagged 姓名), and they were left to work out that their own pick
// had been fine (a walk of 12-07). Read from the answer's notes: a field
// or item that fails is one of them, a condition answered 否 too.
function mistakeLines(v, mine, c, names) {
  if (v.correct) return [];
  const failing = new Set(v.notes.filter((n) => n.kind === 'field' || n.kind === 'item').map((n) => n.key));
  const expected = v.expected.flags || [];
  const out = [];
  if (mine.decision === 'return') {
    for (const k of mine.flags || [])
      if (!expected.includes(k) && !failing.has(k)) out.push(`你退回的「${names[k] || k}」没有问题，不用补正`);
    if (v.expected.decision === 'return')
      for (const k of expected)
        if (!(mine.flags || []).includes(k)) out.push(`漏了：「${names[k] || k}」要请居民补正`);
  }
  if (mine.decision === 'refuse' && mine.condition) {
    const unmet = new Set(v.notes.filter((n) => n.kind === 'condition').map((n) => n.condition));
    if (!unmet.has(mine.condition))
      out.push(`第 ${mine.condition} 条办理条件（${c.conditions[mine.condition - 1] || ''}）居民是符合的，不能按这一条不予受理`);
  }
  return out;
}

function verdictBox(v, mine, c, names, next, back) {
  const heading = el('h3', { id: 'verdict-h', tabindex: '-1' }, v.correct ? '✓ 回答正确' : '✗ 回答错误');
  const staff = v.notes.filter((n) => n.kind === 'staff');
  const reasons = reasonLines(v);
  const mistakes = mistakeLines(v, mine, c, names);
  const box = el('section', { class: 'verdict ' + (v.correct ? 'verdict-right' : 'verdict-wrong'), id: 'verdict',
    'aria-labelledby': 'verdict-h' },
  heading,
  el('p', {}, el('strong', {}, '你的决定：'), decisionText(mine, c, names)),
  el('p', {}, el('strong', {}, '应当：'), decisionText(v.expected, c, names)),
  mistakes.length ? el('div', {}, el('p', {}, el('strong', {}, '你的决定哪里不对：')),
    el('ul', { id: 'mistakes' }, mistakes.map((t) => el('li', {}, t)))) : null,
  reasons.length ? el('div', {}, el('p', {}, el('strong', {}, '为什么：')),
    el('ul', { id: 'explain' }, reasons.map((t) => el('li', {}, t)))) : null,
  staff.map((n) => el('div', { class: 'staff-guidance', role: 'note', 'aria-label': '办事指南的窗口提示' },
    el('p', { class: 'staff-guidance-title' }, '办事指南的窗口提示'),
    el('div', { class: 'content', html: n.html }))),
  el('div', { class: 'btn-row' },
    el('button', { type: 'button', class: 'btn btn-primary', id: 'next', onClick: (e) => busy(e.currentTarget, next) }, '下一题'),
    el('button', { type: 'button', class: 'btn', id: 'back', onClick: back }, '返回事项列表')));
  return { box, heading };
}

function showScenario(id, s, proc) {
  const c = s.case;
  const names = {};
  for (const st of c.procedure_steps) {
    for (const it of st.checklist) names[it.id] = '材料：' + it.text;
    for (const f of st.fields) names[f.key] = '填写：' + f.label;
  }
  const heading = el('h2', { id: 'scenario-h', tabindex: '-1' }, s.scenario.title);
  const applicable = c.procedure_steps.filter((x) => x.applicable);
  const result = el('div', { id: 'result' });
  const back = () => showList(id);
  const form = decisionForm(c, names, async (body, f) => {
    const v = (await api(`/api/v1/staff/practice/${enc(s.id)}/answer`, { method: 'POST', body })).body;
    // answered once: the decision stays as it was sent, and cannot be sent again
    for (const x of f.querySelectorAll('input')) x.disabled = true;
    f.querySelector('.btn-row').remove();
    const { box, heading: vh } = verdictBox(v, body, c, names, () => play(id), back);
    result.replaceChildren(box);
    vh.focus();
  }, () => play(id), () => play(id));
  main.replaceChildren(
    el('p', {}, el('button', { type: 'button', class: 'btn btn-small', onClick: back }, '← 返回事项列表')),
    el('p', { class: 'hint' }, `${c.title} · 第 ${s.scenario.number} / ${s.scenario.of} 题（练习，不是真实办件）`),
    heading,
    // 本事项已更新, as in the staff case view: read what changed before practising
    changesNotice(id),
    el('section', { 'aria-labelledby': 'story-h' }, el('h3', { id: 'story-h' }, '居民的情况'),
      el('div', { class: 'practice-story content', html: s.scenario.html })),
    c.conditions.length ? el('section', { 'aria-labelledby': 'pcond-h' }, el('h3', { id: 'pcond-h' }, '办理条件'),
      el('ol', {}, c.conditions.map((t) => el('li', {}, t)))) : null,
    el('section', { 'aria-labelledby': 'psteps-h' }, el('h3', { id: 'psteps-h' }, '按办事指南核对（材料和表格）'),
      applicable.map((st, k) => stepBox(c, proc, st, c.procedure_steps.indexOf(st), k + 1))),
    form, result);
  heading.focus();
}

async function start() {
  main = document.getElementById('main');
  await ensureLogin(main, 'staff');
  document.getElementById('session').replaceChildren(sessionBadge());
  await showList();
}

if (typeof document !== 'undefined' && document.getElementById('main')) {
  start();
  offerNewerBuild(import.meta.url);
}
