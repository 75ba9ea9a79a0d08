// The one client of the daemon's HTTP API, for every page: the kiosk, the
// staff window, the admin console and the statistics. One contract: a 2xx
// answer resolves, anything else throws an ApiError, so a caller handles a
// failure in one catch whatever went wrong.
// The kiosk calls it as it is (no session, nothing stored in the browser);
// a staff or admin page opts in to its session with useSession() (auth.js
// does that), which adds the CSRF token and a retry after logging in again.

export class ApiError extends Error {
  constructor(kind, status, body, retryAfter = 0) {
    const e = body && body.error ? body.error : {};
    super(e.message || kind);
    this.retryAfter = retryAfter;  // seconds of a 429's Retry-After, else 0
    this.kind = kind;          // 'network' or 'http'
    this.status = status;      // 0 for network failures
    this.code = e.code || '';
    this.serverMessage = e.message || '';
    this.body = body || {};
  }
}

// {csrf() → token or null, recover(err) → true to send the call once more}
let session = null;

// When a person last pressed a key, a button or the screen (or loaded the
// page). A session's call made longer than ACT_MS after that is a timer's
// (the queue's refresh), and says so with X-Spk-Poll: 1, so that an
// unattended staff PC's session still ends when no one is there.
const ACT_MS = 3000;
let lastInput = Date.now();

export function lastInputAt() {
  return lastInput;
}

// Opts this page in to a staff session for every later call.
export function useSession(s) {
  session = s;
  for (const t of ['pointerdown', 'keydown', 'wheel', 'touchstart'])
    document.addEventListener(t, () => { lastInput = Date.now(); }, { capture: true, passive: true });
}

const UNSAFE = (m) => m !== 'GET' && m !== 'HEAD';

// An answer's text with a leading byte order mark kept: r.text() drops it,
// and the admin editor's save then wrote a file saved by Notepad as
// 「UTF-8 (带 BOM)」 without it (admin.js takes it out of the box and puts it
// back). No JSON answer of the daemon starts with one.
const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

// The daemon's time minus this computer's, from its answers' Date header.
// A PC in a hall without internet has no time server: its clock drifts, or
// starts in 2010 once its battery is dead, while the daemon's dates (due
// days, visits, tickets) are the hall's. Within CLOCK_SLACK_MS (the header
// counts whole seconds) the computer's own clock is kept.
const CLOCK_SLACK_MS = 5000;
let serverOffset = 0;

// Reads the Date header of an answer r of the daemon's; true when the
// offset moved by more than the slack (a page redraws its clock then).
export function noteServerDate(r) {
  const served = Date.parse(r.headers.get('date') || '');
  if (Number.isNaN(served)) return false;
  const off = served - Date.now();
  const was = serverOffset;
  serverOffset = Math.abs(off) > CLOCK_SLACK_MS ? off : 0;
  return Math.abs(serverOffset - was) > CLOCK_SLACK_MS;
}

// Now by the daemon's clock, in milliseconds as Date.now().
export function serverNow() {
  return Date.now() + serverOffset;
}

// One fetch, no retry: {status, body, headers} or an ApiError. `own`: the
// session's own calls (login, logout, session), which go without it.
async function once(path, { method = 'GET', body, headers = {}, anonymous = false }, own) {
  const h = Object.assign({ Accept: 'application/json' }, headers);
  let payload;
  if (body !== undefined) {
    // a string is a procedure file (the admin editor), anything else JSON
    const text = typeof body === 'string';
    h['Content-Type'] = text ? 'text/markdown; charset=utf-8' : 'application/json';
    payload = text ? body : JSON.stringify(body);
  }
  const csrf = session && !own && UNSAFE(method) ? session.csrf() : null;
  if (csrf) h['X-CSRF-Token'] = csrf;
  if (session && !own && Date.now() - lastInput > ACT_MS) h['X-Spk-Poll'] = '1';
  let r, text;
  try {
    // a session's answers are private: nothing of them in the browser's cache
    r = await fetch(path, { method, headers: h, body: payload, credentials: anonymous ? 'omit' : 'same-origin',
      cache: session ? 'no-store' : 'no-cache' });
    text = r.status === 204 ? '' : UTF8.decode(await r.arrayBuffer());
  } catch {
    throw new ApiError('network', 0, null);
  }
  noteServerDate(r);
  let data = null;
  if ((r.headers.get('content-type') || '').startsWith('application/json')) {
    try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  } else if (r.ok) {
    data = text;   // a procedure's source, as text
  }
  if (!r.ok) throw new ApiError('http', r.status, data, Number(r.headers.get('Retry-After')) || 0);
  return { status: r.status, body: data, headers: r.headers };
}

// api(path, {method, body, headers, session}): resolves {status, body,
// headers} for a 2xx answer (body: the JSON, or the text of a non-JSON
// answer); throws ApiError otherwise. With a session, a 401 or a stale CSRF
// token is given to the session once (it logs in again) and the call is
// sent again; session: false leaves the session out of this call.
// anonymous: true sends no cookie (the kiosk's rating: see case.js).
export async function api(path, opts = {}) {
  const own = opts.session === false;
  try {
    return await once(path, opts, own);
  } catch (err) {
    if (own || !(err instanceof ApiError) || !session || !(await session.recover(err))) throw err;
    return once(path, opts, own);
  }
}

// Fetches a server-rendered page (the print sheets) as text.
export async function fetchPage(path) {
  let r;
  try {
    r = await fetch(path, { headers: { Accept: 'text/html' }, cache: 'no-cache' });
  } catch {
    throw new ApiError('network', 0, null);
  }
  if (!r.ok) {
    let body = null;
    try { body = await r.json(); } catch { body = null; }
    throw new ApiError('http', r.status, body);
  }
  return r.text();
}
