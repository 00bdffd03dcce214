import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CASE_STATUSES,
  caseActionBetween,
  caseTransition,
  coerceFormValues,
  customerFromSubmission,
  escalationTarget,
  needsHistory,
  nextStep,
  normalizeSubmission,
  validateFormDefinition,
  validateProcedure,
  validateSubmission,
  type CaseAction,
  type FormDefinition,
  type Procedure,
  type ProcedureKnown,
} from '../../src/index.js';

const form: FormDefinition = {
  fields: [
    { name: 'email', label: 'E-mail', type: 'email', required: true, customer: 'email' },
    { name: 'name', label: 'Name', type: 'text', required: true, maxLength: 50, customer: 'name' },
    { name: 'order', label: 'Order', type: 'text', pattern: 'A-[0-9]{4}', messages: { pattern: 'Order numbers look like A-1234' } },
    { name: 'amount', label: 'Amount', type: 'number', min: 0, max: 1000 },
    { name: 'qty', label: 'Quantity', type: 'number', integer: true },
    { name: 'since', label: 'Since', type: 'date', min: '2020-01-01' },
    { name: 'phone', label: 'Phone', type: 'phone' },
    { name: 'kind', label: 'Kind', type: 'select', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] },
    { name: 'tags', label: 'Tags', type: 'multiselect', options: [{ value: 'x', label: 'X' }, { value: 'y', label: 'Y' }], max: 1 },
    { name: 'consent', label: 'I agree', type: 'checkbox', required: true },
    { name: 'photo', label: 'Photo', type: 'file', accept: ['image/*'], maxSize: 1000, maxFiles: 2 },
    { name: 'site', label: 'Web site', type: 'text', format: 'url' },
  ],
};

describe('case forms', () => {
  it('accepts a good definition and names every mistake in a bad one', () => {
    expect(validateFormDefinition(form)).toEqual([]);
    const bad = validateFormDefinition({
      fields: [
        { name: '1x', label: '', type: 'text', pattern: '(' },
        { name: 'a', label: 'A', type: 'select' },
        { name: 'A', label: 'A again', type: 'number', min: 5, max: 1, maxLength: 3 },
        { name: 'd', label: 'D', type: 'date', min: '2023-02-29' },
        { name: 'f', label: 'F', type: 'file', accept: ['png'], messages: { nope: 'x' } },
        { name: 'g', label: 'G', type: 'colour' },
      ],
    } as unknown as FormDefinition);
    const pointers = bad.map((e) => e.pointer);
    expect(pointers).toEqual(
      expect.arrayContaining([
        '/fields/0/name', '/fields/0/label', '/fields/0/pattern', '/fields/1/options', '/fields/2/name', '/fields/2/min', '/fields/2/maxLength',
        '/fields/3/min', '/fields/4/accept/0', '/fields/4/messages/nope', '/fields/5/type',
      ]),
    );
  });

  it('reports every field error at once, with custom messages', () => {
    const errors = validateSubmission(form, {
      name: 'x'.repeat(51), order: 'B-1', amount: 2000, qty: 1.5, since: '2019-12-31', phone: 'call me', kind: 'c', tags: ['x', 'y'],
      photo: [{ name: 'a.pdf', size: 10, contentType: 'application/pdf' }], site: 'ftp://x', extra: 1,
    });
    expect(Object.fromEntries(errors.map((e) => [e.pointer, e.message]))).toEqual({
      '/fields/email': 'is required',
      '/fields/name': 'must be at most 50 characters',
      '/fields/order': 'Order numbers look like A-1234',
      '/fields/amount': 'must be at most 1000',
      '/fields/qty': 'must be a whole number',
      '/fields/since': 'must be on or after 2020-01-01',
      '/fields/phone': 'must be a phone number',
      '/fields/kind': '"c" is not one of the options',
      '/fields/tags': 'choose at most 1',
      '/fields/consent': 'must be checked',
      '/fields/photo': '"a.pdf" is application/pdf; accepted: image/*',
      '/fields/site': 'must be a web address (http or https)',
      '/fields/extra': 'is not a field of this form',
    });
  });

  it('passes a good submission, normalizes it and fills the customer', () => {
    const values = { email: ' Jo@Example.com ', name: ' Jo ', order: 'A-1234', amount: 10, consent: true, phone: '', photo: [{ name: 'p.png', size: 10, contentType: 'image/png' }] };
    expect(validateSubmission(form, values)).toEqual([]);
    expect(normalizeSubmission(form, values)).toEqual({ email: 'jo@example.com', name: 'Jo', order: 'A-1234', amount: 10, consent: true });
    expect(customerFromSubmission(form, values)).toEqual({ email: 'jo@example.com', name: 'Jo' });
  });

  it('coerces HTML form posts', () => {
    expect(coerceFormValues(form, { amount: '12.5', consent: 'on', tags: ['x', ''], qty: 'abc' })).toEqual({ amount: 12.5, consent: true, tags: ['x'], qty: 'abc' });
  });

  it('never throws and names only the submitted or required fields (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...form.fields.map((f) => f.name), 'zz'), fc.anything()), (values) => {
        const errors = validateSubmission(form, values);
        for (const e of errors) expect(e.pointer.startsWith('/fields/')).toBe(true);
        const names = new Set(errors.map((e) => e.pointer));
        expect(names.size).toBe(errors.length); // one error per field
      }),
    );
  });
});

const known: ProcedureKnown = {
  queues: new Set(['advisors', 'experts']),
  worktypes: new Map([['case-advisor', ['resolved', 'escalate']], ['case-expert', ['resolved', 'send-back']]]),
  wrapUpCodes: new Set(['resolved', 'escalate', 'send-back', 'processed']),
  calendars: new Set(['office']),
};
const demo: Procedure = {
  start: 'advisor',
  escalation: ['expert'],
  steps: [
    { id: 'advisor', queue: 'advisors', worktype: 'case-advisor', ola: { duration: 12, unit: 'hours', mode: 'business', calendar: 'office' }, transitions: { resolved: { close: true }, escalate: { escalate: true } } },
    { id: 'expert', queue: 'experts', worktype: 'case-expert', transitions: { resolved: { close: true, resolution: 'solved by expert' }, 'send-back': { sendBack: true } } },
  ],
};

describe('procedures', () => {
  it('accepts the demo procedure', () => expect(validateProcedure(demo, known)).toEqual([]));

  it('names missing queues, worktypes, codes, steps and calendars', () => {
    const bad: Procedure = {
      start: 'nope',
      escalation: ['ghost'],
      steps: [
        { id: 'advisor', queue: 'missing', worktype: 'case-advisor', ola: { duration: 0, unit: 'weeks' as 'days', mode: 'business', calendar: 'moon' }, transitions: { processed: { close: true }, bogus: { to: 'x' }, escalate: { to: 'nowhere' } } },
        { id: 'advisor', queue: 'experts', worktype: 'mystery', transitions: {} },
      ],
    };
    const errors = Object.fromEntries(validateProcedure(bad, known).map((e) => [e.pointer, e.message]));
    expect(errors).toMatchObject({
      '/start': 'unknown step "nope"',
      '/escalation/0': 'unknown step "ghost"',
      '/steps/0/queue': 'unknown queue "missing"',
      '/steps/0/ola/duration': 'must be a number above 0',
      '/steps/0/ola/unit': 'must be minutes, hours or days',
      '/steps/0/ola/calendar': 'unknown calendar "moon"',
      '/steps/0/transitions/processed': '"processed" is not a wrap-up code of worktype "case-advisor" (it has: resolved, escalate)',
      '/steps/0/transitions/bogus': 'unknown wrap-up code "bogus"',
      '/steps/0/transitions/escalate/to': 'unknown step "nowhere"',
      '/steps/1/id': 'duplicate step "advisor"',
      '/steps/1/worktype': 'unknown worktype "mystery"',
    });
  });

  it('refuses a send-back outside the ladder, a dead end and an unreachable step', () => {
    const noClose: Procedure = { start: 'a', steps: [{ id: 'a', queue: 'advisors', worktype: 'case-advisor', transitions: {} }, { id: 'b', queue: 'experts', worktype: 'case-expert', transitions: { 'send-back': { sendBack: true } } }] };
    const errors = validateProcedure(noClose, known).map((e) => `${e.pointer}: ${e.message}`);
    expect(errors).toContain('/steps/1/transitions/send-back: only an escalation step can send a case back to its advisor');
    const unreachable: Procedure = { start: 'a', steps: [{ id: 'a', queue: 'advisors', worktype: 'case-advisor', transitions: {} }, { id: 'b', queue: 'experts', worktype: 'case-expert', transitions: { resolved: { close: true } } }] };
    expect(validateProcedure(unreachable, known).map((e) => e.message)).toEqual(['step "b" can never be reached from "a"', 'no step closes the case (add a transition { close: true })']);
  });

  it('walks the demo: escalate, send back to the original advisor, close', () => {
    expect(nextStep(demo, 'advisor', 'escalate', [{ step: 'advisor', agent: 'alice' }])).toMatchObject({ kind: 'escalate', level: 1, step: { id: 'expert' } });
    const back = nextStep(demo, 'expert', 'send-back', [{ step: 'advisor', agent: 'alice' }, { step: 'expert', agent: 'dave' }]);
    expect(back).toMatchObject({ kind: 'send-back', agent: 'alice', step: { id: 'advisor' } });
    expect(nextStep(demo, 'advisor', 'resolved', [])).toEqual({ kind: 'close', resolution: 'resolved', status: 'closed' });
    expect(nextStep(demo, 'expert', 'resolved', [])).toEqual({ kind: 'close', resolution: 'solved by expert', status: 'closed' });
    expect(nextStep(demo, 'advisor', 'processed', [])).toMatchObject({ kind: 'none' });
    expect(nextStep(demo, 'expert', 'send-back', [{ step: 'expert', agent: 'dave' }])).toMatchObject({ kind: 'none' });
    expect(escalationTarget(demo, 'expert')).toBeNull();
  });

  it('reads the history only where it decides (the shell skips reading it otherwise)', () => {
    const visits = fc.array(fc.record({ step: fc.constantFrom('advisor', 'expert', 'gone'), agent: fc.constantFrom('alice', 'dave') }), { maxLength: 5 });
    fc.assert(
      fc.property(fc.constantFrom('advisor', 'expert', 'gone'), fc.constantFrom('escalate', 'send-back', 'resolved', 'processed'), visits, (step, code, history) => {
        if (!needsHistory(demo, step, code)) expect(nextStep(demo, step, code, history)).toEqual(nextStep(demo, step, code, []));
      }),
    );
    expect(needsHistory(demo, 'expert', 'send-back')).toBe(true);
    expect(needsHistory(demo, 'advisor', 'resolved')).toBe(false);
  });

  it('climbs a longer ladder one rung at a time (property: level = rung index + 1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), (n) => {
        const rungs = Array.from({ length: n }, (_, i) => `l${i + 1}`);
        const p: Procedure = {
          start: 'a',
          escalation: rungs,
          steps: [{ id: 'a', queue: 'advisors', worktype: 'case-advisor', transitions: { escalate: { escalate: true }, resolved: { close: true } } },
            ...rungs.map((id) => ({ id, queue: 'experts', worktype: 'case-advisor', transitions: { resolved: { close: true } as const } }))],
        };
        expect(validateProcedure(p, known)).toEqual([]);
        let at = 'a';
        for (let level = 1; level <= n; level++) {
          const up = escalationTarget(p, at)!;
          expect(up.level).toBe(level);
          at = up.step.id;
        }
        expect(escalationTarget(p, at)).toBeNull();
      }),
    );
  });
});

describe('case statuses', () => {
  const ACTIONS: CaseAction[] = ['start', 'take', 'requeue', 'escalate', 'wait', 'reply', 'resolve', 'close', 'reopen', 'update'];
  it('allows the documented moves', () => {
    expect(caseTransition('new', 'start')).toEqual({ ok: true, to: 'open' });
    expect(caseTransition('open', 'take')).toEqual({ ok: true, to: 'in-progress' });
    expect(caseTransition('closed', 'reopen')).toEqual({ ok: true, to: 'reopened' });
    expect(caseTransition('closed', 'escalate')).toEqual({ ok: false, error: 'A closed case cannot be escalated' });
    expect(caseActionBetween('in-progress', 'waiting-for-customer')).toBe('wait');
    expect(caseActionBetween('closed', 'open')).toBeNull();
  });
  it('a closed case only reopens (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ACTIONS), fc.constantFrom(...CASE_STATUSES), (a, s) => {
        const r = caseTransition(s, a);
        if (s === 'closed') expect(r.ok).toBe(a === 'reopen');
        if (r.ok && a !== 'update') expect(CASE_STATUSES).toContain(r.to);
      }),
    );
  });
});
