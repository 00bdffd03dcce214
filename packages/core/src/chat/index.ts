import type { BotSettings } from './bot.js';
import type { Calendar } from '../calendar/types.js';
import { isOpen, nextOpen } from '../calendar/business.js';
import type { TaskState } from '../tasks/transitions.js';
import { wordsOf as words } from '../text.js';

/**
 * Web chat: a visitor asks on a topic (a worktype with chat settings), the request waits and is
 * pushed like any task of media type `chat`, and once an agent holds it the two talk. These are
 * the decisions around it; the conversation itself is rows the server keeps.
 */

/** A worktype's chat settings (the topic a visitor picks). */
export interface ChatSettings {
  /** Shown to the visitor as the first line of the conversation. */
  welcome?: string;
  /** A request nobody took within this wait ends, and the visitor is told (default 600). */
  maxWaitSeconds?: number;
  /** Chat is offered only while this calendar is open (none: always). */
  calendar?: string;
  /** Shown instead of the form while chat is not offered. */
  closedMessage?: string;
  /** A bot answers first and hands over to a person (bot.ts); with a bot the topic takes chats at any time. */
  bot?: BotSettings;
}

export const DEFAULT_CHAT_WAIT_SECONDS = 600;

export type ChatAvailability = { open: true } | { open: false; reason: 'closed' | 'nobody'; message: string; opensAt: number | null };

/**
 * Whether a visitor may start a chat now: inside the calendar's open hours, and with somebody of
 * the topic's queue signed in (a request nobody could ever answer is refused at once, rather than
 * left to time out).
 */
export function chatAvailability(settings: ChatSettings, calendar: Calendar | null, now: number, signedIn: number): ChatAvailability {
  if (calendar && !isOpen(calendar, now))
    return { open: false, reason: 'closed', message: settings.closedMessage ?? 'Chat is closed now. Please come back during our opening hours.', opensAt: nextOpen(calendar, now) };
  if (signedIn === 0) return { open: false, reason: 'nobody', message: settings.closedMessage ?? 'Nobody can answer a chat right now. Please try again later or write to us.', opensAt: null };
  return { open: true };
}

/** `bot`: the topic's bot is answering; no task yet (the chat has not been handed over). */
export type ChatPhase = 'bot' | 'waiting' | 'connected' | 'ended';

/**
 * Where the conversation stands, from its task: waiting while the task waits (also again after a
 * transfer), connected while an agent holds it, ended once either side ended it or the task is
 * finished (wrap-up means the agent is done talking).
 */
export function chatPhase(taskState: TaskState, ended: boolean): ChatPhase {
  if (ended) return 'ended';
  switch (taskState) {
    case 'queued':
    case 'offered':
    case 'scheduled':
      return 'waiting';
    case 'assigned':
    case 'paused':
      return 'connected';
    default:
      return 'ended';
  }
}

export type ChatSender = 'visitor' | 'agent' | 'bot' | 'system';

export interface ChatLine {
  sender: ChatSender;
  /** Who wrote it as the other side sees it (the agent's name, the visitor's name). */
  name: string;
  body: string;
  /** epoch milliseconds */
  at: number;
}

/** Longest message either side may send (a pasted order list, not a file). */
export const CHAT_MESSAGE_MAX = 4000;

/** The conversation as plain text, for the visitor to keep or print, with times in `timeZone`. */
export function transcriptText(topic: string, startedAt: number, lines: readonly ChatLine[], timeZone: string): string {
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const day = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'long', timeStyle: 'short' });
  const head = `Chat about ${topic}, ${day.format(startedAt)} (${timeZone})`;
  const body = lines.map((l) => {
    const who = l.sender === 'system' ? '' : `${l.name}: `;
    const text = l.body.replace(/\r\n?/g, '\n').split('\n').join('\n           ');
    return `[${time.format(l.at)}] ${who}${text}`;
  });
  return [head, '='.repeat(head.length), '', ...body, ''].join('\n');
}

/** An entry of the standard-response library agents answer from. */
export interface StandardResponse {
  id: string;
  name: string;
  text: string;
  /** Queues it is meant for (empty: every queue). */
  queues: readonly string[];
}


/**
 * The responses for a queue that match what the agent typed (every word, as the start of a word
 * of the name or text), best first: matches in the name count double, then by name. An empty
 * query lists the queue's responses by name.
 */
export function suggestResponses(all: readonly StandardResponse[], queue: string | null, query: string, limit = 10): StandardResponse[] {
  const mine = all.filter((r) => r.queues.length === 0 || (queue !== null && r.queues.includes(queue)));
  const q = words(query);
  const scored = mine.flatMap((r) => {
    if (!q.length) return [{ r, score: 0 }];
    const name = words(r.name);
    const text = words(r.text);
    let score = 0;
    for (const w of q) {
      const inName = name.some((n) => n.startsWith(w));
      const inText = text.some((n) => n.startsWith(w));
      if (!inName && !inText) return [];
      score += (inName ? 2 : 0) + (inText ? 1 : 0);
    }
    return [{ r, score }];
  });
  scored.sort((a, b) => b.score - a.score || a.r.name.localeCompare(b.r.name));
  return scored.slice(0, limit).map((s) => s.r);
}

/** A standard response with `{{visitor}}` and `{{agent}}` filled in (first names read warmer). */
export function fillResponse(text: string, names: { visitor: string; agent: string }): string {
  const first = (n: string) => n.trim().split(/\s+/)[0] ?? n;
  return text.replace(/\{\{\s*(visitor|agent)\s*\}\}/g, (_m, k: 'visitor' | 'agent') => first(names[k]));
}

/** A chat's rating by its visitor: 1 (very unhappy) to 5 (very happy); 4 and 5 count as satisfied. */
export const RATING_MIN = 1;
export const RATING_MAX = 5;
export const isSatisfied = (score: number): boolean => score >= 4;

export * from './bot.js';
