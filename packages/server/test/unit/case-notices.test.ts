import { describe, expect, it } from 'vitest';
import type { CaseFacts } from '@worklane/core';
import { StreamHub } from '../../src/stream/hub.js';
import { caseAudience } from '../../src/cases/audience.js';
import { binAudience } from '../../src/workbins/visibility.js';

// The hub with the server's audiences over an in-memory configuration: who is told of which case.
const teams = new Map([['front', new Set(['sam', 'alice', 'bob'])], ['night', new Set(['nina', 'ned'])]]);
const queues = new Map([
  ['claims', { id: 'claims', teams: new Set(['front']), members: new Set(['alice', 'bob']), distribution: 'push' }],
  ['night-desk', { id: 'night-desk', teams: new Set(['night']), members: new Set(['ned']), distribution: 'pull' }],
]);
const config = { snapshot: { teams, queues } } as never;
const facts: Record<string, CaseFacts> = {
  atClaims: { createdBy: 'api-key:crm', tasks: [{ queueId: 'claims', assigneeId: null, targetAgentId: null, teamBin: null }] },
  nedsOwn: { createdBy: 'user:ned', tasks: [] },
};

function setUp() {
  let reads = 0;
  const hub = new StreamHub(binAudience(config), caseAudience(config, async (ids) => (reads++, new Map(ids.filter((id) => facts[id]).map((id) => [id, facts[id]!])))));
  const heard = new Map<string, unknown[]>();
  const connect = (tab: string, userId: string, roles: string[]) =>
    hub.add({ readyState: 1, send: (data: string) => heard.set(tab, [...(heard.get(tab) ?? []), JSON.parse(data)]) } as never, userId, roles as never);
  return { hub, heard, connect, reads: () => reads };
}

describe('case notices on the stream', () => {
  it('each person hears, in one message, only the cases they may open; two tabs both hear', async () => {
    const { hub, heard, connect } = setUp();
    connect('alice-1', 'alice', ['agent']);
    connect('alice-2', 'alice', ['agent']);
    connect('ned', 'ned', ['agent']);
    connect('sam', 'sam', ['supervisor']);
    connect('nina', 'nina', ['supervisor']);
    connect('ann', 'ann', ['analyst']);
    await hub.casesChanged(['atClaims', 'nedsOwn', 'gone']);
    const told = (tab: string) => heard.get(tab) ?? [];
    expect(told('alice-1')).toEqual([{ type: 'case.changed', caseIds: ['atClaims'] }]); // her queue, push or not
    expect(told('alice-2')).toEqual(told('alice-1'));
    expect(told('ned')).toEqual([{ type: 'case.changed', caseIds: ['nedsOwn'] }]); // he opened it
    expect(told('sam')).toEqual([{ type: 'case.changed', caseIds: ['atClaims', 'nedsOwn'] }]); // his queue; a case with no work
    expect(told('nina')).toEqual([{ type: 'case.changed', caseIds: ['nedsOwn'] }]); // her person's; not the front office's
    expect(told('ann')).toEqual([{ type: 'case.changed', caseIds: ['atClaims', 'nedsOwn'] }]);
  });

  it('nobody connected: nothing is read; a failed read is reported, not thrown', async () => {
    const { hub, reads } = setUp();
    await hub.casesChanged(['atClaims']);
    expect(reads()).toBe(0);
    const errors: unknown[] = [];
    const failing = new StreamHub(binAudience(config), { load: () => Promise.reject(new Error('database gone')) }, (err) => errors.push(err));
    failing.add({ readyState: 1, send: () => {} } as never, 'alice', ['agent']);
    failing.caseChanged('atClaims');
    await new Promise((r) => setTimeout(r, 10));
    expect(errors.map(String)).toEqual(['Error: database gone']);
  });
});
