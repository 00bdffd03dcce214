import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { caseMembers, seesCase, seesCasesBeyondMembership, supervisionOf, type CaseFacts, type CaseModel } from '../../src/index.js';

const teams = new Map([
  ['front', new Set(['sam', 'alice', 'bob'])],
  ['night', new Set(['nina', 'ned'])],
]);
const queues = [
  { id: 'claims', teams: new Set(['front']), members: new Set(['alice', 'bob']) },
  { id: 'night-desk', teams: new Set(['night']), members: new Set(['ned']) },
];
const model: CaseModel = { queues: new Map(queues.map((q) => [q.id, q])) };
const viewer = (id: string, roles: string[]) => ({ id, roles, supervision: () => supervisionOf(id, roles, { teams, queues }) });
const task = (t: Partial<{ queueId: string; assigneeId: string; targetAgentId: string; teamBin: string }>) => ({
  queueId: t.queueId ?? null, assigneeId: t.assigneeId ?? null, targetAgentId: t.targetAgentId ?? null, teamBin: t.teamBin ?? null,
});

describe('who may see a case', () => {
  const atClaims: CaseFacts = { createdBy: 'api-key:crm', tasks: [task({ queueId: 'claims' })] };
  const heldByNed: CaseFacts = { createdBy: 'user:alice', tasks: [task({ queueId: 'night-desk', assigneeId: 'ned' })] };
  const noWork: CaseFacts = { createdBy: 'customer:c1', tasks: [] };

  it('agents: cases they opened, hold or held, were routed, or that wait in their queues', () => {
    expect(seesCase(viewer('alice', ['agent']), atClaims, model)).toBe(true);
    expect(seesCase(viewer('ned', ['agent']), atClaims, model)).toBe(false);
    expect(seesCase(viewer('alice', ['agent']), heldByNed, model)).toBe(true); // she opened it
    expect(seesCase(viewer('bob', ['agent']), heldByNed, model)).toBe(false);
    expect(seesCase(viewer('nina', ['agent']), { createdBy: null, tasks: [task({ targetAgentId: 'nina' })] }, model)).toBe(true);
    expect(seesCase(viewer('alice', ['agent']), noWork, model)).toBe(false);
  });

  it('supervisors: their people\'s, queues\' and team bins\' cases, and cases with no work; admins and analysts all', () => {
    const sam = viewer('sam', ['supervisor']);
    expect(seesCase(sam, atClaims, model)).toBe(true);
    expect(seesCase(sam, heldByNed, model)).toBe(true); // opened by alice, one of his people
    expect(seesCase(sam, { createdBy: null, tasks: [task({ queueId: 'night-desk' })] }, model)).toBe(false);
    expect(seesCase(sam, { createdBy: null, tasks: [task({ teamBin: 'front' })] }, model)).toBe(true);
    expect(seesCase(sam, noWork, model)).toBe(true);
    for (const roles of [['admin'], ['analyst']]) expect(seesCase(viewer('x', roles), heldByNed, model)).toBe(true);
  });

  it('read from the case\'s side: for anyone without a supervisor\'s, admin\'s or analyst\'s role, the members are exactly who seesCase lets see it', () => {
    const people = ['p0', 'p1', 'p2', 'p3', 'p4'];
    const person = fc.constantFrom(...people);
    const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
    const arbModel = fc.array(fc.uniqueArray(person, { maxLength: people.length }), { minLength: 1, maxLength: 3 });
    const arbFacts = (queueIds: string[]) =>
      fc.record({
        createdBy: maybe(fc.oneof(person.map((p) => `user:${p}`), fc.constant('api-key:k'), fc.constant('customer:p1'))),
        tasks: fc.array(fc.record({ queueId: maybe(fc.constantFrom(...queueIds, 'gone')), assigneeId: maybe(person), targetAgentId: maybe(person), teamBin: maybe(fc.constant('t0')) }), { maxLength: 4 }),
      });
    fc.assert(
      fc.property(
        arbModel.chain((qs) => fc.tuple(fc.constant(qs), arbFacts(qs.map((_, i) => `q${i}`)))),
        person,
        fc.subarray(['agent']),
        ([qs, facts], id, roles) => {
          const m: CaseModel = { queues: new Map(qs.map((members, i) => [`q${i}`, { members: new Set(members) }])) };
          expect(seesCasesBeyondMembership(roles)).toBe(false);
          const v = { id, roles, supervision: () => { throw new Error('not asked of agents'); } };
          expect(caseMembers(facts, m).has(id)).toBe(seesCase(v, facts, m));
        },
      ),
    );
  });
});
