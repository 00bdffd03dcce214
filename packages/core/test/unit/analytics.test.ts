import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { analyzeConversation, checkCategory, conversationSentiment, findCategories, sentimentOf, trendOf, type Conversation, type TextCategory } from '../../src/index.js';

const CATEGORIES: TextCategory[] = [
  { id: 'delivery', name: 'Delivery', kind: 'topic', phrases: ['delivery', 'parcel', 'where is my order'] },
  { id: 'refund', name: 'Refunds', kind: 'topic', phrases: ['refund', 'money back'], speaker: 'customer' },
  { id: 'greeting', name: 'Agent gives their name', kind: 'required', phrases: ['my name is', 'this is'], withinFirst: 1 },
  { id: 'rude', name: 'No brush-off', kind: 'prohibited', phrases: ['calm down', 'not my problem'] },
  { id: 'sms-only', name: 'SMS opt-out', kind: 'required', phrases: ['reply stop'], mediaTypes: ['sms'] },
];
const conv = (lines: [('customer' | 'agent'), string][], more: Partial<Conversation> = {}): Conversation => ({ mediaType: 'chat', queue: 'web-chat', lines: lines.map(([speaker, text]) => ({ speaker, text })), ...more });

describe('conversation analytics: categories', () => {
  it('finds topics in either side, compliance in the agent lines, with a quote', () => {
    const c = conv([
      ['customer', "Hi, where is my order? It's late."],
      ['agent', 'Hello, this is Alice. Let me check your parcel.'],
      ['customer', 'I want my money back'],
      ['agent', 'Please calm down, it is on its way.'],
    ]);
    const found = findCategories(CATEGORIES, c);
    expect(found.topics.map((t) => [t.category, t.line, t.phrase])).toEqual([['delivery', 0, 'where is my order'], ['refund', 2, 'money back']]);
    expect(found.compliance).toEqual([
      { category: 'greeting', kind: 'required', passed: true, quote: 'Hello, this is Alice. Let me check your parcel.' },
      { category: 'rude', kind: 'prohibited', passed: false, quote: 'Please calm down, it is on its way.' },
    ]);
  });

  it('a required phrase must come within the first agent lines; nothing is required of an agent who never wrote', () => {
    const late = findCategories(CATEGORIES, conv([['agent', 'Hello!'], ['agent', 'My name is Bob.']]));
    expect(late.compliance.find((r) => r.category === 'greeting')).toMatchObject({ passed: false, quote: null });
    expect(findCategories(CATEGORIES, conv([['customer', 'hello?']])).compliance).toEqual([]);
    // The customer saying "this is" is not the agent's greeting.
    expect(findCategories(CATEGORIES, conv([['customer', 'this is silly'], ['agent', 'Hi']])).compliance[0]).toMatchObject({ category: 'greeting', passed: false });
  });

  it('applies categories to their media types and queues only', () => {
    expect(findCategories(CATEGORIES, conv([['agent', 'hi']], { mediaType: 'sms' })).compliance.map((r) => r.category)).toContain('sms-only');
    expect(findCategories(CATEGORIES, conv([['agent', 'hi']])).compliance.map((r) => r.category)).not.toContain('sms-only');
    expect(findCategories([{ ...CATEGORIES[0]!, queues: ['other'] }], conv([['customer', 'delivery']])).topics).toEqual([]);
  });

  it('checks categories by field', () => {
    expect(checkCategory({ id: 'x', name: 'X', kind: 'topic', phrases: ['ok', '!!'], withinFirst: 2 })).toEqual([
      { pointer: '/phrases/1', message: 'a phrase needs a word (letters or digits)' },
      { pointer: '/withinFirst', message: 'only a required phrase is looked for within the first lines' },
    ]);
    expect(checkCategory({ id: 'x', name: 'X', kind: 'prohibited', phrases: ['x'], speaker: 'any' })[0]!.pointer).toBe('/speaker');
  });
});

describe('conversation analytics: sentiment and trends', () => {
  it('reads the customer sentiment, negations and intensifiers included', () => {
    expect(sentimentOf('Thanks, that was really helpful!')).toBe(100);
    expect(sentimentOf('This is terrible and I am very angry')).toBe(-100);
    expect(sentimentOf('not happy at all')).toBe(-100);
    expect(sentimentOf("it isn't working, but thanks")).toBe(0);
    expect(sentimentOf('my order number is 42')).toBeNull();
  });

  it('follows the customer from the first line to the last', () => {
    const s = conversationSentiment(conv([['customer', 'This is ridiculous, my parcel is late again'], ['agent', 'Sorry about that, terrible'], ['customer', 'Great, thank you so much!']]).lines);
    expect(s).toEqual({ overall: 0, start: -100, end: 100, trend: 'improved' });
    expect(conversationSentiment(conv([['agent', 'great']]).lines)).toBeNull();
  });

  it('a topic whose share grew by half is rising; a new one with enough conversations too', () => {
    expect(trendOf({ count: 12, total: 100 }, { count: 5, total: 100 })).toEqual({ count: 12, share: 12, previousCount: 5, previousShare: 5, change: 2.4, rising: true });
    expect(trendOf({ count: 5, total: 100 }, { count: 5, total: 100 }).rising).toBe(false);
    expect(trendOf({ count: 4, total: 50 }, { count: 0, total: 80 })).toMatchObject({ change: null, rising: true });
    expect(trendOf({ count: 2, total: 10 }, { count: 0, total: 80 }).rising).toBe(false);
    expect(trendOf({ count: 40, total: 50 }, { count: 0, total: 0 }).rising).toBe(false);
  });

  it('property: sentiment is within -100..100, and an analysis reads every line', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom<'customer' | 'agent'>('customer', 'agent'), fc.string({ maxLength: 80 })), { maxLength: 20 }), (lines) => {
        const a = analyzeConversation(CATEGORIES, conv(lines));
        expect(a.lines).toBe(lines.length);
        if (a.sentiment) for (const v of [a.sentiment.overall, a.sentiment.start, a.sentiment.end]) expect(Math.abs(v)).toBeLessThanOrEqual(100);
        for (const r of a.compliance) expect(r.passed || r.quote !== null || r.kind === 'required').toBe(true);
      }),
    );
  });
});
