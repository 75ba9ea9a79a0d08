// The fields of a step, for both the kiosk (case.js) and the staff window
// (staff.js): one table of the field types, the {if} conditions, and one
// renderer with two layouts, the kiosk's (touch: big radios, year/month/day
// boxes, hints, errors beside the field) and the window's (desk: a select,
// the browser's date input, compact). The server checks every answer; the
// page only picks the control, its keyboard and hint, and how a value reads.
//
// Adding a field type on the web side: one row in TYPES (and, if it has a
// hint, its text in i18n.js). Both pages take it from there.
//
// A type missing from TYPES (a daemon newer than this page) is never guessed
// at with a text box, which would take answers in a form the server may
// refuse with no hint why: the field shows, visibly, that it cannot be
// filled in here (a resident is sent to the window, a staffer to the
// administrator), console.error names the type, and no value is sent for
// it, so the server's own answer (say "required") stays the authority.

import { t, getLang, paren } from './i18n.js';
import { el, zh } from './core.js';

// A date as the server takes it (YYYY-MM-DD) from the kiosk's three boxes,
// padded when they are plainly numbers; anything else is sent as typed, for
// the server to name what is wrong.
function dateValue(raw) {
  if (!Array.isArray(raw)) return raw || '';
  const [y, m, d] = raw.map(x => (x || '').trim());
  if (!y && !m && !d) return '';
  if (/^\d{4}$/.test(y) && /^\d{1,2}$/.test(m) && /^\d{1,2}$/.test(d))
    return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  return `${y}-${m}-${d}`;
}

function dateParts(raw) {
  if (Array.isArray(raw)) return raw.slice();
  return raw ? String(raw).split('-') : ['', '', ''];
}

// What is wrong with a date's three boxes, by the box, for the server's
// "date" and "date_not_real" answers (GOV.UK: the message names the part
// to fix, and the link goes to that box): {key, params, box} or null when
// the boxes look right and the server's own words should stand.
export function dateBoxError(raw, code) {
  if (!Array.isArray(raw)) return null;
  const [y, m, d] = raw.map(x => (x || '').trim());
  const names = { y: t('year'), m: t('month'), d: t('day') };
  for (const [box, v] of [['y', y], ['m', m], ['d', d]])
    if (!v) return { key: 'dateBoxMissing', params: { box: names[box] }, box };
  if (!/^\d{4}$/.test(y)) return { key: 'dateBoxYear', params: {}, box: 'y' };
  if (!/^\d{1,2}$/.test(m) || +m < 1 || +m > 12) return { key: 'dateBoxMonth', params: {}, box: 'm' };
  if (!/^\d{1,2}$/.test(d) || +d < 1 || +d > 31) return { key: 'dateBoxDay', params: {}, box: 'd' };
  // the server takes no year before 1900 (a slip of the finger, 1026 for
  // 2026): the year is what to fix then, not the day
  if (code === 'date_not_real' && +y < 1900) return { key: 'dateBoxYearOld', params: { y }, box: 'y' };
  if (code === 'date_not_real') return { key: 'dateBoxNotReal', params: { m: +m, d: +d }, box: 'd' };
  return null;
}

// The hall sees an ID number by its last four only.
function maskId(v) {
  const s = String(v);
  return s.length > 4 ? '*'.repeat(s.length - 4) + s.slice(-4).toUpperCase() : s;
}

const TEXT = (v) => String(v);

// One row per type the procedure format knows (docs/procedure-format.md):
//   control  'text' (one box), 'date' (a date), 'options' (one of a list)
//   attrs    the text box's type and keyboard (inputmode) on a touch screen
//   cls      an extra class of the kiosk's box
//   hint     the i18n key of the format hint under the label (kiosk)
//   keypad   the kiosk's own keypad for it on a touch screen (keypad.js):
//            'id' (digits and X), 'digits', 'decimal' (and .), 'tel' (and -)
//   limits   what min/max count: 'length' (characters) or 'value'
//   upper    typed letters become capitals (the X of an ID number)
//   compact  a paste loses its white space before the box's maxlength
//            counts it (an ID number copied in groups, 110105 19850315 102X,
//            which the server takes, was cut at its 18th character)
//   long     (f) → true when the kiosk gives it a text area
//   options  (f) → [[value, text]] of an options control
//   words    its values read in the interface's language (是/否, Yes/No),
//            not as procedure content (Chinese)
//   read     (raw) → the answer as sent; raw is what the control holds
//   show     (v, desk) → a stored answer as a person reads it
//   mask     (v) → the answer as the hall may see it
export const TYPES = {
  text: {
    control: 'text', attrs: {}, limits: 'length',
    long: (f) => !!(f.rules && f.rules.max > 60),
  },
  number: { control: 'text', attrs: { inputmode: 'decimal' }, hint: 'hint_number', keypad: 'decimal' },
  date: {
    control: 'date', hint: 'hint_date', read: dateValue,
    // the window keeps the form its date input shows and takes
    show: (v, desk) => {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
      return m && !desk ? t('dateFormat', { y: m[1], m: +m[2], d: +m[3], mm: m[2], dd: m[3] }) : String(v);
    },
  },
  cn_id: {
    // 18 characters: a 19th from the keypad or a keyboard goes nowhere
    control: 'text', attrs: { inputmode: 'text', autocapitalize: 'characters', maxlength: '18' }, cls: 'input-id',
    hint: 'hint_cn_id', upper: true, mask: maskId, keypad: 'id', compact: true,
  },
  cn_mobile: { control: 'text', attrs: { type: 'tel', inputmode: 'tel' }, hint: 'hint_cn_mobile', keypad: 'digits' },
  phone: { control: 'text', attrs: { type: 'tel', inputmode: 'tel' }, hint: 'hint_phone', keypad: 'tel' },
  email: { control: 'text', attrs: { type: 'email', inputmode: 'email' }, hint: 'hint_email' },
  // labels: {value: text} where the shown text is not the value (the visit
  // form's days: 2026-12-04 shown as 2026年12月4日星期五)
  choice: { control: 'options', options: (f) => f.options.map(o => [o, (f.labels && f.labels[o]) || o]) },
  // digits only, the way the card is printed (groups of four); shown by its
  // last four on the review page, as the server shows it to the resident
  bank_card: {
    control: 'text', attrs: { inputmode: 'numeric', autocomplete: 'off' }, cls: 'input-id',
    hint: 'hint_bank_card', mask: maskId, keypad: 'digits',
  },
  yesno: {
    control: 'options', words: true, options: () => [['yes', t('yes')], ['no', t('no')]],
    show: (v) => (v === 'yes' || v === true ? t('yes') : v === 'no' || v === false ? t('no') : String(v)),
  },
};

// The row of f's type; null for a type this page does not know.
export function fieldType(f) {
  return Object.hasOwn(TYPES, f.type) ? TYPES[f.type] : null;
}

// The ID numbers inside a text (残疾人证号 is one and two digits, typed into
// a text box) masked to their last four, the rest as typed: as the server
// masks them (idmask_text_hide, src/idmask.c): region, a real birth date, the check
// character; a single space or hyphen allowed between two characters;
// full-width digits and Ｘ count, as the server counts them.
const ID_REGIONS = /^(1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[1-3])/;
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function isIdNumber(w) {
  if (!/^\d{17}[\dXx]$/.test(w) || !ID_REGIONS.test(w)) return false;
  const y = +w.slice(6, 10), m = +w.slice(10, 12), d = +w.slice(12, 14);
  const day = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (+w[i]) * ID_WEIGHTS[i];
  return '10X98765432'[sum % 11] === w[17].toUpperCase();
}
// an ID number's character as ASCII (full-width too, as a Chinese input
// method types them), or '' for anything else
function idChar(c) {
  if (/^[0-9Xx]$/.test(c || '')) return c;
  const n = c ? c.charCodeAt(0) : 0;
  if (n >= 0xFF10 && n <= 0xFF19) return String(n - 0xFF10);
  return n === 0xFF38 || n === 0xFF58 ? 'X' : '';
}
const ID_GAPS = [' ', '-', '\u3000', '\uFF0D'];
export function maskIdsIn(v) {
  const s = String(v);
  const out = s.split('');
  for (let i = 0; i < s.length;) {
    const at = [];
    let asc = '';
    for (; i < s.length; i++) {
      const a = idChar(s[i]);
      if (a) { at.push(i); asc += a; } else if (!(at.length && ID_GAPS.includes(s[i]) && idChar(s[i + 1]))) break;
    }
    for (let k = 0; k + 18 <= at.length; k++) {
      if (isIdNumber(asc.slice(k, k + 18)))
        for (let j = 0; j < 14; j++) out[at[k + j]] = '*';
    }
    if (!at.length) i++;
  }
  return out.join('');
}

// How the hall may see f's answer: its type's mask, or for a confirmation
// (same_as, along a chain of them) the mask of the number it repeats,
// whatever type the author gave the box (a text 请再输入一遍身份证号 showed
// the number in full on the review screen); null: as typed. all: every
// field of the procedure. The server masks them alike (case_view.c).
export function fieldMask(f, all) {
  let g = f;
  for (let hops = 0; g && hops < 16; hops++) {
    const m = (fieldType(g) || {}).mask;
    const to = g.rules && g.rules.same_as;
    if (m || !to) return m || null;
    g = all.find(x => x.key === to);
  }
  return null;
}

// Whether an {if} condition holds for the answers in values ({key: value}).
export function holds(cond, values) {
  if (!cond) return true;
  const v = values[cond.key] ?? '';
  return cond.op === '!=' ? v !== cond.value : v === cond.value;
}

// The answer to send for what a control holds; undefined for a type this
// page does not know (nothing is sent for it).
export function readValue(f, raw) {
  const ty = fieldType(f);
  if (!ty) return undefined;
  if (ty.read) return ty.read(raw);
  return raw === undefined || raw === null ? '' : String(raw);
}

// A stored answer as a person reads it; null when there is none. desk: the
// window's view. An unknown type shows its value as it is.
export function showValue(f, v, desk = false) {
  if (v === undefined || v === null || v === '') return null;
  return ((fieldType(f) || {}).show || TEXT)(v, desk);
}

// The id of the control an error summary's link moves the focus to.
export function fieldTarget(f, base = 'f-' + f.key) {
  const ty = fieldType(f);
  if (ty && ty.control === 'date') return base + '-y';
  if (ty && ty.control === 'options') return base + '-0';
  return base;
}

// A text field whose pattern= is only a run of digits ([0-9]{6}, a
// postcode; [0-9]{1,4}): [lo, hi], else null. Its hint says so and the
// kiosk's keypad serves it, as the server's message does (validate.c).
function digitRun(f) {
  const ty = fieldType(f);
  const m = ty && ty.control === 'text' && !ty.keypad && /^\[0-9\]\{(\d+)(?:,(\d+))?\}$/.exec((f.rules || {}).pattern || '');
  if (!m) return null;
  const lo = +m[1], hi = m[2] === undefined ? lo : +m[2];
  return lo > 0 && hi >= lo && hi <= 64 ? [lo, hi] : null;
}

// The kiosk's hint line: the type's format, then what the rules allow.
// fields: every field of the procedure (a same_as rule names another).
export function fieldHint(f, fields) {
  const ty = fieldType(f);
  const r = f.rules || {};
  const h = [];
  const byLength = !!ty && ty.limits === 'length';
  if (ty && ty.hint) h.push(t(ty.hint));
  const digits = digitRun(f);
  // 「6 位数字」 says all a 「最多 6 个字」 would
  if (digits) h.push(digits[0] === digits[1] ? t('hint_digits', { n: digits[0] }) : t('hint_digits_range', { lo: digits[0], hi: digits[1] }));
  else {
    if (r.min !== undefined) h.push(t(byLength ? 'hint_min' : 'hint_num_min', { n: r.min }));
    if (r.max !== undefined) h.push(t(byLength ? 'hint_max' : 'hint_num_max', { n: r.max }));
  }
  for (const [k, key] of [['not_after', 'hint_not_after'], ['not_before', 'hint_not_before']])
    if (r[k]) h.push(r[k] === 'today' ? t(key + '_today') : t(key, { d: TYPES.date.show(r[k]) }));
  if (r['age>='] !== undefined) h.push(t('hint_age_min', { n: r['age>='] }));
  if (r['age<='] !== undefined) h.push(t('hint_age_max', { n: r['age<='] }));
  if (r.same_as) {
    const other = fields.find(x => x.key === r.same_as);
    h.push(t('hint_same_as', { label: other ? other.label : r.same_as }));
  }
  return h.join(getLang() === 'zh' ? '；' : '; ');
}

// 「错误:」 with its icon and the text, beside a field or a condition.
export function fieldErrorP(id, text) {
  return el('p', { class: 'field-error', id },
    el('strong', { class: 'prefix' }, el('span', { class: 'err-icon', 'aria-hidden': 'true' }, '!'), t('errorPrefix')),
    el('span', {}, text));
}

// One big radio of the kiosk (a field's option, a condition's 是/否, a
// rating): the input is drawn by its label, which is the touch target.
export function radio({ name, id, value, checked, text, onChange, describedBy, zhText = false, cls = 'choice' }) {
  const input = el('input', { type: 'radio', class: 'radio-input', name, id, value, 'aria-describedby': describedBy });
  input.checked = !!checked;
  input.addEventListener('change', () => onChange(value));
  return { input, label: el('label', { class: cls, for: id }, input,
    el('span', { class: 'choice-mark', 'aria-hidden': 'true' }),
    (zhText ? zh : el)('span', { class: 'choice-text' }, text)) };
}

// A text box with the type's keyboard; cn_id's letters become capitals as
// they are typed (the cursor stays where it was).
function textBox(f, ty, id, value, onInput, extra) {
  const input = el('input', Object.assign({ id, type: 'text', autocomplete: 'off', spellcheck: 'false' },
    ty.attrs, extra));
  input.value = value ?? '';
  input.addEventListener('input', () => {
    if (ty.upper && /[a-z]/.test(input.value)) {
      const p = input.selectionStart;
      input.value = input.value.toUpperCase();
      input.setSelectionRange(p, p);
    }
    onInput(input.value);
  });
  if (ty.compact) {
    input.addEventListener('paste', (e) => {
      const text = (e.clipboardData && e.clipboardData.getData('text')) || '';
      const bare = text.replace(/[\s\u3000]+/g, '');
      if (bare === text) return;   // the browser's own paste
      e.preventDefault();
      const from = input.selectionStart ?? input.value.length;
      const to = input.selectionEnd ?? from;
      const room = input.maxLength >= 0 ? input.maxLength - (input.value.length - (to - from)) : bare.length;
      input.setRangeText(bare.slice(0, Math.max(0, room)), from, to, 'end');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
  }
  return input;
}

// renderField(f, opts) → {node, read()}: the field with its label.
//   id       the id base of its controls, unique on the page
//   value    the answer so far: a string (for the kiosk's date boxes also
//            [y, m, d], as they were typed)
//   onInput  (raw) → called on every change with what the control holds
//   desk     the window's layout; otherwise the kiosk's, which also takes
//   hint     the hint line, and
//   error    the error text to show beside the field
// read() is the answer to send (undefined for an unknown type).
export function renderField(f, { id, value, onInput = () => {}, desk = false, hint = '', error = '' }) {
  const ty = fieldType(f);
  let raw = value;
  const changed = (v) => { raw = v; onInput(v); };
  const read = () => readValue(f, raw);
  if (!ty) {
    console.error(`field ${f.key}: type "${f.type}" is not known to this page (web/fields.js)`);
    return { node: unsupported(f, id, desk, error), read };
  }
  return { node: (desk ? deskField : touchField)(f, ty, id, value, changed, hint, error), read };
}

// The server may still name a problem of it (say, required): shown beside
// it as for any field, so the summary's link leads somewhere that says why.
function unsupported(f, id, desk, error) {
  if (desk)
    return el('div', { class: 'field field-unsupported', id: id + '-wrap' },
      el('p', {}, f.label + (f.required ? '（必填）' : '')),
      el('p', { class: 'msg-error', id, tabindex: '-1' },
        `这一项（类型“${f.type}”）本页面还不能填写，请联系管理员更新系统。`));
  return el('div', { class: 'field field-unsupported' + (error ? ' has-error' : ''), id: id + '-wrap' },
    el('p', { class: 'label' }, zh('span', { class: 'label-text' }, f.label), reqTag(f.required)),
    error ? fieldErrorP(id + '-error', error) : null,
    el('p', { class: 'notice notice-warn', id, tabindex: '-1' }, t('fieldUnsupported')));
}

// Only an optional field is marked (可不填), as GOV.UK does: most fields
// are required, and a word on every one of them is noise an elderly reader
// has to get past; a required field says so to screen readers instead
// (aria-required) and, if left empty, in its error.
function reqTag(required) {
  return required ? null : el('span', { class: 'tag' }, paren(t('optional')));
}

// ---- the kiosk's layout ----

function touchField(f, ty, base, value, changed, hint, err) {
  const hintId = hint ? base + '-hint' : null;
  const errId = err ? base + '-error' : null;
  const described = [hintId, errId].filter(Boolean).join(' ') || undefined;
  const wrapCls = 'field' + (err ? ' has-error' : '');
  const label = zh('span', { class: 'label-text' }, f.label);
  const hintP = hint ? el('p', { class: 'hint', id: hintId }, hint) : null;
  const errP = err ? fieldErrorP(errId, err) : null;
  const mark = input => {
    if (described) input.setAttribute('aria-describedby', described);
    if (err) input.setAttribute('aria-invalid', 'true');
    if (f.required) input.setAttribute('aria-required', 'true');
    return input;
  };

  if (ty.control === 'options') {
    const opts = ty.options(f);
    return el('fieldset', { class: wrapCls, id: base + '-wrap', 'aria-describedby': described },
      el('legend', {}, label, reqTag(f.required)),
      hintP, errP,
      el('div', { class: 'radios' + (ty.words || opts.length <= 2 ? ' radios-inline' : '') },
        opts.map(([v, text], i) => {
          const r = radio({ name: base, id: base + '-' + i, value: v, checked: value === v, text,
            zhText: !ty.words, onChange: changed });
          mark(r.input).removeAttribute('aria-required');
          return r.label;
        })));
  }

  if (ty.control === 'date') {
    const parts = dateParts(value);
    const boxes = [['y', t('year'), 4], ['m', t('month'), 2], ['d', t('day'), 2]].map(([s, name, len], i) => {
      const input = mark(el('input', {
        type: 'text', inputmode: 'numeric', id: base + '-' + s, class: 'input input-date-' + s,
        autocomplete: 'off', maxlength: String(len + 2), spellcheck: 'false',
        'data-keypad': 'digits', 'data-keypad-full': String(len),
      }));
      input.value = parts[i] || '';
      input.addEventListener('input', () => {
        parts[i] = input.value;
        changed(parts.slice());
      });
      return el('div', { class: 'date-part' }, el('label', { for: base + '-' + s }, name), input);
    });
    return el('fieldset', { class: wrapCls + ' field-date', id: base + '-wrap', 'aria-describedby': described },
      el('legend', {}, label, reqTag(f.required)), hintP, errP,
      el('div', { class: 'date-parts' }, boxes));
  }

  let input;
  if (ty.long && ty.long(f)) {
    input = el('textarea', { id: base, class: 'input input-long', autocomplete: 'off', rows: '3', lang: 'zh-CN' });
    input.value = value ?? '';
    input.addEventListener('input', () => changed(input.value));
  } else {
    input = textBox(f, ty, base, value, changed,
      digitRun(f) ? { class: 'input', inputmode: 'numeric', 'data-keypad': 'digits' }
        : { class: 'input' + (ty.cls ? ' ' + ty.cls : ''), 'data-keypad': ty.keypad });
  }
  mark(input);
  return el('div', { class: wrapCls, id: base + '-wrap' },
    el('label', { for: base }, label, reqTag(f.required)), hintP, errP, input);
}

// ---- the window's layout ----
// Its error line is always there, empty until the server names a problem
// (staff.js fills it by its id, ID-err).

function deskField(f, ty, id, value, changed) {
  const described = id + '-err';
  let input;
  if (ty.control === 'options') {
    input = el('select', { id, 'aria-describedby': described }, el('option', { value: '' }, '（请选择）'),
      ty.options(f).map(([v, text]) => el('option', { value: v }, text)));
    input.value = value ?? '';
    input.addEventListener('change', () => changed(input.value));
  } else if (ty.control === 'date') {
    input = el('input', { id, type: 'date', autocomplete: 'off', 'aria-describedby': described });
    input.value = value ?? '';
    // a date input drops what is not a real date (2026-02-30): a practice
    // case shows a failing value as the resident wrote it, for the trainee
    // to find, so such a value keeps a text box (a stored case's never fails)
    if (value && input.value !== value) {
      input = textBox(f, ty, id, value, changed, { 'aria-describedby': described });
    } else {
      input.addEventListener('input', () => changed(input.value));
    }
  } else {
    input = textBox(f, ty, id, value, changed, { 'aria-describedby': described });
  }
  return el('div', { class: 'field' },
    el('label', { for: id }, f.label + (f.required ? '（必填）' : '')), input,
    el('p', { id: described, class: 'field-error' }));
}
