import { Alert, Badge, Button, Group, NavLink, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { errorMessage } from '../api/client';
import { MEDIA_LABEL, TASK_STATE_COLOR, TASK_STATE_LABEL } from '../lib/format';
import { formatDateTime } from '../lib/time';
import type { ReactNode } from 'react';
import type { Task } from '../api/types';
import { useMyScheduled, useMyTasks } from './data';

export function MyWorkList({ selected, onSelect }: { selected: string | null; onSelect: (id: string) => void }) {
  const tasks = useMyTasks();
  const later = useMyScheduled();
  return (
    <Paper withBorder p="sm" component="section" aria-labelledby="my-work-title">
      <Title order={2} size="h4" id="my-work-title" mb="xs">
        My work {tasks.data && tasks.data.length > 0 && <Badge variant="light">{tasks.data.length}</Badge>}
      </Title>
      {tasks.isPending && (
        <Stack gap="xs" aria-label="Loading my work">
          <Skeleton h={48} />
          <Skeleton h={48} />
          <Skeleton h={48} />
        </Stack>
      )}
      {tasks.isError && (
        <Alert color="red" title="Could not load your work">
          <Text size="sm">{errorMessage(tasks.error)}</Text>
          <Button size="xs" variant="light" color="red" mt="xs" onClick={() => void tasks.refetch()}>
            Retry
          </Button>
        </Alert>
      )}
      {tasks.data && tasks.data.length === 0 && (
        <Text c="dimmed" size="sm" py="md" ta="center">
          No work assigned — set yourself Available to receive tasks, or claim one from a workbin
        </Text>
      )}
      {tasks.data && tasks.data.length > 0 && (
        <TaskLinks
          label={{ 'aria-label': 'My work' }}
          tasks={tasks.data}
          selected={selected}
          onSelect={onSelect}
          description={(t) => (
            <Group gap={6} component="span">
              <Badge size="xs" color={TASK_STATE_COLOR[t.state]} component="span">
                {TASK_STATE_LABEL[t.state]}
              </Badge>
              {MEDIA_LABEL[t.mediaType] && (
                <Badge size="xs" variant="outline" color="teal" component="span">
                  {MEDIA_LABEL[t.mediaType]}
                </Badge>
              )}
              <span>P{t.priority}</span>
              {t.dueAt && (Date.parse(t.dueAt) < Date.now() ? <Text span c="red" size="xs" fw={600}>overdue since {formatDateTime(t.dueAt)}</Text> : <span>due {formatDateTime(t.dueAt)}</span>)}
            </Group>
          )}
        />
      )}
      {later.data && later.data.length > 0 && (
        <>
          <Title order={3} size="h6" c="dimmed" mt="sm" mb={4} id="coming-back-title">
            Coming back to you
          </Title>
          <TaskLinks
            label={{ 'aria-labelledby': 'coming-back-title' }}
            tasks={later.data}
            selected={selected}
            onSelect={onSelect}
            description={(t) => (t.wakeAt ? `back ${formatDateTime(t.wakeAt)}` : undefined)}
          />
        </>
      )}
    </Paper>
  );
}

/** A list of tasks to open, the open one marked. */
function TaskLinks({ tasks, selected, onSelect, description, label }: {
  tasks: Task[];
  selected: string | null;
  onSelect: (id: string) => void;
  description: (t: Task) => ReactNode;
  label: { 'aria-label': string } | { 'aria-labelledby': string };
}) {
  return (
    <Stack gap={2} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} {...label}>
      {tasks.map((t) => (
        <li key={t.id}>
          <NavLink
            component="button"
            type="button"
            active={t.id === selected}
            aria-current={t.id === selected ? 'true' : undefined}
            onClick={() => onSelect(t.id)}
            label={t.title}
            description={description(t)}
          />
        </li>
      ))}
    </Stack>
  );
}
