import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { useStreamMessage } from '../api/stream';
import type { List } from '../api/types';

// Quality management (API: /scorecards, /calibrations, /questionnaires): the shapes and the hooks.

export type QuestionKind = 'yes-no' | 'scale' | 'choice';
export interface Question {
  id: string;
  text: string;
  kind: QuestionKind;
  answers?: { label: string; points: number }[];
  weight?: number;
  allowNA?: boolean;
  critical?: boolean;
  help?: string;
}
export interface Questionnaire {
  id: string;
  name: string;
  description?: string;
  passPercent?: number;
  excellentPercent?: number;
  published?: boolean;
  groups: { id: string; name: string; weight?: number; questions: Question[] }[];
}
export interface GivenAnswer {
  answer?: string;
  na?: boolean;
  comment?: string;
}
export type GivenAnswers = Record<string, GivenAnswer>;
export type ScorecardState = 'assigned' | 'in-progress' | 'finished' | 'acknowledged' | 'disputed';
export type Band = 'fail' | 'pass' | 'excellent';

export interface Scorecard {
  id: string;
  state: ScorecardState;
  task: { id: string; title: string; worktype: string | null; mediaType: string | null; queue: string | null; caseId: string | null; completedAt: string | null };
  agent: { id: string; name: string };
  evaluator: { id: string; name: string };
  questionnaire: { id: string; name: string };
  plan: string | null;
  calibration: string | null;
  percent: number | null;
  band: Band | null;
  criticalFailed: boolean;
  needsAcknowledgement: boolean;
  comment: string | null;
  agentComment: string | null;
  assignedAt: string;
  finishedAt: string | null;
  acknowledgedAt: string | null;
  /** The agent's dispute and its decision (null: never disputed). */
  dispute: {
    reason: string;
    at: string;
    outcome: 'upheld' | 'revised' | null;
    comment: string | null;
    resolvedBy: { id: string; name: string } | null;
    resolvedAt: string | null;
    percentBefore: number | null;
  } | null;
}
export interface ScorecardDetail extends Omit<Scorecard, 'questionnaire'> {
  questionnaire: Questionnaire;
  answers: GivenAnswers;
  groups: { id: string; name: string; percent: number | null }[];
  unanswered: string[];
  criticalQuestions: string[];
}
export interface Calibration {
  id: string;
  task: Scorecard['task'];
  agent: Scorecard['agent'];
  questionnaire: Questionnaire;
  cards: number;
  mean: number | null;
  spread: number | null;
  pending: { id: string; evaluator: { id: string; name?: string } }[];
  evaluators: { evaluator: string; name: string; percent: number | null; deviation: number | null }[];
  questions: { id: string; text: string; answers: Record<string, number>; agreement: number | null }[];
}

export interface GroupDetails {
  from: string;
  to: string;
  scorecards: number;
  complete: boolean;
  items: {
    questionnaire: { id: string; name: string };
    groups: { id: string; name: string }[];
    agents: { agent: string; name: string; evaluated: number; average: number | null; groups: Record<string, { percent: number; scored: number }> }[];
  }[];
}

/** Each agent's average per question group (last 30 days); `mine`: the caller's own only. */
export interface EvaluatorDisputes {
  evaluator: string;
  name: string;
  evaluated: number;
  disputed: number;
  upheld: number;
  revised: number;
  open: number;
  disputedPercent: number | null;
  revisedPercent: number | null;
}

/** Disputes per evaluator over the last 30 days (supervisors, analysts, admins). */
export function useDisputeRates() {
  return useQuery({ queryKey: [...SCORECARDS, 'disputes'], queryFn: () => api<{ items: EvaluatorDisputes[] }>('/quality/disputes'), select: (d) => d.items, staleTime: 30_000 });
}

export function useGroupDetails(mine = false) {
  return useQuery({ queryKey: [...SCORECARDS, 'groups', mine], queryFn: () => api<GroupDetails>(`/quality/groups${mine ? '?agent=me' : ''}`), staleTime: 30_000 });
}

export const STATE_LABEL: Record<ScorecardState, string> = { assigned: 'To score', 'in-progress': 'In progress', finished: 'Finished', acknowledged: 'Acknowledged', disputed: 'Disputed' };
export const STATE_COLOR: Record<ScorecardState, string> = { assigned: 'blue', 'in-progress': 'yellow', finished: 'green', acknowledged: 'gray', disputed: 'orange' };
export const BAND_LABEL: Record<Band, string> = { fail: 'Below target', pass: 'Passed', excellent: 'Excellent' };
export const BAND_COLOR: Record<Band, string> = { fail: 'red', pass: 'teal', excellent: 'green' };

export interface ScorecardFilter {
  evaluator?: string;
  agent?: string;
  state?: ScorecardState[];
}

const SCORECARDS = ['scorecards'];

/** Lists follow the stream: a scorecard assigned to, finished about or acknowledged by someone re-reads them. */
export function useScorecardSync(): void {
  const qc = useQueryClient();
  useStreamMessage('scorecards.changed', () => void qc.invalidateQueries({ queryKey: SCORECARDS }));
}

export function useScorecards(f: ScorecardFilter, enabled = true) {
  const q = new URLSearchParams();
  if (f.evaluator) q.set('evaluator', f.evaluator);
  if (f.agent) q.set('agent', f.agent);
  if (f.state?.length) q.set('state', f.state.join(','));
  return useQuery({ queryKey: [...SCORECARDS, 'list', q.toString()], queryFn: () => api<List<Scorecard>>(`/scorecards?${q}`), select: (d) => d.items, enabled });
}

export function useScorecard(id: string) {
  return useQuery({ queryKey: [...SCORECARDS, 'one', id], queryFn: () => api<ScorecardDetail>(`/scorecards/${encodeURIComponent(id)}`) });
}

export function useCalibration(id: string | null) {
  return useQuery({ queryKey: [...SCORECARDS, 'calibration', id], queryFn: () => api<Calibration>(`/calibrations/${encodeURIComponent(id!)}`), enabled: !!id });
}

export function useQuestionnaires(enabled = true) {
  return useQuery({ queryKey: ['questionnaires'], queryFn: () => api<List<Questionnaire>>('/questionnaires'), select: (d) => d.items.filter((q) => q.published !== false), enabled, staleTime: 60_000 });
}

/** Saves, finishes or acknowledges a scorecard; the answer replaces what is cached. */
export function useScorecardAction(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ path, method, body }: { path: 'answers' | 'finish' | 'acknowledge' | 'dispute' | 'resolve'; method: 'PUT' | 'POST'; body: object }) =>
      api<ScorecardDetail>(`/scorecards/${encodeURIComponent(id)}/${path}`, { method, body }),
    // A pick shows at once; the server's answer (with the score) follows.
    onMutate: ({ path, body }) => {
      const answers = (body as { answers?: GivenAnswers }).answers;
      if (path === 'answers' && answers) qc.setQueryData<ScorecardDetail>([...SCORECARDS, 'one', id], (d) => d && { ...d, answers: { ...d.answers, ...answers } });
    },
    onError: () => void qc.invalidateQueries({ queryKey: [...SCORECARDS, 'one', id] }),
    onSuccess: (d) => {
      qc.setQueryData([...SCORECARDS, 'one', id], d);
      void qc.invalidateQueries({ queryKey: [...SCORECARDS, 'list'] });
      if (d.calibration) void qc.invalidateQueries({ queryKey: [...SCORECARDS, 'calibration', d.calibration] });
    },
  });
}

export function useAssignScorecards() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { taskId: string; questionnaire: string; evaluators?: string[]; acknowledge?: boolean }) =>
      api<{ calibration: string | null; items: Scorecard[] }>('/scorecards', { method: 'POST', body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: SCORECARDS }),
  });
}

interface Person {
  id: string;
  name: string;
  roles: string[];
  disabled?: boolean;
}

/** Who may score the agent's work: active people with more than the agent role, never the agent. */
export function useEvaluatorCandidates(enabled: boolean, agent: string | null) {
  return useQuery({
    queryKey: ['users', 'evaluators'],
    queryFn: () => api<List<Person>>('/users'),
    enabled,
    select: (d) => d.items.filter((u) => !u.disabled && u.id !== agent && u.roles.some((r) => r !== 'agent')),
  });
}

export function useReassignScorecard(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (evaluator: string) => api<ScorecardDetail>(`/scorecards/${encodeURIComponent(id)}/reassign`, { method: 'POST', body: { evaluator } }),
    onSuccess: (d) => {
      qc.setQueryData([...SCORECARDS, 'one', id], d);
      void qc.invalidateQueries({ queryKey: [...SCORECARDS, 'list'] });
    },
  });
}

/** "87.5 %" or an em dash. */
export const percentText = (p: number | null | undefined) => (p === null || p === undefined ? '—' : `${p} %`);
