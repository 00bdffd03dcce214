import { useEffect, useState } from 'react';
import { ActionIcon, Button, Chip, Group, NumberInput, Paper, Select, SimpleGrid, Skeleton, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api, ApiError } from '../api/client';
import type { List } from '../api/types';
import { ActionError } from '../lib/LoadStates';
import { WEEKDAYS } from './data';

interface Shift { id: string; name: string; start: string; hours: number; days?: number[] }
interface Contract { user: string; hoursPerWeek: number; days?: number[]; earliest?: string; latest?: string; preferredStart?: string; preferredDaysOff?: number[] }
interface QueueGoal { queue: string; serviceLevel?: number; maxOccupancy?: number; concurrency?: number; plan?: boolean }
interface Settings { weeks: number; shrinkage: number; serviceLevel: number; maxOccupancy: number; pool?: boolean; queues: QueueGoal[]; shifts: Shift[]; contracts: Contract[] }

const pct = (v: number) => Math.round(v * 1000) / 10;
const Days = ({ value, onChange, label }: { value: number[] | undefined; onChange: (d: number[] | undefined) => void; label: string }) => (
  <Chip.Group multiple value={(value ?? [1, 2, 3, 4, 5, 6, 7]).map(String)} onChange={(v) => onChange(v.length === 7 || !v.length ? undefined : v.map(Number).sort())}>
    <Group gap={2} role="group" aria-label={label} wrap="nowrap">
      {WEEKDAYS.map((d, i) => (
        <Chip key={d} value={String(i + 1)} size="xs">
          {d.slice(0, 2)}
        </Chip>
      ))}
    </Group>
  </Chip.Group>
);

/** The planning settings as a form: goals, shift templates, contracts (supervisors and admins). */
export function SettingsTab() {
  const qc = useQueryClient();
  const stored = useQuery({ queryKey: ['workforce', 'settings'], queryFn: () => api<Settings>('/workforce/settings') });
  const queues = useQuery({ queryKey: ['queues', 'all'], queryFn: () => api<List<{ id: string; name: string; serviceLevelSeconds?: number }>>('/queues') });
  const people = useQuery({ queryKey: ['users', 'all'], queryFn: () => api<List<{ id: string; name: string; roles: string[]; disabled?: boolean }>>('/users') });
  const [s, setS] = useState<Settings | null>(null);
  useEffect(() => {
    if (stored.data && !s) setS(structuredClone(stored.data));
  }, [stored.data, s]);
  const save = useMutation({
    mutationFn: (body: Settings) => api<Settings>('/workforce/settings', { method: 'PUT', body }),
    onSuccess: (saved) => {
      setS(structuredClone(saved));
      qc.setQueryData(['workforce', 'settings'], saved);
      void qc.invalidateQueries({ queryKey: ['workforce', 'forecast'] });
      notifications.show({ color: 'teal', message: 'Planning settings saved: the next forecast and draft use them' });
    },
  });
  if (!s) return <Skeleton h={300} aria-label="Loading the planning settings" />;
  // Each refused field shows its reason where it is (the API names it by JSON pointer).
  const at = new Map(save.error instanceof ApiError ? save.error.errors.map((e) => [e.pointer, e.message]) : []);
  const set = (patch: Partial<Settings>) => setS({ ...s, ...patch });
  const shift = (i: number, patch: Partial<Shift>) => set({ shifts: s.shifts.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
  const contract = (i: number, patch: Partial<Contract>) => set({ contracts: s.contracts.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
  // A queue's own goal, kept only where it differs from the defaults (an empty entry is dropped).
  const goal = (queue: string, patch: Partial<QueueGoal>) => {
    const have = s.queues.find((q) => q.queue === queue) ?? { queue };
    const next = Object.fromEntries(Object.entries({ ...have, ...patch }).filter(([, v]) => v !== undefined)) as unknown as QueueGoal;
    const rest = s.queues.filter((q) => q.queue !== queue);
    set({ queues: Object.keys(next).length > 1 ? [...rest, next] : rest });
  };
  const agents = (people.data?.items ?? []).filter((u) => u.roles.includes('agent') && !u.disabled);
  const free = agents.filter((a) => !s.contracts.some((c) => c.user === a.id));
  return (
    <Stack gap="md" component="form" aria-label="Planning settings" onSubmit={(e) => (e.preventDefault(), save.mutate(s))}>
      <Paper withBorder p="md">
        <Title order={3} size="h5" mb="xs">Goals</Title>
        <SimpleGrid cols={{ base: 2, md: 5 }}>
          <NumberInput label="Weeks of history" min={1} max={12} value={s.weeks} onChange={(v) => set({ weeks: Number(v) || 1 })} />
          <NumberInput label="Shrinkage %" min={0} max={90} value={pct(s.shrinkage)} onChange={(v) => set({ shrinkage: Number(v) / 100 })} />
          <NumberInput label="Service level %" min={0} max={100} value={pct(s.serviceLevel)} onChange={(v) => set({ serviceLevel: Number(v) / 100 })} description="within each queue's service-level seconds" />
          <NumberInput label="Occupancy at most %" min={30} max={100} value={pct(s.maxOccupancy)} onChange={(v) => set({ maxOccupancy: Number(v) / 100 })} />
          <Switch label="One pool of multi-skilled people" checked={s.pool !== false} onChange={(e) => set({ pool: e.currentTarget.checked })} mt="lg" />
        </SimpleGrid>
      </Paper>
      <Paper withBorder p="md">
        <Title order={3} size="h5" mb="xs">Queues</Title>
        <Table fz="sm" aria-label="Queue goals">
          <Table.Thead><Table.Tr><Table.Th>Queue</Table.Th><Table.Th>Planned</Table.Th><Table.Th>Service level %</Table.Th><Table.Th>Occupancy at most %</Table.Th><Table.Th>At once</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {(queues.data?.items ?? []).map((q) => {
              const g = s.queues.find((x) => x.queue === q.id);
              return (
                <Table.Tr key={q.id}>
                  <Table.Td>{q.name}<Text size="xs" c="dimmed">answered within {q.serviceLevelSeconds ?? 60} s</Text></Table.Td>
                  <Table.Td><Switch aria-label={`Plan ${q.name}`} checked={g?.plan !== false} onChange={(e) => goal(q.id, { plan: e.currentTarget.checked ? undefined : false })} /></Table.Td>
                  <Table.Td><NumberInput size="xs" w={90} aria-label={`Service level of ${q.name}`} min={0} max={100} placeholder={String(pct(s.serviceLevel))} value={g?.serviceLevel === undefined ? '' : pct(g.serviceLevel)} onChange={(v) => goal(q.id, { serviceLevel: v === '' ? undefined : Number(v) / 100 })} /></Table.Td>
                  <Table.Td><NumberInput size="xs" w={90} aria-label={`Occupancy of ${q.name}`} min={30} max={100} placeholder={String(pct(s.maxOccupancy))} value={g?.maxOccupancy === undefined ? '' : pct(g.maxOccupancy)} onChange={(v) => goal(q.id, { maxOccupancy: v === '' ? undefined : Number(v) / 100 })} /></Table.Td>
                  <Table.Td><NumberInput size="xs" w={70} aria-label={`Contacts at once in ${q.name}`} min={1} max={10} placeholder="1" value={g?.concurrency ?? ''} onChange={(v) => goal(q.id, { concurrency: v === '' ? undefined : Number(v) })} /></Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
        <Text size="xs" c="dimmed" mt={4}>Empty: the defaults above. At once: chats one person handles together.</Text>
      </Paper>
      <Paper withBorder p="md">
        <Group justify="space-between" mb="xs">
          <Title order={3} size="h5">Shifts</Title>
          <Button size="xs" variant="light" onClick={() => set({ shifts: [...s.shifts, { id: `shift-${s.shifts.length + 1}`, name: 'New shift', start: '09:00', hours: 8 }] })}>Add shift</Button>
        </Group>
        <Table fz="sm" aria-label="Shift templates">
          <Table.Thead><Table.Tr><Table.Th>Id</Table.Th><Table.Th>Name</Table.Th><Table.Th>Start</Table.Th><Table.Th>Hours</Table.Th><Table.Th>Days</Table.Th><Table.Th /></Table.Tr></Table.Thead>
          <Table.Tbody>
            {s.shifts.map((t, i) => (
              <Table.Tr key={i}>
                <Table.Td><TextInput size="xs" aria-label="Shift id" value={t.id} onChange={(e) => shift(i, { id: e.currentTarget.value })} error={at.get(`/shifts/${i}/id`)} /></Table.Td>
                <Table.Td><TextInput size="xs" aria-label="Shift name" value={t.name} onChange={(e) => shift(i, { name: e.currentTarget.value })} /></Table.Td>
                <Table.Td><TextInput size="xs" type="time" aria-label="Shift start" value={t.start} onChange={(e) => shift(i, { start: e.currentTarget.value })} /></Table.Td>
                <Table.Td><NumberInput size="xs" aria-label="Shift hours" min={1} max={12} step={0.5} value={t.hours} onChange={(v) => shift(i, { hours: Number(v) })} w={80} /></Table.Td>
                <Table.Td><Days label={`Days of ${t.name}`} value={t.days} onChange={(days) => shift(i, { days })} /></Table.Td>
                <Table.Td><ActionIcon variant="subtle" color="red" aria-label={`Remove shift ${t.name}`} onClick={() => set({ shifts: s.shifts.filter((_, j) => j !== i) })}><IconTrash size={16} /></ActionIcon></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      <Paper withBorder p="md">
        <Group justify="space-between" mb="xs">
          <Title order={3} size="h5">Contracts</Title>
          <Select size="xs" placeholder="Add a person…" aria-label="Add a contract for" data={free.map((a) => ({ value: a.id, label: a.name }))} value={null} onChange={(id) => id && set({ contracts: [...s.contracts, { user: id, hoursPerWeek: 40 }] })} searchable w={220} />
        </Group>
        {s.contracts.length === 0 ? (
          <Text size="sm" c="dimmed">No contracts: a draft schedules nobody.</Text>
        ) : (
          <Table fz="sm" aria-label="Contracts">
            <Table.Thead><Table.Tr><Table.Th>Person</Table.Th><Table.Th>Hours a week</Table.Th><Table.Th>Days</Table.Th><Table.Th>Earliest</Table.Th><Table.Th>Latest</Table.Th><Table.Th>Wishes</Table.Th><Table.Th /></Table.Tr></Table.Thead>
            <Table.Tbody>
              {s.contracts.map((c, i) => {
                const name = agents.find((a) => a.id === c.user)?.name ?? people.data?.items.find((u) => u.id === c.user)?.name ?? c.user;
                return (
                  <Table.Tr key={c.user}>
                    <Table.Td>{name}</Table.Td>
                    <Table.Td><NumberInput size="xs" aria-label={`Hours a week of ${name}`} min={0} max={60} value={c.hoursPerWeek} onChange={(v) => contract(i, { hoursPerWeek: Number(v) })} w={80} /></Table.Td>
                    <Table.Td><Days label={`Days of ${name}`} value={c.days} onChange={(days) => contract(i, { days })} /></Table.Td>
                    <Table.Td><TextInput size="xs" type="time" aria-label={`Earliest start of ${name}`} value={c.earliest ?? ''} onChange={(e) => contract(i, { earliest: e.currentTarget.value || undefined })} /></Table.Td>
                    <Table.Td><TextInput size="xs" type="time" aria-label={`Latest end of ${name}`} value={c.latest ?? ''} onChange={(e) => contract(i, { latest: e.currentTarget.value || undefined })} error={at.get(`/contracts/${i}/latest`)} /></Table.Td>
                    <Table.Td>
                      <Text size="xs" c="dimmed">
                        {[c.preferredStart ? `starts ${c.preferredStart}` : null, c.preferredDaysOff?.length ? `off ${c.preferredDaysOff.map((d) => WEEKDAYS[d - 1]).join(', ')}` : null].filter(Boolean).join('; ') || '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td><ActionIcon variant="subtle" color="red" aria-label={`Remove the contract of ${name}`} onClick={() => set({ contracts: s.contracts.filter((_, j) => j !== i) })}><IconTrash size={16} /></ActionIcon></Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
      <Group>
        <Button type="submit" loading={save.isPending}>Save settings</Button>
        <Button variant="default" onClick={() => stored.data && setS(structuredClone(stored.data))}>Undo changes</Button>
      </Group>
      <ActionError error={save.error} title="Not saved" />
    </Stack>
  );
}
