import type { Questionnaire } from './questionnaire.js';
import { scoreAnswers, type GivenAnswers } from './score.js';

/**
 * Where each agent scores well and where not: the average of each question group over finished
 * scorecards, per questionnaire and agent (seed EE09's "question group details"), so coaching aims
 * at the weak part instead of the total.
 */
export interface SummaryCard {
  agent: string;
  questionnaire: Questionnaire;
  answers: GivenAnswers;
  percent: number | null;
}

export interface GroupSummary {
  questionnaire: { id: string; name: string };
  /** The groups in the order of the newest questionnaire seen. */
  groups: { id: string; name: string }[];
  agents: {
    agent: string;
    evaluated: number;
    average: number | null;
    /** By group id: the average of that group where it was scored (not all not applicable). */
    groups: Record<string, { percent: number; scored: number }>;
  }[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export function summarizeGroups(cards: readonly SummaryCard[]): GroupSummary[] {
  const byForm = new Map<string, { form: Questionnaire; agents: Map<string, { n: number; total: number; scored: number; groups: Map<string, { sum: number; n: number }> }> }>();
  for (const c of cards) {
    const f = byForm.get(c.questionnaire.id) ?? { form: c.questionnaire, agents: new Map() };
    f.form = c.questionnaire; // the newest wins (cards come oldest first)
    byForm.set(c.questionnaire.id, f);
    const a = f.agents.get(c.agent) ?? { n: 0, total: 0, scored: 0, groups: new Map() };
    f.agents.set(c.agent, a);
    a.n++;
    if (c.percent !== null) [a.total, a.scored] = [a.total + c.percent, a.scored + 1];
    for (const g of scoreAnswers(c.questionnaire, c.answers).groups) {
      if (g.percent === null) continue;
      const acc = a.groups.get(g.id) ?? { sum: 0, n: 0 };
      a.groups.set(g.id, { sum: acc.sum + g.percent, n: acc.n + 1 });
    }
  }
  return [...byForm.values()].map(({ form, agents }) => ({
    questionnaire: { id: form.id, name: form.name },
    groups: form.groups.map((g) => ({ id: g.id, name: g.name })),
    agents: [...agents.entries()].map(([agent, a]) => ({
      agent,
      evaluated: a.n,
      average: a.scored ? round1(a.total / a.scored) : null,
      groups: Object.fromEntries([...a.groups].map(([id, g]) => [id, { percent: round1(g.sum / g.n), scored: g.n }])),
    })),
  }));
}
