// Logins from a chosen loopback source address (127.0.0.x stands in for a
// client), so that the throttle's per-address counts can be told apart; for
// auth.test.mjs and auth-throttle.test.mjs.
import http from 'node:http';

// POST /api/v1/login {name, password} from localAddress, with an optional
// Cookie and more headers (X-Forwarded-For). Resolves {status, headers
// (set-cookie an array), body}.
export function loginFrom(port, localAddress, name, password, cookie = null, extra = {}) {
  const body = JSON.stringify({ name, password });
  const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...extra };
  if (cookie) headers.Cookie = cookie;
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, path: '/api/v1/login', method: 'POST', localAddress, headers,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: JSON.parse(text || 'null') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
