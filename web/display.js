// The hall's call screen (/display): the latest call large, the last few
// below, the number waiting; a chime and a spoken call for each new call.
// Public and read-only: it shows tickets and window names, nothing else,
// and stores nothing in the browser (but the seq on show, in this tab's
// sessionStorage, for the moment it loads a newer build of itself).
//
// Updates come by long polling GET /api/v1/display?after=SEQ: the server
// holds the request until a call (or a change of the number waiting) and
// answers within a second of it, or after 25 s with what there is; the
// page then asks again. A failure is retried after 1 s, 2 s … 5 s.
//
// Sound: the chime is made here (Web Audio, two tones: no audio file);
// the call is spoken with the browser's speech synthesis when it has a
// Chinese voice, else the chime alone. Browsers start audio only after a
// click: a one-time "点击开启声音" button does it, unless the display PC's
// Chromium runs with --autoplay-policy=no-user-gesture-required
// (docs/kiosk.md, "The call screen").

import { noteServerDate, serverNow } from './api.js';
import { callSpeech, windowName } from './calls.js';
import { watchBuild } from './fresh.js';

const RECENT = 4;           // calls listed below the latest (tickets once each)
const LONG_NAME = 5;        // a window name longer than this gets a smaller size
const LONG_HALL = 20;       // a hall name longer than this, too (one line of 5vh holds 20)
// A call the screen hears of this long after it was made (the network was
// down, the screen off) is shown, not said: its resident went to the window
// or was marked absent meanwhile, and a backlog read out after an outage
// sends the hall to windows that called minutes ago.
const STALE_CALL_MS = 2 * 60 * 1000;

const $ = (id) => document.getElementById(id);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let lastSeq = null;         // seq of the answer on show; null before the first
// The seq on show when this page loaded itself for a newer build (fresh.js,
// below): the first answer after that load announces the calls made since,
// which the load would otherwise have drawn unheard. Kept in this tab's
// sessionStorage across the load only; null otherwise.
let resumeSeq = null;
const RESUME_KEY = 'spk-display-seq';
let lastWaiting = null;
let latest = null;          // the last answer, drawn
let speaking = null;        // the call being announced, shown large meanwhile

// ---- drawing ----

// The latest call large, unless one is being announced: a resident who
// hears "A010 到 1 号窗口" looks up and must see A010 there, not A011
// called a second later at another window (several calls in one answer
// are announced one after another, oldest first).
function draw(d) {
  const calls = d.calls || [];
  const now = speaking || calls[0];
  const ticket = $('now-ticket');
  const win = $('now-window');
  if (now) {
    ticket.textContent = now.ticket;
    ticket.classList.remove('d-none');
    win.textContent = '→ ' + windowName(now.window);
    win.classList.toggle('d-long', windowName(now.window).length > LONG_NAME);
  } else {
    ticket.textContent = '暂无叫号';
    ticket.classList.add('d-none');
    win.textContent = '请留意屏幕和广播';
    win.classList.add('d-long');
  }
  // each ticket once (a call again is the same ticket), after the latest
  const seen = new Set(now ? [now.ticket] : []);
  const items = [];
  for (const c of calls) {
    if (seen.has(c.ticket)) continue;
    seen.add(c.ticket);
    const li = document.createElement('li');
    const t = document.createElement('span');
    t.className = 'd-t';
    t.textContent = c.ticket;
    const w = document.createElement('span');
    w.className = 'd-w';
    w.textContent = windowName(c.window);
    // a long name (社会保障业务窗口) at the list's size took two lines, and
    // the fourth call went under the footer: smaller, it keeps one
    w.classList.toggle('d-long', windowName(c.window).length > LONG_NAME);
    li.append(t, w);
    items.push(li);
    if (items.length === RECENT) break;
  }
  if (!items.length) {
    const li = document.createElement('li');
    li.className = 'd-empty';
    li.textContent = '暂无';
    items.push(li);
  }
  $('recent').replaceChildren(...items);
  $('waiting-n').textContent = String(d.waiting ?? 0);
  // the hall's own name (serve --hall-name), where several halls share one
  // library: the screen says which hall it is
  if (d.hall) {
    const h1 = document.querySelector('h1');
    if (h1 && h1.textContent !== `${d.hall} · 叫号`) h1.textContent = `${d.hall} · 叫号`;
    // a district's full name (up to 40 characters) in two smaller lines
    // that fit the bar; at 5vh it took two lines taller than the bar
    if (h1) h1.classList.toggle('d-long', [...d.hall].length > LONG_HALL);
    document.title = `叫号 · ${d.hall}`;
  }
}

function flash() {
  const box = $('now');
  box.classList.remove('d-new');
  void box.offsetWidth; // restart the animation
  box.classList.add('d-new');
}

// The daemon's time (api.js): a display PC without a time server may be
// years off, and the whole hall reads it.
function clock() {
  const d = new Date(serverNow());
  const p = (n) => String(n).padStart(2, '0');
  $('clock').textContent = `${d.getMonth() + 1}月${d.getDate()}日 ${p(d.getHours())}:${p(d.getMinutes())}`;
}

// ---- sound ----

let ctx = null;             // the AudioContext, made once
let soundClicked = false;   // turned on by 点击开启声音 (a load would turn it off)

function audio() {
  const AC = window.AudioContext || window.webkitAudioContext;
  if (!ctx && AC) {
    try { ctx = new AC(); } catch { ctx = null; }
  }
  return ctx;
}

function soundOn() {
  return !!ctx && ctx.state === 'running';
}

// The button shows while the browser keeps audio off.
function soundButton() {
  $('sound').hidden = soundOn() || !ctx;
}

// Two tones (叮咚) with soft edges; resolves when they are over.
function chime() {
  if (!soundOn()) return Promise.resolve();
  const t0 = ctx.currentTime + 0.05;
  const tone = (freq, at, len) => {
    const o = ctx.createOscillator();
    const g = ctx.createGain();
    o.type = 'sine';
    o.frequency.value = freq;
    g.gain.setValueAtTime(0.0001, at);
    g.gain.exponentialRampToValueAtTime(0.5, at + 0.02);
    g.gain.exponentialRampToValueAtTime(0.0001, at + len);
    o.connect(g).connect(ctx.destination);
    o.start(at);
    o.stop(at + len + 0.05);
  };
  tone(880, t0, 0.6);
  tone(659.25, t0 + 0.5, 0.9);
  return sleep(1500);
}

// A Chinese voice of the browser: zh-CN first, then any zh, then
// Mandarin by its ISO 639-3 code (espeak-ng's "cmn" through
// speech-dispatcher); null when there is none (the chime alone is heard).
function voice() {
  const s = window.speechSynthesis;
  if (!s) return null;
  const all = s.getVoices() || [];
  return all.find((v) => /^zh[-_]CN$/i.test(v.lang)) ||
    all.find((v) => /^zh\b/i.test(v.lang)) || all.find((v) => /^cmn\b/i.test(v.lang)) || null;
}

function speak(text) {
  const v = voice();
  if (!v || !soundOn()) return Promise.resolve();
  return new Promise((resolve) => {
    const u = new SpeechSynthesisUtterance(text);
    u.voice = v;
    u.lang = v.lang;
    u.rate = 0.9;
    const done = () => { clearTimeout(timer); resolve(); };
    const timer = setTimeout(done, 10000);
    u.onend = done;
    u.onerror = done;
    window.speechSynthesis.speak(u);
  });
}

const queue = [];           // calls to announce, oldest first
let announcing = false;

async function announce(calls) {
  queue.push(...calls);
  if (announcing) return;
  announcing = true;
  while (queue.length) {
    const c = queue.shift();
    // a ticket called again before its turn to be said (its resident sent
    // on to another window, the screen's network back after a drop) is said
    // once, at its last call: saying "A003 到 7 号窗口" and then "A003 到 5
    // 号窗口" sent the resident to window 7 first
    if (queue.some((q) => q.ticket === c.ticket)) continue;
    speaking = c;
    if (latest) draw(latest);
    flash();
    await chime();
    await speak(callSpeech(c.ticket, c.window));
  }
  speaking = null;
  if (latest) draw(latest);
  announcing = false;
}

function setupSound() {
  const c = audio();
  if (c) c.addEventListener('statechange', soundButton);
  soundButton();
  $('sound').addEventListener('click', async () => {
    soundClicked = true;
    const a = audio();
    if (a) {
      try { await a.resume(); } catch { /* stays off: the button stays */ }
    }
    soundButton();
    if (soundOn()) {
      await chime();
      await speak('声音已开启');
    }
  });
  // voices load late in some browsers; nothing to do but ask again later
  if (window.speechSynthesis) window.speechSynthesis.getVoices();
}

// ---- updates ----

function status(text) {
  $('status').textContent = text;
}

function stale(c) {
  const at = Date.parse(c.at || '');
  return !Number.isNaN(at) && at < serverNow() - STALE_CALL_MS;
}

async function poll() {
  let failures = 0;
  for (;;) {
    const t0 = Date.now();
    let d;
    try {
      // the first ask after a failure is held a second at most, so that
      // the notice goes as soon as the daemon answers (held 25 s, it stayed
      // that long after the network was back); calls made meanwhile still
      // come back with it, to be announced
      // with the count on show: a hand-in between two asks woke nothing
      const q = lastSeq === null ? '' : `?after=${lastSeq}&waiting=${lastWaiting}${failures ? '&wait=1' : ''}`;
      const r = await fetch('/api/v1/display' + q, {
        cache: 'no-store', headers: { Accept: 'application/json' },
        signal: AbortSignal.timeout ? AbortSignal.timeout(40000) : undefined,
      });
      if (!r.ok) throw new Error(String(r.status));
      if (noteServerDate(r)) clock();
      d = await r.json();
    } catch {
      failures++;
      status('连接中断，正在重新连接……');
      await sleep(Math.min(1000 * failures, 5000));
      continue;
    }
    failures = 0;
    status('');
    const since = lastSeq === null ? resumeSeq : lastSeq;
    const fresh = since === null ? [] : (d.calls || []).filter((c) => c.seq > since && !stale(c)).reverse();
    resumeSeq = null;
    const changed = d.seq !== lastSeq || d.waiting !== lastWaiting;
    latest = d;
    draw(d);
    if (fresh.length) announce(fresh);
    // an answer at once that changed nothing (the server holds only so
    // many long polls): ask again in a second, not in a loop
    if (!changed && Date.now() - t0 < 1000) await sleep(1000);
    lastSeq = d.seq;
    lastWaiting = d.waiting;
  }
}

function start() {
  try {
    const kept = sessionStorage.getItem(RESUME_KEY);
    sessionStorage.removeItem(RESUME_KEY);
    if (kept !== null && /^\d+$/.test(kept)) resumeSeq = Number(kept);
  } catch { /* no storage: a load announces nothing, as at first */ }
  clock();
  setInterval(clock, 10000);
  setupSound();
  poll();
  // After an upgrade the screen loads the new build by itself between
  // announcements (the first answer after a load announces nothing, so no
  // call is heard twice), unless its sound was turned on with the button:
  // a load would silence it until someone clicks again (fresh.js).
  watchBuild(import.meta.url, {
    quiet: () => !announcing && !(soundClicked && soundOn()),
    act: () => {
      try { if (lastSeq !== null) sessionStorage.setItem(RESUME_KEY, String(lastSeq)); } catch { /* see start */ }
      location.reload();
    },
  });
}

if (typeof document !== 'undefined' && $('now')) start();
