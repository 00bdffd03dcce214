import type { Selectable } from 'kysely';
import type { EngagementOffersTable } from '../db/schema.js';
import type { ActionMap } from '@worklane/core';

/** An offer as the visitor's page shows it. */
export interface OfferDto {
  id: string;
  kind: 'chat' | 'content';
  /** chat: the invitation and the topic. */
  message?: string;
  topic?: { id: string; name: string };
  /** content: what is shown. */
  title?: string;
  body?: string;
  url?: string;
}

export function offerDto(id: string, map: ActionMap, topicName: (id: string) => string): OfferDto {
  const a = map.action;
  return a.kind === 'chat'
    ? { id, kind: 'chat', message: a.message, topic: { id: a.topic, name: topicName(a.topic) } }
    : { id, kind: 'content', title: a.title, body: a.body, ...(a.url ? { url: a.url } : {}) };
}

/** An offer as staff see it in a visit. */
export const offerRow = (o: Selectable<EngagementOffersTable>, name: string) => ({
  id: o.id,
  actionMap: { id: o.action_map, name },
  kind: o.kind,
  state: o.state,
  reasons: o.reasons,
  heldWhy: o.held_why,
  at: new Date(o.created_at).toISOString(),
  answeredAt: o.answered_at ? new Date(o.answered_at).toISOString() : null,
});
