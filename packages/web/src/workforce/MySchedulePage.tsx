import { useState } from 'react';
import { Badge, Button, Group, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { api, formErrors } from '../api/client';
import { Section } from '../supervisor/Section';
import { daysAheadAt, fromLocalInput, toLocalInput } from '../lib/datetime';
import { formatDateTime } from '../lib/time';
import { ACTIVITY_COLOR, ACTIVITY_LABEL, clock, dayKey, dayLabel, mondayOf, shiftWeek, useMySchedule, useWorkforceAction } from './data';
import { TIME_OFF_COLOR } from './TimeOffTab';

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
  const thisWeek = mondayOf(Date.now());
  const [week, setWeek] = useState(thisWeek);
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
          <Button size="xs" variant="default" onClick={() => setWeek(shiftWeek(week, -1))} aria-label="Previous week">←</Button>
          <Text size="sm" fw={500} miw={150} ta="center" aria-live="polite">
            Week of {new Date(`${week}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', timeZone: 'UTC' })}
          </Text>
          <Button size="xs" variant="default" onClick={() => setWeek(shiftWeek(week, 1))} aria-label="Next week">→</Button>
        </Group>
      </Group>
      <Section id="my-week" title={s?.published ? `This week: ${Math.round(paid * 10) / 10} h` : 'This week'} query={mine} empty={!s?.published || !s.activities.length} emptyText={s?.published ? 'Nothing scheduled for you this week.' : 'This week is not published yet.'}>
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
