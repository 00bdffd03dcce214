/**
 * Words as people search and match them: lower case, accents and punctuation aside
 * ("Where's my ORDER?" -> where, s, my, order). Shared by the chat bot, standard responses,
 * predictive engagement and conversation analytics, so all match text alike.
 */
export const wordsOf = (s: string): string[] => s.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').split(/[^\p{L}\p{N}]+/u).filter(Boolean);

/** Where the phrase's words appear in a row in `text` (word indexes), -1 if not. */
export function phraseAt(text: readonly string[], phrase: string, from = 0): number {
  const p = wordsOf(phrase);
  if (p.length === 0) return -1;
  for (let i = from; i + p.length <= text.length; i++) if (p.every((w, j) => text[i + j] === w)) return i;
  return -1;
}

/** Whether the words hold the phrase's words in a row. */
export const containsPhrase = (text: readonly string[], phrase: string): boolean => phraseAt(text, phrase) >= 0;
