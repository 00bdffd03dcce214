import { useState } from 'react';
import { Alert, Badge, Button, Group, Loader, Paper, Select, Skeleton, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { IconMessageCircle } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, errorMessage, formErrors } from '../api/client';
import type { ChatMessage, ChatTopic, ChatView, List } from '../api/types';
import { formatDateTime } from '../lib/time';
import { usualWait } from '../lib/format';
import { PublicHeading, PublicPage } from '../lib/PublicPage';
import { ChatLines, withLine } from './ChatLines';
import { ChatComposer } from './ChatComposer';
import { chatHeaders, downloadTranscript, savedSession, saveSession, useVisitorChat, visitorChatKey, type ChatSession } from './visitor';

/**
 * /chat — the website's chat: pick a topic, say who you are and what you need, and talk to the
 * advisor who takes it. No sign-in; the chat lives in this tab (a reload resumes it).
 */
export function VisitorChatPage() {
  const [session, setSession] = useState<ChatSession | null>(savedSession);
  const use = (s: ChatSession | null) => {
    saveSession(s);
    setSession(s);
  };
  return (
    <PublicPage>{session ? <Conversation key={session.id} session={session} onNew={() => use(null)} /> : <StartChat onStarted={use} />}</PublicPage>
  );
}

const FIELDS = ['topic', 'name', 'email', 'message'];

/** Opened from an invitation (engage.js): the topic, the website visit and the offer accepted. */
const invitation = (() => {
  const q = new URLSearchParams(window.location.search);
  const pick = (k: string) => q.get(k) || undefined;
  return { topic: pick('topic'), session: pick('session'), offer: pick('offer') };
})();

function StartChat({ onStarted }: { onStarted: (s: ChatSession) => void }) {
  const qc = useQueryClient();
  const topics = useQuery({
    queryKey: ['chatTopics'],
    queryFn: () => api<List<ChatTopic>>('/chat/topics', { quietUnauthorized: true }),
    select: (d) => d.items,
    refetchInterval: 30_000, // opening hours and who is signed in change while the page is open
  });
  const [topic, setTopic] = useState<string | null>(invitation.topic ?? null);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [message, setMessage] = useState('');
  const [missing, setMissing] = useState<Record<string, string>>({});
  const start = useMutation({
    mutationFn: (body: { topic: string; name: string; email?: string; message: string }) => {
      // The visit and the invitation go with the chat (the agent sees the journey); an invitation is for its topic.
      const journey = invitation.session ? { session: invitation.session, ...(invitation.offer && body.topic === invitation.topic ? { offer: invitation.offer } : {}) } : {};
      return api<{ chat: ChatView; token: string }>('/chats', { method: 'POST', body: { ...body, ...journey }, quietUnauthorized: true });
    },
    onSuccess: (r, body) => {
      qc.setQueryData(visitorChatKey(r.chat.id), r.chat);
      onStarted({ id: r.chat.id, token: r.token, email: !!body.email });
    },
    onError: (err) => {
      if (err instanceof ApiError && err.status === 409) void topics.refetch();
    },
  });

  if (topics.isPending)
    return (
      <Paper withBorder p="lg" aria-label="Loading the chat">
        <Skeleton h={30} w="50%" mb="lg" />
        <Skeleton h={36} mb="sm" />
        <Skeleton h={90} />
      </Paper>
    );
  if (topics.isError)
    return (
      <Alert color="red" title="Chat is not available">
        {errorMessage(topics.error)}
        <Button size="xs" variant="light" color="red" mt="xs" display="block" onClick={() => void topics.refetch()}>
          Try again
        </Button>
      </Alert>
    );
  const all = topics.data;
  const open = all.filter((t) => t.open);
  const chosen = all.find((t) => t.id === (topic ?? open[0]?.id)) ?? null;
  const server = formErrors(start.error, FIELDS);
  const errors = { ...server.fields, ...missing };

  if (!all.length)
    return (
      <Alert color="gray" title="No chat here">
        This site offers no chat. Use the contact form or write to us.
      </Alert>
    );

  return (
    <Paper withBorder p="lg" component="main">
      <PublicHeading icon={<IconMessageCircle size={26} aria-hidden />} title="Chat with us" lead="An advisor answers you here, live." />
      {!open.length ? (
        <Alert color="yellow" title="Chat is closed" role="status">
          {all[0]!.message}
          {all[0]!.opensAt && <Text size="sm" mt={4}>We open again {formatDateTime(all[0]!.opensAt)}.</Text>}
        </Alert>
      ) : (
        <form
          noValidate
          aria-label="Start a chat"
          onSubmit={(e) => {
            e.preventDefault();
            const need: Record<string, string> = {};
            if (!name.trim()) need.name = 'Tell us your name';
            if (!message.trim()) need.message = 'Tell us what it is about';
            setMissing(need);
            if (Object.keys(need).length || !chosen || start.isPending) return;
            start.mutate({ topic: chosen.id, name: name.trim(), ...(email.trim() ? { email: email.trim() } : {}), message: message.trim() });
          }}
        >
          <Stack gap="sm">
            {chosen && usualWait(chosen.waitSeconds) && (
              <Text size="sm" c="dimmed">
                Usual wait right now: {usualWait(chosen.waitSeconds)}.
              </Text>
            )}
            {all.length > 1 && (
              <Select
                label="About"
                data={all.map((t) => ({ value: t.id, label: t.open ? t.name : `${t.name} (closed)`, disabled: !t.open }))}
                value={chosen?.id ?? null}
                onChange={setTopic}
                allowDeselect={false}
                error={errors.topic}
              />
            )}
            <TextInput label="Your name" required autoComplete="name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} maxLength={200} data-autofocus />
            <TextInput
              label="E-mail"
              description="Optional: to receive the transcript afterwards"
              type="email"
              autoComplete="email"
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              error={errors.email}
              maxLength={320}
            />
            <Textarea label="How can we help?" required autosize minRows={3} maxLength={4000} value={message} onChange={(e) => setMessage(e.currentTarget.value)} error={errors.message} />
            {server.general && (
              <Alert color={start.error instanceof ApiError && start.error.status === 409 ? 'yellow' : 'red'} role="alert" title="The chat could not start">
                {server.general}
              </Alert>
            )}
            <Group>
              <Button type="submit" loading={start.isPending}>
                Start chat
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Paper>
  );
}

const ENDED: Record<NonNullable<ChatView['endedBy']>, (v: ChatView) => string> = {
  visitor: () => 'You left the chat.',
  agent: (v) => `${v.agent?.name ?? 'The advisor'} ended the chat.`,
  expired: () => 'Sorry, nobody could answer in time. Please try again later, or write to us.',
  idle: () => 'This chat was closed after a while without a message. Start a new one any time.',
  canceled: () => 'This chat was closed.',
};

function Status({ view, live }: { view: ChatView; live: boolean }) {
  if (view.phase === 'ended')
    return (
      <Text size="sm" role="status">
        {ENDED[view.endedBy ?? 'canceled'](view)}
      </Text>
    );
  return (
    <Group gap="xs" role="status">
      {view.phase === 'bot' ? (
        <>
          <Badge color="grape" variant="light">
            Assistant
          </Badge>
          <Text size="sm">An automatic assistant answers first; ask for an advisor at any time.</Text>
        </>
      ) : view.phase === 'waiting' ? (
        <>
          <Loader size="xs" />
          <Text size="sm">Waiting for an advisor{view.position ? ` — you are number ${view.position} in line` : ''}…</Text>
        </>
      ) : (
        <>
          <Badge color="green" variant="light">
            Connected
          </Badge>
          <Text size="sm">You are chatting with {view.agent?.name ?? 'an advisor'}</Text>
        </>
      )}
      {!live && (
        <Text size="xs" c="orange">
          Reconnecting…
        </Text>
      )}
    </Group>
  );
}

function Conversation({ session, onNew }: { session: ChatSession; onNew: () => void }) {
  const qc = useQueryClient();
  const { view, live, typing, agentTyping } = useVisitorChat(session);
  const [text, setText] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const key = visitorChatKey(session.id);
  const send = useMutation({
    mutationFn: (body: string) => api<ChatMessage>(`/chats/${encodeURIComponent(session.id)}/messages`, { method: 'POST', body: { body }, headers: chatHeaders(session), quietUnauthorized: true }),
    onSuccess: (m) => {
      setText('');
      qc.setQueryData<ChatView>(key, (v) => v && { ...v, messages: withLine(v.messages, m) });
    },
    onError: () => void qc.invalidateQueries({ queryKey: key }),
  });
  const handover = useMutation({
    mutationFn: () => api<ChatView>(`/chats/${encodeURIComponent(session.id)}/handover`, { method: 'POST', headers: chatHeaders(session), quietUnauthorized: true }),
    onSuccess: (v) => qc.setQueryData(key, v),
  });
  const end = useMutation({
    mutationFn: () => api<ChatView>(`/chats/${encodeURIComponent(session.id)}/end`, { method: 'POST', headers: chatHeaders(session), quietUnauthorized: true }),
    onSuccess: (v) => qc.setQueryData(key, v),
  });
  const mail = useMutation({
    mutationFn: () =>
      api<{ to: string }>(`/chats/${encodeURIComponent(session.id)}/transcript/email?tz=${encodeURIComponent(Intl.DateTimeFormat().resolvedOptions().timeZone)}`, { method: 'POST', headers: chatHeaders(session), quietUnauthorized: true }),
    onSuccess: (r) => setNotice(`The transcript is on its way to ${r.to}.`),
  });

  if (view.isPending) return <Skeleton h={420} aria-label="Loading the chat" />;
  if (view.isError)
    return (
      <Alert color="gray" title="This chat is no longer available">
        <Button size="xs" mt="xs" onClick={onNew}>
          Start a new chat
        </Button>
      </Alert>
    );
  const v = view.data;
  return (
    <Paper withBorder p="lg" component="main" aria-labelledby="chat-title">
      <Group justify="space-between" align="flex-start" mb="xs">
        <Title order={1} size="h3" id="chat-title">
          Chat about {v.topic.name}
        </Title>
        <Group gap="xs">
          {v.phase === 'bot' && (
            <Button size="xs" variant="light" onClick={() => handover.mutate()} loading={handover.isPending}>
              Talk to an advisor
            </Button>
          )}
          {v.phase !== 'ended' && (
            <Button size="xs" variant="subtle" color="red" onClick={() => end.mutate()} loading={end.isPending}>
              End chat
            </Button>
          )}
        </Group>
      </Group>
      <Status view={v} live={live} />
      <Paper withBorder mt="sm" p={4} bg="white">
        <ChatLines messages={v.messages} mine="visitor" height={380} typing={v.phase === 'connected' ? agentTyping : null} />
      </Paper>
      {v.phase !== 'ended' ? (
        <ChatComposer
          label="Your message"
          placeholder="Type your message"
          value={text}
          onChange={(t) => {
            setText(t);
            typing();
          }}
          onSend={(t) => send.mutate(t)}
          sending={send.isPending}
          error={send.error ?? handover.error}
        />
      ) : (
        <>
        {v.agent && <Rating session={session} given={v.rating} />}
        <Group mt="md" gap="xs">
          <Button size="xs" variant="light" onClick={() => void downloadTranscript(session).catch((e: unknown) => setNotice(errorMessage(e)))}>
            Download transcript
          </Button>
          {session.email && (
            <Button size="xs" variant="light" onClick={() => mail.mutate()} loading={mail.isPending} disabled={mail.isSuccess}>
              E-mail me the transcript
            </Button>
          )}
          <Button size="xs" onClick={onNew}>
            Start a new chat
          </Button>
        </Group>
        </>
      )}
      {(notice || mail.isError) && (
        <Text size="sm" mt="xs" c={mail.isError ? 'red' : undefined} role="status">
          {mail.isError ? errorMessage(mail.error) : notice}
        </Text>
      )}
    </Paper>
  );
}

const FACES = ['Very unhappy', 'Unhappy', 'Neutral', 'Happy', 'Very happy'];

/** "How was your chat?": 1 to 5 and a comment, once; the satisfaction report counts it. */
function Rating({ session, given }: { session: ChatSession; given: number | null }) {
  const qc = useQueryClient();
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const rate = useMutation({
    mutationFn: () => api(`/chats/${encodeURIComponent(session.id)}/rating`, { method: 'POST', body: { score, ...(comment.trim() ? { comment: comment.trim() } : {}) }, headers: chatHeaders(session), quietUnauthorized: true }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: visitorChatKey(session.id) }),
  });
  if (given !== null)
    return (
      <Text size="sm" mt="md" role="status">
        Thank you for your rating ({given} of 5).
      </Text>
    );
  return (
    <Paper withBorder p="sm" mt="md" component="form" aria-label="Rate this chat" onSubmit={(e: React.FormEvent) => { e.preventDefault(); if (score) rate.mutate(); }}>
      <Text size="sm" fw={500} mb={6}>
        How was your chat?
      </Text>
      <Group gap={6} role="radiogroup" aria-label="Your rating">
        {FACES.map((label, i) => (
          <Button key={label} size="xs" variant={score === i + 1 ? 'filled' : 'default'} role="radio" aria-checked={score === i + 1} aria-label={`${i + 1}: ${label}`} onClick={() => setScore(i + 1)}>
            {i + 1}
          </Button>
        ))}
        <Text size="xs" c="dimmed">
          {score ? FACES[score - 1] : '1 = very unhappy, 5 = very happy'}
        </Text>
      </Group>
      <Group mt="xs" gap="xs" align="flex-end">
        <TextInput size="xs" aria-label="Comment (optional)" placeholder="Anything to add? (optional)" value={comment} onChange={(e) => setComment(e.currentTarget.value)} maxLength={2000} style={{ flex: 1 }} />
        <Button size="xs" type="submit" disabled={!score} loading={rate.isPending}>
          Send rating
        </Button>
      </Group>
      {rate.isError && (
        <Text size="sm" c="red" role="alert">
          {errorMessage(rate.error)}
        </Text>
      )}
    </Paper>
  );
}
