import { Alert, Paper, Skeleton, Text, Timeline, Title } from '@mantine/core';
import { errorMessage } from '../api/client';
import { summarize } from '../lib/format';
import { formatTime } from '../lib/time';
import { useTaskEvents } from './data';

export function TaskHistory({ taskId }: { taskId: string }) {
  const events = useTaskEvents(taskId);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="task-history">
      <Title order={3} size="h5" id="task-history" mb="sm">
        History
      </Title>
      {events.isPending && <Skeleton h={60} />}
      {events.isError && <Alert color="red">{errorMessage(events.error)}</Alert>}
      {events.data && events.data.length === 0 && (
        <Text size="sm" c="dimmed">
          No history yet.
        </Text>
      )}
      {events.data && events.data.length > 0 && (
        <Timeline bulletSize={12} lineWidth={2} active={events.data.length}>
          {events.data.map((e) => (
            <Timeline.Item key={e.id} title={e.type}>
              <Text size="xs" c="dimmed">
                {formatTime(e.at)}
                {e.actor ? ` · ${e.actor}` : ''}
              </Text>
              {summarize(e.data) && (
                <Text size="xs" style={{ wordBreak: 'break-word' }}>
                  {summarize(e.data)}
                </Text>
              )}
            </Timeline.Item>
          ))}
        </Timeline>
      )}
    </Paper>
  );
}
