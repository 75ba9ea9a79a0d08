// Chinese text uses full-width punctuation (issue #9.8): what the kiosk,
// the staff pages and the printed sheets say, from the UI's strings
// (web/) and the sample library (procedures/), has no ASCII , ; : ? ! ( )
// right after a Chinese character, nor a ( right before one. Code, URLs,
// times (9:00) and the form blocks' keys and options are not Chinese text
// and are not read. The server's own messages are checked by the API
// tests, which match them in full.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers.mjs';

const HAN = '\\u4e00-\\u9fff\\u3000-\\u303f\\uff01-\\uff5e';
const BAD = new RegExp(`[${HAN}][,;:?!()]|\\((?=[${HAN}])`, 'u');
const ENGLISH = /\b[A-Za-z]{2,}\s+[A-Za-z]+\b/;

function files(dir, ext) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p, ext));
    else if (e.name.endsWith(ext)) out.push(p);
  }
  return out;
}

// The string literals of a line of JavaScript ('…', "…", `…`).
const literals = (line) => line.match(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\\n]|\\.)*`/g) || [];

// The prose of a Markdown file: not its front matter keys, fences, or the
// form blocks (keys, types and options are data a case stores).
function prose(text) {
  const out = [];
  let fence = false;
  text.split('\n').forEach((l, i) => {
    if (l.startsWith('```')) { fence = !fence; return; }
    if (!fence) out.push([i + 1, l.replace(/\]\([^)]*\)/g, ']')]);
  });
  return out;
}

describe('full-width punctuation in Chinese text', () => {
  it('in the UI strings of web/', () => {
    const bad = [];
    for (const f of [...files(path.join(ROOT, 'web'), '.js'), ...files(path.join(ROOT, 'web'), '.html')]) {
      fs.readFileSync(f, 'utf8').split('\n').forEach((l, i) => {
        const t = l.trim();
        if (t.startsWith('//') || t.startsWith('*') || t.startsWith('/*')) return;
        const parts = f.endsWith('.html') ? (l.match(/>[^<]+</g) || []) : literals(l);
        // an English sentence that names a Chinese word keeps its own commas
        for (const s of parts) if (BAD.test(s) && !ENGLISH.test(s)) bad.push(`${path.relative(ROOT, f)}:${i + 1}: ${s}`);
      });
    }
    assert.deepEqual(bad, []);
  });

  it('in the sample library\'s prose', () => {
    const bad = [];
    // the library's README is English, for whoever installs it
    for (const f of files(path.join(ROOT, 'procedures'), '.md').filter((x) => x !== path.join(ROOT, 'procedures', 'README.md'))) {
      for (const [n, l] of prose(fs.readFileSync(f, 'utf8')))
        if (BAD.test(l) && !/^(id|keywords):/.test(l)) bad.push(`${path.relative(ROOT, f)}:${n}: ${l}`);
    }
    assert.deepEqual(bad, []);
  });
});
