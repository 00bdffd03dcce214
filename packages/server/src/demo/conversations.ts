import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { ChatMessagesTable, ChatsTable } from '../db/schema.js';

// The demo's made-up chats as kept conversations, so quality reviews show what was said and
// conversation analytics has something to read on a first `npm start`: delivery questions rising
// in the last week, Alice who always gives her name, Bob who sometimes forgets and once in a while
// tells a customer to calm down, customers who end happier than they began (mostly).

export interface Talk {
  chats: Insertable<ChatsTable>[];
  lines: Insertable<ChatMessagesTable>[];
}

const VISITORS = ['Emma Jansen', 'Lucas Peeters', 'Mila De Smet', 'Noah Maes', 'Olivia Claes', 'Louis Wouters', 'Lina Goossens', 'Arthur Dubois', 'Nora Hermans', 'Jules Lambert', 'Ella Martens', 'Victor Willems'];

/** Per topic: what the customer asks, how the agent answers. */
const SCRIPTS: Record<string, { ask: string[]; answer: string[] }> = {
  delivery: {
    ask: ['Hi, where is my parcel? It was due yesterday.', 'My delivery is late again, this is frustrating.', 'The tracking of my order has not moved for three days.'],
    answer: ['Let me check the tracking for you: the parcel is at the depot and goes out tomorrow.', 'I see the delay; I have asked the carrier to deliver it first thing tomorrow.'],
  },
  refund: {
    ask: ['I returned the jacket two weeks ago and still no refund.', 'When do I get my money back for the boots I sent back?'],
    answer: ['I can see your return; the refund goes out today and reaches you within 5 working days.'],
  },
  billing: {
    ask: ['My invoice shows the same charge twice.', 'Why was I charged for shipping on an order over 50 euros?'],
    answer: ['You are right: I have corrected the invoice and the second charge is cancelled.'],
  },
  account: {
    ask: ["I can't log in to my account.", 'How do I change the e-mail address of my account?'],
    answer: ['I have sent you a link to set a new password; it is valid for an hour.', 'I have changed it for you; you will get a confirmation at the new address.'],
  },
};
const HAPPY = ['Great, thanks for your help!', 'Perfect, thank you so much.', 'Thanks, that was quick.', 'Brilliant, thank you.'];
const UNHAPPY = ['Still not happy, this took far too long.', 'This is unacceptable, I will not order again.', 'Ok. Disappointed though.'];

export function demoConversation(
  random: () => number,
  c: { agent: string; agentId: string; agentName: string; created: number; assigned: number; done: number; recent: boolean; rating: number | null },
): { row: Insertable<ChatsTable>; lines: Insertable<ChatMessagesTable>[] } {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const id = randomUUID();
  // Delivery questions rise in the last week (a carrier's trouble), for the analytics to notice.
  const topic = random() < (c.recent ? 0.55 : 0.15) ? 'delivery' : pick(['refund', 'billing', 'account']);
  const script = SCRIPTS[topic]!;
  const bob = c.agent === 'bob';
  const greet = random() < (bob ? 0.65 : 0.95) ? `Hello, my name is ${c.agentName}. How can I help you today?` : 'Hi, how can I help?';
  const lines: [string, string][] = [['visitor', pick(script.ask)], ['agent', greet]];
  if (bob && random() < 0.08) lines.push(['visitor', 'This is the third time I ask, it is ridiculous!'], ['agent', 'Please calm down, I am doing what I can.']);
  lines.push(['agent', pick(script.answer)]);
  const happy = c.rating !== null ? c.rating >= 4 : random() < (bob ? 0.7 : 0.85);
  lines.push(['visitor', happy ? pick(HAPPY) : pick(UNHAPPY)]);
  if (random() < 0.8) lines.push(['agent', 'Is there anything else I can do for you?']);
  const step = (c.done - c.assigned) / (lines.length + 1);
  const visitor = pick(VISITORS);
  return {
    row: { id, worktype: 'web-chat', visitor_name: visitor, visitor_email: null, token_hash: randomUUID(), created_at: new Date(c.created), ended_at: new Date(c.done), ended_by: 'agent', rating: c.rating, rated_at: c.rating !== null ? new Date(c.done + 30_000) : null },
    lines: lines.map(([sender, body], i) => ({ chat_id: id, sender, user_id: sender === 'agent' ? c.agentId : null, body, created_at: new Date(i === 0 ? c.created : c.assigned + i * step) })),
  };
}
