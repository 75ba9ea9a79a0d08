// Whether the daemon now serves a newer build of this page. A page keeps
// the code it was opened with until it loads again, and after an upgrade
// the hall's screens are the ones nobody reloads: the kiosk in kiosk mode
// has no address bar, the call screen and the evaluators hang on a wall.
// An old page keeps working (old asset names are still answered), but it
// misses what the new build changed (an IT review: a phone's page from
// before an upgrade handed its case in without asking for pre-review).
//
// The entry module's name carries the hash of every file it reaches
// (app.3f2a9c1e.js, assets.c), and the page served now names the entry of
// the build served now. So: fetch this page's own address (revalidated
// with its ETag, a 304 most of the time) and look for our own name in it.
// Under `serve --web DIR` names are not hashed and nothing is ever newer.
//
// Each page decides what to do and when: the kiosk and the screens load
// again while nobody is in front of them, a staff page only offers to.

const HASHED = /\.[0-9a-f]{8}\.js$/;

// How often a page asks: every 10 minutes; ?fresh=S shortens it (tests).
const everyMs = () => {
  const s = +new URLSearchParams(location.search).get('fresh');
  return Number.isFinite(s) && s > 0 ? Math.min(s, 3600) * 1000 : 600_000;
};

// True when the page served at this address no longer loads moduleUrl
// (the entry module's import.meta.url); false when it does, when names are
// not hashed, or when the page could not be read (asked again next time).
export async function newerBuild(moduleUrl) {
  const own = new URL(moduleUrl).pathname;
  if (!HASHED.test(own)) return false;
  try {
    const r = await fetch(location.pathname, { cache: 'no-cache', credentials: 'same-origin' });
    if (!r.ok) return false;
    const html = await r.text();
    // a page that loads no hashed entry at all is not a build to move to
    return /\/assets\/[A-Za-z0-9_-]+\.[0-9a-f]{8}\.js/.test(html) && !html.includes(own);
  } catch {
    return false;
  }
}

// Asks every few minutes whether a newer build is served, and when it is,
// calls act() at a moment quiet() allows (asked again each minute, or at
// each check when that is sooner, until then). act is called once.
export function watchBuild(moduleUrl, { quiet = () => true, act }) {
  if (!HASHED.test(new URL(moduleUrl).pathname)) return;
  const every = everyMs();
  let newer = false;
  const tick = async () => {
    if (!newer) newer = await newerBuild(moduleUrl);
    if (newer && quiet()) { act(); return; }
    setTimeout(tick, newer ? Math.min(every, 60_000) : every);
  };
  setTimeout(tick, every);
}

// A staff or admin page: someone may be typing, so it is only offered.
// A bar at the top says so, with a button that loads the page again.
export function offerNewerBuild(moduleUrl) {
  watchBuild(moduleUrl, {
    act() {
      if (document.getElementById('fresh-bar')) return;
      const bar = document.createElement('div');
      bar.id = 'fresh-bar';
      bar.className = 'fresh-bar';
      bar.setAttribute('role', 'status');
      const p = document.createElement('span');
      p.textContent = '系统已经更新。手头的事办完后，请刷新本页面，用上新版本。';
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'btn';
      b.textContent = '刷新页面';
      b.addEventListener('click', () => location.reload());
      bar.append(p, b);
      document.body.prepend(bar);
    },
  });
}
