import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, Paper, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconPhone } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../api/client';
import type { CallbackInfo, CallbackOutcome, Task } from '../api/types';
import { formatDateTime } from '../lib/time';
import { slotText } from '../callback/CallbackPage';
import { taskEventsKey } from './data';

const OUTCOME: Record<CallbackOutcome, string> = { 'no-answer': 'No answer', busy: 'Busy', 'wrong-number': 'Wrong number' };

/** A campaign call's script, filled for this contact, and what the list says of them. */
function CampaignScript({ campaign }: { campaign: NonNullable<CallbackInfo['campaign']> }) {
  const data = Object.entries(campaign.data);
  return (
    <Paper withBorder p="sm" mb="xs" bg="var(--mantine-color-gray-0)" aria-label="Script">
      {campaign.script && (
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
          {campaign.script}
        </Text>
      )}
      {data.length > 0 && (
        <Text size="xs" c="dimmed" mt={campaign.script ? 6 : 0}>
          {data.map(([k, v]) => `${k}: ${v}`).join(' · ')}
        </Text>
      )}
    </Paper>
  );
}

/** The contact asks never to be called again: on the do-not-call list, the call canceled. */
function OptOut({ taskId, onDone }: { taskId: string; onDone: () => void }) {
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: () => api(`/tasks/${encodeURIComponent(taskId)}/campaign/opt-out`, { method: 'POST' }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: taskEventsKey(taskId) });
      onDone();
    },
  });
  return (
    <Button size="xs" variant="light" color="orange" loading={m.isPending} onClick={() => m.mutate()} title={m.isError ? errorMessage(m.error) : undefined}>
      Do not call again
    </Button>
  );
}

/**
 * A callback task: whom to call and when they asked, the calls placed so far, and what happened
 * when a call did not reach them (it comes back later, or is given up after the last attempt).
 * Reaching them is completing the task with its wrap-up code.
 */
export function CallbackPanel({ task, onLeft }: { task: Task; onLeft: () => void }) {
  const qc = useQueryClient();
  const key = ['taskCallback', task.id];
  const info = useQuery({ queryKey: [...key, task.state, task.updatedAt], queryFn: () => api<CallbackInfo>(`/tasks/${encodeURIComponent(task.id)}/callback`) });
  const [note, setNote] = useState('');
  const attempt = useMutation({
    mutationFn: (outcome: CallbackOutcome) =>
      api<{ decision: { kind: 'retry'; at: string } | { kind: 'give-up'; reason: string } }>(`/tasks/${encodeURIComponent(task.id)}/callback/attempts`, { method: 'POST', body: { outcome, ...(note.trim() ? { note: note.trim() } : {}) } }),
    onSuccess: () => {
      setNote('');
      void qc.invalidateQueries({ queryKey: key });
      void qc.invalidateQueries({ queryKey: taskEventsKey(task.id) });
      onLeft(); // it is no longer this agent's: back later, or given up
    },
  });
  if (info.isPending) return <Skeleton h={140} aria-label="Loading the callback" />;
  if (info.isError)
    return (
      <Alert color="gray" title="No callback details">
        {errorMessage(info.error)}
      </Alert>
    );
  const c = info.data;
  const mine = task.state === 'assigned';
  const campaign = c.campaign;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="callback-title">
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h5" id="callback-title">
          {campaign ? `Call ${c.name}` : `Call back ${c.name}`}
        </Title>
        <Badge variant="light">
          Call {Math.min(c.attempts.length + 1, c.maxAttempts)} of {c.maxAttempts}
        </Badge>
      </Group>
      <Group gap="sm" mb="xs">
        <Button component="a" href={`tel:${c.phone}`} leftSection={<IconPhone size={16} />} size="sm" aria-label={`Call ${c.phone}`}>
          {c.phone}
        </Button>
        <Text size="sm" c="dimmed">
          {campaign ? `Campaign ${campaign.name}` : `Asked for ${c.requested === 'asap' ? 'as soon as possible' : slotText({ start: c.requested, end: c.until ?? c.requested })}`}
        </Text>
      </Group>
      {campaign && <CampaignScript campaign={campaign} />}
      {c.attempts.length > 0 && (
        <Stack gap={2} mb="xs" aria-label="Calls placed">
          {c.attempts.map((a, i) => (
            <Text key={a.at} size="sm">
              Call {i + 1}: <b>{OUTCOME[a.outcome]}</b> · {formatDateTime(a.at)}
              {a.agent ? ` · ${a.agent}` : ''}
              {a.note ? ` — ${a.note}` : ''}
            </Text>
          ))}
        </Stack>
      )}
      {mine ? (
        <>
          <Text size="sm" mb={6}>
            Reached them? Wrap up below. Otherwise:
          </Text>
          <Group gap="xs" align="flex-end">
            <TextInput size="xs" label="Note (optional)" placeholder="e.g. left a voicemail" value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={2000} style={{ flex: 1 }} />
            {campaign && <OptOut taskId={task.id} onDone={onLeft} />}
            {(Object.keys(OUTCOME) as CallbackOutcome[]).map((o) => (
              <Button key={o} size="xs" variant={o === 'wrong-number' ? 'light' : 'default'} color={o === 'wrong-number' ? 'red' : undefined} loading={attempt.isPending && attempt.variables === o} onClick={() => attempt.mutate(o)}>
                {OUTCOME[o]}
              </Button>
            ))}
          </Group>
          <Text size="xs" c="dimmed" mt={4}>
            {c.attempts.length + 1 >= c.maxAttempts ? 'This is the last call: without an answer the request is given up.' : 'Without an answer it comes back later, to whoever is free then.'}
          </Text>
          {attempt.isError && (
            <Text size="sm" c="red" role="alert">
              {errorMessage(attempt.error)}
            </Text>
          )}
        </>
      ) : (
        <Anchor component="span" size="sm" c="dimmed">
          {task.state === 'scheduled' ? `Comes back ${formatDateTime(task.wakeAt)}.` : 'Accept it to call.'}
        </Anchor>
      )}
    </Paper>
  );
}
