// Migrations race (issue #12, item 8): several `spkiosk user add` started at
// once on a fresh database must all succeed. Before the fix each read
// user_version before taking the write lock, so the second ran migration 001
// again and failed with "table categories already exists". Later, under
// ASan, one lost the race to switch the fresh file to WAL ("cannot switch to
// WAL: database is locked"): SQLite answers that SQLITE_BUSY without waiting.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { BIN, makeTmp, rmTmp } from './helpers.mjs';

const N = 8;
const ROUNDS = 10;

let tmp;
before(() => { tmp = makeTmp('spkiosk-migrate-race-'); });
after(() => rmTmp(tmp));

function userAdd(db, name) {
  return new Promise((resolve, reject) => {
    const p = spawn(BIN, ['user', 'add', name, '--role', 'staff', '--db', db],
      { stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.setEncoding('utf8');
    p.stderr.on('data', (d) => { err += d; });
    p.stdout.resume();
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, err }));
    p.stdin.end('correct horse battery\n');
  });
}

describe('concurrent user add on a fresh database', () => {
  for (let round = 0; round < ROUNDS; round++) {
    it(`round ${round + 1}: ${N} processes at once all succeed`, async () => {
      const db = path.join(tmp, `fresh-${round}.db`);
      const names = Array.from({ length: N }, (_, i) => `clerk${round}x${i}`);
      const results = await Promise.all(names.map((n) => userAdd(db, n)));
      for (const [i, r] of results.entries()) {
        assert.equal(r.code, 0, `${names[i]} exited ${r.code}: ${r.err}`);
      }
      const list = await new Promise((resolve) => {
        const p = spawn(BIN, ['user', 'list', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        p.stdout.setEncoding('utf8');
        p.stdout.on('data', (d) => { out += d; });
        p.stderr.resume();
        p.on('close', (code) => resolve({ code, out }));
      });
      assert.equal(list.code, 0);
      for (const n of names) assert.match(list.out, new RegExp(`^${n}\\b`, 'm'), list.out);
    });
  }
});
