// The contract's own practice example (procedure-format.md, "Practice
// scenarios"), on a procedure that carries {#id_card} and
// {#residence_permit} as the example assumes, and a required phone the
// scenario does not give ("a field not given is empty"). A tester who reads
// only the contract expects check to pass and `return residence_permit` to
// be right; check refused it (the return left out phone) until 2026-12-06.
// The trainee who flags phone as well saw a real problem and is right too;
// one who flags a field that passes is not.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BIN, authHeaders, request } from './helpers.mjs';
import { useAdminDaemon } from './admin-helpers.mjs';

const PROC = `# 劳动手册办理

本市户籍或持居住证的失业人员办理劳动手册。

## 办理条件
- 具有本市户籍或持有效居住证
- 年满 16 周岁
- 处于失业状态

## 第一步:情况
\`\`\`form
hukou  | 户籍     | choice | required options=本地户籍/外地户籍
status | 就业状态 | choice | required options=失业/已就业
\`\`\`

## 第二步:准备材料
- [ ] 本人居民身份证原件 {#id_card}
- [ ] 居住证 {#residence_permit} {if hukou=外地户籍}

## 第三步:填写登记表
\`\`\`form
name      | 姓名         | text      | required max=20
id_number | 公民身份号码 | cn_id     | required age>=16 age<=60
phone     | 联系电话     | cn_mobile | required
\`\`\`
`;

// as the contract writes it
const PRACTICE = `# 劳动手册 · 练习

## 外地户籍,居住证已过期
李某,28 岁,外地户籍,带来身份证和居住证,居住证有效期到去年 6 月。

\`\`\`case
conditions = 是 是 是
hukou = 外地户籍
status = 失业
brought = id_card residence_permit
name = 李某
id_number = 370602199801010015
expect = return residence_permit
explain = 居住证须在有效期内,过期的请先到派出所续签
\`\`\`
`;

describe('the contract\'s practice example', () => {
  const h = useAdminDaemon({
    'employment/README.md': '# 就业服务\n',
    'employment/labour-handbook.md': PROC,
    'employment/labour-handbook.practice.md': PRACTICE,
  });
  const post = (p, body) => request(`${h.daemon.url}${p}`, {
    method: 'POST', headers: authHeaders(h.staff), body: JSON.stringify(body ?? {}),
  });
  const play = async (flags) => {
    const s = await post('/api/v1/staff/practice/labour-handbook');
    assert.equal(s.status, 201, s.text);
    const a = await post(`/api/v1/staff/practice/${s.body.id}/answer`, { decision: 'return', flags });
    assert.equal(a.status, 200, a.text);
    return a.body;
  };

  it('passes check, with a warning that phone is empty as well', () => {
    const r = spawnSync(BIN, ['check', h.tree], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /labour-handbook\.practice\.md:13: warning: .*phone/);
  });

  it('judges the listed return right, phone flagged as well right, a field that passes wrong', async () => {
    let v = await play(['residence_permit']);
    assert.equal(v.correct, true, JSON.stringify(v));
    assert.deepEqual(v.expected.flags, ['residence_permit']);
    v = await play(['residence_permit', 'phone']);
    assert.equal(v.correct, true, JSON.stringify(v));
    v = await play(['residence_permit', 'name']);
    assert.equal(v.correct, false, JSON.stringify(v));
    v = await play(['phone']);
    assert.equal(v.correct, false, JSON.stringify(v));
  });
});
