import { describe, expect, it } from 'vitest';
import { classify, effectivePriority, validateNumberExpression, validateRuleExpression, type ClassificationRule } from '../../src/index.js';

// The source's example: Finance + Gold -> high; Credit + Silver -> medium.
const rules: ClassificationRule[] = [
  { id: 'finance-gold', name: 'Finance gold', position: 1, when: 'task.attributes.department == "Finance" && task.attributes.segment == "Gold"', set: { queue: 'finance', priority: 80 } },
  { id: 'credit-silver', name: 'Credit silver', position: 2, when: 'task.attributes.department == "Credit" && task.attributes.segment == "Silver"', set: { queue: 'credit', priority: 50 } },
  { id: 'big-lead', name: 'Big lead', position: 3, when: 'task.worktype == "lead" && task.attributes.value > 10000', set: { priority: 90, skills: [{ skill: 'sales', minLevel: 70 }] } },
];

describe('classification rules', () => {
  it('applies matching rules in order, later overriding earlier', () => {
    const r = classify(rules, { worktype: 'claim', attributes: { department: 'Finance', segment: 'Gold' } });
    expect(r).toMatchObject({ queue: 'finance', priority: 80 });
    expect(r.trace.map((t) => t.matched)).toEqual([true, false, false]);
    const lead = classify(rules, { worktype: 'lead', attributes: { value: 25000 } });
    expect(lead.priority).toBe(90);
    expect(lead.skills).toEqual([{ skill: 'sales', minLevel: 70 }]);
  });

  it('a rule over a missing attribute does not match and says why', () => {
    const r = classify(rules, { worktype: 'claim', attributes: {} });
    expect(r.queue).toBeUndefined();
    expect(r.trace[0]?.error).toMatch(/No such key/);
  });

  it('validates expressions on save', () => {
    expect(validateRuleExpression('task.attributes.x == 1')).toBeNull();
    expect(validateRuleExpression('task.attributes.x ==')).toMatch(/Unexpected/);
    expect(validateRuleExpression('1 + 2')).toMatch(/boolean/);
    expect(validateRuleExpression('process.exit(1)')).not.toBeNull();
  });
});

describe('effective priority', () => {
  it('adds aging and urgency and explains the terms', () => {
    const policy = { agingPerMinute: 1, agingMax: 10, urgencyWindowMinutes: 60, urgencyMax: 20 };
    const now = 30 * 60_000;
    const terms = effectivePriority(50, 0, now + 30 * 60_000, now, policy);
    expect(terms).toEqual({ base: 50, aging: 10, urgency: 10, effective: 70 });
    expect(effectivePriority(50, now, null, now, policy).effective).toBe(50);
  });
});

describe('priority computed from the task', () => {
  it('priorityFrom sets the priority from a numeric expression, clamped to 0..1000; a bad result is traced', () => {
    const rule = (expr: string) => [{ id: 'v', name: 'v', position: 1, when: 'task.worktype == "lead"', set: { priorityFrom: expr } }];
    expect(classify(rule('double(task.attributes.value) / 1000.0'), { worktype: 'lead', attributes: { value: 25_000 } }).priority).toBe(25);
    expect(classify(rule('double(task.attributes.value) / 1000.0'), { worktype: 'lead', attributes: { value: 5_000_000 } }).priority).toBe(1000);
    const bad = classify(rule('task.attributes.missing + 1.0'), { worktype: 'lead', attributes: {} });
    expect(bad.priority).toBeUndefined();
    expect(bad.trace[0]).toMatchObject({ matched: true, error: 'priorityFrom did not give a number' });
    expect(validateNumberExpression('task.attributes.value > 1')).toBe('expression must be a number, not bool');
  });
});
