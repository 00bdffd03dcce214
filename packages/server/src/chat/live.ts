import type { WebSocket } from 'ws';
import type { TaskRow } from '../db/schema.js';
import type { StreamHub } from '../stream/hub.js';
import { sendCoalesced } from '../stream/coalesce.js';
import { CHAT_SOURCE, type ChatMessage } from './store.js';

/** At most this many open pages per chat (a visitor with a few tabs; not a broadcast channel). */
const PAGES_PER_CHAT = 5;

/**
 * The live side of chats, in this process: the visitors' open pages by chat, and the agent's
 * stream (the hub). A line is pushed whole to both sides; a change of the chat's task (an agent
 * took it, it went back in line, it ended) tells the visitor's page to re-read where it stands.
 */
export class ChatRooms {
  private readonly pages = new Map<string, Set<WebSocket>>();

  constructor(private readonly hub: StreamHub) {
    hub.watchTasks((t) => this.taskChanged(t));
  }

  /** A visitor's page follows the chat; returns the way to stop. False when it has too many pages open. */
  join(chatId: string, socket: WebSocket): (() => void) | null {
    let set = this.pages.get(chatId);
    if (!set) this.pages.set(chatId, (set = new Set()));
    if (set.size >= PAGES_PER_CHAT) return null;
    set.add(socket);
    return () => {
      set.delete(socket);
      if (set.size === 0 && this.pages.get(chatId) === set) this.pages.delete(chatId);
    };
  }

  /** A line was committed: to the visitor's pages and to whoever holds the task. */
  said(chatId: string, taskId: string | null, holder: string | null, message: ChatMessage): void {
    this.toVisitor(chatId, { type: 'chat.message', message });
    if (holder && taskId) this.hub.toUser(holder, { type: 'chat.message', taskId, message });
  }

  /** The chat ended or moved: both sides re-read it. */
  changed(chatId: string, taskId: string | null, holder: string | null): void {
    this.toVisitor(chatId, { type: 'chat.changed' });
    if (holder && taskId) this.hub.toUser(holder, { type: 'chat.changed', taskId });
  }

  /** The visitor is typing: the holder's screen shows it for a few seconds. */
  typing(taskId: string, holder: string): void {
    this.hub.toUser(holder, { type: 'chat.typing', taskId });
  }

  /** The agent is typing: the visitor's page shows it for a few seconds. */
  agentTyping(chatId: string, name: string): void {
    this.toVisitor(chatId, { type: 'chat.typing', name });
  }

  following(chatId: string): number {
    return this.pages.get(chatId)?.size ?? 0;
  }

  closeAll(): void {
    for (const set of this.pages.values()) for (const s of set) s.close(1001, 'server shutting down');
    this.pages.clear();
  }

  private taskChanged(t: TaskRow): void {
    if (t.source !== CHAT_SOURCE || !t.external_id || !this.pages.has(t.external_id)) return;
    this.toVisitor(t.external_id, { type: 'chat.changed' });
  }

  private toVisitor(chatId: string, message: object): void {
    const set = this.pages.get(chatId);
    if (!set) return;
    const data = JSON.stringify(message);
    for (const s of set) if (s.readyState === 1) sendCoalesced(s, data);
  }
}
