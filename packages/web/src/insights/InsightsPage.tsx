import { useState } from 'react';
import { Alert, Button, Group, Loader, Paper, Select, SimpleGrid, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconArrowLeft, IconTarget } from '@tabler/icons-react';
import { errorMessage } from '../api/client';
import { useReportCatalog } from '../reports/data';
import { bucketLabel, isoDay } from '../reports/format';
import { useInsights, type InsightInterval } from './data';
import { Findings } from './Findings';
import { QueueCard } from './QueueCard';
import { AgentsTable } from './AgentsTable';
import { GoalsDialog, type GoalScope } from './GoalsDialog';

const DAY = 86_400_000;
const INTERVALS: { value: InsightInterval; label: string }[] = [
  { value: 'hour', label: 'Hour' },
  { value: 'day', label: 'Day' },
  { value: 'week', label: 'Week' },
  { value: 'month', label: 'Month' },
];
const plusDays = (day: string, n: number) => isoDay(new Date(new Date(`${day}T00:00`).getTime() + n * DAY));

/**
 * KPI insights (BO07): each queue and agent against its goal, the periods and agents that stand out,
 * and the findings worst first; drill down by queue and team, set goals where they are read.
 */
export function InsightsPage() {
  const catalog = useReportCatalog();
  const today = isoDay(new Date());
  const [from, setFrom] = useState(plusDays(today, -13));
  const [to, setTo] = useState(today);
  const [interval, setInterval] = useState<InsightInterval>('day');
  const [queue, setQueue] = useState<string | null>(null);
  const [team, setTeam] = useState<string | null>(null);
  const [goals, setGoals] = useState<GoalScope | null>(null);
  const zone = catalog.data?.timeZone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  const insights = useInsights({ from, to: plusDays(to, 1), interval, tz: zone, queue: queue ?? undefined, team: team ?? undefined });
  const data = insights.data;
  const names = (f: 'queue' | 'team') => new Map((catalog.data?.filterValues[f] ?? []).map((o) => [o.id, o.name]));
  const teamName = (id: string) => names('team').get(id) ?? id;
  const labels = data ? data.buckets.map((b) => bucketLabel(b, data.interval, data.timeZone)) : [];
  const queueKpis = data?.kpis.filter((k) => k.subject === 'queue') ?? [];
  const agentKpis = data?.kpis.filter((k) => k.subject === 'agent') ?? [];

  const zoom = (bucket: string) => {
    const day = new Date(bucket).toLocaleDateString('en-CA', { timeZone: zone });
    setFrom(day);
    setTo(interval === 'week' ? plusDays(day, 6) : day);
    setInterval(interval === 'week' ? 'day' : 'hour');
  };

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Insights</Title>
        {queue && (
          <Button variant="subtle" leftSection={<IconArrowLeft size={16} aria-hidden />} onClick={() => setQueue(null)}>
            All queues
          </Button>
        )}
      </Group>
      <Paper withBorder p="md" component="form" aria-label="Insight settings" onSubmit={(e) => e.preventDefault()}>
        <SimpleGrid cols={{ base: 1, sm: 3, md: 5 }} spacing="sm">
          <TextInput label="From" type="date" value={from} max={to} onChange={(e) => setFrom(e.currentTarget.value)} />
          <TextInput label="To (inclusive)" type="date" value={to} min={from} onChange={(e) => setTo(e.currentTarget.value)} />
          <Select label="Per" data={INTERVALS} value={interval} onChange={(v) => v && setInterval(v as InsightInterval)} allowDeselect={false} />
          <Select label="Team" placeholder="All teams" clearable searchable data={(catalog.data?.filterValues.team ?? []).map((o) => ({ value: o.id, label: o.name }))} value={team} onChange={setTeam} />
          <Select label="Queue" placeholder="All queues" clearable searchable data={(catalog.data?.filterValues.queue ?? []).map((o) => ({ value: o.id, label: o.name }))} value={queue} onChange={setQueue} />
        </SimpleGrid>
        <Text size="sm" c="dimmed" mt="sm">
          A period or agent is unusual when it is far worse than the others (more than 3.5 robust deviations from the median, and by a material amount). Times in {zone}.
        </Text>
      </Paper>
      {insights.isError && (
        <Alert color="red" title="Could not load the insights">
          {errorMessage(insights.error)}
        </Alert>
      )}
      {insights.isPending && <Skeleton h={240} aria-label="Loading the insights" />}
      {data && (
        <>
          <Paper withBorder p="md" component="section" aria-labelledby="insights-findings" aria-busy={insights.isFetching}>
            <Group gap="xs" mb="sm">
              <Title order={3} size="h4" id="insights-findings">
                Findings
              </Title>
              {insights.isFetching && <Loader size="xs" aria-label="Refreshing the insights" />}
            </Group>
            {data.findings.length === 0 ? (
              <Text size="sm" c="dimmed">
                Nothing stands out: every goal is met and no period or agent is unusual.
              </Text>
            ) : (
              <Findings findings={data.findings} interval={data.interval} onQueue={queue ? undefined : setQueue} onZoom={zoom} />
            )}
          </Paper>
          <section aria-labelledby="insights-queues">
            <Title order={3} size="h4" id="insights-queues" mb="sm">
              {queue ? 'Queue' : 'Queues'}
            </Title>
            {data.queues.length === 0 && !queue && <Text size="sm" c="dimmed">No queue had work in this range.</Text>}
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
              {!queue && <QueueCard subject={data.overall} kpis={queueKpis} labels={labels} onGoals={() => setGoals({ subject: 'queue', id: null, name: 'every queue (defaults)' })} />}
              {data.queues.map((q) => (
                <QueueCard key={q.id} subject={q} kpis={queueKpis} labels={labels} onOpen={queue ? undefined : () => setQueue(q.id)} onGoals={() => setGoals({ subject: 'queue', id: q.id, name: q.name })} />
              ))}
            </SimpleGrid>
          </section>
          <Paper withBorder p="md" component="section" aria-labelledby="insights-agents">
            <Group justify="space-between" mb="sm">
              <Title order={3} size="h4" id="insights-agents">
                {queue ? `Agents in ${names('queue').get(queue) ?? queue}` : 'Agents'}
              </Title>
              <Button size="compact-sm" variant="subtle" leftSection={<IconTarget size={14} aria-hidden />} onClick={() => setGoals(team ? { subject: 'agent', id: team, name: teamName(team) } : { subject: 'agent', id: null, name: 'every agent (defaults)' })}>
                {team ? `Goals of ${teamName(team)}` : 'Agent goals'}
              </Button>
            </Group>
            {queue && (
              <Text size="sm" c="dimmed" mb="xs">
                Handle times in this queue only.
              </Text>
            )}
            {data.agents.length === 0 ? (
              <Text size="sm" c="dimmed">
                No agent worked in this range.
              </Text>
            ) : (
              <AgentsTable agents={data.agents} kpis={agentKpis} teamName={teamName} />
            )}
          </Paper>
        </>
      )}
      {goals && <GoalsDialog key={`${goals.subject}:${goals.id}`} scope={goals} kpis={data?.kpis ?? []} onClose={() => setGoals(null)} />}
    </Stack>
  );
}
