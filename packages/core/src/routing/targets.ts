import type { TargetStep } from '../model.js';

export const DEFAULT_STEP: TargetStep = { name: 'primary', afterSeconds: 0, minLevel: 0 };

/** The step in force after waiting `waitedSeconds`: the last one whose wait has passed. */
export function currentStep(steps: readonly TargetStep[], waitedSeconds: number): TargetStep {
  let step: TargetStep | undefined;
  for (const s of [...steps].sort((a, b) => a.afterSeconds - b.afterSeconds)) {
    if (s.afterSeconds <= waitedSeconds) step = s;
  }
  return step ?? steps[0] ?? DEFAULT_STEP;
}

/** When the next, wider step starts (epoch ms), or null when the task is on its last step. */
export function nextStepAt(steps: readonly TargetStep[], enteredQueueAt: number, now: number): number | null {
  const waited = (now - enteredQueueAt) / 1000;
  const later = steps.filter((s) => s.afterSeconds > waited).map((s) => s.afterSeconds);
  return later.length ? enteredQueueAt + Math.min(...later) * 1000 : null;
}
