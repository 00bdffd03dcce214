import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { binMembers, parseBin, seesBin, supervisionOf, type BinModel } from '../../src/index.js';

const teams = new Map([
  ['front', new Set(['sam', 'alice', 'bob'])],
  ['night', new Set(['nina', 'ned'])],
]);
const queues = [
  { id: 'claims', teams: new Set(['front']), members: new Set(['alice', 'bob']), distribution: 'pull' },
  { id: 'sales', teams: new Set(['front']), members: new Set(['alice', 'bob']), distribution: 'push' },
  { id: 'night-desk', teams: new Set(['night']), members: new Set(['ned']), distribution: 'pull' },
];
const model: BinModel = { teams, queues: new Map(queues.map((q) => [q.id, q])) };
let asked = 0;
const viewer = (id: string, roles: string[]) => ({
  id,
  roles,
  supervision: () => (asked++, supervisionOf(id, roles, { teams, queues })),
});

describe('who may see a workbin', () => {
  it('agents: their pull queues, their teams, their own bin; nothing else', () => {
    const alice = viewer('alice', ['agent']);
    expect(seesBin(alice, 'queue:claims', model)).toBe(true);
    expect(seesBin(alice, 'queue:sales', model)).toBe(false); // push: nobody pulls from it
    expect(seesBin(alice, 'queue:night-desk', model)).toBe(false);
    expect(seesBin(alice, 'team:front', model)).toBe(true);
    expect(seesBin(alice, 'team:night', model)).toBe(false);
    expect(seesBin(alice, 'personal:alice', model)).toBe(true);
    expect(seesBin(alice, 'personal:bob', model)).toBe(false);
  });

  it('an agent never costs a walk of the teams', () => {
    asked = 0;
    const bob = viewer('bob', ['agent']);
    for (const b of ['queue:claims', 'queue:sales', 'queue:night-desk', 'team:night', 'personal:ned']) seesBin(bob, b, model);
    expect(asked).toBe(0);
  });

  it('supervisors: also the queues, teams and people they supervise, push queues included', () => {
    const sam = viewer('sam', ['supervisor']);
    expect(seesBin(sam, 'queue:sales', model)).toBe(true);
    expect(seesBin(sam, 'queue:night-desk', model)).toBe(false);
    expect(seesBin(sam, 'team:front', model)).toBe(true);
    expect(seesBin(sam, 'team:night', model)).toBe(false);
    expect(seesBin(sam, 'personal:bob', model)).toBe(true);
    expect(seesBin(sam, 'personal:ned', model)).toBe(false);
    expect(seesBin(sam, 'personal:sam', model)).toBe(false); // not an agent: no bin of their own
  });

  it('admins see every bin that exists; unknown and malformed ids nobody sees', () => {
    const root = viewer('root', ['admin']);
    for (const b of ['queue:sales', 'queue:night-desk', 'team:night', 'personal:ned']) expect(seesBin(root, b, model)).toBe(true);
    expect(seesBin(root, 'queue:gone', model)).toBe(false);
    expect(seesBin(root, 'team:gone', model)).toBe(false);
    expect(seesBin(root, 'shelf:x', model)).toBe(false);
    expect(parseBin('queue:')).toBeNull();
    expect(parseBin('team:a:b')).toEqual({ kind: 'team', ref: 'a:b' });
  });
});

describe('a workbin read from its side (binMembers)', () => {
  const people = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];
  const someOf = fc.uniqueArray(fc.constantFrom(...people), { maxLength: people.length });
  const arbModel = fc.record({
    teams: fc.array(someOf, { minLength: 1, maxLength: 3 }),
    queues: fc.array(fc.record({ members: someOf, distribution: fc.constantFrom('push', 'pull', undefined) }), { minLength: 1, maxLength: 3 }),
  });
  const arbRoles = fc.subarray(['agent', 'analyst']); // not overseers: supervisors and admins are asked seesBin itself

  it('for anyone who oversees nothing, the bin\'s members are exactly who seesBin lets see it', () => {
    fc.assert(
      fc.property(arbModel, fc.constantFrom(...people), arbRoles, (m, id, roles) => {
        const model: BinModel = {
          teams: new Map(m.teams.map((t, i) => [`t${i}`, new Set(t)])),
          queues: new Map(m.queues.map((q, i) => [`q${i}`, { members: new Set(q.members), ...(q.distribution ? { distribution: q.distribution } : {}) }])),
        };
        const bins = [...model.teams.keys()].map((t) => `team:${t}`).concat([...model.queues.keys()].map((q) => `queue:${q}`), people.map((p) => `personal:${p}`), ['queue:gone', 'team:gone', 'nonsense']);
        const v = { id, roles, supervision: () => { throw new Error('not asked of non-overseers'); } };
        for (const bin of bins) {
          const { ids, agentsOnly } = binMembers(bin, model);
          const byMembers = [...ids].includes(id) && (!agentsOnly || roles.includes('agent'));
          expect(byMembers, bin).toBe(seesBin(v, bin, model));
        }
      }),
    );
  });
});
