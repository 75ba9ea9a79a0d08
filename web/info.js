// What both the browsing screens (browse.js) and the walkthrough (case.js)
// show of a procedure besides its steps: its facts (time limit, fee, place,
// hours, …) and the server's print sheets. Kept apart so that neither of
// those modules imports the other.

import { t } from './i18n.js';
import { el, zh, show, button, backButton, liveRoute } from './core.js';
import { fetchPage } from './api.js';

const FACTS = ['time_limit', 'fee', 'location', 'hours', 'phone', 'responsible', 'audience', 'basis'];

export function factsList(meta, keys = FACTS) {
  const dl = el('dl', { class: 'facts' });
  for (const k of keys)
    if (meta && meta[k]) dl.append(el('div', { class: 'fact' },
      el('dt', {}, t('fact_' + k)), zh('dd', {}, meta[k])));
  return dl.children.length ? dl : null;
}

// ---- print previews ----
// /print/... pages cannot be framed (frame-ancestors 'none') and a new
// window would strand a touch-only resident, so the sheet is fetched and
// shown inside the kiosk; 打印 prints just the sheet (print.css).

export async function printPreview(path, kicker) {
  // a sheet that came back after the resident went on (返回, 首页) drew
  // over the screen they went to, a form being filled among them
  const live = liveRoute();
  const html = await fetchPage(path);
  if (!live()) return;
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const sheet = el('div', { class: 'print-doc', lang: 'zh-CN' });
  for (const n of [...doc.body.childNodes]) {
    if (n.nodeType === 1 && /^(SCRIPT|STYLE|LINK)$/.test(n.nodeName)) continue;
    sheet.append(document.importNode(n, true));
  }
  // one main landmark and one h1 per screen
  for (const m of sheet.querySelectorAll('main')) {
    const d = el('div', { class: m.className });
    d.append(...m.childNodes);
    m.replaceWith(d);
  }
  for (const f of sheet.querySelectorAll('footer, header')) {
    const d = el('div', { class: (f.className + ' ' + f.localName).trim() });
    d.append(...f.childNodes);
    f.replaceWith(d);
  }
  for (const s of sheet.querySelectorAll('script, style, link, iframe, object, embed')) s.remove();
  if (doc.body.className) sheet.classList.add(...doc.body.className.split(/\s+/).filter(Boolean));
  const h1s = [...sheet.querySelectorAll('h1')];
  h1s.slice(1).forEach(h => { const h2 = el('h2', {}); h2.append(...h.childNodes); h.replaceWith(h2); });
  const toolbar = el('div', { class: 'actions print-toolbar' },
    backButton(),
    button(t('printNow'), () => window.print(), 'btn btn-primary'));
  const parts = [toolbar, el('p', { class: 'hint' }, t('printHint'))];
  if (!h1s.length) parts.push(el('h1', {}, kicker));
  parts.push(sheet);
  show(parts, { focus: sheet.querySelector('h1') || undefined });
}
