import { wordsOf } from '../text.js';
import type { ConversationLine } from './categories.js';

/**
 * The customer's sentiment from their words: a small English lexicon, a negation within the three
 * words before flipping a word ("not happy"), "very" and the like counting double. Crude but
 * explainable, and a drop from the start of a conversation to its end is what a supervisor wants to
 * see, more than the exact figure.
 */
const POSITIVE = new Set(
  'thanks thank great good excellent perfect happy glad helpful appreciate appreciated awesome wonderful fantastic amazing love lovely nice pleased quick quickly fast resolved solved works working fine brilliant superb kind friendly easy satisfied best sorted cheers'.split(' '),
);
const NEGATIVE = new Set(
  'bad terrible awful horrible angry annoyed annoying upset disappointed disappointing frustrated frustrating useless worst poor slow late broken wrong problem problems issue issues complaint complain ridiculous unacceptable waiting waited damaged missing lost confused confusing hate rude unhappy delay delayed fail failed failure error mistake scam nobody'.split(' '),
);
const NEGATORS = new Set(['not', 'no', 'never', 't', 'without', 'hardly', 'nothing', 'isnt', 'dont', 'didnt', 'wasnt', 'cant', 'wont']);
const BREAKS = new Set(['but', 'and', 'though', 'although', 'however']);
const INTENSIFIERS = new Set(['very', 'really', 'so', 'extremely', 'totally', 'absolutely', 'completely']);

/** One text's sentiment: -100 (all negative) .. 100 (all positive); null when no word says either. */
export function sentimentOf(text: string): number | null {
  const w = wordsOf(text);
  let pos = 0;
  let neg = 0;
  w.forEach((word, i) => {
    const p = POSITIVE.has(word);
    const n = NEGATIVE.has(word);
    if (!p && !n) return;
    // A negator up to three words before flips the word, unless a clause or another feeling word comes between.
    let flip = false;
    for (let j = i - 1; j >= Math.max(0, i - 3); j--) {
      const b = w[j]!;
      if (BREAKS.has(b) || POSITIVE.has(b) || NEGATIVE.has(b)) break;
      if (NEGATORS.has(b)) flip = true;
    }
    const weight = i > 0 && INTENSIFIERS.has(w[i - 1]!) ? 2 : 1;
    if (p !== flip) pos += weight;
    else neg += weight;
  });
  return pos + neg === 0 ? null : Math.round(((pos - neg) / (pos + neg)) * 100);
}

export interface Sentiment {
  /** The customer's lines together. */
  overall: number;
  /** Their first and last lines with a sentiment (the same when only one has). */
  start: number;
  end: number;
  trend: 'improved' | 'worsened' | 'steady';
}

/** The customer's sentiment over a conversation, or null when their words say nothing either way. */
export function conversationSentiment(lines: readonly ConversationLine[]): Sentiment | null {
  const scored = lines.filter((l) => l.speaker === 'customer').map((l) => sentimentOf(l.text)).filter((s): s is number => s !== null);
  if (!scored.length) return null;
  const overall = Math.round(scored.reduce((a, b) => a + b, 0) / scored.length);
  const start = scored[0]!;
  const end = scored[scored.length - 1]!;
  const trend = scored.length < 2 || Math.abs(end - start) < 40 ? 'steady' : end > start ? 'improved' : 'worsened';
  return { overall, start, end, trend };
}
