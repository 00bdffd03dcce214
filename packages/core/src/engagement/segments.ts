import { eventNamesOf, pagesOf, pathMatches, searchWordsOf, type Device, type Journey } from './journey.js';
import { wordsOf } from '../text.js';

/**
 * A segment: visitors alike in who they are (device, new or returning, campaign, referrer) and in
 * what they did (pages, searches, events). Every condition given must hold; within one, any value.
 */
export interface Segment {
  id: string;
  name: string;
  devices?: Device[];
  /** true: came before; false: first visit. */
  returning?: boolean;
  campaigns?: string[];
  /** Parts of the referring host ("google", "facebook.com"). */
  referrers?: string[];
  /** Visited a page matching one of these paths (`*` wildcards). */
  pages?: string[];
  /** Searched a word (or phrase) among these. */
  searches?: string[];
  events?: string[];
  /** Viewed at least this many pages in this visit. */
  minPages?: number;
  identified?: boolean;
}

/** Whether the search words hold the phrase (all its words, in any order). */
export const searched = (words: ReadonlySet<string>, phrase: string): boolean => {
  const p = wordsOf(phrase);
  return p.length > 0 && p.every((w) => words.has(w));
};

export function inSegment(seg: Segment, j: Journey): boolean {
  if (seg.devices?.length && !seg.devices.includes(j.device)) return false;
  if (seg.returning !== undefined && seg.returning !== j.visits > 1) return false;
  if (seg.identified !== undefined && seg.identified !== j.identified) return false;
  if (seg.campaigns?.length && !(j.campaign && seg.campaigns.some((c) => c.toLowerCase() === j.campaign!.toLowerCase()))) return false;
  if (seg.referrers?.length && !(j.referrer && seg.referrers.some((r) => j.referrer!.toLowerCase().includes(r.toLowerCase())))) return false;
  const pages = pagesOf(j);
  if (seg.minPages !== undefined && pages.length < seg.minPages) return false;
  if (seg.pages?.length && !pages.some((p) => seg.pages!.some((pattern) => pathMatches(pattern, p)))) return false;
  if (seg.searches?.length) {
    const words = searchWordsOf(j);
    if (!seg.searches.some((s) => searched(words, s))) return false;
  }
  if (seg.events?.length) {
    const names = eventNamesOf(j);
    if (!seg.events.some((e) => names.has(e))) return false;
  }
  return true;
}

/** The ids of the segments the visitor is in, in the order configured. */
export const segmentsOf = (segments: readonly Segment[], j: Journey): string[] => segments.filter((s) => inSegment(s, j)).map((s) => s.id);

/** A goal of the website (a purchase, a quote asked): reached on one of these pages or events. */
export interface Outcome {
  id: string;
  name: string;
  pages?: string[];
  events?: string[];
}

/** The index of the step that reached the outcome (the first), or -1. */
export function reachedAt(o: Outcome, j: Pick<Journey, 'steps'>): number {
  return j.steps.findIndex((s) => (s.kind === 'page' && (o.pages ?? []).some((p) => pathMatches(p, s.path))) || (s.kind === 'event' && (o.events ?? []).includes(s.name)));
}

export const outcomesReached = (outcomes: readonly Outcome[], j: Pick<Journey, 'steps'>): string[] => outcomes.filter((o) => reachedAt(o, j) >= 0).map((o) => o.id);
