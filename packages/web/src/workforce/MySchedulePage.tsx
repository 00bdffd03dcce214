import { useState } from 'react';
import { Badge, Button, Chip, Group, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api, formErrors } from '../api/client';
import { Section } from '../supervisor/Section';
import { daysAheadAt, fromLocalInput, toLocalInput } from '../lib/datetime';
import { formatDateTime } from '../lib/time';
import { ActionError } from '../lib/LoadStates';
import { ACTIVITY_COLOR, ACTIVITY_LABEL, clock, dayKey, dayLabel, useMySchedule, usePreferences, useWeekParam, useWorkforceAction, WEEKDAYS, type Preferences } from './data';
import { TIME_OFF_COLOR } from './TimeOffTab';
import { BidPanel } from './BidPanel';

/** Employee schedule preferences: the start and days off one would rather have; the next draft weighs them. */
function Wishes() {
  const prefs = usePreferences();
  const qc = useQueryClient();
  const [start, setStart] = useState<string | null>(null);
  const [off, setOff] = useState<string[] | null>(null);
  const save = useMutation({
    mutationFn: () => api<Preferences>('/me/schedule-preferences', { method: 'PUT', body: { preferredStart: (start ?? prefs.data?.preferredStart) || null, preferredDaysOff: (off ?? (prefs.data?.preferredDaysOff ?? []).map(String)).map(Number) } }),
    onSuccess: (p) => (qc.setQueryData(['me', 'schedule-preferences'], p), notifications.show({ color: 'teal', message: 'Saved: the next schedule weighs your wishes' })),
  });
  if (!prefs.data?.contract) return null;
  const p = prefs.data;
  const limits = [p.days ? `on ${p.days.map((d) => WEEKDAYS[d - 1]).join(', ')}` : null, p.earliest ? `from ${p.earliest}` : null, p.latest ? `until ${p.latest}` : null].filter(Boolean).join(' ');
  return (
    <Paper withBorder p="md" component="form" aria-labelledby="my-wishes" onSubmit={(e) => (e.preventDefault(), save.mutate())}>
      <Title order={3} size="h5" id="my-wishes">
        My wishes
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        Your contract: up to {p.hoursPerWeek} h a week{limits ? ` ${limits}` : ''}. Wishes are kept when the cover allows.
      </Text>
      <Group align="end" gap="md">
        <TextInput type="time" label="I prefer to start at" value={start ?? p.preferredStart ?? ''} onChange={(e) => setStart(e.currentTarget.value)} w={180} />
        <Chip.Group multiple value={off ?? (p.preferredDaysOff ?? []).map(String)} onChange={setOff}>
          <Group gap={4} role="group" aria-label="Days I would rather have off">
            {WEEKDAYS.map((d, i) => (
              <Chip key={d} value={String(i + 1)} size="xs">
                {d}
              </Chip>
            ))}
          </Group>
        </Chip.Group>
        <Button type="submit" size="xs" loading={save.isPending}>
          Save wishes
        </Button>
      </Group>
      <ActionError error={save.error} title="Not saved" />
    </Paper>
  );
}

function AskTimeOff() {
  const [start, setStart] = useState(() => toLocalInput(daysAheadAt(7, 0)));
  const [end, setEnd] = useState(() => toLocalInput(daysAheadAt(8, 0)));
  const [note, setNote] = useState('');
  const ask = useWorkforceAction(() => api('/me/time-off', { method: 'POST', body: { start: fromLocalInput(start)?.toISOString(), end: fromLocalInput(end)?.toISOString(), ...(note ? { note } : {}) } }));
  const errors = formErrors(ask.error, ['start', 'end', 'note']);
  return (
    <Paper withBorder p="md" component="form" aria-labelledby="ask-time-off" onSubmit={(e) => {
      e.preventDefault();
      ask.mutate(undefined, { onSuccess: () => (notifications.show({ color: 'teal', message: 'Asked: your supervisor decides' }), setNote('')) });
    }}>
      <Title order={3} size="h5" id="ask-time-off" mb="xs">
        Ask for time off
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput type="datetime-local" label="From" value={start} onChange={(e) => setStart(e.currentTarget.value)} error={errors.fields.start} required />
        <TextInput type="datetime-local" label="To" value={end} onChange={(e) => setEnd(e.currentTarget.value)} error={errors.fields.end} required />
        <TextInput label="Note" value={note} onChange={(e) => setNote(e.currentTarget.value)} error={errors.fields.note} maxLength={500} placeholder="Optional" />
      </SimpleGrid>
      {errors.general && <Text c="red" size="sm" mt="xs">{errors.general}</Text>}
      <Button type="submit" size="xs" mt="sm" loading={ask.isPending}>
        Ask
      </Button>
    </Paper>
  );
}

/** Everyone's own page: their published week, day by day, and their time off. */
export function MySchedulePage() {
  const [week, step] = useWeekParam();
  const mine = useMySchedule(week);
  const cancel = useWorkforceAction((id: string) => api(`/me/time-off/${id}/cancel`, { method: 'POST' }));
  const s = mine.data;
  const days = new Map<string, NonNullable<typeof s>['activities']>();
  for (const a of s?.activities ?? []) days.set(dayKey(a.start, s!.zone), [...(days.get(dayKey(a.start, s!.zone)) ?? []), a]);
  const paid = (s?.activities ?? []).filter((a) => a.kind !== 'time-off').reduce((t, a) => t + Date.parse(a.end) - Date.parse(a.start), 0) / 3_600_000;
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>My schedule</Title>
        <Group gap="xs" role="group" aria-label="Week">
          <Button size="xs" variant="default" onClick={() => step(-1)} aria-label="Previous week">←</Button>
          <Text size="sm" fw={500} miw={150} ta="center" aria-live="polite">
            Week of {new Date(`${week}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', timeZone: 'UTC' })}
          </Text>
          <Button size="xs" variant="default" onClick={() => step(1)} aria-label="Next week">→</Button>
        </Group>
      </Group>
      <Section id="my-week" title={s?.published ? `My week: ${Math.round(paid * 10) / 10} h` : 'My week'} query={mine} empty={!s?.published || !s.activities.length} emptyText={s?.published ? 'Nothing scheduled for you this week.' : 'This week is not published yet.'}>
        <Table fz="sm" aria-labelledby="my-week">
          <Table.Tbody>
            {[...days].map(([d, acts]) => (
              <Table.Tr key={d}>
                <Table.Td w={120} fw={500}>{dayLabel(acts[0]!.start, s!.zone)}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {acts.map((a) => (
                      <Badge key={a.start} variant="light" color={ACTIVITY_COLOR[a.kind]} tt="none">
                        {ACTIVITY_LABEL[a.kind]} {clock(a.start, s!.zone)}–{clock(a.end, s!.zone)}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {s && <Text size="xs" c="dimmed" mt="xs">Times in {s.zone}.</Text>}
      </Section>
      <BidPanel week={week} />
      <Wishes />
      <AskTimeOff />
      <Section id="my-time-off" title="My time off" query={mine} empty={!s?.timeOff.length} emptyText="You have not asked for time off.">
        <Table fz="sm" aria-labelledby="my-time-off">
          <Table.Tbody>
            {(s?.timeOff ?? []).map((t) => (
              <Table.Tr key={t.id}>
                <Table.Td>{formatDateTime(t.start)} – {formatDateTime(t.end)}</Table.Td>
                <Table.Td>{t.note}</Table.Td>
                <Table.Td><Badge color={TIME_OFF_COLOR[t.status]} variant="light">{t.status}</Badge></Table.Td>
                <Table.Td ta="right">
                  {(t.status === 'requested' || (t.status === 'approved' && Date.parse(t.start) > Date.now())) && (
                    <Button size="compact-xs" variant="default" loading={cancel.isPending && cancel.variables === t.id} onClick={() => cancel.mutate(t.id)}>
                      Take back
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Section>
    </Stack>
  );
}
