// Issue #12 item 10 (first half): a body over the 1 MiB cap announced with
// `Expect: 100-continue`. Prints the first thing the daemon answers, before
// any body byte is sent: it must be the 413, not `100 Continue`.
//   node bench/attack/expect.mjs [CONTENT_LENGTH]
// SPKIOSK_BIN picks the binary (default build/spkiosk).
import net from 'node:net';
import { startDaemon } from './conn-lib.mjs';

const length = Number(process.argv[2] ?? 2_000_000);
const d = await startDaemon();
const first = await new Promise((resolve) => {
  const s = net.connect(d.port, '127.0.0.1');
  let got = '';
  const t = setTimeout(() => { s.destroy(); resolve(got || '(nothing in 3 s)'); }, 3000);
  s.setEncoding('latin1');
  s.on('connect', () => s.write('POST /api/v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
    `Content-Type: application/json\r\nContent-Length: ${length}\r\nExpect: 100-continue\r\n\r\n`));
  s.on('data', (x) => {
    got += x;
    if (got.includes('\r\n\r\n')) { clearTimeout(t); s.destroy(); resolve(got); }
  });
  s.on('error', () => {});
});
console.log(`Expect: 100-continue, Content-Length ${length}: first answer ` +
  `"${first.split('\r\n')[0]}"`);
await d.stop();
process.exit(0);
