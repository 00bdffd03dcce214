import { useMemo, useState } from 'react';
import { Alert, Button, Chip, Group, Paper, Radio, Select, Skeleton, Stack, Text, TextInput, Textarea, ThemeIcon, Title } from '@mantine/core';
import { IconCircleCheck, IconPhoneCall } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, errorMessage, formErrors } from '../api/client';
import type { CallbackAnswer, CallbackTopic, List } from '../api/types';
import { PublicHeading, PublicPage } from '../lib/PublicPage';
import { usualWait } from '../lib/format';

const day = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
const hour = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayKey = (iso: string) => new Date(iso).toDateString();

/** "Tuesday 8 December, 10:00 – 10:30" in the visitor's own time zone. */
export const slotText = (s: { start: string; end: string }) => `${day.format(new Date(s.start))}, ${hour.format(new Date(s.start))} – ${hour.format(new Date(s.end))}`;

const FIELDS = ['topic', 'name', 'phone', 'when', 'email', 'note'];

/**
 * /callback — "call me back": the visitor leaves a number and picks as soon as possible (while
 * the office is open) or a time slot; an advisor with the right skills calls. No sign-in.
 */
export function CallbackPage() {
  const topics = useQuery({
    queryKey: ['callbackTopics'],
    queryFn: () => api<List<CallbackTopic>>('/callback/topics', { quietUnauthorized: true }),
    select: (d) => d.items,
    refetchInterval: 5 * 60_000, // slots move on as time passes
  });
  const [done, setDone] = useState<CallbackAnswer | null>(null);
  return (
    <PublicPage>
      {topics.isPending && <Skeleton h={360} aria-label="Loading" />}
      {topics.isError && (
        <Alert color="red" title="Callbacks are not available">
          {errorMessage(topics.error)}
        </Alert>
      )}
      {topics.data && !topics.data.length && (
        <Alert color="gray" title="No callbacks here">
          This site offers no callback. Use the contact form or write to us.
        </Alert>
      )}
      {topics.data && topics.data.length > 0 && (done ? <Confirmation answer={done} onAgain={() => setDone(null)} /> : <RequestForm topics={topics.data} onDone={setDone} onStale={() => void topics.refetch()} />)}
    </PublicPage>
  );
}

function RequestForm({ topics, onDone, onStale }: { topics: CallbackTopic[]; onDone: (a: CallbackAnswer) => void; onStale: () => void }) {
  const [topicId, setTopicId] = useState(topics[0]!.id);
  const topic = topics.find((t) => t.id === topicId) ?? topics[0]!;
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const [note, setNote] = useState('');
  const [mode, setMode] = useState<'asap' | 'slot'>(topic.asap ? 'asap' : 'slot');
  const days = useMemo(() => [...new Set(topic.slots.map((s) => dayKey(s.start)))], [topic]);
  const [dayPicked, setDay] = useState<string | null>(null);
  const [slot, setSlot] = useState<string | null>(null);
  const shownDay = dayPicked && days.includes(dayPicked) ? dayPicked : (days[0] ?? null);
  const [missing, setMissing] = useState<Record<string, string>>({});
  const send = useMutation({
    mutationFn: (body: Record<string, string>) => api<CallbackAnswer>('/callbacks', { method: 'POST', body, quietUnauthorized: true }),
    onSuccess: onDone,
    onError: (err) => {
      if (formErrors(err, FIELDS).fields.when) onStale(); // the slot went: show the current ones
    },
  });
  const server = formErrors(send.error, FIELDS);
  const errors = { ...server.fields, ...missing };
  const when = topic.asap && mode === 'asap' ? 'asap' : slot;

  return (
    <Paper withBorder p="lg" component="main">
      <PublicHeading icon={<IconPhoneCall size={26} aria-hidden />} title="Call me back" lead="Leave your number and we call you: as soon as possible, or when it suits you." />
      <form
        noValidate
        aria-label="Ask for a callback"
        onSubmit={(e) => {
          e.preventDefault();
          const need: Record<string, string> = {};
          if (!name.trim()) need.name = 'Tell us your name';
          if (!phone.trim()) need.phone = 'The number we should call';
          if (!when) need.when = 'Pick a time';
          setMissing(need);
          if (Object.keys(need).length || send.isPending) return;
          send.mutate({ topic: topic.id, name: name.trim(), phone: phone.trim(), when: when!, ...(email.trim() ? { email: email.trim() } : {}), ...(note.trim() ? { note: note.trim() } : {}) });
        }}
      >
        <Stack gap="sm">
          {topics.length > 1 && (
            <Select label="About" data={topics.map((t) => ({ value: t.id, label: t.name }))} value={topic.id} onChange={(v) => v && setTopicId(v)} allowDeselect={false} error={errors.topic} />
          )}
          <TextInput label="Your name" required autoComplete="name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} maxLength={200} />
          <TextInput label="Phone number" required type="tel" autoComplete="tel" placeholder="+32 2 555 12 34" value={phone} onChange={(e) => setPhone(e.currentTarget.value)} error={errors.phone} maxLength={40} />
          <Radio.Group label="When?" required value={topic.asap ? mode : 'slot'} onChange={(v) => setMode(v as 'asap' | 'slot')} error={errors.when}>
            <Stack gap={6} mt={4}>
              <Radio value="asap" label="As soon as possible" disabled={!topic.asap} description={topic.asap ? (usualWait(topic.waitSeconds) ? `Usually within ${usualWait(topic.waitSeconds)}` : undefined) : 'We are closed now: pick a time'} />
              <Radio value="slot" label="At a time I choose" />
            </Stack>
          </Radio.Group>
          {(mode === 'slot' || !topic.asap) &&
            (topic.slots.length ? (
              <Stack gap="xs">
                <Select label="Day" data={days.map((d) => ({ value: d, label: day.format(new Date(d)) }))} value={shownDay} onChange={(v) => { setDay(v); setSlot(null); }} allowDeselect={false} />
                <Chip.Group multiple={false} value={slot} onChange={setSlot}>
                  <Group gap={6} aria-label="Time">
                    {topic.slots.filter((s) => dayKey(s.start) === shownDay).map((s) => (
                      <Chip key={s.start} value={s.start} size="sm" variant="outline">
                        {hour.format(new Date(s.start))}
                      </Chip>
                    ))}
                  </Group>
                </Chip.Group>
              </Stack>
            ) : (
              <Text size="sm" c="dimmed">
                No times are free in the coming days. Please write to us instead.
              </Text>
            ))}
          <TextInput label="E-mail" description="Optional" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={errors.email} maxLength={320} />
          <Textarea label="What is it about?" description="Optional: helps the advisor prepare" autosize minRows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.currentTarget.value)} error={errors.note} />
          {server.general && (
            <Alert color="red" role="alert" title="Your request was not sent">
              {server.general}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={send.isPending}>
              Call me back
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function Confirmation({ answer, onAgain }: { answer: CallbackAnswer; onAgain: () => void }) {
  const cancel = useMutation({
    mutationFn: () => api<{ state: string }>(`/callbacks/${encodeURIComponent(answer.id)}/cancel`, { method: 'POST', headers: { 'X-Callback-Token': answer.token }, quietUnauthorized: true }),
  });
  if (cancel.isSuccess)
    return (
      <Paper withBorder p="xl" role="status">
        <Stack align="center" gap="sm">
          <Title order={1} size="h2">
            Callback canceled
          </Title>
          <Text ta="center">We will not call you. You can ask again at any time.</Text>
          <Button variant="light" mt="sm" onClick={onAgain}>
            Ask for a call
          </Button>
        </Stack>
      </Paper>
    );
  return (
    <Paper withBorder p="xl" role="status" aria-labelledby="callback-done">
      <Stack align="center" gap="sm">
        <ThemeIcon size={56} radius="xl" color="green" variant="light">
          <IconCircleCheck size={36} />
        </ThemeIcon>
        <Title order={1} size="h2" id="callback-done">
          We will call you
        </Title>
        <Text ta="center">
          On <b>{answer.phone}</b>, {answer.slot ? <b>{slotText(answer.slot)}</b> : 'as soon as an advisor is free'}.
        </Text>
        <Text size="sm" c="dimmed" ta="center">
          About {answer.topic.name}. If we cannot reach you, we try again a little later.
        </Text>
        <Group mt="sm" gap="xs">
          <Button variant="light" onClick={onAgain}>
            Ask for another call
          </Button>
          <Button variant="subtle" color="red" onClick={() => cancel.mutate()} loading={cancel.isPending}>
            Cancel this callback
          </Button>
        </Group>
        {cancel.isError && (
          <Text size="sm" c="red" role="alert">
            {errorMessage(cancel.error)}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
