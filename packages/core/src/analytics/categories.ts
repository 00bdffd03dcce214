import type { MediaType } from '../model.js';
import { phraseAt, wordsOf } from '../text.js';

/**
 * Conversation analytics (seeds EE23–EE25, on text: chats, SMS, e-mail): categories of phrases
 * found in what customers and agents wrote. A topic is what conversations are about (delivery,
 * refunds); a required phrase is what an agent must say (their name, a disclosure), a prohibited
 * one what they must never say. Phrases, not a model: what is found is what the analyst wrote.
 */
export const CATEGORY_KINDS = ['topic', 'required', 'prohibited'] as const;
export type CategoryKind = (typeof CATEGORY_KINDS)[number];
export type Speaker = 'customer' | 'agent';

export interface TextCategory {
  id: string;
  name: string;
  kind: CategoryKind;
  /** Words or phrases; any one is a hit. */
  phrases: string[];
  /** Whose lines are read: topics default to either side, required and prohibited to the agent. */
  speaker?: Speaker | 'any';
  /** Required only: within the agent's first N lines (a greeting); default anywhere. */
  withinFirst?: number;
  /** Only conversations of these media types / queues (default: all). */
  mediaTypes?: MediaType[];
  queues?: string[];
}

export interface ConversationLine {
  speaker: Speaker;
  text: string;
}

export interface Conversation {
  mediaType: MediaType;
  queue: string | null;
  lines: readonly ConversationLine[];
}

export interface Hit {
  category: string;
  /** The line (index) and phrase found, for the reader to check. */
  line: number;
  phrase: string;
  quote: string;
}

export interface ComplianceResult {
  category: string;
  kind: 'required' | 'prohibited';
  passed: boolean;
  /** The line that broke a prohibition (or met a requirement). */
  quote: string | null;
}

const applies = (c: TextCategory, conv: Conversation) =>
  (!c.mediaTypes?.length || c.mediaTypes.includes(conv.mediaType)) && (!c.queues?.length || (conv.queue !== null && c.queues.includes(conv.queue)));

const speakerOf = (c: TextCategory): Speaker | 'any' => c.speaker ?? (c.kind === 'topic' ? 'any' : 'agent');

/** A quote of at most ~120 characters around the phrase. */
function quoteOf(text: string, phrase: string): string {
  const at = text.toLowerCase().indexOf(wordsOf(phrase)[0] ?? '');
  const start = Math.max(0, at - 40);
  const q = text.slice(start, start + 120).replace(/\s+/g, ' ').trim();
  return `${start > 0 ? '…' : ''}${q}${start + 120 < text.length ? '…' : ''}`;
}

/** The first line (of the given ones) holding one of the phrases. */
function firstHit(c: TextCategory, lines: readonly { index: number; words: string[]; text: string }[]): Hit | null {
  for (const l of lines)
    for (const p of c.phrases)
      if (phraseAt(l.words, p) >= 0) return { category: c.id, line: l.index, phrase: p, quote: quoteOf(l.text, p) };
  return null;
}

/** Every category's hits in a conversation: topics found, and each compliance rule passed or failed. */
export function findCategories(categories: readonly TextCategory[], conv: Conversation): { topics: Hit[]; compliance: ComplianceResult[] } {
  const lines = conv.lines.map((l, index) => ({ index, speaker: l.speaker, text: l.text, words: wordsOf(l.text) }));
  const topics: Hit[] = [];
  const compliance: ComplianceResult[] = [];
  for (const c of categories) {
    if (!applies(c, conv)) continue;
    const who = speakerOf(c);
    let theirs = lines.filter((l) => who === 'any' || l.speaker === who);
    if (c.kind === 'required') {
      // Nothing to require of an agent who never wrote (a conversation the customer left).
      if (!lines.some((l) => l.speaker === 'agent')) continue;
      if (c.withinFirst) theirs = theirs.slice(0, c.withinFirst);
      const hit = firstHit(c, theirs);
      compliance.push({ category: c.id, kind: 'required', passed: hit !== null, quote: hit?.quote ?? null });
    } else if (c.kind === 'prohibited') {
      if (!theirs.length) continue;
      const hit = firstHit(c, theirs);
      compliance.push({ category: c.id, kind: 'prohibited', passed: hit === null, quote: hit?.quote ?? null });
    } else {
      const hit = firstHit(c, theirs);
      if (hit) topics.push(hit);
    }
  }
  return { topics, compliance };
}

/** A category's problems by field (the schema checks shapes; these are the rules between fields). */
export function checkCategory(c: TextCategory, at = ''): { pointer: string; message: string }[] {
  const out: { pointer: string; message: string }[] = [];
  c.phrases.forEach((p, i) => wordsOf(p).length === 0 && out.push({ pointer: `${at}/phrases/${i}`, message: 'a phrase needs a word (letters or digits)' }));
  if (c.withinFirst !== undefined && c.kind !== 'required') out.push({ pointer: `${at}/withinFirst`, message: 'only a required phrase is looked for within the first lines' });
  if (c.kind !== 'topic' && c.speaker === 'any') out.push({ pointer: `${at}/speaker`, message: 'a compliance rule is about one side: agent or customer' });
  return out;
}
