import { containsPhrase as contains, wordsOf as words } from '../text.js';

/**
 * The chat topic's bot (seed CE31): it answers the visitor first from the topic's frequently asked
 * questions and hands the conversation over to a person (a chat task, routed like any) when the
 * visitor asks for one or when it has not understood them twice. No model: keywords, so what it
 * answers is what the administrator wrote, and why it answered is plain.
 */
export interface BotFaq {
  id: string;
  /** The question as offered to the visitor ("You can ask about: …"). */
  question: string;
  /** Words or phrases that point to this answer (any one is enough; more found, the better). */
  keywords: string[];
  answer: string;
}

export interface BotSettings {
  /** How it signs its lines (default "Assistant"). */
  name?: string;
  faqs: BotFaq[];
  /** Visitor lines it did not understand before it hands over (default 2). */
  handoverAfter?: number;
  /** Words that ask for a person (default: agent, human, person, advisor, someone, operator). */
  handoverWords?: string[];
}

export const BOT_DEFAULTS = { name: 'Assistant', handoverAfter: 2, handoverWords: ['agent', 'human', 'person', 'advisor', 'someone', 'operator'] } as const;

export type BotTurn =
  | { kind: 'answer'; faq: string; text: string }
  | { kind: 'retry'; text: string }
  | { kind: 'handover'; reason: 'asked' | 'not-understood'; text: string };


/** Which question the line asks, if any: the one with the most keywords found (the first on a tie). */
export function matchFaq(bot: BotSettings, line: string): BotFaq | null {
  const text = words(line);
  let best: BotFaq | null = null;
  let hits = 0;
  for (const f of bot.faqs) {
    const n = f.keywords.filter((k) => contains(text, k)).length;
    if (n > hits) [best, hits] = [f, n];
  }
  return best;
}

/**
 * The bot's answer to one visitor line, given how many lines it has not understood so far: a
 * person when asked for (before anything else), an answer when a question matches, else "say it
 * another way" with the questions it knows, until the last miss hands over.
 */
export function botTurn(bot: BotSettings, line: string, misses: number): BotTurn {
  const text = words(line);
  const asks = (bot.handoverWords ?? BOT_DEFAULTS.handoverWords).some((w) => contains(text, w));
  if (asks) return { kind: 'handover', reason: 'asked', text: 'Of course: I am finding an advisor for you.' };
  const faq = matchFaq(bot, line);
  if (faq) return { kind: 'answer', faq: faq.id, text: `${faq.answer}\n\nAnything else? Type "advisor" to talk to a person.` };
  if (misses + 1 >= (bot.handoverAfter ?? BOT_DEFAULTS.handoverAfter)) return { kind: 'handover', reason: 'not-understood', text: 'I am not sure I understand: let me find an advisor for you.' };
  const known = bot.faqs.slice(0, 5).map((f) => `• ${f.question}`).join('\n');
  return { kind: 'retry', text: `Sorry, I did not get that. I can help with:\n${known}\nOr type "advisor" to talk to a person.` };
}
