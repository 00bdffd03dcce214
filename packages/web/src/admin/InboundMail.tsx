import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, Skeleton, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { Link } from 'react-router';
import { api, errorMessage } from '../api/client';
import type { List } from '../api/types';
import { ChoiceSelect } from '../lib/ChoiceSelect';
import { formatDateTime } from '../lib/time';

interface Message {
  id: string;
  receivedAt: string;
  via: 'smtp' | 'http';
  recipients: string[];
  state: 'new' | 'done' | 'ignored' | 'unrouted' | 'failed';
  attempts: number;
  from: string | null;
  envelopeFrom: string | null;
  subject: string | null;
  outcome: { kind?: string; taskId?: string; caseId?: string; caseNumber?: string; worktype?: string; reason?: string; note?: string } | null;
  error: string | null;
}

const STATE_COLOR: Record<Message['state'], string> = { new: 'blue', done: 'teal', ignored: 'gray', unrouted: 'orange', failed: 'red' };
const FILTERS = [
  { value: 'all', label: 'All messages' },
  { value: 'failed', label: 'Failed' },
  { value: 'unrouted', label: 'Unrouted' },
  { value: 'done', label: 'Done' },
  { value: 'ignored', label: 'Ignored (automatic)' },
  { value: 'new', label: 'Being processed' },
];

/** What a message became, in words, with a link where there is one. */
function Outcome({ m }: { m: Message }) {
  const o = m.outcome;
  if (m.state === 'failed') return <Text size="sm" c="red">{m.error}</Text>;
  if (m.state === 'new') return <Text size="sm" c="dimmed">{m.error ? `Retrying (${m.attempts}): ${m.error}` : 'Being processed'}</Text>;
  if (o?.kind === 'task') return <Text size="sm">Task of {o.worktype} <Text span c="dimmed" size="xs">{o.taskId}</Text>{o.note ? ` (${o.note})` : ''}</Text>;
  if (o?.kind === 'case-reply') return <Anchor component={Link} to={`/cases/${o.caseId}`} size="sm">Reply on case {o.caseNumber}</Anchor>;
  return <Text size="sm" c="dimmed">{o?.reason ?? '—'}</Text>;
}

/** Admin: every e-mail received (SMTP or HTTP), what it became, and Retry for those that did not make it. */
export function InboundMail() {
  const qc = useQueryClient();
  const [state, setState] = useState('all');
  const query = useQuery({
    queryKey: ['admin', 'inbound-mail', state],
    queryFn: () => api<List<Message>>(`/inbound-mail?limit=200${state === 'all' ? '' : `&state=${state}`}`),
    select: (d) => d.items,
    refetchInterval: 10_000,
  });
  const retry = useMutation({
    mutationFn: (id: string) => api(`/inbound-mail/${encodeURIComponent(id)}/retry`, { method: 'POST' }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['admin', 'inbound-mail'] });
      notifications.show({ color: 'teal', message: 'Looking at it again' });
    },
    onError: (err) => notifications.show({ color: 'red', title: 'Not retried', message: errorMessage(err) }),
  });

  return (
    <>
      <Group justify="space-between" mb="xs" align="flex-end">
        <Text size="sm" c="dimmed" maw={640}>
          Mail to a worktype's mailbox becomes a task; a customer's reply naming their case becomes a comment on it. Automatic mail is dropped. Fix the
          configuration, then Retry a failed or unrouted message.
        </Text>
        <ChoiceSelect label="Show" size="xs" w={200} data={FILTERS} value={state} onChange={(v) => setState(v ?? 'all')} />
      </Group>
      {query.isPending && <Skeleton h={120} aria-label="Loading inbound e-mail" />}
      {query.isError && (
        <Alert color="red" title="Could not load inbound e-mail">
          <Text size="sm">{errorMessage(query.error)}</Text>
        </Alert>
      )}
      {query.data && query.data.length === 0 && (
        <Text size="sm" c="dimmed">
          {state === 'all' ? 'No e-mail received yet. Set WORKLANE_INBOUND_SMTP_PORT, or post messages to /api/v1/inbound/email.' : 'None.'}
        </Text>
      )}
      {query.data && query.data.length > 0 && (
        <Table striped aria-label="Inbound e-mail">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Received</Table.Th>
              <Table.Th>From</Table.Th>
              <Table.Th>To</Table.Th>
              <Table.Th>Subject</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>What it became</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {query.data.map((m) => (
              <Table.Tr key={m.id}>
                <Table.Td>
                  <Text size="sm">{formatDateTime(m.receivedAt)}</Text>
                  <Text size="xs" c="dimmed">{m.via.toUpperCase()}</Text>
                </Table.Td>
                <Table.Td><Text size="sm">{m.from ?? m.envelopeFrom ?? '—'}</Text></Table.Td>
                <Table.Td><Text size="sm">{m.recipients.join(', ') || '(headers)'}</Text></Table.Td>
                <Table.Td><Text size="sm">{m.subject || '(no subject)'}</Text></Table.Td>
                <Table.Td>
                  <Badge size="sm" color={STATE_COLOR[m.state]}>{m.state}</Badge>
                </Table.Td>
                <Table.Td><Outcome m={m} /></Table.Td>
                <Table.Td>
                  {(m.state === 'failed' || m.state === 'unrouted') && (
                    <Button size="compact-xs" variant="light" onClick={() => retry.mutate(m.id)} loading={retry.isPending && retry.variables === m.id} aria-label={`Retry ${m.subject ?? m.id}`}>
                      Retry
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </>
  );
}
