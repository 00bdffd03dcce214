import { useState } from 'react';
import { Badge, Table, Text, VisuallyHidden } from '@mantine/core';
import { ChoiceSelect } from '../lib/ChoiceSelect';
import { TASK_STATES } from '../api/types';
import type { TaskState } from '../api/types';
import { TASK_STATE_COLOR, TASK_STATE_LABEL } from '../lib/format';
import { formatDateTime } from '../lib/time';
import { useAgentStats, useQueueStats, useTaskList } from './data';
import { Section } from './Section';
import { TaskRowActions } from './TaskRowActions';

const STATE_OPTIONS = [
  { value: 'open', label: 'Open (not finished)' },
  { value: 'all', label: 'All states' },
  ...TASK_STATES.map((s) => ({ value: s, label: TASK_STATE_LABEL[s] })),
];

export function TasksTable() {
  // Open work first: finished tasks are history (Reports), and there are many of them.
  const [state, setState] = useState<TaskState | 'open' | null>('open');
  const tasks = useTaskList(state);
  const queues = useQueueStats();
  const agents = useAgentStats();
  const queueName = (id: string | null) => (id ? (queues.data?.find((q) => q.queue === id)?.name ?? id) : '—');
  const agentName = (id: string | null) => (id ? (agents.data?.find((a) => a.agent === id)?.name ?? id) : '—');
  const rows = tasks.data?.items ?? [];

  return (
    <Section
      id="tasks-title"
      title="Tasks"
      query={tasks}
      empty={rows.length === 0}
      emptyText={state === 'open' ? 'No open tasks.' : state ? `No ${TASK_STATE_LABEL[state].toLowerCase()} tasks.` : 'No tasks yet.'}
      actions={
        <ChoiceSelect
          label="State"
          size="xs"
          w={180}
          data={STATE_OPTIONS}
          value={state ?? 'all'}
          onChange={(v) => setState(v === 'all' ? null : (v as TaskState | 'open'))}
        />
      }
    >
      <Table striped highlightOnHover aria-labelledby="tasks-title">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Title</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Queue</Table.Th>
            <Table.Th ta="right">Priority</Table.Th>
            <Table.Th>Assignee</Table.Th>
            <Table.Th>Due</Table.Th>
            <Table.Th>Updated</Table.Th>
            <Table.Th w={48}>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((t) => (
            <Table.Tr key={t.id} aria-label={t.title}>
              <Table.Td>
                {t.title}
                {(t.escalationLevel ?? 0) > 0 && (
                  <Badge ml={6} size="xs" color="orange" variant="light">
                    Escalated
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                <Badge size="sm" color={TASK_STATE_COLOR[t.state] ?? 'gray'}>
                  {TASK_STATE_LABEL[t.state] ?? t.state}
                </Badge>
              </Table.Td>
              <Table.Td>{queueName(t.queue)}</Table.Td>
              <Table.Td ta="right">{t.priority}</Table.Td>
              <Table.Td>{agentName(t.assignee)}</Table.Td>
              <Table.Td>{formatDateTime(t.dueAt)}</Table.Td>
              <Table.Td>{formatDateTime(t.updatedAt)}</Table.Td>
              <Table.Td>
                <TaskRowActions task={t} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {tasks.data?.nextCursor && (
        <Text size="xs" c="dimmed" mt="xs">
          Showing the first {rows.length} tasks.
        </Text>
      )}
    </Section>
  );
}
