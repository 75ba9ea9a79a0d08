// Browsing screens: home with search, categories, policy documents, a
// procedure's overview, the one-time notice and the triage questions.

import { t, paren, getLang, STRINGS } from './i18n.js';
import {
  el, zh, show, go, state, button, bigButton, backButton,
  contentHtml, stepLabel, friendly, KIOSK, liveRoute, navEntry,
} from './core.js';
import { api, ApiError } from './api.js';
import { factsList, printPreview } from './info.js';
import { loadOffices, matchOffices, officeResults, officeCard } from './office.js';

// case.js loads when a case starts (app.js has it fetched after first paint)
const startCaseLater = (p, target) => import('./case.js').then(m => m.startCase(p, target));

// ---- home and search ----

// The words a resident puts around what they want (我要办…, 怎么申请…,
// …需要什么材料): taken off both ends, the item's name is left. Null when
// nothing is taken off or less than two characters are left. Tried only
// when the whole query found nothing, and said so: a real name cut by a
// one-character verb (交通补贴 → 通补贴) then finds nothing either.
const ASK_HEAD = /^(?:请问|我想要|我想|我要|想要|我需要|需要|帮我|怎么|怎样|如何|去哪里|在哪里|哪里可以|哪里能|在哪儿|哪里)+/;
const ASK_VERB = /^(?:办理|申请|补办|领取|查询|开具|缴纳)/;
// one-character verbs only after 我要…: 开业登记 is a name, 我要开证明 is not
const ASK_VERB1 = /^(?:办|领|开|查|交|缴|补)/;
const ASK_TAIL = /(?:怎么办理|怎么申请|怎么办|怎么弄|需要什么材料|要什么材料|要带什么|需要什么|要什么|的手续|手续|的流程|流程|在哪里办|在哪办|吗|呢|[？?。！!，,\s])+$/;
export function coreQuery(q) {
  let s = q.trim();
  for (let i = 0; i < 3; i++) {
    const before = s;
    const asked = ASK_HEAD.test(s);
    s = s.replace(ASK_HEAD, '').replace(ASK_TAIL, '').replace(ASK_VERB, '');
    if (asked) s = s.replace(ASK_VERB1, '');
    if (s === before) break;
  }
  // one character left (补助 → 助) finds everything with it: not a name
  return [...s].length >= 2 && s !== q.trim() ? s : null;
}

let searchTimer = 0;
let searchSeq = 0;

function procList(procs) {
  return el('ul', { class: 'proc-list' }, procs.map(p =>
    el('li', {}, el('a', { href: '#/p/' + encodeURIComponent(p.id), class: 'proc-link' },
      el('span', { class: 'proc-title', lang: 'zh-CN' }, p.title),
      p.kind === 'policy' ? el('span', { class: 'badge' }, t('kindPolicy')) : null,
      p.summary ? el('span', { class: 'proc-summary', lang: 'zh-CN' }, p.summary) : null,
      el('span', { class: 'chevron', 'aria-hidden': 'true' }, '›')))));
}

export async function homeScreen(query) {
  const live = liveRoute();
  state.query = query || '';
  const [cats] = await Promise.all([api('/api/v1/categories')]);
  if (!live()) return;
  const input = el('input', {
    id: 'search-q', type: 'search', class: 'search-input', autocomplete: 'off',
    spellcheck: 'false', enterkeyhint: 'search', 'aria-describedby': 'search-hint',
  });
  input.value = state.query;
  const status = el('p', { class: 'search-status', role: 'status', 'aria-live': 'polite' });
  const results = el('div', { class: 'search-results' });
  const clear = button(t('searchClear'), () => {
    input.value = '';
    onQuery(true);
    input.focus();
  }, 'btn btn-clear');
  const tiles = el('section', { class: 'home-tiles', 'aria-labelledby': 'cat-h' },
    el('h2', { id: 'cat-h' }, t('categoriesTitle')),
    el('ul', { class: 'tiles' },
      cats.body.categories.map(c => el('li', {},
        el('a', { class: 'tile', href: '#/c/' + encodeURIComponent(c.id) },
          el('span', { class: 'tile-title', lang: 'zh-CN' }, c.title),
          el('span', { class: 'tile-desc', lang: 'zh-CN' }, c.description || ''),
          el('span', { class: 'tile-count' }, t('categoryCount', { n: c.procedures }))))),
      el('li', {}, el('a', { class: 'tile tile-policy', href: '#/policies' },
        el('span', { class: 'tile-title' }, t('policiesTile')),
        el('span', { class: 'tile-desc' }, t('policiesTileSub'))))));

  async function runSearch(asked) {
    const seq = ++searchSeq;
    let procs, offices, q = asked;
    try {
      const find = async (text) => {
        const [r, all] = await Promise.all([
          api('/api/v1/procedures?q=' + encodeURIComponent(text)), loadOffices()]);
        return [r.body.procedures, matchOffices(all, text)];
      };
      [procs, offices] = await find(q);
      // 我要办低保 finds nothing, 低保 finds it: an elderly resident types the
      // sentence (a resident's review). Searched again without the words
      // around the item's name, and said so.
      const core = coreQuery(q);
      if (!procs.length && !offices.length && core && core !== q && seq === searchSeq) {
        [procs, offices] = await find(core);
        if (procs.length || offices.length) q = core;
      }
    } catch (err) {
      if (seq !== searchSeq) return;
      status.textContent = '';
      results.replaceChildren(el('div', { class: 'notice notice-error', role: 'alert' },
        el('p', {}, el('strong', { class: 'prefix' }, t('errorPrefix')), friendly(err)),
        button(t('retry'), () => runSearch(q), 'btn')));
      return;
    }
    if (seq !== searchSeq) return;
    status.textContent = (q !== asked ? t('searchInstead', { asked, q }) : '') +
      (procs.length ? t('searchFound', { n: procs.length })
        : offices.length ? t('searchOfficesOnly', { n: offices.length }) : '');
    // the hall's own items first; the offices elsewhere after them, or in
    // place of "nothing found" (a one-character query such as 证 touches
    // many offices' keywords and used to push the hall's items off screen).
    // But a query that is an office's name or keyword, when no item of the
    // hall is named for it, is that office's business: 身份证 matched 28
    // items that merely ask for the card, with 派出所 at the very bottom
    const named = procs.some(p => p.title.includes(q));
    const officesFirst = !named && offices.some(o => o.name === q || (o.keywords || []).includes(q));
    const list = procs.length ? procList(procs) : '';
    const elsewhere = offices.length ? officeResults(offices) : '';
    results.replaceChildren(
      officesFirst ? elsewhere : list,
      officesFirst ? list : elsewhere,
      procs.length || offices.length ? '' : el('p', { class: 'notice' }, t('searchNone', { q: asked })));
  }

  function onQuery(now) {
    const q = input.value.trim();
    clearTimeout(searchTimer);
    clear.hidden = !input.value;
    if (q === state.query && !now) return;
    const wasSearching = !!state.query;
    state.query = q;
    // keep the address in step so the back button returns to these results
    const hash = q ? '#/s/' + encodeURIComponent(q) : '#/';
    if (location.hash !== hash) {
      if (wasSearching || !q) history.replaceState(navEntry(), '', hash);
      else { state.navDepth++; history.pushState(navEntry(), '', hash); }
    }
    tiles.hidden = !!q;
    if (!q) {
      searchSeq++;
      status.textContent = '';
      results.replaceChildren();
      return;
    }
    searchTimer = setTimeout(() => runSearch(q), now ? 0 : 300);
  }
  input.addEventListener('input', () => onQuery(false));
  input.addEventListener('keydown', ev => {
    if (ev.key === 'Enter') { ev.preventDefault(); onQuery(true); }
  });

  const form = el('form', { class: 'search', role: 'search', autocomplete: 'off' },
    el('label', { for: 'search-q', class: 'search-label' }, t('searchLabel')),
    el('p', { id: 'search-hint', class: 'hint' }, t('searchHint')),
    el('div', { class: 'search-row' }, input, clear));
  form.addEventListener('submit', ev => { ev.preventDefault(); onQuery(true); });

  clear.hidden = !input.value;
  tiles.hidden = !!state.query;
  show([
    el('h1', {}, t('homeTitle')),
    form,
    status,
    results,
    el('div', { class: 'triage-entry' },
      bigButton(t('triageButton'), t('triageButtonSub'), () => go('#/triage'), 'btn btn-accent btn-big')),
    el('div', { class: 'triage-entry code-entry' },
      bigButton(t('codeButton'), t(KIOSK ? 'codeButtonSub' : 'codeButtonSubWeb'), () => go('#/code'), 'btn btn-big')),
    tiles,
  ]);
  if (state.query) runSearch(state.query);
}

// ---- lists ----

export async function categoryScreen(id) {
  const live = liveRoute();
  const [cats, list] = await Promise.all([
    api('/api/v1/categories'),
    api('/api/v1/procedures?category=' + encodeURIComponent(id)),
  ]);
  if (!live()) return;
  const c = cats.body.categories.find(x => x.id === id);
  const procs = list.body.procedures;
  show([
    backButton(),
    el('h1', { lang: 'zh-CN' }, c ? c.title : id),
    c && c.description ? el('p', { class: 'lead', lang: 'zh-CN' }, c.description) : null,
    procs.length ? procList(procs) : el('p', { class: 'notice' }, t('emptyCategory')),
  ]);
}

export async function policiesScreen() {
  const live = liveRoute();
  const list = await api('/api/v1/procedures');
  if (!live()) return;
  const procs = list.body.procedures.filter(p => p.kind === 'policy');
  show([
    backButton(),
    el('h1', {}, t('policiesTitle')),
    el('p', { class: 'lead' }, t('policiesIntro')),
    procs.length ? procList(procs) : el('p', { class: 'notice' }, t('emptyCategory')),
  ]);
}

// ---- a procedure's overview ----

// When an {if} holds, in the resident's words: the question's label and
// the answer that brings the item in (（「是否由家人或他人代办」选「是」时需要）);
// the vague 部分情况需要 only when the question is not one of the form's.
function whenNote(p, cond) {
  let f = null;
  for (const s of p.steps) f = f || s.fields.find(x => x.key === cond.key);
  if (!f) return t('someCases');
  // a yes/no as the page says it (fields.js is not loaded before a case)
  const value = f.type === 'yesno' && (cond.value === 'yes' || cond.value === 'no') ? t(cond.value) : cond.value;
  return t(cond.op === '!=' ? 'whenNot' : 'whenIs', { label: f.label, value });
}

function materials(p) {
  const items = [];
  p.steps.forEach(s => s.checklist.forEach(c => items.push({ c, cond: c.if || s.if || null })));
  if (!items.length) return null;
  return el('ul', { class: 'materials-list' }, items.map(({ c, cond }) =>
    el('li', {}, zh('span', {}, c.text),
      c.required ? null : el('span', { class: 'note' }, t('ifAny')),
      cond ? el('span', { class: 'note' }, whenNote(p, cond)) : null)));
}

// The review chain's stages in order, each with its time limit: what
// happens after the window accepts the application, and how long it may take.
function chainList(chain) {
  if (!chain || !chain.length) return null;
  return el('ol', { class: 'steps-list chain-list' }, chain.map(st =>
    el('li', {}, zh('span', {}, st.label),
      el('span', { class: 'note' }, paren(st.days ? t('chainDays', { n: st.days }) : t('chainSameDay'))))));
}

function section(title, ...body) {
  const id = 'sec-' + Math.random().toString(36).slice(2, 8);
  return el('section', { class: 'card', 'aria-labelledby': id }, el('h2', { id }, title), ...body);
}

// "updated" (YYYY-MM-DD) is there for 30 days after a new version went live
function updatedNote(day) {
  const m = /^\d{4}-(\d{2})-(\d{2})$/.exec(day || '');
  return m ? el('p', { class: 'updated-note' }, t('updatedOn', { m: Number(m[1]), d: Number(m[2]) })) : null;
}

// A reserved section's heading in English is the page's own word for its
// kind: the English overview said 设定依据, 收费标准, 注意事项 under
// Eligibility and What to bring. Its text stays the author's Chinese.
function sectionHeading(s) {
  const key = 'section_' + s.kind;
  return getLang() === 'en' && Object.hasOwn(STRINGS.en, key)
    ? el('h2', { lang: 'en' }, t(key)) : el('h2', {}, s.title);
}

export async function overviewScreen(id) {
  const live = liveRoute();
  const { body: p } = await api('/api/v1/procedures/' + encodeURIComponent(id));
  const policy = p.kind === 'policy';
  // a policy is read, not done: the items of its category that can be done
  // here follow it, so a resident is not left at a dead end
  let doable = [];
  if (policy) {
    try {
      doable = (await api('/api/v1/procedures?category=' + encodeURIComponent(p.category))).body.procedures
        .filter(x => x.kind !== 'policy');
    } catch { /* the policy is shown all the same */ }
  }
  const actions = el('div', { class: 'actions actions-overview' },
    policy ? null : bigButton(t('start'), t(KIOSK ? 'startSub' : 'startSubWeb'), ev => startCaseLater(p, ev.currentTarget)),
    el('a', {
      class: 'btn btn-big btn-secondary', href: '/print/procedures/' + encodeURIComponent(p.id),
      target: '_blank', rel: 'noopener',
      onClick: ev => { ev.preventDefault(); go('#/p/' + encodeURIComponent(p.id) + '/print'); },
    }, el('span', { class: 'btn-label' }, t('printNotice')), el('span', { class: 'btn-sub' }, t(policy ? 'printPolicySub' : 'printNoticeSub'))));
  const parts = [
    backButton(),
    el('p', { class: 'kicker' }, policy ? t('kindPolicy') : t('kindProcedure')),
    el('h1', { lang: 'zh-CN' }, p.title),
    updatedNote(p.updated),
    contentHtml(p.summary_html, 'summary'),
    policy ? el('p', { class: 'notice' }, t(doable.length ? 'policyNoteDoable' : 'policyNote')) : null,
    doable.length ? el('section', { class: 'card policy-doable', 'aria-labelledby': 'doable-h' },
      el('h2', { id: 'doable-h' }, t('policyDoable')), procList(doable)) : null,
    actions,
  ];
  const facts = factsList(p.meta);
  if (facts) parts.push(section(t('factsTitle'), facts));
  const elig = p.sections.find(s => s.kind === 'eligibility');
  if (elig) parts.push(section(t('conditionsTitle'), contentHtml(elig.html)));
  if (!policy) {
    parts.push(section(t('materialsTitle'), materials(p) || el('p', {}, t('materialsNone'))));
    parts.push(section(t('stepsTitle'), el('ol', { class: 'steps-list' }, p.steps.map(s =>
      el('li', {}, zh('span', {}, stepLabel(s.title)),
        s.if ? el('span', { class: 'note' }, t('someCases')) : null)))));
  }
  for (const s of p.sections)
    if (s !== elig) parts.push(el('section', { class: 'card', lang: 'zh-CN' },
      sectionHeading(s), contentHtml(s.html), s.kind === 'chain' ? chainList(p.chain) : null));
  parts.push(el('div', { class: 'actions actions-sticky' },
    button(t('printNotice'), () => go('#/p/' + encodeURIComponent(p.id) + '/print'), 'btn btn-secondary'),
    policy ? null : button(t('start'), ev => startCaseLater(p, ev.currentTarget), 'btn btn-primary')));
  if (!live()) return;
  show(parts);
}

export function noticeScreen(id) {
  return printPreview('/print/procedures/' + encodeURIComponent(id), t('printPreviewNotice'));
}

// ---- triage ----

export async function triageScreen(qid, endIndex) {
  const live = liveRoute();
  let data;
  try {
    data = (await api('/api/v1/triage')).body;
  } catch (err) {
    if (!live()) return;
    if (err instanceof ApiError && err.status === 404) {
      show([el('h1', {}, t('triageKicker')),
        el('p', { class: 'notice' }, t('errTriageMissing')),
        el('div', { class: 'actions' }, button(t('homeLong'), () => go('#/'), 'btn btn-primary'))]);
      return;
    }
    throw err;
  }
  if (!live()) return;
  const byId = new Map(data.questions.map(q => [q.id, q]));
  if (!qid) qid = data.start;
  const q = byId.get(qid);
  if (!q) { go('#/triage', { replace: true }); return; }
  const stack = state.triageStack;
  if (qid === data.start && endIndex === undefined) stack.length = 0;
  const at = stack.indexOf(qid);
  if (at >= 0) stack.length = at + 1; else stack.push(qid);

  // 上一题 steps back through the browser's history when the question
  // before is the entry before (reached by an answer link): a new entry
  // made the phone's back button go forward again, to the question just
  // left. Arrived otherwise (a link from elsewhere), it replaces this one.
  const prevTo = (hash) => () => {
    if (state.navDepth > 0) history.back();
    else go(hash, { replace: true });
  };
  const prevBtn = () => {
    if (endIndex !== undefined) return button(t('prevQuestion'), prevTo('#/triage/' + encodeURIComponent(qid)), 'btn');
    if (stack.length > 1) return button(t('prevQuestion'), prevTo('#/triage/' + encodeURIComponent(stack[stack.length - 2])), 'btn');
    return null;
  };

  if (endIndex !== undefined) {
    const a = q.answers[endIndex];
    if (!a || a.goto || a.procedure) { go('#/triage/' + encodeURIComponent(qid), { replace: true }); return; }
    // a referral ending: the office's card under the answer
    const office = a.office ? (await loadOffices()).find(o => o.id === a.office) : null;
    if (!live()) return;
    show([
      el('p', { class: 'kicker' }, t('triageKicker')),
      el('h1', {}, t('triageEndTitle')),
      el('div', { class: 'notice notice-info' }, zh('p', { class: 'big-text' }, a.text)),
      a.office ? (office ? officeCard(office) : el('p', { class: 'notice' }, t('officeMissing'))) : null,
      el('div', { class: 'actions' },
        prevBtn(),
        button(t('restartTriage'), () => go('#/triage'), 'btn'),
        button(t('homeLong'), () => go('#/'), 'btn btn-primary')),
    ]);
    return;
  }

  // Every answer of this question waits for its item's date: the server
  // left one stand-in (`fallback`). A button reading 请到综合窗口咨询 that
  // opened a page saying it again made a resident tap to read it twice.
  if (q.answers.length === 1 && q.answers[0].fallback) {
    show([
      el('p', { class: 'kicker' }, (data.title || t('triageKicker')) + ' · ' + t('triageQuestionOf', { k: stack.length })),
      el('h1', { lang: 'zh-CN' }, q.text),
      el('div', { class: 'notice notice-info' }, el('p', { class: 'big-text' }, t('triageAtWindow'))),
      el('div', { class: 'actions' },
        prevBtn(),
        stack.length > 1 ? button(t('restartTriage'), () => go('#/triage'), 'btn') : null,
        button(t('homeLong'), () => go('#/'), 'btn btn-primary')),
    ]);
    return;
  }

  const answers = el('ul', { class: 'answers' }, q.answers.map((a, i) => {
    let href;
    if (a.goto) href = '#/triage/' + encodeURIComponent(a.goto);
    else if (a.procedure) href = '#/p/' + encodeURIComponent(a.procedure);
    else href = '#/triage/' + encodeURIComponent(qid) + '/end/' + i;
    return el('li', {}, el('a', { class: 'answer', href },
      zh('span', { class: 'answer-text' }, a.text),
      el('span', { class: 'chevron', 'aria-hidden': 'true' }, '›')));
  }));
  show([
    el('p', { class: 'kicker' }, (data.title || t('triageKicker')) + ' · ' + t('triageQuestionOf', { k: stack.length })),
    el('h1', { lang: 'zh-CN' }, q.text),
    stack.length === 1 ? el('p', { class: 'lead' }, t('triageIntro')) : null,
    answers,
    el('div', { class: 'actions' },
      prevBtn(),
      button(t('homeLong'), () => go('#/'), 'btn')),
  ]);
}

