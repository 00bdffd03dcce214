/** Task states and the lifecycle actions that move between them (API.md "Work"). */
export type TaskState = 'queued' | 'offered' | 'assigned' | 'wrap-up' | 'scheduled' | 'paused' | 'completed' | 'canceled';
export const TASK_STATES: readonly TaskState[] = ['queued', 'offered', 'assigned', 'wrap-up', 'scheduled', 'paused', 'completed', 'canceled'];

export type TaskAction =
  | 'offer' | 'accept' | 'decline' | 'timeout' | 'claim' | 'assign'
  | 'complete' | 'cancel' | 'reschedule' | 'wake' | 'pause' | 'resume'
  | 'transfer' | 'reclassify' | 'escalate' | 'pull-back' | 'update' | 'wrap-up';

const LIVE: TaskState[] = ['queued', 'offered', 'assigned', 'wrap-up', 'scheduled', 'paused'];
const WAITING_OR_HELD: TaskState[] = ['queued', 'offered', 'assigned', 'wrap-up'];

/** From which states each action is legal, and where it leads. */
const TABLE: Record<TaskAction, { from: readonly TaskState[]; to: TaskState | null }> = {
  offer: { from: ['queued'], to: 'offered' },
  accept: { from: ['offered'], to: 'assigned' },
  decline: { from: ['offered'], to: 'queued' },
  timeout: { from: ['offered'], to: 'queued' },
  claim: { from: ['queued'], to: 'assigned' },
  assign: { from: ['queued', 'offered', 'assigned', 'paused', 'scheduled'], to: 'assigned' },
  'wrap-up': { from: ['assigned'], to: 'wrap-up' },
  complete: { from: ['assigned', 'wrap-up'], to: 'completed' },
  cancel: { from: LIVE, to: 'canceled' },
  reschedule: { from: ['queued', 'offered', 'assigned', 'paused'], to: 'scheduled' },
  wake: { from: ['scheduled'], to: 'queued' },
  pause: { from: ['queued', 'offered', 'assigned'], to: 'paused' },
  resume: { from: ['paused'], to: 'queued' },
  transfer: { from: WAITING_OR_HELD, to: 'queued' },
  reclassify: { from: ['queued', 'offered', 'assigned', 'paused', 'scheduled'], to: null },
  escalate: { from: WAITING_OR_HELD, to: 'queued' },
  'pull-back': { from: ['offered', 'assigned', 'wrap-up'], to: 'queued' },
  update: { from: LIVE, to: null },
};

/** The state an action leads to (null: unchanged), or an error naming the current state. */
export function transition(state: TaskState, action: TaskAction): { ok: true; to: TaskState } | { ok: false; error: string } {
  const rule = TABLE[action];
  if (!rule.from.includes(state)) return { ok: false, error: `A ${state} task cannot be ${pastTense(action)}` };
  return { ok: true, to: rule.to ?? state };
}

export function allowedFrom(action: TaskAction): readonly TaskState[] {
  return TABLE[action].from;
}

export const isFinal = (s: TaskState): boolean => s === 'completed' || s === 'canceled';

function pastTense(a: TaskAction): string {
  const words: Partial<Record<TaskAction, string>> = {
    offer: 'offered', accept: 'accepted', decline: 'declined', timeout: 'timed out', claim: 'claimed', assign: 'assigned',
    complete: 'completed', cancel: 'canceled', reschedule: 'rescheduled', wake: 'woken', pause: 'paused', resume: 'resumed',
    transfer: 'transferred', reclassify: 'reclassified', escalate: 'escalated', 'pull-back': 'pulled back', update: 'changed', 'wrap-up': 'put in wrap-up',
  };
  return words[a] ?? a;
}
