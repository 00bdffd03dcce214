import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DISPUTE_DAYS, calibrate, decideDispute, disputesByEvaluator, whyNoDispute, summarizeGroups, checkAnswers, checkQuestionnaire, sampleForEvaluation, scoreAnswers, type EvaluationPlan, type FinishedWork, type GivenAnswers, type Questionnaire } from '../../src/index.js';

const FORM: Questionnaire = {
  id: 'chat-quality',
  name: 'Chat quality',
  passPercent: 70,
  excellentPercent: 90,
  groups: [
    {
      id: 'greeting',
      name: 'Greeting',
      questions: [
        { id: 'named', text: 'Gave their name?', kind: 'yes-no' },
        { id: 'tone', text: 'Tone', kind: 'scale', weight: 3 },
      ],
    },
    {
      id: 'compliance',
      name: 'Compliance',
      weight: 2,
      questions: [
        { id: 'verified', text: 'Verified the customer?', kind: 'yes-no', critical: true },
        { id: 'upsell', text: 'Offer made', kind: 'choice', answers: [{ label: 'Fitting', points: 2 }, { label: 'Pushy', points: 1 }, { label: 'None', points: 0 }], allowNA: true },
      ],
    },
  ],
};

describe('quality: scoring a scorecard', () => {
  it('weights questions in their group and groups in the total; bands by thresholds', () => {
    // Greeting: (1*1 + 3*0.75) / 4 = 81.25 %; compliance: (1 + 0.5) / 2 = 75 %; total (81.25 + 2*75) / 3 = 77.08.
    const s = scoreAnswers(FORM, { named: { answer: 'Yes' }, tone: { answer: '4' }, verified: { answer: 'Yes' }, upsell: { answer: 'Pushy' } });
    expect(s.groups.map((g) => g.percent)).toEqual([81.3, 75]);
    expect(s).toMatchObject({ percent: 77.1, band: 'pass', criticalFailed: [], unanswered: [] });
    expect(scoreAnswers(FORM, { named: { answer: 'Yes' }, tone: { answer: '5' }, verified: { answer: 'Yes' }, upsell: { answer: 'Fitting' } })).toMatchObject({ percent: 100, band: 'excellent' });
  });

  it('leaves not applicable and unanswered questions out of both sides; a critical failure is 0 %', () => {
    const partial = scoreAnswers(FORM, { named: { answer: 'No' }, upsell: { na: true } });
    expect(partial).toMatchObject({ percent: 0, band: 'fail', unanswered: ['tone', 'verified'] });
    expect(scoreAnswers(FORM, { verified: { answer: 'Yes' }, upsell: { na: true } }).groups).toEqual([
      { id: 'greeting', name: 'Greeting', percent: null },
      { id: 'compliance', name: 'Compliance', percent: 100 },
    ]);
    expect(scoreAnswers(FORM, {}).percent).toBeNull();
    const critical = scoreAnswers(FORM, { named: { answer: 'Yes' }, tone: { answer: '5' }, verified: { answer: 'No' }, upsell: { answer: 'Fitting' } });
    expect(critical).toMatchObject({ percent: 0, band: 'fail', criticalFailed: ['verified'] });
  });

  it('names each answer that does not fit the questionnaire', () => {
    expect(checkAnswers(FORM, { nope: { answer: 'Yes' }, tone: { answer: '6' }, named: { na: true }, upsell: { na: true, answer: 'None' } }).map((p) => p.pointer)).toEqual([
      '/answers/nope', '/answers/tone/answer', '/answers/named/na', '/answers/upsell',
    ]);
    expect(checkAnswers(FORM, { upsell: { na: true }, tone: { answer: '1', comment: 'flat' } })).toEqual([]);
  });

  it('checks a questionnaire: unique ids, choices worth something, thresholds in order', () => {
    const bad: Questionnaire = {
      id: 'x', name: 'X', passPercent: 80, excellentPercent: 60,
      groups: [{ id: 'g', name: 'G', questions: [{ id: 'a', text: 'A', kind: 'choice', answers: [{ label: 'Only', points: 1 }] }, { id: 'a', text: 'B', kind: 'yes-no', answers: [] }] }, { id: 'g', name: 'G2', questions: [] }],
    };
    expect(checkQuestionnaire(bad).map((p) => p.pointer)).toEqual(['/excellentPercent', '/groups/0/questions/0/answers', '/groups/0/questions/1/id', '/groups/0/questions/1/answers', '/groups/1/id']);
    expect(checkQuestionnaire(FORM)).toEqual([]);
  });

  it('property: the score stays within 0..100, and never rises when one answer gets worse', () => {
    const all = ['named', 'tone', 'verified', 'upsell'];
    const options: Record<string, string[]> = { named: ['Yes', 'No'], tone: ['1', '2', '3', '4', '5'], verified: ['Yes', 'No'], upsell: ['Fitting', 'Pushy', 'None'] };
    const arb = fc.record(Object.fromEntries(all.map((id) => [id, fc.integer({ min: 0, max: options[id]!.length - 1 })])) as Record<string, fc.Arbitrary<number>>);
    fc.assert(fc.property(arb, fc.constantFrom(...all), (picks, worse) => {
      const given = (p: Record<string, number>): GivenAnswers => Object.fromEntries(all.map((id) => [id, { answer: options[id]![p[id]!] }]));
      const before = scoreAnswers(FORM, given(picks)).percent!;
      expect(before).toBeGreaterThanOrEqual(0);
      expect(before).toBeLessThanOrEqual(100);
      // Options are listed best first except yes/no and the scale: move one answer one step down in points.
      const list = options[worse]!;
      const down = worse === 'tone' ? Math.max(picks[worse]! - 1, 0) : Math.min(picks[worse]! + 1, list.length - 1);
      expect(scoreAnswers(FORM, given({ ...picks, [worse]: down })).percent!).toBeLessThanOrEqual(before);
    }));
  });
});

describe('quality: evaluation planning', () => {
  const plan = (over: Partial<EvaluationPlan>): EvaluationPlan => ({ id: 'p', name: 'P', questionnaire: 'chat-quality', evaluators: ['sam', 'sue'], percent: 100, ...over });
  const work: FinishedWork = { agent: 'alice', queue: 'web-chat', worktype: 'web-chat', mediaType: 'chat', teams: ['front'] };
  const none = { thisWeek: () => 0, open: () => 0 };

  it('takes the first plan that covers the work, draws under its share and has room this week', () => {
    const plans = [plan({ id: 'mail', mediaTypes: ['email'] }), plan({ id: 'full', perAgentPerWeek: 2 }), plan({ id: 'rest', evaluators: ['sue'] })];
    expect(sampleForEvaluation(plans, work, none, () => 0)?.plan.id).toBe('full');
    expect(sampleForEvaluation(plans, work, { ...none, thisWeek: (p) => (p === 'full' ? 2 : 0) }, () => 0)).toMatchObject({ plan: { id: 'rest' }, evaluator: 'sue' });
    expect(sampleForEvaluation([plan({ percent: 10 })], work, none, () => 0.1)).toBeNull();
    expect(sampleForEvaluation([plan({ percent: 10 })], work, none, () => 0.0999)).not.toBeNull();
    expect(sampleForEvaluation([plan({ enabled: false })], work, none, () => 0)).toBeNull();
    expect(sampleForEvaluation([plan({ queues: ['other'] })], work, none, () => 0)).toBeNull();
    expect(sampleForEvaluation([plan({ queues: ['web-chat'], worktypes: ['web-chat'] })], { ...work, queue: null }, none, () => 0)).toBeNull();
  });

  it('a plan of low ratings samples the ratings at or under its mark, and no completion; other plans no rating', () => {
    const low = plan({ id: 'low', ratedAtMost: 2 });
    expect(sampleForEvaluation([low], { ...work, rating: 2 }, none, () => 0)?.plan.id).toBe('low');
    expect(sampleForEvaluation([low], { ...work, rating: 3 }, none, () => 0)).toBeNull();
    expect(sampleForEvaluation([low], work, none, () => 0)).toBeNull();
    expect(sampleForEvaluation([plan({})], { ...work, rating: 1 }, none, () => 0)).toBeNull();
  });

  it('a plan of flagged conversations samples the analytics flags only; other plans never a flag', () => {
    const flags = plan({ id: 'flags', flagged: true });
    expect(sampleForEvaluation([flags], { ...work, flagged: true }, none, () => 0)?.plan.id).toBe('flags');
    expect(sampleForEvaluation([flags], work, none, () => 0)).toBeNull();
    expect(sampleForEvaluation([flags], { ...work, rating: 1 }, none, () => 0)).toBeNull();
    expect(sampleForEvaluation([plan({})], { ...work, flagged: true }, none, () => 0)).toBeNull();
    expect(sampleForEvaluation([plan({ ratedAtMost: 5 })], { ...work, flagged: true }, none, () => 0)).toBeNull();
  });

  it('a plan for some people covers their work only: named, or members of its teams', () => {
    expect(sampleForEvaluation([plan({ agents: ['alice'] })], work, none, () => 0)).not.toBeNull();
    expect(sampleForEvaluation([plan({ agents: ['bob'] })], work, none, () => 0)).toBeNull();
    expect(sampleForEvaluation([plan({ teams: ['front'] })], work, none, () => 0)).not.toBeNull();
    expect(sampleForEvaluation([plan({ teams: ['new-hires'] })], work, none, () => 0)).toBeNull();
    expect(sampleForEvaluation([plan({ agents: ['bob'], teams: ['front'] })], work, none, () => 0)).not.toBeNull();
  });

  it('gives the scorecard to the evaluator with the fewest open, never to the agent themself', () => {
    expect(sampleForEvaluation([plan({})], work, { ...none, open: (e) => (e === 'sam' ? 3 : 1) }, () => 0)?.evaluator).toBe('sue');
    expect(sampleForEvaluation([plan({})], work, { ...none, open: () => 1 }, () => 0)?.evaluator).toBe('sam');
    expect(sampleForEvaluation([plan({ evaluators: ['alice'] })], work, none, () => 0)).toBeNull();
  });

  it('property: the share sampled follows the plan, within a few points over 2,000 pieces of work', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 100 }), fc.integer(), (percent, seed) => {
      let x = seed >>> 0;
      const draw = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
      let n = 0;
      for (let i = 0; i < 2000; i++) if (sampleForEvaluation([plan({ percent })], work, none, draw)) n++;
      expect(Math.abs(n / 20 - percent)).toBeLessThan(5);
    }), { numRuns: 30 });
  });
});

describe('quality: calibration', () => {
  it('compares evaluators of the same interaction: mean, spread, deviation and agreement per question', () => {
    const c = calibrate(FORM, [
      { evaluator: 'sam', percent: 80, answers: { named: { answer: 'Yes' }, upsell: { na: true } } },
      { evaluator: 'sue', percent: 60, answers: { named: { answer: 'Yes' }, upsell: { answer: 'None' } } },
      { evaluator: 'ann', percent: 70, answers: { named: { answer: 'No' } } },
    ]);
    expect(c).toMatchObject({ cards: 3, mean: 70, spread: 20 });
    expect(c.evaluators.map((e) => e.deviation)).toEqual([10, -10, 0]);
    expect(c.questions.find((q) => q.id === 'named')).toMatchObject({ answers: { Yes: 2, No: 1 }, agreement: 66.7 });
    expect(c.questions.find((q) => q.id === 'upsell')).toMatchObject({ answers: { 'N/A': 1, None: 1 }, agreement: 50 });
    expect(c.questions.find((q) => q.id === 'tone')!.agreement).toBeNull();
  });
});

describe('quality: question group details', () => {
  it('averages each group per agent over their scorecards, not applicable groups left out', () => {
    const good = { named: { answer: 'Yes' }, tone: { answer: '5' }, verified: { answer: 'Yes' }, upsell: { answer: 'Fitting' } };
    const [s] = summarizeGroups([
      { agent: 'alice', questionnaire: FORM, answers: good, percent: 100 },
      { agent: 'alice', questionnaire: FORM, answers: { ...good, tone: { answer: '1' }, named: { answer: 'No' } }, percent: 66 },
      { agent: 'bob', questionnaire: FORM, answers: { named: { answer: 'Yes' }, tone: { answer: '3' } }, percent: null },
    ]);
    expect(s!.groups.map((g) => g.id)).toEqual(['greeting', 'compliance']);
    expect(s!.agents.find((a) => a.agent === 'alice')).toEqual({ agent: 'alice', evaluated: 2, average: 83, groups: { greeting: { percent: 50, scored: 2 }, compliance: { percent: 100, scored: 2 } } });
    expect(s!.agents.find((a) => a.agent === 'bob')).toEqual({ agent: 'bob', evaluated: 1, average: null, groups: { greeting: { percent: 62.5, scored: 1 } } });
  });
});

describe('quality: disputes', () => {
  const DAY = 86_400_000;
  const finished = { state: 'finished', finishedAt: 0, disputedAt: null, calibration: null };
  const GIVEN: GivenAnswers = { named: { answer: 'Yes' }, tone: { answer: '4' }, verified: { answer: 'No' }, upsell: { na: true } };

  it('once, on a finished scorecard, within the days allowed, never a calibration or one signed off', () => {
    expect(whyNoDispute(finished, DISPUTE_DAYS * DAY)).toBeNull();
    expect(whyNoDispute(finished, DISPUTE_DAYS * DAY + 1)).toMatch(/within 14 days/);
    expect(whyNoDispute({ ...finished, disputedAt: 5 }, 10)).toMatch(/once/);
    expect(whyNoDispute({ ...finished, state: 'acknowledged' }, 10)).toMatch(/signed off/);
    expect(whyNoDispute({ ...finished, state: 'in-progress' }, 10)).toMatch(/in-progress/);
    expect(whyNoDispute({ ...finished, calibration: 'c1' }, 10)).toMatch(/calibration/);
  });

  it('upheld keeps the answers and score; revised scores the changed answers, which must fit, change something and leave nothing open', () => {
    const upheld = decideDispute(FORM, GIVEN, 'upheld', undefined);
    expect(upheld).toMatchObject({ ok: true, answers: GIVEN, score: { percent: 0, band: 'fail' } });
    expect(decideDispute(FORM, GIVEN, 'upheld', { tone: { answer: '5' } })).toMatchObject({ ok: false, problems: [{ pointer: '/answers' }] });
    expect(decideDispute(FORM, GIVEN, 'revised', {})).toMatchObject({ ok: false, problems: [{ pointer: '/answers' }] });
    expect(decideDispute(FORM, GIVEN, 'revised', { verified: { answer: 'No' } })).toMatchObject({ ok: false, problems: [{ message: expect.stringMatching(/already given/) }] });
    expect(decideDispute(FORM, GIVEN, 'revised', { verified: { answer: 'Perhaps' } })).toMatchObject({ ok: false, problems: [{ pointer: '/answers/verified/answer' }] });
    expect(decideDispute(FORM, { named: { answer: 'Yes' } }, 'revised', { tone: { answer: '5' } })).toMatchObject({ ok: false, problems: [{ pointer: '/answers/verified' }, { pointer: '/answers/upsell' }] });
    const revised = decideDispute(FORM, GIVEN, 'revised', { verified: { answer: 'Yes' } });
    expect(revised).toMatchObject({ ok: true, answers: { ...GIVEN, verified: { answer: 'Yes' } }, score: { band: 'excellent', criticalFailed: [] } });
  });

  it('per evaluator: how often disputed, how often revised once decided; most disputed first', () => {
    const rates = disputesByEvaluator([
      { evaluator: 'sam', disputed: false, outcome: null },
      { evaluator: 'sam', disputed: true, outcome: 'revised' },
      { evaluator: 'sam', disputed: true, outcome: 'upheld' },
      { evaluator: 'sam', disputed: true, outcome: null },
      { evaluator: 'sue', disputed: false, outcome: null },
    ]);
    expect(rates).toEqual([
      { evaluator: 'sam', evaluated: 4, disputed: 3, upheld: 1, revised: 1, open: 1, disputedPercent: 75, revisedPercent: 50 },
      { evaluator: 'sue', evaluated: 1, disputed: 0, upheld: 0, revised: 0, open: 0, disputedPercent: 0, revisedPercent: null },
    ]);
  });
});

