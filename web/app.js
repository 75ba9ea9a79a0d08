// A small browser of the procedures: categories, search, one procedure.
// The walkthrough itself (cases, validation, tickets) is the kiosk's job.
'use strict';

const main = document.getElementById('main');

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'html') e.innerHTML = v; // server-rendered, raw HTML already stripped
    else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
}

async function api(path) {
  const r = await fetch(path, { headers: { Accept: 'application/json' } });
  const body = await r.json();
  if (!r.ok) throw new Error(body.error ? body.error.message : '出错了');
  return body;
}

function show(...nodes) {
  main.replaceChildren(...nodes);
  main.focus();
}

function procList(procs) {
  if (!procs.length) return el('p', { class: 'empty' }, '没有找到相关事项,请换个说法,或到综合窗口咨询。');
  return el('ul', { class: 'list' }, ...procs.map(p =>
    el('li', {}, el('a', { href: '#/p/' + p.id },
      el('strong', {}, p.title),
      p.kind === 'policy' ? el('span', { class: 'kind' }, '政策') : '',
      el('span', {}, p.summary)))));
}

async function home() {
  const { categories } = await api('/api/v1/categories');
  show(el('h2', {}, '按类别查找'),
    el('ul', { class: 'tiles' }, ...categories.map(c =>
      el('li', {}, el('a', { href: '#/c/' + c.id },
        el('strong', {}, c.title), c.description)))));
}

async function category(id) {
  const [{ categories }, { procedures }] = await Promise.all([
    api('/api/v1/categories'), api('/api/v1/procedures?category=' + encodeURIComponent(id))]);
  const c = categories.find(x => x.id === id);
  show(el('h2', {}, c ? c.title : id), procList(procedures));
}

async function search(q) {
  const { procedures } = await api('/api/v1/procedures?q=' + encodeURIComponent(q));
  show(el('h2', {}, '“' + q + '”的搜索结果'), procList(procedures));
}

const FACTS = [['time_limit', '办理时限'], ['fee', '收费'], ['location', '办理地点'],
  ['hours', '办理时间'], ['responsible', '责任岗位'], ['phone', '咨询电话'], ['basis', '办理依据']];

async function procedure(id) {
  const p = await api('/api/v1/procedures/' + encodeURIComponent(id));
  const facts = el('dl', { class: 'facts' });
  for (const [k, label] of FACTS)
    if (p.meta[k]) facts.append(el('dt', {}, label), el('dd', {}, p.meta[k]));
  const parts = [el('h2', {}, p.title), el('div', { html: p.summary_html }), facts];
  for (const s of p.sections) parts.push(el('h3', {}, s.title), el('div', { html: s.html }));
  p.steps.forEach((s, i) => {
    // the page numbers steps itself; drop an author's "第一步:" (as the print sheet does)
    const m = /^第[0-9一二三四五六七八九十百零〇两]+步[::、.。,]?\s*/u.exec(s.title);
    const label = m && s.title.length > m[0].length ? s.title.slice(m[0].length) : s.title;
    const box = el('section', { class: 'step' }, el('h3', {}, `${i + 1}. ${label}`));
    if (s.if) box.append(el('p', { class: 'if' }, '(仅部分情况需要)'));
    box.append(el('div', { html: s.html }));
    if (s.checklist.length)
      box.append(el('ul', {}, ...s.checklist.map(c => el('li', {}, c.text + (c.required ? '' : '(如有)')))));
    if (s.fields.length)
      box.append(el('p', {}, '需要填写:' + s.fields.map(f => f.label).join('、')));
    parts.push(box);
  });
  show(...parts);
}

async function route() {
  const h = decodeURIComponent(location.hash.slice(1) || '/');
  try {
    if (h.startsWith('/c/')) await category(h.slice(3));
    else if (h.startsWith('/p/')) await procedure(h.slice(3));
    else if (h.startsWith('/s/')) await search(h.slice(3));
    else await home();
  } catch (e) {
    show(el('p', { role: 'alert' }, e.message), el('p', {}, el('a', { href: '#/' }, '返回首页')));
  }
}

let timer;
document.getElementById('q').addEventListener('input', ev => {
  clearTimeout(timer);
  const q = ev.target.value.trim();
  timer = setTimeout(() => { location.hash = q ? '#/s/' + q : '#/'; }, 250);
});
document.getElementById('search-form').addEventListener('submit', ev => ev.preventDefault());
window.addEventListener('hashchange', route);
route();
