import { describe, expect, it } from 'vitest';
import {
  RULE_EVALUATION_BUDGET_MS,
  SAMPLE_CASE,
  TEMPLATE_LIMITS,
  buildVariables,
  classify,
  evaluateNumber,
  evaluateRule,
  regexHazard,
  renderTemplate,
  validateFormDefinition,
  validateNumberExpression,
  validateRuleExpression,
  validateTemplate,
} from '../../src/index.js';

// Rules (CEL) and notification templates (Liquid) are typed by administrators and run on what
// source systems and customers send. Hostile ones must be refused on save or fail fast: bounded
// time and size, and nothing of the host process within reach.

/** Runs `f` and returns how long it took (ms). */
const timed = <T>(f: () => T): [T, number] => {
  const started = performance.now();
  const r = f();
  return [r, performance.now() - started];
};

const polluted = () => ({}) as Record<string, unknown>;

describe('CEL rules cannot reach the process', () => {
  const task = { worktype: 'invoice', title: 'Refund', attributes: { amount: 120, list: [1, 2, 3] } };

  it('sees only `task`: no this, process, globals, require or constructors', () => {
    for (const e of ['this == 1', 'process.exit(1) == 1', 'globalThis == null', 'require("fs") == null', 'Function("return 1")() == 1', 'eval("1") == 1', 'console.log(1) == null']) {
      expect(validateRuleExpression(e), e).not.toBeNull();
      expect(evaluateRule(e, task).matched, e).toBe(false);
    }
    // Constructors and prototypes are not keys of a map: evaluating them errors, never reaches Function.
    for (const e of ['task.constructor == null', 'task["constructor"] == null', 'task.__proto__ == null', 'task.attributes.constructor.constructor == null', 'dyn(task).prototype == null', 'task.title.constructor == null']) {
      const r = evaluateRule(e, task);
      expect(r.matched, e).toBe(false);
    }
    expect(evaluateRule('has(task.constructor) || has(task.__proto__)', task).matched).toBe(false);
    expect(validateRuleExpression('task.constructor.constructor("return process")() == 1')).not.toBeNull();
    expect(evaluateNumber('task.constructor', task)).toBeNull();
  });

  it('prototype-pollution keys in the data stay plain data', () => {
    const attributes = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}, "amount": 5}');
    const t = { worktype: 'w', title: 't', attributes };
    expect(evaluateRule('task.attributes.amount == 5', t).matched).toBe(true);
    expect(evaluateRule('task.attributes["__proto__"].polluted == 1', t).matched).toBe(true); // an own key, read as data
    expect(evaluateRule('task.attributes["constructor"].prototype.polluted == 2', t).matched).toBe(true);
    expect(classify([{ id: 'r', name: 'r', when: 'task.attributes.amount == 5', set: { queue: 'q' }, position: 0 }], t).queue).toBe('q');
    expect(polluted().polluted).toBeUndefined();
  });

  it('deep nesting and long expressions are refused on save, quickly', () => {
    const [, ms] = timed(() => {
      expect(validateRuleExpression('('.repeat(400) + 'true' + ')'.repeat(400))).toMatch(/maxDepth/);
      expect(validateRuleExpression('!'.repeat(3000) + 'true')).toBeTruthy();
      expect(validateRuleExpression('-'.repeat(3000) + '1 == 1')).toBeTruthy();
      expect(validateRuleExpression('true && '.repeat(600) + 'true')).toMatch(/longer than/);
      expect(validateRuleExpression('[' + Array.from({ length: 1500 }, () => '1').join(',') + '].size() > 0')).toMatch(/longer than|maxListElements/);
      expect(validateRuleExpression('task.title == "' + 'x'.repeat(5000) + '"')).toMatch(/longer than/);
      // Never throws at evaluation either: the rule errors, it does not match.
      expect(evaluateRule('!'.repeat(3000) + 'true', task).matched).toBe(false);
    });
    expect(ms).toBeLessThan(2000);
  });

  it('a macro inside another macro is refused on save (its time would multiply)', () => {
    const ten = `[${Array.from({ length: 10 }, (_, i) => i).join(',')}]`;
    let nested = '1';
    for (let i = 0; i < 6; i++) nested = `${ten}.map(x${i}, ${nested})`;
    for (const e of [`${nested}.size() > 0`, 'task.attributes.list.all(a, task.attributes.list.all(b, a == b))', 'task.attributes.list.exists(a, [1, 2].filter(b, b == a).size() > 0)', 'task.attributes.list.map(a, task.attributes.list.exists_one(b, b == a)).size() > 0']) {
      expect(validateRuleExpression(e), e).toMatch(/inside another macro/);
    }
    expect(validateNumberExpression(`double(${nested}.size())`)).toMatch(/inside another macro/);
    // One level is fine, and chained macros (one after the other) stay linear.
    expect(validateRuleExpression('task.attributes.list.exists(a, a == 2)')).toBeNull();
    expect(validateRuleExpression('task.attributes.list.filter(a, a > 1).map(a, a * 2).all(a, a > 2)')).toBeNull();
  });

  it('one macro over huge data and size() of a huge string stay well under a second', () => {
    const big = { worktype: 'w', title: 't', attributes: { xs: Array.from({ length: 100_000 }, (_, i) => i), s: 'y'.repeat(5_000_000) } };
    const [r1, ms1] = timed(() => evaluateRule('task.attributes.xs.filter(a, a >= 50000.0).size() == 50000', big));
    expect(r1.matched).toBe(true);
    const [r2, ms2] = timed(() => evaluateRule('size(task.attributes.s) == 5000000 && task.attributes.s.contains("z") == false', big));
    expect(r2.matched).toBe(true);
    expect(ms1 + ms2).toBeLessThan(1500);
  });

  it('one macro whose body is linear in huge data (list concatenation, in, contains) is cut off at the time budget', () => {
    const xs = Array.from({ length: 100_000 }, (_, i) => i);
    const big = { worktype: 'w', title: 't', attributes: { xs, s: 'y'.repeat(2_000_000), flag: true } };
    // Each is accepted on save (one macro, no nesting) and is quadratic: hours, and gigabytes for map().
    const hostile = [
      'task.attributes.xs.map(a, task.attributes.xs + [a]).size() == 0',
      'task.attributes.xs.exists(a, (task.attributes.xs + task.attributes.xs).size() == 0)',
      'task.attributes.xs.all(a, size(task.attributes.xs + [a]) > 0)',
      'task.attributes.xs.filter(a, a in task.attributes.xs && a < 0).size() > 0',
      'task.attributes.xs.exists_one(a, task.attributes.s.contains("z"))',
    ];
    for (const e of hostile) {
      expect(validateRuleExpression(e), e).toBeNull();
      const [r, ms] = timed(() => evaluateRule(e, big));
      expect(r.matched, e).toBe(false);
      expect(r.error, e).toMatch(/longer than \d+ ms/);
      expect(ms, e).toBeLessThan(RULE_EVALUATION_BUDGET_MS * 4);
    }
    const [n, nms] = timed(() => evaluateNumber('double(task.attributes.xs.map(a, task.attributes.xs + [a]).size())', big));
    expect(n).toBeNull();
    expect(nms).toBeLessThan(RULE_EVALUATION_BUDGET_MS * 4);
    // In classify the runaway rule is traced as an error and the next rules still apply.
    const rules = [
      { id: 'runaway', name: 'runaway', when: hostile[0]!, set: { queue: 'never' }, position: 0 },
      { id: 'plain', name: 'plain', when: 'task.attributes.flag', set: { queue: 'ok' }, position: 1 },
    ];
    const [c, cms] = timed(() => classify(rules, big));
    expect(c.queue).toBe('ok');
    expect(c.trace[0]).toMatchObject({ rule: 'runaway', matched: false, error: expect.stringMatching(/longer than/) });
    expect(cms).toBeLessThan(RULE_EVALUATION_BUDGET_MS * 4);
    // The same rules on ordinary data are untouched by the budget, and the budget does not leak to the next evaluation.
    const small = { worktype: 'w', title: 't', attributes: { xs: [1, 2, 3], s: 'yz', flag: true } };
    expect(evaluateRule('task.attributes.xs.all(a, size(task.attributes.xs + [a]) > 0)', small)).toEqual({ matched: true });
    expect(evaluateRule('task.attributes.xs.exists_one(a, task.attributes.s.contains("z"))', small)).toEqual({ matched: false });
    expect(evaluateRule('task.attributes.xs.filter(a, a in task.attributes.xs && a > 1).size() == 2', small)).toEqual({ matched: true });
  });

  it('matches() takes only literal patterns that cannot backtrack for long', () => {
    for (const [e, why] of [
      ['task.title.matches("^(a+)+$")', /repeated group/],
      ['task.title.matches("(a|aa)+")', /repeated alternation/],
      ['task.title.matches("^(\\\\w)\\\\1$")', /backreferences/],
      ['task.title.matches("^a(?=b)")', /lookaround/],
      ['task.title.matches("[a-z]+@[a-z]+")', /at most one unbounded|start with \^/],
      ['task.title.matches(".*x")', /start with \^/],
      ['task.title.matches(task.attributes.re)', /literal pattern/],
    ] as const) {
      expect(validateRuleExpression(e), e).toMatch(why);
    }
    expect(validateRuleExpression('task.title.matches("^Refund [0-9]+$")')).toBeNull();
    expect(validateRuleExpression('task.title.matches("refund")')).toBeNull();
    // An accepted pattern on a megabyte of hostile text answers at once.
    const [r, ms] = timed(() => evaluateRule('task.attributes.s.matches("^[a-z]+@example[.]com$")', { attributes: { s: 'a'.repeat(1_000_000) + '!' } }));
    expect(r.matched).toBe(false);
    expect(ms).toBeLessThan(500);
  });

  it('the pattern check itself: what is safe and what is not', () => {
    for (const p of ['^[A-Z]{3}$', 'C[0-9]{6}', 'INV-[0-9]{4,8}', '[A-Z0-9]{6,20}', '^\\d+$', '^(foo|bar)-\\d{2}$', '^\\p{L}+$', 'abc']) expect(regexHazard(p), p).toBeNull();
    for (const p of ['(a+)+', '(a*)*b', '^(a|a)*$', '(x+x+)+y', '^(\\d+)*$', '\\1', '(?<!a)b', '^a*a*b', '^a{1,100}a{1,100}', '[a-z]+x']) expect(regexHazard(p), p).not.toBeNull();
  });

  it('form field patterns are checked the same way on save', () => {
    const form = (pattern: string) => ({ fields: [{ name: 'serial', label: 'Serial', type: 'text', pattern }] });
    expect(validateFormDefinition(form('[A-Z0-9]{6,20}'))).toEqual([]);
    expect(validateFormDefinition(form('(a+)+'))).toEqual([{ pointer: '/fields/0/pattern', message: expect.stringMatching(/repeated group/) }]);
    expect(validateFormDefinition(form('[a-z]+@[a-z]+'))).toEqual([{ pointer: '/fields/0/pattern', message: expect.stringMatching(/at most one unbounded/) }]);
  });
});

describe('Liquid templates cannot reach the process', () => {
  const vars = buildVariables(SAMPLE_CASE);
  const render = (t: string) => renderTemplate(t, vars);

  it('has no file access, whatever the spelling', () => {
    for (const t of ['{%- include "/etc/passwd" -%}', "{% include '../../package.json' %}", '{% render "/etc/hostname" %}', '{% liquid include "x" %}', '{% liquid\nrender "x" %}', '{% layout "x" %}{% block b %}{% endblock %}', '{% for i in (1..3) %}{% include "x" %}{% endfor %}']) {
      expect(validateTemplate(t), t).not.toBeNull();
      const r = render(t);
      expect(r.ok, t).toBe(false);
      if (!r.ok) expect(r.error.message).not.toMatch(/root:|"name"|ENOENT/);
    }
  });

  it('reaches neither globals nor constructors nor prototypes', () => {
    const r = render('[{{ process }}{{ global }}{{ globalThis }}{{ require }}{{ this }}{{ fields.constructor.constructor }}{{ Case_Id.constructor }}{{ fields["__proto__"] }}{{ fields.prototype }}]');
    expect(r).toEqual({ ok: true, text: '[]' });
    // Filters are a closed list: unknown ones are errors, not property look-ups.
    for (const t of ['{{ "x" | constructor }}', '{{ fields | __proto__ }}', '{{ "process" | eval }}']) expect(render(t).ok, t).toBe(false);
    expect(render('{% assign f = fields["constructor"] %}{{ f }}{{ fields | map: "constructor" | join: "," }}')).toEqual({ ok: true, text: '' });
    expect(polluted().polluted).toBeUndefined();
  });

  it('pollution keys in the data are plain data, and do not pollute', () => {
    const data = JSON.parse('{"fields": {"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}}}');
    const r = renderTemplate('{{ fields.polluted }}|{{ fields.constructor.prototype.polluted }}', data);
    expect(r.ok).toBe(true);
    expect(polluted().polluted).toBeUndefined();
  });

  it('loops, string growth and splits are bounded in time and memory', () => {
    const fast = (t: string) => {
      const [r, ms] = timed(() => render(t));
      expect(r.ok, t.slice(0, 80)).toBe(false);
      expect(ms, t.slice(0, 80)).toBeLessThan(TEMPLATE_LIMITS.renderMs * 15);
    };
    fast('{% for i in (1..100000000) %}{{ i }}{% endfor %}');
    fast('{% for i in (1..2000) %}{% for j in (1..2000) %}{% cycle "a", "b" %}{% endfor %}{% endfor %}');
    fast('{% capture s %}xxxxxxxxxxxxxxxx{% endcapture %}{% for i in (1..64) %}{% capture s %}{{ s }}{{ s }}{% endcapture %}{% endfor %}{{ s | size }}');
    fast('{% assign s = "abcdefghij" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{% assign parts = s | split: "" %}{{ parts | size }}');
    fast('{% assign s = "ab" %}{% for i in (1..40) %}{% assign s = s | prepend: s %}{% endfor %}{{ s | upcase | size }}');
    fast('{% for i in (1..1000000) %}{% increment n %}{% endfor %}');
    fast('{% tablerow i in (1..10000000) cols:3 %}{{ i }}{% endtablerow %}');
  });

  it('output is capped and over-long templates are refused before parsing', () => {
    expect(render('{% for i in (1..5000) %}{{ Case_Description }}{% endfor %}')).toMatchObject({ ok: false, error: { message: expect.stringMatching(/longer than|limit|memory/) } });
    const [v, ms] = timed(() => validateTemplate('{{ x }}'.repeat(TEMPLATE_LIMITS.maxLength)));
    expect(v?.message).toMatch(/characters/);
    expect(ms).toBeLessThan(200);
    expect(validateTemplate('{% if a %}'.repeat(20_000))?.message).toBeTruthy();
  });
});
