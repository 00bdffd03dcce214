import { describe, expect, it } from 'vitest';
import { supervisesPerson, supervisesQueue, supervisesTask, supervisionOf, type TeamModel } from '../../src/index.js';

const model: TeamModel = {
  teams: new Map([
    ['front', new Set(['sam', 'alice', 'bob'])],
    ['night', new Set(['nina', 'ned'])],
  ]),
  queues: [
    { id: 'sales', teams: new Set(['front']), members: new Set(['alice', 'bob']) },
    { id: 'night-desk', teams: new Set(['night']), members: new Set(['ned']) },
    // Served directly by a front-office person, not through the team.
    { id: 'vip', teams: new Set(), members: new Set(['bob']) },
    { id: 'solo', teams: new Set(), members: new Set(['otto']) },
  ],
};
const task = (over: Partial<{ queueId: string; assigneeId: string; targetAgentId: string; teamBin: string }>) => ({ queueId: null, assigneeId: null, targetAgentId: null, teamBin: null, ...over });

describe('who a supervisor supervises', () => {
  it('the teams they belong to, their people, and the queues those people serve', () => {
    const sam = supervisionOf('sam', ['supervisor'], model);
    expect(sam.all).toBe(false);
    if (sam.all) return;
    expect([...sam.teams]).toEqual(['front']);
    expect([...sam.people].sort()).toEqual(['alice', 'bob', 'sam']);
    expect([...sam.queues].sort()).toEqual(['sales', 'vip']);
    expect(supervisesQueue(sam, 'night-desk')).toBe(false);
    expect(supervisesPerson(sam, 'ned')).toBe(false);
  });

  it('a task is in scope by its queue, its holder, the agent it is routed to, or its team bin', () => {
    const sam = supervisionOf('sam', ['supervisor'], model);
    expect(supervisesTask(sam, task({ queueId: 'sales' }))).toBe(true);
    expect(supervisesTask(sam, task({ queueId: 'night-desk' }))).toBe(false);
    expect(supervisesTask(sam, task({ queueId: 'night-desk', assigneeId: 'alice' }))).toBe(true);
    expect(supervisesTask(sam, task({ queueId: 'night-desk', targetAgentId: 'bob' }))).toBe(true);
    expect(supervisesTask(sam, task({ teamBin: 'front' }))).toBe(true);
    expect(supervisesTask(sam, task({ teamBin: 'night' }))).toBe(false);
    expect(supervisesTask(sam, task({}))).toBe(false);
  });

  it('admins supervise everything; a supervisor in no team only the queues they serve themselves; others nothing', () => {
    const admin = supervisionOf('ada', ['admin'], model);
    expect(admin.all).toBe(true);
    expect(supervisesTask(admin, task({}))).toBe(true);
    const otto = supervisionOf('otto', ['supervisor'], model);
    expect(otto.all ? null : [...otto.queues]).toEqual(['solo']);
    expect(supervisesTask(otto, task({ queueId: 'sales' }))).toBe(false);
    const lone = supervisionOf('lone', ['supervisor'], model);
    expect(lone.all ? null : [lone.teams.size, lone.queues.size]).toEqual([0, 0]);
    const agent = supervisionOf('alice', ['agent'], model);
    expect(agent.all ? null : [agent.teams.size, agent.people.size, agent.queues.size]).toEqual([0, 0, 0]);
  });
});
