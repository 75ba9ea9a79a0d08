// 停办 (docs/http-api.md, the staff case view's `procedure_status`): a case
// of an item whose file is deleted keeps its own version and is finished on
// it, and the staff case view says the item is retired and since when; a
// case of a live item says `live` with no date.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useWindow, residentCase, WINDOW_TREE } from './staff-helpers.mjs';

function tree(tmp) {
  const dir = path.join(tmp, 'procedures');
  fs.cpSync(WINDOW_TREE, dir, { recursive: true });
  return dir;
}

describe('the staff case view of a retired item', () => {
  const h = useWindow({ tree });

  it('says live, then retired with the time, once the file is deleted', async () => {
    const c = await residentCase(h);
    const before = await h.sget(`/api/v1/staff/cases/${c.id}`);
    assert.equal(before.status, 200, before.text);
    assert.equal(before.body.procedure_status, 'live');
    assert.equal(before.body.procedure_retired_at, null);
    const was = Date.now();
    fs.rmSync(path.join(h.ctx.tmp, 'procedures', 'hall', 'residence.md'));
    for (let i = 0; i < 100 && (await h.get('/api/v1/procedures/residence')).status === 200; i++)
      await new Promise((ok) => setTimeout(ok, 100));
    assert.equal((await h.get('/api/v1/procedures/residence')).status, 404);
    const after = await h.sget(`/api/v1/staff/cases/${c.id}`);
    assert.equal(after.status, 200, after.text);
    assert.equal(after.body.procedure_status, 'retired');
    const at = Date.parse(after.body.procedure_retired_at);
    assert.ok(at >= was - 2000 && at <= Date.now() + 2000, after.body.procedure_retired_at);
    // the case goes on, on its own version
    assert.equal(after.body.status, 'waiting');
    assert.equal((await h.spost(`/api/v1/staff/cases/${c.id}/accept`)).status, 200);
  });
});
