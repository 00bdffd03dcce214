import { useEffect, useRef, useState } from 'react';
import { Alert, Badge, Button, Group, Paper, Skeleton, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../api/client';
import { useStreamMessage } from '../api/stream';
import type { ChatMessage, ChatView, Task, TaskChat } from '../api/types';
import { ChatLines, withLine } from '../chat/ChatLines';
import { ChatComposer } from '../chat/ChatComposer';
import { taskEventsKey } from './data';
import { ResponsePicker } from './ResponsePicker';
import { PLATFORM_LABEL } from '../lib/format';

const TYPING_SHOWN_MS = 4_000;

/** The public answer that moves a conversation to private messages (seed CE19's best practice), for the agent to adjust. */
const privately = (name: string, platform: string) =>
  `Hi ${name.replace(/\s*\(@.*\)$/, '').split(/\s+/)[0]}, we are sorry to hear that. So we can look into your details safely, please send us a private message on ${platform}.`;

/** A chat task's conversation: the visitor's lines live, the agent's answers (standard responses at hand), and ending it. */
export function ChatPanel({ task }: { task: Task }) {
  const qc = useQueryClient();
  const key = ['taskChat', task.id];
  const chat = useQuery({ queryKey: key, queryFn: () => api<TaskChat>(`/tasks/${encodeURIComponent(task.id)}/chat`) });
  const [text, setText] = useState('');
  const [typingAt, setTypingAt] = useState(0);
  const input = useRef<HTMLTextAreaElement>(null);
  const lastTyping = useRef(0);
  useStreamMessage('chat.message', (m) => {
    if (m.taskId !== task.id) return;
    if (m.message.sender === 'visitor') setTypingAt(0);
    qc.setQueryData<TaskChat>(key, (c) => c && { ...c, messages: withLine(c.messages, m.message) });
  });
  useStreamMessage('chat.changed', (m) => m.taskId === task.id && void qc.invalidateQueries({ queryKey: key }));
  useStreamMessage('chat.typing', (m) => m.taskId === task.id && setTypingAt(Date.now()));
  // Refresh when the task itself moves (accepted, transferred): the chat's phase follows it.
  useEffect(() => void qc.invalidateQueries({ queryKey: ['taskChat', task.id] }), [task.state, task.id, qc]);
  const [, tick] = useState(0);
  useEffect(() => {
    if (!typingAt) return;
    const t = setTimeout(() => tick((n) => n + 1), TYPING_SHOWN_MS);
    return () => clearTimeout(t);
  }, [typingAt]);

  const send = useMutation({
    mutationFn: (body: string) => api<ChatMessage>(`/tasks/${encodeURIComponent(task.id)}/chat/messages`, { method: 'POST', body: { body } }),
    onSuccess: (m) => {
      setText('');
      qc.setQueryData<TaskChat>(key, (c) => c && { ...c, messages: withLine(c.messages, m) });
    },
  });
  const end = useMutation({
    mutationFn: () => api<ChatView>(`/tasks/${encodeURIComponent(task.id)}/chat/end`, { method: 'POST' }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: key });
      void qc.invalidateQueries({ queryKey: taskEventsKey(task.id) });
    },
  });

  if (chat.isPending) return <Skeleton h={300} aria-label="Loading the chat" />;
  if (chat.isError)
    return (
      <Alert color="gray" title="No conversation">
        {errorMessage(chat.error)}
      </Alert>
    );
  const c = chat.data;
  const sms = c.channel === 'sms';
  const social = c.social;
  const web = c.channel === 'web';
  const platform = social ? (PLATFORM_LABEL[social.platform] ?? social.platform) : '';
  const mine = task.state === 'assigned' || task.state === 'paused';
  const open = c.phase === 'connected' && mine;
  const typing = typingAt && Date.now() - typingAt < TYPING_SHOWN_MS && c.phase !== 'ended' ? `${c.visitor.name} is typing…` : null;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="chat-panel-title">
      <Group justify="space-between" mb="xs">
        <Group gap="xs">
          <Title order={3} size="h5" id="chat-panel-title">
            {social ? `${platform} ${social.kind === 'public' ? 'posts by' : 'messages with'}` : sms ? 'SMS with' : 'Chat with'} {c.visitor.name}
          </Title>
          {c.phase === 'ended' ? (
            <Badge color="gray">Ended</Badge>
          ) : social ? (
            <Badge color={social.kind === 'public' ? 'orange' : 'indigo'} variant="light">
              {social.kind === 'public' ? 'Public: everyone sees your answer' : 'Private'}
            </Badge>
          ) : sms ? (
            <Badge color="grape" variant="light">
              By SMS
            </Badge>
          ) : (
            <Badge color={c.visitorOnline ? 'green' : 'gray'} variant="light">
              {c.visitorOnline ? 'Visitor online' : 'Visitor away'}
            </Badge>
          )}
        </Group>
        {open && (
          <Button size="xs" variant="subtle" color="red" onClick={() => end.mutate()} loading={end.isPending}>
            {web ? 'End chat' : 'End conversation'}
          </Button>
        )}
      </Group>
      {social && (
        <Text size="xs" c="dimmed" mb="xs">
          On {social.account} · {social.kind === 'public' ? `your answers are posted on ${platform} as replies; move personal details to a private message` : `your answers are sent as ${platform} private messages`}
        </Text>
      )}
      {(c.visitorEmail || c.visitorPhone) && (
        <Text size="xs" c="dimmed" mb="xs">
          {c.visitorPhone ?? c.visitorEmail} · {sms ? `to ${c.topic.name}: your answers go out as text messages` : `about ${c.topic.name}`}
        </Text>
      )}
      <Paper withBorder p={4}>
        <ChatLines messages={c.messages} mine="agent" height={320} typing={typing} />
      </Paper>
      {open ? (
        <ChatComposer
          ref={input}
          label="Your answer"
          placeholder="Type your answer"
          value={text}
          onChange={(t) => {
            setText(t);
            if (web && Date.now() - lastTyping.current > 2_000) {
              lastTyping.current = Date.now();
              void api(`/tasks/${encodeURIComponent(task.id)}/chat/typing`, { method: 'POST' }).catch(() => {}); // a hint only
            }
          }}
          onSend={(t) => send.mutate(t)}
          sending={send.isPending}
          error={send.error ?? end.error}
          extra={
            <Group gap="xs">
              {social?.kind === 'public' && (
                <Button size="xs" variant="default" onClick={() => (setText(privately(c.visitor.name, platform)), input.current?.focus())}>
                  Ask to continue privately
                </Button>
              )}
              <ResponsePicker
              taskId={task.id}
              onPick={(t) => {
                setText((old) => (old.trim() ? `${old.trimEnd()} ${t}` : t));
                input.current?.focus();
              }}
            />
            </Group>
          }
        />
      ) : (
        <Text size="sm" c="dimmed" mt="xs">
          {c.phase === 'ended' ? 'The chat is over: wrap the task up with its outcome.' : c.phase === 'waiting' ? 'The visitor is waiting: accept the chat to answer.' : 'Only the agent holding this chat can write in it.'}
        </Text>
      )}
    </Paper>
  );
}
