import type { RoutingTask } from '@worklane/core';

/** Workbin ids: `queue:<queue>`, `team:<team>`, `personal:<user>` (parsed by core's `parseBin`). */
export type BinId = string;

/** The workbin a waiting task sits in: its personal agent's, its team bin, or its queue's. */
export function binOf(t: Pick<RoutingTask, 'queueId' | 'targetAgentId' | 'teamBin'>): BinId {
  if (t.targetAgentId) return `personal:${t.targetAgentId}`;
  if (t.teamBin) return `team:${t.teamBin}`;
  return `queue:${t.queueId}`;
}
