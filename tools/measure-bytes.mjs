// Bytes on the wire of the kiosk's first paint (issue #13): the page, what
// it loads before it shows the home screen (its stylesheets, the module
// graph of its script) and the home screen's one API call, each fetched
// once as is and once with Accept-Encoding: gzip. Prints a Markdown table
// for docs/performance.md.
//
//   node tools/measure-bytes.mjs http://127.0.0.1:8080
//
// Bytes are the response's headers plus its body as sent, so that they
// match what curl and the browser count.
import http from 'node:http';

const base = process.argv[2];
if (!base) {
  console.error('usage: node tools/measure-bytes.mjs BASE_URL');
  process.exit(2);
}

function get(path, gzip) {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL(path, base), { headers: gzip ? { 'Accept-Encoding': 'gzip' } : {} }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        let head = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`;
        for (let i = 0; i < res.rawHeaders.length; i += 2) head += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`;
        resolve({ status: res.statusCode, body, headerBytes: Buffer.byteLength(head) + 2, encoding: res.headers['content-encoding'] });
      });
    });
    req.on('error', reject);
  });
}

// what the page and each module pull in, as absolute paths
function refs(path, text) {
  const out = [];
  if (path === '/') {
    for (const m of text.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)) out.push(m[1]);
  } else if (path.endsWith('.js')) {
    // as written ('./core.js') or as minified at build ("./core.js")
    for (const m of text.matchAll(/(?:from|import)\s*(['"])(\.\/[^'"]+)\1/g)) out.push(new URL(m[2], new URL(path, base)).pathname);
  }
  return out;
}

const plain = await get('/', false);
const queue = ['/'], seen = new Set(['/']);
const texts = new Map([['/', plain.body.toString()]]);
for (let i = 0; i < queue.length; i++) {
  const p = queue[i];
  if (!texts.has(p)) texts.set(p, (await get(p, false)).body.toString());
  for (const r of refs(p, texts.get(p))) if (!seen.has(r)) { seen.add(r); queue.push(r); }
}
queue.push('/api/v1/categories');

const rows = [];
let tp = 0, tg = 0;
for (const p of queue) {
  const a = await get(p, false), b = await get(p, true);
  const pa = a.headerBytes + a.body.length, pb = b.headerBytes + b.body.length;
  tp += pa; tg += pb;
  rows.push(`| \`${p}\` | ${pa.toLocaleString('en')} | ${pb.toLocaleString('en')}${b.encoding ? '' : ' (as is)'} |`);
}
console.log(`| first paint of \`/\` (${queue.length} responses) | bytes as is | bytes, gzip accepted |`);
console.log('|---|--:|--:|');
console.log(rows.join('\n'));
console.log(`| **total** | **${tp.toLocaleString('en')}** | **${tg.toLocaleString('en')}** |`);
