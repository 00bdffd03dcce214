import { useState } from 'react';
import { Badge, Button, Group, Paper, Skeleton, Stack, Table, Text, Title, Tooltip, UnstyledButton } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { api, ApiError, errorMessage } from '../api/client';
import { Section } from '../supervisor/Section';
import { formatDateTime } from '../lib/time';
import { CoverChart } from './CoverChart';
import { EditDay, type DayToEdit } from './EditDay';
import { ACTIVITY_COLOR, ACTIVITY_LABEL, clock, dayKey, dayLabel, percent, useForecast, useSchedule, useWorkforceAction, type Activity, type Forecast, type Schedule } from './data';

/** One person's day: the shift's span and a strip of its activities. */
function DayCell({ acts, zone }: { acts: Activity[]; zone: string }) {
  if (!acts.length) return <Text size="xs" c="dimmed">off</Text>;
  const from = Date.parse(acts[0]!.start);
  const to = Date.parse(acts.at(-1)!.end);
  const off = acts.every((a) => a.kind === 'time-off');
  const label = off ? 'Time off' : `${clock(acts[0]!.start, zone)}–${clock(acts.at(-1)!.end, zone)}`;
  const away = acts.filter((a) => a.kind !== 'work').map((a) => `${ACTIVITY_LABEL[a.kind]} ${clock(a.start, zone)}–${clock(a.end, zone)}`);
  return (
    <Tooltip label={away.join(', ') || 'Work'} withArrow>
      <div aria-label={`${label}${away.length ? `; ${away.join(', ')}` : ''}`}>
        <Text size="xs" fw={500}>{label}</Text>
        <svg width="100%" height="6" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden focusable="false">
          {acts.map((a) => (
            <rect key={a.start} x={((Date.parse(a.start) - from) / (to - from || 1)) * 100} width={((Date.parse(a.end) - Date.parse(a.start)) / (to - from || 1)) * 100} height={6} fill={`var(--mantine-color-${ACTIVITY_COLOR[a.kind]}-5)`} />
          ))}
        </svg>
      </div>
    </Tooltip>
  );
}

function ScheduleGrid({ s, canEdit }: { s: Schedule; canEdit: boolean }) {
  const names = new Map(s.people.map((p) => [p.id, p.name]));
  const [edit, setEdit] = useState<DayToEdit | null>(null);
  const days = [...new Set(s.hours.map((h) => dayKey(h.start, s.zone)))];
  const firstHourOf = new Map<string, string>();
  for (const h of s.hours) if (!firstHourOf.has(dayKey(h.start, s.zone))) firstHourOf.set(dayKey(h.start, s.zone), h.start);
  const people = [...new Set(s.activities.map((a) => a.user))].sort((a, b) => (names.get(a) ?? a).localeCompare(names.get(b) ?? b));
  const hoursOf = (u: string) => s.activities.filter((a) => a.user === u && a.kind !== 'time-off').reduce((t, a) => t + Date.parse(a.end) - Date.parse(a.start), 0) / 3_600_000;
  if (!people.length) return <Text size="sm" c="dimmed">Nobody is scheduled this week: the forecast needs nobody, or no contract allows a shift.</Text>;
  return (
    <>
      <Table fz="sm" aria-label="Schedule by person and day" withColumnBorders>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Person</Table.Th>
            {days.map((d) => (
              <Table.Th key={d}>{dayLabel(firstHourOf.get(d)!, s.zone)}</Table.Th>
            ))}
            <Table.Th ta="right">Paid</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {people.map((u) => (
            <Table.Tr key={u}>
              <Table.Td>{names.get(u) ?? u}</Table.Td>
              {days.map((d) => (
                <Table.Td key={d}>
                  {canEdit ? (
                    <UnstyledButton w="100%" onClick={() => setEdit({ user: u, name: names.get(u) ?? u, day: d })} aria-label={`Edit ${names.get(u) ?? u}, ${d}`}>
                      <DayCell acts={s.activities.filter((a) => a.user === u && dayKey(a.start, s.zone) === d)} zone={s.zone} />
                    </UnstyledButton>
                  ) : (
                    <DayCell acts={s.activities.filter((a) => a.user === u && dayKey(a.start, s.zone) === d)} zone={s.zone} />
                  )}
                </Table.Td>
              ))}
              <Table.Td ta="right">{Math.round(hoursOf(u) * 10) / 10} h</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {edit && <EditDay s={s} edit={edit} onClose={() => setEdit(null)} />}
    </>
  );
}

function QueueForecasts({ f }: { f: Forecast }) {
  const rows = f.queues.filter((q) => q.hours.some((h) => h.contacts > 0 || (h.actual ?? 0) > 0));
  if (!rows.length) return <Text size="sm" c="dimmed">No queue has history to learn from yet: the forecast needs past weeks of work.</Text>;
  return (
    <Table fz="sm" aria-label="Forecast per queue">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Queue</Table.Th>
          <Table.Th ta="right">Expected</Table.Th>
          <Table.Th ta="right">Came so far</Table.Th>
          <Table.Th ta="right">Forecast error</Table.Th>
          <Table.Th ta="right">Handle time</Table.Th>
          <Table.Th ta="right">Most people an hour</Table.Th>
          <Table.Th>Goal</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((q) => {
          const expected = q.hours.reduce((t, h) => t + h.contacts, 0);
          const came = q.hours.filter((h) => h.actual !== undefined);
          const busy = q.hours.filter((h) => h.contacts > 0);
          const aht = busy.length ? busy.reduce((t, h) => t + h.handleSeconds * h.contacts, 0) / busy.reduce((t, h) => t + h.contacts, 0) : null;
          return (
            <Table.Tr key={q.queue}>
              <Table.Td>{q.name}</Table.Td>
              <Table.Td ta="right">{Math.round(expected)}</Table.Td>
              <Table.Td ta="right">{came.length ? came.reduce((t, h) => t + (h.actual ?? 0), 0) : '—'}</Table.Td>
              <Table.Td ta="right">{percent(q.error)}</Table.Td>
              <Table.Td ta="right">{aht === null ? '—' : `${Math.round(aht / 6) / 10} min`}</Table.Td>
              <Table.Td ta="right">{Math.max(...q.hours.map((h) => h.agents))}</Table.Td>
              <Table.Td>
                <Text size="xs">
                  {Math.round(q.goal.serviceLevel * 100)} % in {q.goal.thresholdSeconds >= 3600 ? `${Math.round(q.goal.thresholdSeconds / 360) / 10} h (workload)` : `${q.goal.thresholdSeconds} s`}
                  {q.goal.concurrency > 1 ? `, ${q.goal.concurrency} at once` : ''}
                </Text>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

/** Contacts per hour, all queues: the forecast against what came (the hours already past). */
function ContactsChart({ f, zone }: { f: Forecast; zone: string }) {
  const hours = f.need.map((n, i) => {
    const qs = f.queues.map((q) => q.hours[i]!);
    const past = qs.some((h) => h.actual !== undefined);
    return { start: n.start, need: qs.reduce((t, h) => t + h.contacts, 0), scheduled: past ? qs.reduce((t, h) => t + (h.actual ?? 0), 0) : null };
  });
  const came = hours.filter((h) => h.scheduled !== null);
  const forecast = came.reduce((t, h) => t + h.need, 0);
  const actual = came.reduce((t, h) => t + (h.scheduled ?? 0), 0);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="wf-contacts">
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h5" id="wf-contacts">
          Contacts: forecast and what came
        </Title>
        {came.length > 0 && (
          <Text size="xs" c="dimmed">
            So far {actual} came against {Math.round(forecast)} forecast ({forecast ? `${actual >= forecast ? '+' : ''}${Math.round(((actual - forecast) / forecast) * 100)} %` : '—'})
          </Text>
        )}
      </Group>
      <CoverChart hours={hours} zone={zone} label="Contacts per hour" words={{ line: 'forecast', bars: 'came', gap: 'fewer than forecast', unit: 'contacts' }} />
    </Paper>
  );
}

/** The week's plan: what the forecast needs, the schedule that covers it, and the actions on it. */
export function PlanTab({ week, canPlan }: { week: string; canPlan: boolean }) {
  const forecast = useForecast(week);
  const schedule = useSchedule(week);
  const none = schedule.error instanceof ApiError && schedule.error.status === 404;
  type Verb = 'generate' | 'publish' | 'unpublish' | 'bidding' | 'bidding/close';
  const act = useWorkforceAction((verb: Verb) => api<{ moved?: number; unawarded?: number[]; without?: string[] }>(`/workforce/schedules/${week}/${verb}`, { method: 'POST' }));
  const run = (verb: Verb, done: string) =>
    act.mutate(verb, {
      onSuccess: (r) =>
        notifications.show({
          color: 'teal',
          message: verb === 'bidding/close' ? `Bidding closed: ${r.moved ?? 0} line(s) changed hands${r.unawarded?.length ? `, line(s) ${r.unawarded.join(', ')} fit nobody` : ''}` : done,
        }),
      onError: (e) => notifications.show({ color: 'red', title: 'Not done', message: errorMessage(e) }),
    });
  const s = schedule.data;
  const zone = s?.zone ?? forecast.data?.zone ?? 'UTC';
  const cover = s
    ? s.hours.map((h) => ({ start: h.start, need: h.need, scheduled: h.scheduled }))
    : (forecast.data?.need ?? []).map((h) => ({ start: h.start, need: h.scheduled, scheduled: null }));
  return (
    <Stack gap="md">
      <Paper withBorder p="md" component="section" aria-labelledby="wf-cover">
        <Group justify="space-between" mb="xs">
          <Group gap="xs">
            <Title order={3} size="h5" id="wf-cover">
              People needed and scheduled
            </Title>
            {s && <Badge color={s.status === 'published' ? 'teal' : s.status === 'bidding' ? 'violet' : 'gray'}>{s.status === 'published' ? 'Published' : s.status === 'bidding' ? 'Open for bids' : 'Draft'}</Badge>}
            {s?.status === 'bidding' && <Text size="xs" c="dimmed">{s.bids ?? 0} of {s.people.length} people have bid</Text>}
            {none && <Badge color="gray" variant="outline">Not scheduled</Badge>}
          </Group>
          {canPlan && (
            <Group gap="xs">
              {s?.status === 'draft' && (
                <Button size="xs" variant="default" loading={act.isPending && act.variables === 'bidding'} onClick={() => run('bidding', 'Open for bids: people rank the lines on My schedule')}>
                  Open bidding
                </Button>
              )}
              {s?.status === 'bidding' && (
                <Button size="xs" color="violet" loading={act.isPending && act.variables === 'bidding/close'} onClick={() => run('bidding/close', '')}>
                  Close bidding
                </Button>
              )}
              {s?.status !== 'published' && s?.status !== 'bidding' && (
                <Button size="xs" variant={s ? 'default' : 'filled'} loading={act.isPending && act.variables === 'generate'} onClick={() => run('generate', s ? 'A new draft is made' : 'A draft is made')}>
                  {s ? 'Generate again' : 'Generate draft'}
                </Button>
              )}
              {s?.status === 'draft' && (
                <Button size="xs" color="teal" loading={act.isPending && act.variables === 'publish'} onClick={() => run('publish', 'Published: people see their week')}>
                  Publish
                </Button>
              )}
              {s?.status === 'published' && (
                <Button size="xs" variant="default" loading={act.isPending && act.variables === 'unpublish'} onClick={() => run('unpublish', 'Back to a draft')}>
                  Unpublish
                </Button>
              )}
            </Group>
          )}
        </Group>
        {forecast.isPending && schedule.isPending ? <Skeleton h={140} aria-label="Loading the plan" /> : <CoverChart hours={cover} zone={zone} label="People per hour" />}
        {s && (
          <Text size="xs" c="dimmed" mt={4}>
            Generated {formatDateTime(s.generatedAt)}
            {s.publishedAt ? `, published ${formatDateTime(s.publishedAt)}` : ''}. Times in {s.zone}. Needed people include {Math.round((forecast.data?.shrinkage ?? 0) * 100)} % shrinkage.
          </Text>
        )}
      </Paper>
      {forecast.data && <ContactsChart f={forecast.data} zone={zone} />}
      <Section id="wf-schedule" title="Schedule" query={none ? { ...schedule, isError: false, isPending: false } : schedule} empty={none} emptyText={canPlan ? 'This week is not scheduled yet: Generate draft builds one from the forecast, the shifts and the contracts.' : 'This week is not scheduled yet.'}>
        {s && <ScheduleGrid s={s} canEdit={canPlan && s.status !== 'bidding'} />}
      </Section>
      <Section id="wf-forecast" title="Forecast per queue" query={forecast} empty={false} emptyText="">
        {forecast.data && <QueueForecasts f={forecast.data} />}
      </Section>
    </Stack>
  );
}
