// The visitor's side of a chat: the session kept in this tab (a reload resumes the chat), the
// conversation, and its own live socket (the staff stream needs a sign-in; this one a chat token).
import { useCallback, useEffect, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import { backoffDelay } from '../api/stream';
import type { ChatMessage, ChatView } from '../api/types';
import { withLine } from './ChatLines';

export interface ChatSession {
  id: string;
  token: string;
  /** An e-mail was given: the transcript can be sent to it. */
  email: boolean;
}

const STORE = 'worklane.chat';

export function savedSession(): ChatSession | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(STORE) ?? 'null') as ChatSession | null;
    return s && typeof s.id === 'string' && typeof s.token === 'string' ? s : null;
  } catch {
    return null;
  }
}

export function saveSession(s: ChatSession | null): void {
  if (s) sessionStorage.setItem(STORE, JSON.stringify(s));
  else sessionStorage.removeItem(STORE);
}

export const chatHeaders = (s: ChatSession) => ({ 'X-Chat-Token': s.token });
export const visitorChatKey = (id: string) => ['visitorChat', id];

/** The conversation, kept live: pushed lines are added, a change re-reads it. */
export function useVisitorChat(session: ChatSession) {
  const qc = useQueryClient();
  const key = visitorChatKey(session.id);
  const view = useQuery({
    queryKey: key,
    queryFn: () => api<ChatView>(`/chats/${encodeURIComponent(session.id)}`, { headers: chatHeaders(session), quietUnauthorized: true }),
    // Lines and changes are pushed; only the place in line moves without a word to this chat.
    refetchInterval: (q) => (q.state.data?.phase === 'waiting' ? 10_000 : false),
  });
  const [live, setLive] = useState(false);
  /** Who of the staff is typing, and since when (shown a few seconds). */
  const [agentTyping, setAgentTyping] = useState<{ name: string; at: number } | null>(null);
  const socket = useRef<WebSocket | null>(null);
  const lastTyping = useRef(0);

  useEffect(() => {
    const key = visitorChatKey(session.id);
    let stopped = false;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
      const ws = new WebSocket(`${scheme}//${window.location.host}/api/v1/chats/${encodeURIComponent(session.id)}/stream`);
      socket.current = ws;
      ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', token: session.token }));
      ws.onmessage = (e) => {
        const m = JSON.parse(String(e.data)) as { type: string; message?: ChatMessage; name?: string };
        if (m.type === 'hello') {
          attempt = 0;
          setLive(true);
          void qc.invalidateQueries({ queryKey: key }); // whatever was said while away
        } else if (m.type === 'chat.typing' && m.name) {
          setAgentTyping({ name: m.name, at: Date.now() });
        } else if (m.type === 'chat.message' && m.message) {
          const line = m.message;
          if (line.sender === 'agent') setAgentTyping(null);
          qc.setQueryData<ChatView>(key, (v) => v && { ...v, messages: withLine(v.messages, line) });
        } else if (m.type === 'chat.changed') void qc.invalidateQueries({ queryKey: key });
      };
      ws.onclose = (e) => {
        if (socket.current === ws) socket.current = null;
        setLive(false);
        if (stopped || e.code === 4404) return; // gone for good: the page says so from the re-read
        attempt += 1;
        timer = setTimeout(connect, backoffDelay(attempt));
      };
    };
    connect();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      socket.current?.close();
    };
  }, [session.id, session.token, qc]);

  /** Tells the agent the visitor is typing (at most every 2 s). */
  const typing = useCallback(() => {
    const ws = socket.current;
    if (!ws || ws.readyState !== WebSocket.OPEN || Date.now() - lastTyping.current < 2_000) return;
    lastTyping.current = Date.now();
    ws.send(JSON.stringify({ type: 'typing' }));
  }, []);

  // Typing shows for 4 s after the last word of it.
  const [, tick] = useState(0);
  useEffect(() => {
    if (!agentTyping) return;
    const t = setTimeout(() => tick((n) => n + 1), 4_000);
    return () => clearTimeout(t);
  }, [agentTyping]);
  const typingNow = agentTyping && Date.now() - agentTyping.at < 4_000 ? `${agentTyping.name} is typing…` : null;

  return { view, live, typing, agentTyping: typingNow };
}

/** Saves the transcript as a text file (fetched with the token; a plain link could not send it). */
export async function downloadTranscript(s: ChatSession): Promise<void> {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const res = await fetch(`/api/v1/chats/${encodeURIComponent(s.id)}/transcript?tz=${encodeURIComponent(tz)}`, { headers: chatHeaders(s) });
  if (!res.ok) throw new Error('The transcript could not be fetched. Try again.');
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `chat-${s.id}.txt`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
