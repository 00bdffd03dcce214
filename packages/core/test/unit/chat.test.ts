import { describe, expect, it } from 'vitest';
import { chatAvailability, chatPhase, fillResponse, suggestResponses, transcriptText, type Calendar, type StandardResponse, botTurn, matchFaq, type BotSettings } from '../../src/index.js';

const nineToFive: Calendar = {
  id: 'office',
  name: 'Office',
  timeZone: 'Europe/Brussels',
  week: { mon: [{ from: '09:00', to: '17:00' }], tue: [{ from: '09:00', to: '17:00' }], wed: [], thu: [], fri: [], sat: [], sun: [] },
  holidays: [],
  overrides: [],
};
// Monday 2026-12-07 in Brussels (UTC+1)
const MON_10 = Date.UTC(2026, 11, 7, 9, 0);
const MON_18 = Date.UTC(2026, 11, 7, 17, 0);

describe('chat: when a visitor may start one', () => {
  it('open hours and somebody signed in: open', () => {
    expect(chatAvailability({}, nineToFive, MON_10, 2)).toEqual({ open: true });
    expect(chatAvailability({}, null, MON_18, 1)).toEqual({ open: true });
  });

  it('outside the calendar: closed, with when it opens next and the topic\'s own message', () => {
    const a = chatAvailability({ closedMessage: 'Back tomorrow' }, nineToFive, MON_18, 5);
    expect(a).toEqual({ open: false, reason: 'closed', message: 'Back tomorrow', opensAt: Date.UTC(2026, 11, 8, 8, 0) });
  });

  it('nobody of the queue signed in: refused at once rather than left to time out', () => {
    const a = chatAvailability({}, nineToFive, MON_10, 0);
    expect(a.open).toBe(false);
    expect(a.open === false && a.reason).toBe('nobody');
  });
});

describe('chat: where the conversation stands, from its task', () => {
  it('waits while the task waits, talks while an agent holds it, ends with either side or the task', () => {
    expect(chatPhase('queued', false)).toBe('waiting');
    expect(chatPhase('offered', false)).toBe('waiting');
    expect(chatPhase('assigned', false)).toBe('connected');
    expect(chatPhase('paused', false)).toBe('connected');
    expect(chatPhase('assigned', true)).toBe('ended');
    expect(chatPhase('wrap-up', false)).toBe('ended');
    expect(chatPhase('completed', false)).toBe('ended');
    expect(chatPhase('canceled', false)).toBe('ended');
  });
});

describe('chat: transcript', () => {
  it('has a heading, local times, names, and indents continued lines', () => {
    const t = transcriptText('Orders', MON_10, [
      { sender: 'system', name: '', body: 'Welcome!', at: MON_10 },
      { sender: 'visitor', name: 'Jane Doe', body: 'Where is my order?\r\nIt is late.', at: MON_10 + 5_000 },
      { sender: 'agent', name: 'Alice', body: 'Let me look.', at: MON_10 + 65_000 },
    ], 'Europe/Brussels');
    expect(t.split('\n')).toEqual([
      'Chat about Orders, 7 December 2026 at 10:00 (Europe/Brussels)',
      '='.repeat('Chat about Orders, 7 December 2026 at 10:00 (Europe/Brussels)'.length),
      '',
      '[10:00:00] Welcome!',
      '[10:00:05] Jane Doe: Where is my order?',
      '           It is late.',
      '[10:01:05] Alice: Let me look.',
      '',
    ]);
  });
});

describe('chat: standard responses', () => {
  const lib: StandardResponse[] = [
    { id: 'hello', name: 'Greeting', text: 'Hello {{visitor}}, I am {{agent}}. How can I help?', queues: [] },
    { id: 'refund', name: 'Refund timing', text: 'Refunds reach your account within five working days.', queues: ['billing'] },
    { id: 'delivery', name: 'Delivery delay', text: 'Deliveries are running a day late; your refund is not affected.', queues: ['orders'] },
    { id: 'bye', name: 'Closing', text: 'Thank you for chatting with us.', queues: [] },
  ];

  it('only the queue\'s own and the shared ones, by name when nothing is typed', () => {
    expect(suggestResponses(lib, 'orders', '').map((r) => r.id)).toEqual(['bye', 'delivery', 'hello']);
    expect(suggestResponses(lib, null, '').map((r) => r.id)).toEqual(['bye', 'hello']);
  });

  it('every typed word must start a word; name matches rank first; accents do not matter', () => {
    expect(suggestResponses(lib, 'billing', 'refund').map((r) => r.id)).toEqual(['refund']);
    expect(suggestResponses([...lib], 'orders', 'refund').map((r) => r.id)).toEqual(['delivery']);
    expect(suggestResponses(lib, 'orders', 'del late').map((r) => r.id)).toEqual(['delivery']);
    expect(suggestResponses(lib, 'orders', 'thank xyz')).toEqual([]);
    expect(suggestResponses(lib, 'orders', 'CLÔSING').map((r) => r.id)).toEqual(['bye']);
  });

  it('fills in first names', () => {
    expect(fillResponse(lib[0]!.text, { visitor: 'Jane Doe', agent: 'Alice Martin' })).toBe('Hello Jane, I am Alice. How can I help?');
  });
});

describe('chat bot: answers from the questions, hands over to a person', () => {
  const bot: BotSettings = {
    faqs: [
      { id: 'delivery', question: 'Where is my order?', keywords: ['where is my order', 'delivery', 'track'], answer: 'Orders arrive within 3 working days.' },
      { id: 'refund', question: 'How do refunds work?', keywords: ['refund', 'money back', 'return'], answer: 'Refunds take 5 working days.' },
      { id: 'order-refund', question: 'Refund of an order', keywords: ['refund', 'order'], answer: 'Tell us the order number.' },
    ],
  };
  it('answers the question with the most keywords found, phrases matched as words (case, accents, punctuation aside)', () => {
    expect(matchFaq(bot, 'WHERE is my order??')?.id).toBe('delivery');
    expect(matchFaq(bot, 'I want my money back')?.id).toBe('refund');
    expect(matchFaq(bot, 'refund for my order please')?.id).toBe('order-refund');
    expect(matchFaq(bot, 'Refünd')?.id).toBe('refund');
    expect(matchFaq(bot, 'tracking number')).toBeNull(); // "track" is a word, not a prefix
    expect(botTurn(bot, 'delivery time?', 0)).toMatchObject({ kind: 'answer', faq: 'delivery' });
  });
  it('hands over when asked (before answering), or after the lines it did not understand', () => {
    expect(botTurn(bot, 'Can I talk to a person about my refund?', 0)).toMatchObject({ kind: 'handover', reason: 'asked' });
    const first = botTurn(bot, 'blue cheese', 0);
    expect(first.kind).toBe('retry');
    expect(first.text).toContain('• Where is my order?');
    expect(botTurn(bot, 'blue cheese', 1)).toMatchObject({ kind: 'handover', reason: 'not-understood' });
    expect(botTurn({ ...bot, handoverAfter: 3 }, 'blue cheese', 1).kind).toBe('retry');
    expect(botTurn({ ...bot, handoverWords: ['mensch'] }, 'ein Mensch bitte', 0).kind).toBe('handover');
  });
});
