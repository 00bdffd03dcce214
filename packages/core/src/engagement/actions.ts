import { currentPage, pagesOf, pathMatches, searchWordsOf, eventNamesOf, type Journey } from './journey.js';
import { searched } from './segments.js';

/**
 * An action map: when to engage a visitor and how. The visitor must be in one of its segments
 * (none: anyone) and its trigger must hold; the action is an invitation to chat on a topic (its
 * bot, or people) or a content offer (help shown on the page).
 */
export interface ActionMap {
  id: string;
  name: string;
  enabled?: boolean;
  /** Tried in this order, lowest first; the first that fires is offered. */
  position?: number;
  segments?: string[];
  trigger: {
    /** On a page matching one of these (`*` wildcards). */
    pages?: string[];
    /** At least this long on the current page. */
    secondsOnPage?: number;
    /** At least this many pages in the visit. */
    pagesAtLeast?: number;
    /** Searched one of these. */
    searches?: string[];
    /** Did one of these events. */
    events?: string[];
    /** The outcome score is below (a drop: struggling) or at least (likely to buy) so much. */
    outcome?: { id: string; below?: number; atLeast?: number };
  };
  action: ChatAction | ContentAction;
  /** A chat is offered only if its topic's usual wait is at most this (predicted availability). */
  maxWaitSeconds?: number;
}

export interface ChatAction {
  kind: 'chat';
  topic: string;
  /** The invitation ("Need a hand with your order?"). */
  message: string;
}

export interface ContentAction {
  kind: 'content';
  title: string;
  body: string;
  url?: string;
}

/** How long after a "no thanks" nothing else is offered in the visit. */
export const DECLINE_QUIET_SECONDS = 300;

export interface EngageContext {
  journey: Journey;
  segments: readonly string[];
  /** Outcome id -> score percent (missing: no score). */
  scores: Readonly<Record<string, number>>;
  outcomesReached: readonly string[];
  now: number;
  /** Action maps already offered in this visit (each once). */
  offered: ReadonlySet<string>;
  /** When the visitor last declined an offer in this visit. */
  declinedAt: number | null;
  /** An offer is on the visitor's screen, or they are chatting: nothing else is offered. */
  busy: boolean;
  /** Whether a chat topic takes a chat now and its usual wait (null: unknown). */
  chatTopic(topic: string): { open: boolean; waitSeconds: number | null };
}

export type Engagement =
  | { kind: 'offer'; map: ActionMap; reasons: string[] }
  /** Qualified, but not offered: the topic cannot take it now (counted in the funnel). */
  | { kind: 'held'; map: ActionMap; reasons: string[]; why: string };

/** Why the trigger holds, in words, or null when it does not. */
export function triggerHolds(map: ActionMap, c: EngageContext): string[] | null {
  const t = map.trigger;
  const j = c.journey;
  const why: string[] = [];
  const page = currentPage(j);
  if (t.pages?.length) {
    if (!page || !t.pages.some((p) => pathMatches(p, page.path))) return null;
    why.push(`on ${page.path}`);
  }
  if (t.secondsOnPage !== undefined) {
    const on = page ? (c.now - page.since) / 1000 : 0;
    if (on < t.secondsOnPage) return null;
    why.push(`${Math.floor(on)} s on the page`);
  }
  if (t.pagesAtLeast !== undefined) {
    const n = pagesOf(j).length;
    if (n < t.pagesAtLeast) return null;
    why.push(`${n} pages viewed`);
  }
  if (t.searches?.length) {
    const words = searchWordsOf(j);
    const hit = t.searches.find((s) => searched(words, s));
    if (!hit) return null;
    why.push(`searched "${hit}"`);
  }
  if (t.events?.length) {
    const names = eventNamesOf(j);
    const hit = t.events.find((e) => names.has(e));
    if (!hit) return null;
    why.push(`did "${hit}"`);
  }
  if (t.outcome) {
    const o = t.outcome;
    const score = c.scores[o.id];
    if (score === undefined || c.outcomesReached.includes(o.id)) return null;
    if (o.below !== undefined && !(score < o.below)) return null;
    if (o.atLeast !== undefined && !(score >= o.atLeast)) return null;
    why.push(`${o.id} score ${score} %`);
  }
  return why;
}

/**
 * What to do for the visitor now: the first enabled map (by position) not offered yet in this
 * visit whose segments and trigger hold. Nothing while an offer is shown or they chat, nor for a
 * while after a "no thanks". A chat whose topic is closed or whose wait is too long is held.
 */
export function engage(maps: readonly ActionMap[], c: EngageContext): Engagement | null {
  if (c.busy) return null;
  if (c.declinedAt !== null && c.now - c.declinedAt < DECLINE_QUIET_SECONDS * 1000) return null;
  const ordered = [...maps].sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || a.id.localeCompare(b.id));
  for (const map of ordered) {
    if (map.enabled === false || c.offered.has(map.id)) continue;
    const seg = map.segments?.length ? map.segments.find((s) => c.segments.includes(s)) : undefined;
    if (map.segments?.length && !seg) continue;
    const why = triggerHolds(map, c);
    if (!why) continue;
    const reasons = [...(seg ? [`in segment ${seg}`] : []), ...why];
    if (map.action.kind === 'chat') {
      const topic = c.chatTopic(map.action.topic);
      if (!topic.open) return { kind: 'held', map, reasons, why: 'the topic takes no chat now' };
      if (map.maxWaitSeconds !== undefined && topic.waitSeconds !== null && topic.waitSeconds > map.maxWaitSeconds)
        return { kind: 'held', map, reasons, why: `the usual wait is ${topic.waitSeconds} s` };
    }
    return { kind: 'offer', map, reasons };
  }
  return null;
}

/** The funnel of an action map: qualified ⊇ offered ⊇ accepted ⊇ engaged. */
export interface Funnel {
  qualified: number;
  offered: number;
  accepted: number;
  declined: number;
  engaged: number;
}
