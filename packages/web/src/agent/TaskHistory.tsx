import { Alert, Paper, Skeleton, Text, Timeline, Title } from '@mantine/core';
import { errorMessage } from '../api/client';
import { EventItem } from '../lib/EventItem';
import { hasRole, useUser } from '../auth/session';
import { useAgentDirectory, useQueues } from '../tasks/actions';
import { useTaskEvents, useWrapUpCodes } from './data';
import { actorText, EVENT_LABEL, eventSummary, type Names } from './historyFormat';

/** Names for ids in events: me, agents (for those who may list them), queues, wrap-up codes. */
function useNames(): Names {
  const me = useUser();
  const agents = useAgentDirectory(hasRole(me, 'supervisor', 'admin'));
  const queues = useQueues();
  const codes = useWrapUpCodes();
  return {
    user: (id) => (id === me.id ? `${me.name} (you)` : (agents.data?.find((a) => a.agent === id)?.name ?? 'a colleague')),
    queue: (id) => queues.data?.find((q) => q.id === id)?.name ?? id,
    // "NS": completed without choosing a code.
    wrapUp: (code) => (code === 'NS' ? 'Not set' : (codes.data?.find((c) => c.code === code)?.label ?? code)),
  };
}

export function TaskHistory({ taskId }: { taskId: string }) {
  const events = useTaskEvents(taskId);
  const names = useNames();
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
          {events.data.map((e) => {
            const summary = eventSummary(e.data, names);
            const actor = actorText(e.actor, names);
            return (
              <EventItem key={e.id} label={EVENT_LABEL[e.type] ?? e.type} type={e.type} at={e.at} actor={actor} line={summary} />
            );
          })}
        </Timeline>
      )}
    </Paper>
  );
}
