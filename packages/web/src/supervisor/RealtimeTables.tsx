import { useState } from 'react';
import { ActionIcon, Badge, Group, Progress, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { IconRoute, IconUsersGroup } from '@tabler/icons-react';
import { PRESENCE_COLOR, PRESENCE_LABEL } from '../lib/format';
import { elapsedText, formatDuration, useNow } from '../lib/time';
import { useAgentStats, useQueueStats, useQueueToday } from './data';
import { formatSeconds } from '../reports/format';
import { Section } from './Section';
import { effectiveStatus } from '../tasks/actions';
import type { AgentStats } from '../api/types';
import { useTeams } from './teams';
import { TeamsDialog } from './TeamsDialog';
import { TargetsDialog } from './TargetsDialog';

/** A figure of today's report: "—" until it is read, or when there is nothing to measure yet. */
function todayCell(v: string | number | null | undefined, format: (n: number) => string = String): string {
  return typeof v === 'number' ? format(v) : '—';
}

export function QueuesTable() {
  const queues = useQueueStats();
  const today = useQueueToday();
  const rows = queues.data ?? [];
  const [targets, setTargets] = useState<{ id: string; name: string } | null>(null);
  return (
    <Section id="queues-title" title="Queues" query={queues} empty={rows.length === 0} emptyText="No queues configured.">
      {targets && <TargetsDialog key={targets.id} queue={targets} onClose={() => setTargets(null)} />}
      <Table striped highlightOnHover aria-labelledby="queues-title">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Queue</Table.Th>
            <Table.Th ta="right">Waiting</Table.Th>
            <Table.Th ta="right">Offered</Table.Th>
            <Table.Th ta="right">Assigned</Table.Th>
            <Table.Th ta="right">Oldest waiting</Table.Th>
            <Table.Th ta="right">Agents available</Table.Th>
            <Table.Th ta="right" title="Completed since midnight">
              Handled today
            </Table.Th>
            <Table.Th ta="right" title="Canceled while waiting, since midnight">
              Abandoned
            </Table.Th>
            <Table.Th ta="right" title="Average wait to assignment, since midnight">
              Avg wait
            </Table.Th>
            <Table.Th ta="right" title="Assigned within the queue's service-level threshold, since midnight">
              Service level
            </Table.Th>
            <Table.Th w={40}>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((q) => (
            <Table.Tr key={q.queue}>
              <Table.Td>{q.name}</Table.Td>
              <Table.Td ta="right">{q.waiting}</Table.Td>
              <Table.Td ta="right">{q.offered}</Table.Td>
              <Table.Td ta="right">{q.assigned}</Table.Td>
              <Table.Td ta="right">
                {q.oldestWaitingSeconds === null ? '—' : formatDuration(q.oldestWaitingSeconds)}
              </Table.Td>
              <Table.Td ta="right">{q.agentsAvailable}</Table.Td>
              <QueueToday row={today.data?.get(q.queue)} loaded={today.isSuccess} />
              <Table.Td>
                <Tooltip label="Routing targets" withArrow>
                  <ActionIcon variant="subtle" aria-label={`Targets of ${q.name}`} onClick={() => setTargets({ id: q.queue, name: q.name })}>
                    <IconRoute size={16} />
                  </ActionIcon>
                </Tooltip>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Section>
  );
}

function QueueToday({ row, loaded }: { row: Record<string, string | number | null> | undefined; loaded: boolean }) {
  // A queue with no events today has no row: zeros, not unknowns.
  const r = row ?? (loaded ? { completed: 0, abandoned: 0 } : undefined);
  const sl = r?.serviceLevelPercent;
  return (
    <>
      <Table.Td ta="right">{todayCell(r?.completed)}</Table.Td>
      <Table.Td ta="right">{todayCell(r?.abandoned)}</Table.Td>
      <Table.Td ta="right">{todayCell(r?.averageWaitSeconds, formatSeconds)}</Table.Td>
      <Table.Td ta="right" c={typeof sl !== 'number' ? undefined : sl >= 80 ? 'green' : sl >= 60 ? 'orange' : 'red'} fw={typeof sl === 'number' ? 600 : undefined}>
        {todayCell(sl, (n) => `${Math.round(n)} %`)}
      </Table.Td>
    </>
  );
}

export function AgentsTable() {
  const agents = useAgentStats();
  const now = useNow(1000);
  const rows = agents.data ?? [];
  const teams = useTeams();
  const [editing, setEditing] = useState<{ id: string; name: string } | null>(null);
  const teamsOf = (id: string) => (teams.data ?? []).filter((t) => t.members.includes(id)).map((t) => t.name).join(', ');
  return (
    <Section id="agents-title" title="Agents" query={agents} empty={rows.length === 0} emptyText="No agents.">
      {editing && <TeamsDialog key={editing.id} agent={editing} onClose={() => setEditing(null)} />}
      <Table striped highlightOnHover aria-labelledby="agents-title">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Agent</Table.Th>
            <Table.Th>Teams</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th ta="right">Time in status</Table.Th>
            <Table.Th ta="right">Load</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((a) => (
            <AgentRow key={a.agent} agent={a} now={now} teams={teamsOf(a.agent)} onTeams={() => setEditing({ id: a.agent, name: a.name })} />
          ))}
        </Table.Tbody>
      </Table>
    </Section>
  );
}

function AgentRow({ agent: a, now, teams, onTeams }: { agent: AgentStats; now: number; teams: string; onTeams: () => void }) {
  // Busy is derived from load: available with work in hand.
  const status = effectiveStatus(a);
  const full = a.capacity > 0 && a.load >= a.capacity;
  return (
    <Table.Tr aria-label={a.name}>
      <Table.Td>{a.name}</Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          <Text size="sm" c="dimmed">
            {teams || '—'}
          </Text>
          <ActionIcon variant="subtle" size="sm" aria-label={`Teams of ${a.name}`} onClick={onTeams}>
            <IconUsersGroup size={14} />
          </ActionIcon>
        </Group>
      </Table.Td>
      <Table.Td>
        <Badge color={PRESENCE_COLOR[status] ?? 'gray'} variant="light">
          {(PRESENCE_LABEL[status] ?? status) + (status === 'not-ready' && a.reason ? `: ${a.reason}` : '')}
        </Badge>
      </Table.Td>
      <Table.Td ta="right" ff="monospace">
        {elapsedText(a.since, now)}
      </Table.Td>
      <Table.Td>
        <Group gap={6} justify="flex-end" wrap="nowrap">
          <Progress
            w={80}
            value={a.capacity > 0 ? (a.load / a.capacity) * 100 : 0}
            color={full ? 'red' : a.load > 0 ? 'blue' : 'gray'}
            aria-label={`Load of ${a.name}: ${a.load} of ${a.capacity}`}
          />
          <Text size="sm" ff="monospace">
            {a.load}/{a.capacity}
          </Text>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
