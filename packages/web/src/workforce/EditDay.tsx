import { useState } from 'react';
import { ActionIcon, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { notifications } from '@mantine/notifications';
import { api } from '../api/client';
import { ActionError } from '../lib/LoadStates';
import { ACTIVITY_LABEL, clock, dayKey, dayLabel, useWorkforceAction, type Activity, type ActivityKind, type Schedule } from './data';

export interface DayToEdit {
  user: string;
  name: string;
  /** YYYY-MM-DD in the plan's zone. */
  day: string;
}

interface Row {
  kind: ActivityKind;
  start: string;
  end: string;
}

const anHourAfter = (hhmm: string) => `${String((Number(hhmm.slice(0, 2)) + 1) % 24).padStart(2, '0')}:${hhmm.slice(3, 5) || '00'}`;
const KINDS = Object.entries(ACTIVITY_LABEL).map(([value, label]) => ({ value, label }));

/**
 * A supervisor's edit of one person's day: its activities as rows of kind, start and end (wall
 * times in the plan's zone); saved as the person's whole week with the other days as they were.
 */
export function EditDay({ s, edit, onClose }: { s: Schedule; edit: DayToEdit; onClose: () => void }) {
  const mine = s.activities.filter((a) => a.user === edit.user);
  const today = mine.filter((a) => dayKey(a.start, s.zone) === edit.day);
  const [rows, setRows] = useState<Row[]>(() => today.map((a) => ({ kind: a.kind, start: clock(a.start, s.zone), end: clock(a.end, s.zone) })));
  // Wall time on this day -> instant: the day's hours are in the schedule (whole hours of the plan's zone).
  const dayHours = s.hours.filter((h) => dayKey(h.start, s.zone) === edit.day);
  const instant = (hhmm: string): string | null => {
    if (hhmm === '24:00' || hhmm === '00:00') return null;
    const h = dayHours.find((x) => clock(x.start, s.zone).slice(0, 2) === hhmm.slice(0, 2));
    return h ? new Date(Date.parse(h.start) + Number(hhmm.slice(3, 5)) * 60_000).toISOString() : null;
  };
  const dayEnd = new Date(Date.parse(dayHours.at(-1)?.start ?? '') + 3_600_000).toISOString();
  const save = useWorkforceAction((activities: Omit<Activity, 'user'>[]) => api(`/workforce/schedules/${s.week}/people/${edit.user}`, { method: 'PUT', body: { activities } }));
  const [local, setLocal] = useState<string | null>(null);
  const submit = () => {
    const built: Omit<Activity, 'user'>[] = [];
    for (const [i, r] of rows.entries()) {
      const start = instant(r.start);
      const end = r.end === '00:00' || r.end === '24:00' ? dayEnd : instant(r.end);
      if (!start || !end) return setLocal(`Row ${i + 1}: times from 00:00 to 24:00 on this day`);
      built.push({ kind: r.kind, start, end });
    }
    setLocal(null);
    const others = mine.filter((a) => dayKey(a.start, s.zone) !== edit.day).map(({ kind, start, end }) => ({ kind, start, end }));
    save.mutate([...others, ...built], { onSuccess: () => (notifications.show({ color: 'teal', message: `${edit.name}'s ${dayLabel(`${edit.day}T12:00:00Z`, 'UTC')} saved` }), onClose()) });
  };
  return (
    <Modal opened onClose={onClose} title={`${edit.name}, ${dayLabel(`${edit.day}T12:00:00Z`, 'UTC')}`} size="lg">
      <Stack gap="xs">
        {rows.length === 0 && <Text size="sm" c="dimmed">Nothing scheduled: a day off.</Text>}
        {rows.map((r, i) => (
          <Group key={i} gap="xs" align="end">
            <Select label={i === 0 ? 'Activity' : undefined} aria-label={`Activity ${i + 1}`} data={KINDS} value={r.kind} onChange={(v) => v && setRows(rows.map((x, j) => (j === i ? { ...x, kind: v as ActivityKind } : x)))} w={140} allowDeselect={false} />
            <TextInput label={i === 0 ? 'From' : undefined} aria-label={`From ${i + 1}`} type="time" value={r.start} onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, start: e.currentTarget.value } : x)))} w={130} />
            <TextInput label={i === 0 ? 'To' : undefined} aria-label={`To ${i + 1}`} type="time" value={r.end} onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, end: e.currentTarget.value } : x)))} w={130} />
            <ActionIcon variant="subtle" color="red" aria-label={`Remove activity ${i + 1}`} onClick={() => setRows(rows.filter((_, j) => j !== i))} mb={4}>
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        ))}
        <Group>
          <Button size="xs" variant="light" onClick={() => setRows([...rows, rows.length ? { kind: 'work', start: rows.at(-1)!.end, end: anHourAfter(rows.at(-1)!.end) } : { kind: 'work', start: '09:00', end: '17:00' }])}>
            Add activity
          </Button>
        </Group>
        <Text size="xs" c="dimmed">Times in {s.zone}; activities must not overlap. The person sees the change on My schedule once the week is published.</Text>
        {local && <Text size="sm" c="red">{local}</Text>}
        <ActionError error={save.error} title="Not saved" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button onClick={submit} loading={save.isPending}>Save the day</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
