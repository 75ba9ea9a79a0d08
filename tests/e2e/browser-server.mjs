// Runs a command (the browser tests: `node --test … tests/e2e/`) with one
// Debian chromium for all of it: every test file connects to it
// (helpers.mjs launchBrowser, E2E_BROWSER_WS) instead of launching its own,
// which cost about 0.5 s of the machine's two cores each, a hundred files a
// run. Exits with the command's status; the browser goes when it ends.
// Usage: node tests/e2e/browser-server.mjs COMMAND [ARG…]
import { spawn } from 'node:child_process';
import { CHROMIUM_ARGS, checkPlaywrightFeatures, chromium } from './helpers.mjs';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: node tests/e2e/browser-server.mjs COMMAND [ARG...]');
  process.exit(2);
}
checkPlaywrightFeatures();
const server = await chromium.launchServer({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, E2E_BROWSER_WS: server.wsEndpoint() } });
const code = await new Promise((resolve) => {
  child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  child.on('error', (e) => { console.error(`browser-server: ${cmd}: ${e.message}`); resolve(127); });
});
await server.close();
process.exit(code);
