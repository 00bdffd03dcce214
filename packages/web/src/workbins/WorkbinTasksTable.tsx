import { useState } from 'react';
import type { ReactNode } from 'react';
import { Alert, Badge, Button, Group, Paper, SegmentedControl, Skeleton, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { errorMessage } from '../api/client';
import type { Workbin, WorkbinSort, WorkbinTask } from '../api/types';
import { ChoiceSelect } from '../lib/ChoiceSelect';
import { formatAge, formatDateTime, useNow } from '../lib/time';
import { useWorktypes } from '../tasks/actions';
import { BIN_KIND_LABEL, useWorkbinTasks } from './data';

interface Props {
  bin: Workbin;
  /** The per-row control (Claim for agents, Assign for supervisors). */
  action: (task: WorkbinTask) => ReactNode;
  /** Controls next to the title (e.g. "Claim next best"). */
  toolbar?: ReactNode;
  /** Extra line under the title (e.g. the no-cherry-picking rule). */
  note?: ReactNode;
}

const SORTS: { value: WorkbinSort; label: string }[] = [
  { value: 'priority', label: 'Priority' },
  { value: 'due', label: 'Due' },
  { value: 'age', label: 'Age' },
];

/** A bin's waiting tasks with sort and filters; what to do with a row is up to the caller. */
export function WorkbinTasksTable({ bin, action, toolbar, note }: Props) {
  const [sort, setSort] = useState<WorkbinSort>('priority');
  const [worktype, setWorktype] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [q] = useDebouncedValue(text.trim(), 300);
  const tasks = useWorkbinTasks(bin.id, { sort, worktype, q });
  const worktypes = useWorktypes();
  const now = useNow(15_000);
  const wtName = (id: string) => worktypes.data?.find((w) => w.id === id)?.name ?? id;
  const rows = tasks.data?.items ?? [];
  const filtered = worktype !== null || q !== '';
  // The unfiltered list is fresher than the bins' counts (fetched when the list was opened).
  const count = !filtered && tasks.data && !tasks.isPlaceholderData ? tasks.data.total : bin.count;

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="bin-title">
      <Group justify="space-between" align="flex-start" mb="xs">
        <Stack gap={2}>
          <Group gap="xs">
            <Title order={2} size="h4" id="bin-title">
              {bin.name}
            </Title>
            <Badge variant="light" color="gray">
              {BIN_KIND_LABEL[bin.kind]} bin
            </Badge>
            <Badge variant="filled" aria-label={`${count} waiting`}>
              {count}
            </Badge>
          </Group>
          {note}
        </Stack>
        {toolbar}
      </Group>

      <Group gap="sm" align="flex-end" mb="sm" wrap="wrap">
        <Stack gap={2}>
          <Text size="sm" fw={500} id="bin-sort-label">
            Sort by
          </Text>
          <SegmentedControl size="xs" aria-labelledby="bin-sort-label" value={sort} onChange={(v) => setSort(v as WorkbinSort)} data={SORTS} />
        </Stack>
        <ChoiceSelect
          label="Worktype"
          size="xs"
          w={200}
          data={[{ value: '', label: 'All worktypes' }, ...(worktypes.data ?? []).map((w) => ({ value: w.id, label: w.name }))]}
          value={worktype ?? ''}
          onChange={(v) => setWorktype(v || null)}
        />
        <TextInput
          label="Search"
          size="xs"
          w={220}
          placeholder="Title or external id"
          leftSection={<IconSearch size={14} aria-hidden />}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setText('');
          }}
        />
      </Group>

      {tasks.isPending && <Skeleton h={120} aria-label="Loading the bin's tasks" />}
      {tasks.isError && (
        <Alert color="red" title="Could not load the bin">
          <Text size="sm">{errorMessage(tasks.error)}</Text>
          <Button size="xs" variant="light" color="red" mt="xs" onClick={() => void tasks.refetch()}>
            Retry
          </Button>
        </Alert>
      )}
      {tasks.data && rows.length === 0 && (
        <Text size="sm" c="dimmed" py="md" ta="center">
          {filtered ? 'No waiting task matches these filters.' : 'Nothing waiting in this bin.'}
        </Text>
      )}
      {tasks.data && rows.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover aria-labelledby="bin-title" style={{ opacity: tasks.isPlaceholderData ? 0.6 : 1 }}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th ta="right" w={40}>
                  #
                </Table.Th>
                <Table.Th>Title</Table.Th>
                <Table.Th>Worktype</Table.Th>
                <Table.Th ta="right">Priority</Table.Th>
                <Table.Th>Due</Table.Th>
                <Table.Th ta="right">Waiting</Table.Th>
                <Table.Th w={110}>
                  <VisuallyHidden>Action</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((t) => (
                <Table.Tr key={t.id} aria-label={t.title}>
                  <Table.Td ta="right" c="dimmed">
                    {t.position}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {t.title}
                    </Text>
                    {(t.escalationLevel ?? 0) > 0 && (
                      <Badge size="xs" color="orange" variant="light">
                        Escalated
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{wtName(t.worktype)}</Table.Td>
                  <Table.Td ta="right" title={t.effectivePriority !== t.priority ? `base ${t.priority}` : undefined}>
                    {Math.round(t.effectivePriority)}
                  </Table.Td>
                  <Table.Td>{formatDateTime(t.dueAt)}</Table.Td>
                  <Table.Td ta="right">{formatAge((now - Date.parse(t.enteredQueueAt ?? t.createdAt)) / 1000)}</Table.Td>
                  <Table.Td>{action(t)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {tasks.data && tasks.data.total > rows.length && (
        <Text size="xs" c="dimmed" mt="xs">
          Showing {rows.length} of {tasks.data.total}.
        </Text>
      )}
    </Paper>
  );
}
