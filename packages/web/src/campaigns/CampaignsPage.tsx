import { useState } from 'react';
import { Alert, Badge, Button, Grid, Group, Paper, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { useSearchParams } from 'react-router';
import { api, errorMessage } from '../api/client';
import { hasRole, useUser } from '../auth/session';
import { formatDateTime } from '../lib/time';
import { CampaignForm } from './CampaignForm';
import { ContactUpload } from './ContactUpload';
import { DoNotCall } from './DoNotCall';
import { ProgressBar } from './ProgressBar';
import { CAMPAIGNS_KEY, STATE_COLOR, STATE_LABEL, useCampaigns, useContacts, type Campaign } from './data';

const STATE_BADGE: Record<Campaign['state'], string> = { draft: 'gray', running: 'teal', stopped: 'orange', ended: 'dark' };

/** /campaigns: outbound campaigns in preview mode: their progress, contacts, script, start and stop; the do-not-call list. */
export function CampaignsPage() {
  const user = useUser();
  const canRun = hasRole(user, 'supervisor', 'admin');
  const campaigns = useCampaigns();
  const [params, setParams] = useSearchParams();
  const [editing, setEditing] = useState<Campaign | 'new' | null>(null);
  const selectedId = params.get('campaign') ?? campaigns.data?.[0]?.id ?? null;
  const selected = campaigns.data?.find((c) => c.id === selectedId) ?? null;
  const select = (id: string) => setParams({ campaign: id }, { replace: true });

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <div>
          <Title order={2}>Campaigns</Title>
          <Text size="sm" c="dimmed">
            Outbound calls in preview mode: each contact is offered to an agent with the campaign's script; not reached comes back, asked not to be called joins the do-not-call list.
          </Text>
        </div>
        {canRun && <Button onClick={() => setEditing('new')}>New campaign</Button>}
      </Group>
      {campaigns.isPending && <Skeleton h={120} aria-label="Loading campaigns" />}
      {campaigns.isError && <Alert color="red" title="Could not load the campaigns">{errorMessage(campaigns.error)}</Alert>}
      {campaigns.data?.length === 0 && <Text c="dimmed">No campaign yet.{canRun ? ' Create one, add its contacts, then start it.' : ''}</Text>}
      {!!campaigns.data?.length && (
        <Table highlightOnHover aria-label="Campaigns">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Campaign</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th w="45%">Contacts</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {campaigns.data.map((c) => (
              <Table.Tr key={c.id} onClick={() => select(c.id)} style={{ cursor: 'pointer' }} bg={c.id === selectedId ? 'var(--mantine-color-blue-light)' : undefined} aria-selected={c.id === selectedId}>
                <Table.Td>
                  <Button variant="subtle" size="compact-sm" onClick={() => select(c.id)}>
                    {c.name}
                  </Button>
                </Table.Td>
                <Table.Td>
                  <Badge color={STATE_BADGE[c.state]} variant="light">
                    {c.state}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <ProgressBar progress={c.progress} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 8 }}>{selected && <CampaignDetail campaign={selected} canRun={canRun} onEdit={() => setEditing(selected)} />}</Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <DoNotCall canEdit={canRun} />
        </Grid.Col>
      </Grid>
      {editing && <CampaignForm campaign={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={(c) => (setEditing(null), select(c.id))} />}
    </Stack>
  );
}

function CampaignDetail({ campaign: c, canRun, onEdit }: { campaign: Campaign; canRun: boolean; onEdit: () => void }) {
  const qc = useQueryClient();
  const contacts = useContacts(c.id);
  const run = useMutation({
    mutationFn: (what: 'start' | 'stop') => api<Campaign & { called?: number; withdrawn?: number }>(`/campaigns/${encodeURIComponent(c.id)}/${what}`, { method: 'POST' }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: CAMPAIGNS_KEY });
      notifications.show({ color: 'teal', message: r.called !== undefined ? `Started: ${r.called} calls to place` : `Stopped: ${r.withdrawn ?? 0} waiting calls withdrawn` });
    },
    onError: (err) => notifications.show({ color: 'red', title: 'Not done', message: errorMessage(err) }),
  });
  const results = Object.entries(c.progress.results).sort((a, b) => b[1] - a[1]);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="campaign-title">
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h4" id="campaign-title">
          {c.name}
        </Title>
        {canRun && (
          <Group gap="xs">
            <Button size="xs" variant="default" onClick={onEdit}>
              Edit
            </Button>
            {c.state === 'running' ? (
              <Button size="xs" color="orange" loading={run.isPending} onClick={() => run.mutate('stop')}>
                Stop
              </Button>
            ) : (
              <Button size="xs" color="teal" loading={run.isPending} onClick={() => run.mutate('start')} disabled={c.progress.byState.pending === 0}>
                {c.state === 'draft' ? 'Start' : 'Resume'}
              </Button>
            )}
          </Group>
        )}
      </Group>
      <Text size="sm" c="dimmed" mb="xs">
        {c.maxAttempts} calls per contact at most, again after {c.retryMinutes} min · {c.progress.contacts} contacts
        {results.length > 0 && ` · reached: ${results.map(([code, n]) => `${code} ${n}`).join(', ')}`}
      </Text>
      {(c.startsAt || c.endsAt) && (
        <Text size="sm" mb="xs" data-testid="campaign-dates">
          {c.startsAt && `First calls ${formatDateTime(c.startsAt)}`}
          {c.startsAt && c.endsAt && ' · '}
          {c.endsAt && `${c.state === 'ended' ? 'Ended' : 'Ends'} ${formatDateTime(c.endsAt)}`}
        </Text>
      )}
      <CallingHours campaign={c} />
      {c.script && (
        <Paper withBorder p="xs" mb="sm" bg="var(--mantine-color-gray-0)">
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {c.script}
          </Text>
        </Paper>
      )}
      {canRun && <ContactUpload campaign={c} />}
      {!!contacts.data?.length && (
        <Table fz="sm" mt="sm" aria-label="Contacts" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Phone</Table.Th>
              <Table.Th>Where it stands</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {contacts.data.slice(0, 200).map((k) => (
              <Table.Tr key={k.id}>
                <Table.Td>{k.name}</Table.Td>
                <Table.Td>{k.phone}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={STATE_COLOR[k.state].split('.')[0]}>
                    {STATE_LABEL[k.state]}
                    {k.result ? `: ${k.result}` : ''}
                  </Badge>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

const when = (iso: string) => new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));

/** Whether calls go out now: a campaign's waiting calls are held while its calling hours are closed. */
function CallingHours({ campaign: c }: { campaign: Campaign }) {
  if (!c.hours) return null;
  const { open, until } = c.hours;
  return (
    <Text size="sm" mb="xs" c={open ? 'teal.8' : 'orange.8'} data-testid="calling-hours">
      {open
        ? `Within calling hours${until ? ` until ${when(until)}` : ''}: calls are offered to agents.`
        : until
          ? `Outside calling hours: calls wait until ${when(until)}.`
          : 'Its calendar never opens again: calls wait until it is mended.'}
    </Text>
  );
}

