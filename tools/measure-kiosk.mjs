// Measures what the kiosk promises its residents on every screen a resident
// or the hall sees (issue #9): the smallest text (computed font size of any
// element with its own visible text), the smallest touch target (a button,
// link, input, or the label of a check box or radio) and the lowest text
// contrast (WCAG 2 ratio of each text's colour over the first opaque
// background behind it). Prints a Markdown table for docs/kiosk.md.
//
//   make measure        (node tools/measure-kiosk.mjs, the binary in build/)
//
// It starts the daemon on the sample library and a fresh database, like the
// browser tests, and walks a labour-handbook case through the API to reach
// each screen. Measurements, not checks: the rules (24 px text, 60 px
// targets, axe's contrast) are asserted by tests/e2e/.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startDaemon, makeTmp, rmTmp, SAMPLE_TREE, adminPassword, login, authHeaders } from '../tests/api/helpers.mjs';
import { labourCase, apiPost } from '../tests/e2e/labour-case.mjs';

const PORTRAIT = { width: 1080, height: 1920 };
const LANDSCAPE = { width: 1920, height: 1080 };
const PHONE = { width: 360, height: 800 };

// Runs in the page: {text:{px,where}, target:{w,h,where}, contrast:{ratio,where}}.
function measure() {
  const visible = (e) => {
    if (e.closest('[hidden], [inert], script, style, noscript')) return false;
    const cs = getComputedStyle(e);
    if (cs.display === 'none' || cs.visibility === 'hidden' || +cs.opacity === 0) return false;
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const name = (e) => `${e.localName}${e.id ? '#' + e.id : ''} "${(e.innerText || e.value || e.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim().slice(0, 16)}"`;
  const rgba = (s) => {
    const m = s.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  // the colour behind e: its backgrounds up the tree, blended, over white
  const behind = (e) => {
    const layers = [];
    for (let n = e; n; n = n.parentElement) {
      const c = rgba(getComputedStyle(n).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let out = [255, 255, 255];
    for (const c of layers.reverse()) out = out.map((v, i) => v * (1 - c[3]) + c[i] * c[3]);
    return out;
  };
  const res = { text: { px: Infinity, where: '' }, target: { w: Infinity, h: Infinity, where: '' }, contrast: { ratio: Infinity, where: '' } };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const e = n.parentElement;
    if (!n.nodeValue.trim() || !e || seen.has(e) || !visible(e)) continue;
    seen.add(e);
    const cs = getComputedStyle(e);
    const px = parseFloat(cs.fontSize);
    if (px < res.text.px) res.text = { px, where: name(e) };
    const fg = rgba(cs.color);
    const bg = behind(e);
    const col = fg.slice(0, 3).map((v, i) => v * fg[3] + bg[i] * (1 - fg[3]));
    const [a, b] = [lum(col), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    if (ratio < res.contrast.ratio) res.contrast = { ratio, where: name(e) };
  }
  for (let e of document.querySelectorAll('button, a[href], input, select, textarea, [role=button]')) {
    if (e.type === 'hidden') continue;
    if (e.localName === 'input' && (e.type === 'checkbox' || e.type === 'radio'))
      e = e.closest('label') || document.querySelector(`label[for="${CSS.escape(e.id)}"]`) || e;
    if (!visible(e)) continue;
    const r = e.getBoundingClientRect();
    if (Math.min(r.width, r.height) < Math.min(res.target.w, res.target.h))
      res.target = { w: Math.round(r.width), h: Math.round(r.height), where: name(e) };
  }
  return res;
}

async function main() {
  const tmp = makeTmp('spkiosk-measure-');
  const daemon = await startDaemon({ tree: SAMPLE_TREE, db: path.join(tmp, 'm.db') });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const base = daemon.url;
  const rows = [];
  try {
    // the cases the screens show: one mid-walk, one walked to its ticket
    const mid = await apiPost(base, '/api/v1/cases', { procedure: 'labour-handbook', channel: 'kiosk' });
    await apiPost(base, `/api/v1/cases/${mid.id}/conditions`, { confirmed: [true, true, true] });
    await apiPost(base, `/api/v1/cases/${mid.id}/steps/0`, { fields: { hukou: '本市户籍', status: '失业' } });
    await apiPost(base, `/api/v1/cases/${mid.id}/steps/1`, { checklist: { 's1-0': true, 's1-1': true } });
    const done = await labourCase(base);
    // a case served at window 3: its evaluator shows the rating
    const served = await labourCase(base);
    const session = await login(base, 'admin', adminPassword(daemon));
    for (const [move, body] of [['accept', {}], ['complete', { outcome: '已发证', window: '3' }]]) {
      const r = await fetch(`${base}/api/v1/staff/cases/${served.id}/${move}`,
        { method: 'POST', headers: authHeaders(session), body: JSON.stringify(body) });
      if (!r.ok) throw new Error(`${move}: ${r.status} ${await r.text()}`);
    }
    // the evaluator answers only with its window's key (the admin's 评价器 page)
    const keyed = await fetch(`${base}/api/v1/admin/rate-keys`,
      { method: 'POST', headers: authHeaders(session), body: JSON.stringify({ window: '3' }) });
    if (!keyed.ok) throw new Error(`rate key: ${keyed.status} ${await keyed.text()}`);
    const rateAt = `/rate?window=3&key=${(await keyed.json()).key}`;
    const screens = [
      ['home', '/?kiosk=1#/', PORTRAIT, true],
      ['overview', '/?kiosk=1#/p/labour-handbook', PORTRAIT, true],
      ['form step', `/?kiosk=1#/case/${mid.id}`, PORTRAIT, true],
      ['ticket', `/?kiosk=1#/case/${done.id}`, PORTRAIT, true],
      ['home, landscape', '/?kiosk=1#/', LANDSCAPE, true],
      ['form step, landscape', `/?kiosk=1#/case/${mid.id}`, LANDSCAPE, true],
      ['keypad up (ID number)', `/?kiosk=1#/case/${mid.id}`, PORTRAIT, true, '#f-id_number'],
      ['call screen', '/display', LANDSCAPE, false],
      ['evaluator, a case to rate', rateAt, { width: 1280, height: 800 }, false, '#offer:not([hidden])'],
      ['evaluator, small', rateAt, { width: 800, height: 480 }, false, '#offer:not([hidden])'],
      ['phone (网上办事), home', '/#/', PHONE, true],
      ['phone (网上办事), form step', `/#/case/${mid.id}`, PHONE, true],
      ...(process.env.MEASURE_EXTRA ? JSON.parse(process.env.MEASURE_EXTRA) : []),
    ];
    for (const [label, url, viewport, big, then] of screens) {
      for (const bigText of big ? [false, true] : [false]) {
        const context = await browser.newContext({
          viewport, hasTouch: true, isMobile: viewport === PHONE, deviceScaleFactor: 1, locale: 'zh-CN',
        });
        const page = await context.newPage();
        await page.goto(base + url);
        // the screens poll (the queue, the calls): no network idle; the
        // heading, then a moment for the fetch that fills the screen
        await page.waitForSelector('h1', { timeout: 10_000 });
        await page.waitForTimeout(700);
        // a screen that needs one more thing: a box tapped (the keypad),
        // or the offer that arrives by long poll
        if (then && then.startsWith('#f-')) await page.locator(then).tap();
        else if (then) await page.waitForSelector(then, { timeout: 5000 });
        if (bigText) {
          await page.evaluate(() => document.documentElement.classList.add('big'));
          await page.waitForTimeout(100);
        }
        const m = await page.evaluate(measure);
        rows.push(`| ${label}${bigText ? ', 大字' : ''} | ${viewport.width}×${viewport.height} | ` +
          `${m.text.px} px (${m.text.where}) | ${m.target.w}×${m.target.h} px (${m.target.where}) | ` +
          `${m.contrast.ratio.toFixed(1)}:1 (${m.contrast.where}) |`);
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await daemon.stop();
    rmTmp(tmp);
  }
  const out = ['| screen | viewport | smallest text | smallest target | lowest contrast |',
    '| --- | --- | --- | --- | --- |', ...rows].join('\n');
  console.log(out);
  if (process.env.MEASURE_OUT) fs.writeFileSync(process.env.MEASURE_OUT, out + '\n');
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
