// How a call (叫号) is written and said, the same on the staff page and on
// the hall's call screen: the window a staffer calls to ("3", "A2",
// "综合窗口"; the server's rules, display.h) and the sentence of the call,
// "请 A017 号到 3 号窗口".

const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;

// A window as the hall reads it: a number or a short code is "N 号窗口",
// a Chinese name is shown as written; no window is "窗口".
export function windowName(w) {
  if (!w) return '窗口';
  return CJK.test(w) ? w : `${w} 号窗口`;
}

// The call as written: "请 A017 号到 3 号窗口" ("请 A017 号到窗口办理"
// when the staffer set no window).
export function callText(ticket, w) {
  return w ? `请 ${ticket} 号到 ${windowName(w)}` : `请 ${ticket} 号到窗口办理`;
}

// The call as spoken: the ticket's digits one by one (A017: "A 零一七",
// as halls call them), the window as written ("3 号窗口" is read 三号窗口).
export function callSpeech(ticket, w) {
  const digits = '零一二三四五六七八九';
  const t = String(ticket).replace(/\d/g, (d) => digits[Number(d)]);
  const spaced = t.replace(/^([A-Za-z]+)/, '$1 ');
  return w ? `请 ${spaced} 号，到 ${windowName(w)}` : `请 ${spaced} 号，到窗口办理`;
}

// A window as a staffer typed it, checked as the server checks it: the
// normalised name ("03" → "3", "a2" → "A2"), "" for none, or null when
// the server would refuse it (422 bad_window).
export function checkWindow(raw) {
  const s = String(raw ?? '').trim();
  if (s === '') return '';
  const chars = [...s];
  if (chars.length > 8) return null;
  if (/^\d+$/.test(s)) {
    if (s.length > 3 || Number(s) === 0) return null;
    return String(Number(s));
  }
  for (const c of chars) if (!/[A-Za-z0-9]/.test(c) && !CJK.test(c)) return null;
  return s.toUpperCase();
}
