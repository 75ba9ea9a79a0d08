// Logging in for the staff window (/staff), the admin console (/admin) and
// the statistics page: the login form and the session (kept by the server in
// an HttpOnly cookie; the page only holds the CSRF token, in memory), which
// it hands to api.js so that every call of those pages goes with it.
import { el, busy } from './core.js';
import { api, ApiError, useSession, lastInputAt } from './api.js';

let current = null;         // {user, role, csrf, idle} of the live session
let needRole = 'staff';     // what the page asked for
let pending = null;         // the login dialog's promise while it is open
let lastUser = '';          // who was logged in: the lock asks for their password
let idleTimer = 0;

const ROLE_TEXT = { staff: '窗口工作人员', admin: '管理员' };

export function currentSession() {
  return current;
}

function allowed(have, need) {
  return have === 'admin' || (need === 'staff' && have === 'staff');
}

async function fetchSession() {
  try {
    return (await api('/api/v1/session', { session: false })).body;
  } catch {
    return null;
  }
}

// The login form. In `container` when given (the page's first screen),
// otherwise in a modal dialog over the page (a session that ran out while
// working: the page keeps its state). Resolves with the session once
// someone with the needed role logged in.
function showLogin(container, locked = false) {
  if (pending) return pending;
  pending = new Promise((resolve) => {
    const err = el('p', { class: 'form-error', role: 'alert' });
    const name = el('input', { id: 'login-name', name: 'username', autocomplete: 'username',
      required: true, autocapitalize: 'none', spellcheck: 'false' });
    const pass = el('input', { id: 'login-pass', name: 'password', type: 'password',
      autocomplete: 'current-password', required: true });
    const btn = el('button', { type: 'submit', class: 'btn btn-primary' }, '登录');
    const form = el('form', { class: 'login-form', 'aria-labelledby': 'login-title' },
      el('h1', { id: 'login-title' }, container ? '请登录' : locked ? '页面已锁定' : '登录已过期，请重新登录'),
      el('p', { class: 'hint' }, locked ?
        '长时间没有操作，为保护居民信息，页面已隐藏。请输入密码继续，刚才的页面会原样回来。' :
        `本页面仅供${ROLE_TEXT[needRole]}使用。`),
      el('label', { for: 'login-name' }, '用户名'), name,
      el('label', { for: 'login-pass' }, '密码'), pass,
      err, btn);
    let dialog = null;
    let hiddenParts = [];
    if (container) {
      container.replaceChildren(form);
    } else {
      // nothing of the page behind the dialog: an unattended screen shows
      // no resident's name or ID number, whoever walks up to it
      hiddenParts = [...document.body.children].filter((c) => !c.hidden);
      for (const c of hiddenParts) c.hidden = true;
      dialog = el('dialog', { class: 'login-dialog', 'aria-labelledby': 'login-title' }, form);
      document.body.append(dialog);
      dialog.addEventListener('cancel', (e) => e.preventDefault());
      // Chromium closes a modal dialog at a second Esc whatever its cancel
      // handler says (the close watcher's rule against trapping), which
      // left a blank page, every part hidden, no password box, and only a
      // reload that loses what the lock keeps (a staff review). Esc's key
      // is held back, and a close that is not the login's reopens it.
      dialog.addEventListener('keydown', (e) => { if (e.key === 'Escape') e.preventDefault(); });
      dialog.addEventListener('close', () => {
        if (!dialog.dataset.unlocked && dialog.isConnected) { dialog.showModal(); pass.focus(); }
      });
      dialog.showModal();
      name.value = lastUser;
    }
    (name.value ? pass : name).focus();
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      err.textContent = '';
      busy(btn, async () => {
        let data;
        try {
          ({ body: data } = await api('/api/v1/login', { method: 'POST', session: false,
            body: { name: name.value.trim(), password: pass.value } }));
        } catch (x) {
          err.textContent = errorText(x, '登录没有成功，请稍后再试');
          if (x.kind === 'network') return;   // what was typed is still good
          data = null;
        }
        if (data && allowed(data.role, needRole)) {
          // Someone else at a page that was another's (the lock, a session
          // run out): the header kept the first name and the page sent the
          // first one's pending move under the second's (a staff review).
          // The page starts afresh under the one who logged in.
          if (dialog && lastUser && data.user !== lastUser) {
            location.reload();
            return;
          }
          setCurrent(data);
          pass.value = '';
          if (dialog) { dialog.dataset.unlocked = '1'; dialog.close(); dialog.remove(); }
          for (const c of hiddenParts) c.hidden = false;
          pending = null;
          resolve(data);
          return;
        }
        if (data) {
          // logged out before it is said: said first, the box was emptied
          // and the focus moved a request later, under someone already
          // typing another name (or a test's fill waiting for the words)
          await api('/api/v1/logout', { method: 'POST', session: false }).catch(() => {});
          err.textContent = `这个账号是${ROLE_TEXT[data.role] || data.role}，不能使用本页面。`;
        }
        pass.value = '';
        pass.focus();
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
    setCurrent(s);
    return s;
  }
  return showLogin(container);
}

// The live session, and the watch for the page's idle limit: after the
// session's idle seconds (the server's, from the login answer) without a
// person's key or touch, the page locks itself — the server ends the
// session about then too, since the page's timers do not keep it alive.
function setCurrent(s) {
  current = s;
  lastUser = s.user;
  clearInterval(idleTimer);
  idleTimer = setInterval(() => {
    if (!current || pending || Date.now() - lastInputAt() < (current.idle || 1800) * 1000) return;
    current = null;
    showLogin(null, true);
  }, 1000);
}

// Every api() call of the page goes with the session from now on: the
// CSRF token on what changes something; a 401 opens the login dialog and
// the call is sent again, and so does a 403 for the CSRF token (the
// session was replaced in another tab).
useSession({
  csrf: () => (current ? current.csrf : null),
  async recover(err) {
    if (err.status === 401) {
      current = null;
      await showLogin(null);
      return true;
    }
    if (err.status === 403 && err.code === 'csrf_failed') {
      const s = await fetchSession();
      if (s) { setCurrent(s); return true; }
    }
    return false;
  },
});

// The message of a failed call, for showing; never a bare code. Anything
// but an ApiError is a fault of the page: logged, and shown as a failure.
export function errorText(err, fallback = '操作没有成功，请稍后再试') {
  if (!(err instanceof ApiError)) {
    console.error(err);
    return fallback;
  }
  if (err.kind === 'network') return '连接不上服务器，请检查网络后再试';
  return err.serverMessage || fallback;
}

// What a page would have the user know before they log out (a resident
// called to their window and not taken on yet), or '' for nothing (a
// promise of it); set by the page (staff.js), '' by default.
let logoutWarning = async () => '';
export function warnBeforeLogout(fn) {
  logoutWarning = fn;
}

export async function logout() {
  let warn = '';
  try { warn = await logoutWarning(); } catch { /* nothing known: log out */ }
  if (warn && !window.confirm(`${warn}\n\n仍要退出登录吗？`)) return;
  await api('/api/v1/logout', { method: 'POST', session: false }).catch(() => {});
  current = null;
  location.reload();
}

// "王 · 窗口工作人员 [退出]" for a page's header.
export function sessionBadge() {
  if (!current) return el('span');
  return el('span', { class: 'session-badge' },
    el('span', {}, `${current.display ? `${current.display}（${current.user}）` : current.user} · ${ROLE_TEXT[current.role] || current.role}`),
    el('button', { type: 'button', class: 'btn btn-small', onClick: logout }, '退出登录'));
}
