// The window's evaluator (/rate?window=3): a small screen facing the
// resident at a window. Idle until the window completes a case; then the
// case's ticket and item with five levels (the words of the statistics).
// 3 to 5 are sent with one tap; 1 and 2 first ask 哪里没做好? (a few
// choices and an optional comment). After sending, 谢谢您的评价, and idle
// again after a few seconds.
//
// Public and without login: it learns a one-time token, the ticket, the
// item's title and a time (GET /api/v1/rate?window=W), nothing of the
// case's answers; the token rates that case once (POST /api/v1/rate/TOKEN).
// Updates come by long polling (?after=SEQ), as the call screen's do; a
// failure is retried after 1 s, 2 s … 5 s. The window and its key come
// from the URL (/rate?window=3&key=…), which the admin's 评价器 page gives
// and the hall opens once on the screen's PC: without the window's key the
// server says nothing (403 rate_key), so that a phone on the hall's Wi-Fi
// cannot read a window's offers and rate in the resident's place.

import { checkWindow, windowName } from './calls.js';
import { watchBuild } from './fresh.js';

const LEVELS = [
  { score: 5, text: '非常满意' },
  { score: 4, text: '满意' },
  { score: 3, text: '基本满意' },
  { score: 2, text: '不满意' },
  { score: 1, text: '非常不满意' },
];
// codes of the API (cases.h CASES_RATE_REASONS), in its order
const REASONS = [
  { code: 'wait', text: '等候时间长' },
  { code: 'attitude', text: '态度不好' },
  { code: 'unclear', text: '没有一次说清' },
  { code: 'materials', text: '材料要求多' },
  { code: 'other', text: '其他' },
];
const THANKS_MS = 5000;     // the thanks stay this long, then idle
const NOT_SAVED_MS = 15000; // "not saved, scan the slip" stays long enough to read
const IDLE_MS = 120_000;    // 哪里没做好 left untouched this long: back to the levels

const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const raw = (new URLSearchParams(location.search).get('window') || '').trim();
const win = checkWindow(raw) || raw;   // as the server keeps it: "03" is "3"
const key = (new URLSearchParams(location.search).get('key') || '').trim();
const NOT_SET = '这台评价器还没有设置好（';
const ASK_STAFF = '），暂时不能评价，请告诉工作人员。';

let latest = { seq: 0, offer: null };   // what the server said last
let shown = null;                       // the offer the resident is rating
let mode = 'idle';                      // idle | offer | why | done
let score = 0;
let idleTimer = 0;
let stopped = '';                       // why this tablet asks no more: stays on every screen

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith('on')) e.addEventListener(k.slice(2).toLowerCase(), v);
    else e.setAttribute(k, v);
  }
  e.append(...kids);
  return e;
}

function setMode(m) {
  mode = m;
  // a tablet that cannot rate does not invite a rating
  for (const id of ['idle', 'offer', 'why', 'done']) $(id).hidden = id !== m || (id === 'idle' && !!stopped);
  clearTimeout(idleTimer);
  if (m === 'why') idleTimer = setTimeout(() => draw(), IDLE_MS);
}

// The screen for what the server said last, unless the resident is in the
// middle of a rating.
let endTimer = 0;

function draw() {
  $('error').textContent = stopped;
  clearTimeout(endTimer);
  shown = latest.offer;
  if (!shown) { setMode('idle'); return; }
  $('offer-ticket').textContent = shown.ticket;
  $('offer-title').textContent = shown.title;
  setMode('offer');
  // the offer ends on time here, not at the next answer (up to 25 s later):
  // once the window has called the next resident, within half a minute,
  // so that they are never asked to rate the one before
  const offer = shown;
  if (typeof offer.expires_in === 'number') {
    endTimer = setTimeout(() => {
      if (latest.offer === offer) latest = { seq: latest.seq, offer: null };
      if (mode === 'offer') draw();
    }, offer.expires_in * 1000);
  }
}

function showError(text) {
  $('error').textContent = text;
}

async function send(body) {
  const buttons = document.querySelectorAll('#main button');
  buttons.forEach((b) => { b.disabled = true; });
  try {
    const r = await fetch('/api/v1/rate/' + encodeURIComponent(shown.token), {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    if (r.status === 204) return thanks('谢谢您的评价');
    if (r.status === 409) return thanks('这次服务已经评价过了，谢谢您');
    let msg = '';
    try { msg = (await r.json()).error.message; } catch { /* not JSON */ }
    // the offer ended (15 minutes, or the window completed the next case
    // while the resident chose): nothing was saved, so no thanks; the
    // server's words say how to rate still (the slip's QR code)
    if (r.status === 404) return thanks(msg || '这次评价没有保存：已经超过 15 分钟或窗口已接待下一位。如需评价，请扫描凭条上的二维码', NOT_SAVED_MS);
    showError(msg || '没有提交成功，请再点一次');
  } catch {
    showError('网络不通，没有提交成功，请再点一次');
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

async function thanks(text, ms = THANKS_MS) {
  // a failed try's 没有提交成功 is no longer true (or, for the 404, is said
  // here in its place): it must not stand under the thanks
  $('error').textContent = '';
  $('done-text').textContent = text;
  setMode('done');
  shown = null;
  await sleep(ms);
  if (mode === 'done') draw();
}

function pick(s) {
  score = s;
  if (s >= 3) { send({ score: s }); return; }
  document.querySelectorAll('.r-reason').forEach((b) => b.setAttribute('aria-pressed', 'false'));
  $('why-comment').value = '';
  $('error').textContent = '';
  setMode('why');
  $('why-h').focus();
}

function build() {
  $('levels').append(...LEVELS.map((l) => el('button', {
    type: 'button', class: `r-level r-level-${l.score}`, 'data-score': String(l.score), onClick: () => pick(l.score),
  }, el('span', { class: 'r-face', 'aria-hidden': 'true' }, '★'.repeat(l.score)), el('span', {}, l.text))));
  $('reasons').append(...REASONS.map((x) => el('button', {
    type: 'button', class: 'r-reason', 'aria-pressed': 'false', 'data-code': x.code,
    onClick: (ev) => {
      const b = ev.currentTarget;
      b.setAttribute('aria-pressed', b.getAttribute('aria-pressed') === 'true' ? 'false' : 'true');
      setMode('why');
    },
  }, x.text)));
  $('why-h').setAttribute('tabindex', '-1');
  $('why-comment').addEventListener('input', () => setMode('why'));
  $('why-back').addEventListener('click', () => draw());
  $('why-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const reasons = [...document.querySelectorAll('.r-reason[aria-pressed="true"]')].map((b) => b.dataset.code);
    const comment = $('why-comment').value.trim();
    send({ score, reasons, ...(comment ? { comment } : {}) });
  });
}

async function loop() {
  let backoff = 1000;
  let after = null;
  let recovering = false;
  for (;;) {
    const t0 = Date.now();
    try {
      // the first ask after a failure is held a second at most: held the
      // full 25 s, the 连接中断 notice stayed that long after the network
      // or the daemon was back
      const q = '/api/v1/rate?window=' + encodeURIComponent(win) + '&key=' + encodeURIComponent(key) +
        (after === null ? '' : '&after=' + after + (recovering ? '&wait=1' : ''));
      // a half-dead connection must not leave the tablet waiting for ever
      const r = await fetch(q, { cache: 'no-store',
        signal: AbortSignal.timeout ? AbortSignal.timeout(40000) : undefined });
      if (r.status === 422 || r.status === 400) {
        stopped = NOT_SET + '地址里的窗口号不对' + ASK_STAFF;
        draw();
        return;
      }
      if (r.status === 403) {
        // the key was renewed or removed at the admin page: the case on
        // show goes, nothing more is asked (only a new address helps). A
        // resident choosing 哪里没做好 may still send (the token holds):
        // told 暂时不能评价 under that form, they gave up a rating that
        // counts; draw() says it once that screen or the thanks end
        latest = { seq: 0, offer: null };
        stopped = NOT_SET + '地址里的评价器密钥不对或已经换新' + ASK_STAFF;
        if (mode === 'idle' || mode === 'offer') draw();
        return;
      }
      if (!r.ok) throw new Error(String(r.status));
      latest = await r.json();
      const changed = latest.seq !== after;
      after = latest.seq;
      backoff = 1000;
      recovering = false;
      if (mode === 'idle' || mode === 'offer') draw();
      // an answer at once that changed nothing (the server holds only so
      // many long polls): ask again in a second, as the call screen does,
      // not in a loop (over a thousand requests in 10 s)
      if (!changed && Date.now() - t0 < 1000) await sleep(1000);
    } catch {
      // said on the tablet, as the call screen does: a silent tablet looks
      // as if nobody had finished yet; draw() clears it once back
      if (mode === 'idle' || mode === 'offer') showError('连接中断，正在重新连接……');
      recovering = true;
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 5000);
    }
  }
}

build();
if (!win) {
  stopped = NOT_SET + '地址里没有窗口号' + ASK_STAFF;
  draw();
} else if (!key) {
  $('window-name').textContent = windowName(win);
  stopped = NOT_SET + '地址里没有评价器密钥：请在管理后台的“评价器”页面取得本窗口的地址' + ASK_STAFF;
  draw();
} else {
  $('window-name').textContent = windowName(win);
  loop();
  // after an upgrade: the new build, loaded while nobody is rating (fresh.js)
  watchBuild(import.meta.url, { quiet: () => mode === 'idle', act: () => location.reload() });
}
