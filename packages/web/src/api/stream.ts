// The single live connection to /api/v1/stream: a provider that keeps one WebSocket open while
// signed in (reconnecting with exponential backoff) and hooks to subscribe to message types.
import { createContext, createElement, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { StreamMessage, StreamMessageType } from './types';

export type ConnectionStatus = 'off' | 'connecting' | 'connected' | 'reconnecting';

type Listener = (message: StreamMessage) => void;

interface StreamContextValue {
  status: ConnectionStatus;
  subscribe: (type: StreamMessageType, listener: Listener) => () => void;
}

const StreamContext = createContext<StreamContextValue | null>(null);

const MIN_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;

export function backoffDelay(attempt: number): number {
  const base = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

function streamUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${window.location.host}/api/v1/stream`;
}

function parseMessage(data: unknown): StreamMessage | null {
  if (typeof data !== 'string') return null;
  try {
    const parsed: unknown = JSON.parse(data);
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { type?: unknown }).type === 'string') {
      return parsed as StreamMessage;
    }
  } catch {
    // ignore malformed frames
  }
  return null;
}

export interface StreamProviderProps {
  /** Connect only while true (i.e. while signed in). */
  enabled: boolean;
  /** Called every time the socket (re)opens: re-fetch whatever may have been missed. */
  onConnected?: () => void;
  children?: ReactNode;
}

export function StreamProvider({ enabled, onConnected, children }: StreamProviderProps) {
  const [status, setStatus] = useState<ConnectionStatus>('off');
  const listeners = useRef(new Map<StreamMessageType, Set<Listener>>());
  const onConnectedRef = useRef(onConnected);
  useEffect(() => {
    onConnectedRef.current = onConnected;
  });

  useEffect(() => {
    if (!enabled) {
      setStatus('off');
      return;
    }
    let socket: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;

    const connect = () => {
      timer = undefined;
      setStatus(attempt === 0 ? 'connecting' : 'reconnecting');
      const ws = new WebSocket(streamUrl());
      socket = ws;
      ws.onopen = () => {
        attempt = 0;
        setStatus('connected');
        onConnectedRef.current?.();
      };
      ws.onmessage = (event) => {
        const message = parseMessage(event.data);
        if (!message) return;
        listeners.current.get(message.type)?.forEach((listener) => listener(message));
      };
      ws.onclose = () => {
        if (socket === ws) socket = null;
        if (stopped) return;
        attempt += 1;
        setStatus('reconnecting');
        timer = setTimeout(connect, backoffDelay(attempt));
      };
    };

    // When the browser comes back online, do not wait for the backoff timer.
    const onOnline = () => {
      if (timer !== undefined) {
        clearTimeout(timer);
        connect();
      }
    };
    window.addEventListener('online', onOnline);
    connect();
    return () => {
      stopped = true;
      window.removeEventListener('online', onOnline);
      if (timer !== undefined) clearTimeout(timer);
      socket?.close();
    };
  }, [enabled]);

  const subscribe = useCallback((type: StreamMessageType, listener: Listener) => {
    const map = listeners.current;
    let set = map.get(type);
    if (!set) {
      set = new Set();
      map.set(type, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }, []);

  const value = useMemo(() => ({ status, subscribe }), [status, subscribe]);
  return createElement(StreamContext.Provider, { value }, children);
}

function useStreamContext(): StreamContextValue {
  const ctx = useContext(StreamContext);
  if (!ctx) throw new Error('useStream must be used inside <StreamProvider>');
  return ctx;
}

export function useConnectionStatus(): ConnectionStatus {
  return useStreamContext().status;
}

/** Runs `handler` for every stream message of `type` while the calling component is mounted. */
export function useStreamMessage<K extends StreamMessageType>(
  type: K,
  handler: (message: Extract<StreamMessage, { type: K }>) => void,
): void {
  const { subscribe } = useStreamContext();
  const handlerRef = useRef(handler);
  useEffect(() => {
    handlerRef.current = handler;
  });
  useEffect(
    () => subscribe(type, (message) => handlerRef.current(message as Extract<StreamMessage, { type: K }>)),
    [subscribe, type],
  );
}
