import { reachedAt, segmentsOf, type Outcome, type Segment } from './segments.js';
import { eventNamesOf, pagesOf, searchWordsOf, type Journey } from './journey.js';

/**
 * The outcome score: how likely this visit is to reach an outcome, learned from past visits. A
 * naive Bayes over what the visit shows (device, new or returning, campaign, pages, searches,
 * events, segments), so every score comes with the features that moved it and by how much.
 * A past visit that reached the outcome counts only what it did before reaching it: the
 * thank-you page must not "predict" the purchase.
 */
export interface OutcomeModel {
  outcome: string;
  /** Visits learned from, and how many of them reached the outcome. */
  visits: number;
  reached: number;
  /** feature -> [visits that reached the outcome with it, visits that did not]. */
  features: Record<string, [number, number]>;
}

/** Fewer past visits than this and there is no score (a guess from five visits misleads). */
export const MIN_VISITS_TO_PREDICT = 30;
/** Features seen in fewer visits are left out (a product page seen once says nothing). */
const MIN_FEATURE_VISITS = 3;
const MAX_FEATURES = 2000;

/** Words a search is made of that say nothing about the visitor's intent. */
const STOP_WORDS = new Set(['a', 'an', 'and', 'are', 'can', 'do', 'for', 'how', 'i', 'in', 'is', 'it', 'my', 'of', 'on', 'or', 'the', 'to', 'what', 'when', 'where', 'with', 'you']);

export function featuresOf(j: Journey, segments: readonly Segment[] = []): string[] {
  const f = new Set<string>([`device:${j.device}`, j.visits > 1 ? 'returning' : 'new']);
  if (j.campaign) f.add(`campaign:${j.campaign.toLowerCase()}`);
  if (j.referrer) f.add(`referrer:${j.referrer.toLowerCase()}`);
  if (j.identified) f.add('identified');
  for (const p of pagesOf(j)) f.add(`page:${p.toLowerCase()}`);
  for (const w of searchWordsOf(j)) if (!STOP_WORDS.has(w)) f.add(`search:${w}`);
  for (const e of eventNamesOf(j)) f.add(`event:${e}`);
  for (const s of segmentsOf(segments, j)) f.add(`segment:${s}`);
  return [...f];
}

/** Learns one outcome's model from past visits. */
export function trainOutcome(outcome: Outcome, visits: readonly Journey[], segments: readonly Segment[] = []): OutcomeModel {
  const counts = new Map<string, [number, number]>();
  let reached = 0;
  for (const v of visits) {
    const at = reachedAt(outcome, v);
    const seen = at >= 0 ? { ...v, steps: v.steps.slice(0, at) } : v;
    if (at >= 0) reached++;
    for (const f of featuresOf(seen, segments)) {
      const c = counts.get(f) ?? [0, 0];
      c[at >= 0 ? 0 : 1]++;
      counts.set(f, c);
    }
  }
  const kept = [...counts].filter(([, [a, b]]) => a + b >= MIN_FEATURE_VISITS).sort((x, y) => y[1][0] + y[1][1] - (x[1][0] + x[1][1])).slice(0, MAX_FEATURES);
  return { outcome: outcome.id, visits: visits.length, reached, features: Object.fromEntries(kept) };
}

export interface OutcomeScore {
  outcome: string;
  /** 0..100: the chance, in percent, that this visit reaches the outcome. */
  percent: number;
  /** The features that moved it most, each with the factor it multiplied the odds by. */
  because: { feature: string; factor: number }[];
}

/** The score of a visit (null: too few past visits to say). */
export function scoreOutcome(model: OutcomeModel, j: Journey, segments: readonly Segment[] = []): OutcomeScore | null {
  const { visits: n, reached: k } = model;
  if (n < MIN_VISITS_TO_PREDICT) return null;
  let logOdds = Math.log((k + 1) / (n - k + 1));
  const because: { feature: string; factor: number }[] = [];
  for (const f of featuresOf(j, segments)) {
    const c = model.features[f];
    if (!c) continue;
    // Laplace-smoothed likelihood ratio of the feature among visits that reached and did not.
    const w = Math.log((c[0] + 1) / (k + 2)) - Math.log((c[1] + 1) / (n - k + 2));
    logOdds += w;
    because.push({ feature: f, factor: Math.round(Math.exp(w) * 100) / 100 });
  }
  because.sort((a, b) => Math.abs(Math.log(b.factor)) - Math.abs(Math.log(a.factor)));
  const p = 1 / (1 + Math.exp(-logOdds));
  return { outcome: model.outcome, percent: Math.round(p * 1000) / 10, because: because.slice(0, 5) };
}
