import { wordsOf } from '../text.js';

/**
 * Predictive engagement (seed CE37): what a website visitor did in one visit (a session), the
 * segments that describe them, the outcomes they reached. Pure: the server keeps the steps and
 * feeds them here.
 */
export const DEVICES = ['desktop', 'mobile', 'tablet'] as const;
export type Device = (typeof DEVICES)[number];

export type JourneyStep =
  | { kind: 'page'; at: number; path: string; title?: string }
  | { kind: 'search'; at: number; query: string }
  | { kind: 'event'; at: number; name: string; value?: number };

export interface Journey {
  /** This visitor's visits so far, this one included (1: a new visitor). */
  visits: number;
  device: Device;
  /** The referring site's host, if any. */
  referrer: string | null;
  /** utm_campaign of the landing page. */
  campaign: string | null;
  /** Whether the visitor told who they are (a form, a sign-in). */
  identified: boolean;
  steps: readonly JourneyStep[];
}

/** `/shop/checkout*`: `*` stands for any characters; case aside; the whole path must match. */
export function pathMatches(pattern: string, path: string): boolean {
  const re = new RegExp(`^${pattern.toLowerCase().split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(path.toLowerCase());
}


export const pagesOf = (j: Pick<Journey, 'steps'>): string[] => j.steps.flatMap((s) => (s.kind === 'page' ? [s.path] : []));
export const searchWordsOf = (j: Pick<Journey, 'steps'>): Set<string> => new Set(j.steps.flatMap((s) => (s.kind === 'search' ? wordsOf(s.query) : [])));
export const eventNamesOf = (j: Pick<Journey, 'steps'>): Set<string> => new Set(j.steps.flatMap((s) => (s.kind === 'event' ? [s.name] : [])));

/** The page the visitor is on and since when (null before the first page). */
export function currentPage(j: Pick<Journey, 'steps'>): { path: string; since: number } | null {
  for (let i = j.steps.length - 1; i >= 0; i--) {
    const s = j.steps[i]!;
    if (s.kind === 'page') return { path: s.path, since: s.at };
  }
  return null;
}

/** A visitor's device from the browser's user agent (what segments are made of, not fingerprinting). */
export function deviceOf(userAgent: string): Device {
  if (/ipad|tablet|(android(?!.*mobile))/i.test(userAgent)) return 'tablet';
  if (/mobi|iphone|android/i.test(userAgent)) return 'mobile';
  return 'desktop';
}
