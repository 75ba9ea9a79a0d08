// Logging in for the staff window (/staff), the admin console (/admin) and
// the statistics page: the login form, the session (kept by the server in
// an HttpOnly cookie; the page only holds the CSRF token, in memory), and
// api(), which every call of those pages goes through.
import { el, busy } from './core.js';

let current = null;         // {user, role, csrf} of the live session
let needRole = 'staff';     // what the page asked for
let pending = null;         // the login dialog's promise while it is open

const ROLE_TEXT = { staff: '窗口工作人员', admin: '管理员' };

export function currentSession() {
  return current;
}

function allowed(have, need) {
  return have === 'admin' || (need === 'staff' && have === 'staff');
}

async function fetchSession() {
  try {
    const r = await fetch('/api/v1/session', { credentials: 'same-origin', cache: 'no-store' });
    return r.ok ? await r.json() : null;
  } catch {
    return null;
  }
}

// The login form. In `container` when given (the page's first screen),
// otherwise in a modal dialog over the page (a session that ran out while
// working: the page keeps its state). Resolves with the session once
// someone with the needed role logged in.
function showLogin(container) {
  if (pending) return pending;
  pending = new Promise((resolve) => {
    const err = el('p', { class: 'form-error', role: 'alert' });
    const name = el('input', { id: 'login-name', name: 'username', autocomplete: 'username',
      required: true, autocapitalize: 'none', spellcheck: 'false' });
    const pass = el('input', { id: 'login-pass', name: 'password', type: 'password',
      autocomplete: 'current-password', required: true });
    const btn = el('button', { type: 'submit', class: 'btn btn-primary' }, '登录');
    const form = el('form', { class: 'login-form', 'aria-labelledby': 'login-title' },
      el('h1', { id: 'login-title' }, container ? '请登录' : '登录已过期,请重新登录'),
      el('p', { class: 'hint' }, `本页面仅供${ROLE_TEXT[needRole]}使用。`),
      el('label', { for: 'login-name' }, '用户名'), name,
      el('label', { for: 'login-pass' }, '密码'), pass,
      err, btn);
    let dialog = null;
    if (container) {
      container.replaceChildren(form);
    } else {
      dialog = el('dialog', { class: 'login-dialog', 'aria-labelledby': 'login-title' }, form);
      document.body.append(dialog);
      dialog.addEventListener('cancel', (e) => e.preventDefault());
      dialog.showModal();
    }
    name.focus();
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      err.textContent = '';
      busy(btn, async () => {
        try {
          const r = await fetch('/api/v1/login', {
            method: 'POST', credentials: 'same-origin', cache: 'no-store',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ name: name.value.trim(), password: pass.value }),
          });
          const data = await r.json().catch(() => null);
          if (r.ok && data && allowed(data.role, needRole)) {
            current = data;
            pass.value = '';
            if (dialog) { dialog.close(); dialog.remove(); }
            pending = null;
            resolve(data);
            return;
          }
          if (r.ok) {
            err.textContent = `这个账号是${ROLE_TEXT[data.role] || data.role},不能使用本页面。`;
            await fetch('/api/v1/logout', { method: 'POST', credentials: 'same-origin' });
          } else {
            err.textContent = (data && data.error && data.error.message) || '登录没有成功,请稍后再试';
          }
          pass.value = '';
          pass.focus();
        } catch {
          err.textContent = '连接不上服务器,请检查网络后再试';
        }
      });
    });
  });
  return pending;
}

// Resolves with the session: at once when one is live with the role (or
// admin), otherwise after the login form in container succeeds.
export async function ensureLogin(container, role = 'staff') {
  needRole = role;
  const s = await fetchSession();
  if (s && allowed(s.role, role)) {
    current = s;
    return s;
  }
  return showLogin(container);
}

// One API call: JSON in (or a string sent as text/markdown), JSON out when
// the answer is JSON. opts.headers adds headers (If-Match...). A 401 opens
// the login dialog and retries once; so does a 403 for the CSRF token (the
// session was replaced in another tab). Resolves {status, data, headers};
// a network failure resolves status 0.
export async function api(method, url, body, opts = {}) {
  for (let attempt = 0; ; attempt++) {
    const headers = Object.assign({}, opts.headers);
    let payload;
    if (body !== undefined) {
      const text = typeof body === 'string';
      headers['Content-Type'] = text ? 'text/markdown; charset=utf-8' : 'application/json';
      payload = text ? body : JSON.stringify(body);
    }
    if (method !== 'GET' && method !== 'HEAD' && current) headers['X-CSRF-Token'] = current.csrf;
    let res;
    try {
      res = await fetch(url, { method, headers, body: payload, credentials: 'same-origin',
        cache: 'no-store' });
    } catch {
      return { status: 0, data: null, headers: new Headers() };
    }
    const text = await res.text();
    let data = text;
    if ((res.headers.get('content-type') || '').startsWith('application/json')) {
      try { data = JSON.parse(text); } catch { data = null; }
    }
    if (attempt === 0 && res.status === 401) {
      current = null;
      await showLogin(null);
      continue;
    }
    if (attempt === 0 && res.status === 403 && data && data.error && data.error.code === 'csrf_failed') {
      const s = await fetchSession();
      if (s) { current = s; continue; }
    }
    return { status: res.status, data, headers: res.headers };
  }
}

// The message of an error answer, for showing; never a bare code.
export function errorText(r, fallback = '操作没有成功,请稍后再试') {
  if (r.status === 0) return '连接不上服务器,请检查网络后再试';
  return (r.data && r.data.error && r.data.error.message) || fallback;
}

export async function logout() {
  await fetch('/api/v1/logout', { method: 'POST', credentials: 'same-origin' }).catch(() => {});
  current = null;
  location.reload();
}

// "王 · 窗口工作人员 [退出]" for a page's header.
export function sessionBadge() {
  if (!current) return el('span');
  return el('span', { class: 'session-badge' },
    el('span', {}, `${current.user} · ${ROLE_TEXT[current.role] || current.role}`),
    el('button', { type: 'button', class: 'btn btn-small', onClick: logout }, '退出登录'));
}
