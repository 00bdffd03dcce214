import { Alert, Badge, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { Task } from '../api/types';
import { displayValue, isConversation, TASK_STATE_COLOR, TASK_STATE_LABEL } from '../lib/format';
import { formatDateTime } from '../lib/time';
import { useTask, useWorktype } from './data';
import { TaskHistory } from './TaskHistory';
import { WrapUp } from './WrapUp';
import { TaskActions } from './TaskActions';
import { MailReply } from './MailReply';
import { ChatPanel } from './ChatPanel';
import { TaskJourney } from '../engagement/TaskJourney';
import { CallbackPanel } from './CallbackPanel';
import { ScreenPop } from './ScreenPop';
import { useQueues } from '../tasks/actions';
import { CaseSummary } from '../cases/CaseSummary';
import { DetailLoading, LoadError } from '../lib/LoadStates';
import { Field } from '../lib/Field';
import { CustomerCard } from '../customers/CustomerCard';
import { LinkCustomer } from '../customers/LinkCustomer';
import { useUser } from '../auth/session';
import { useCaseHref } from '../cases/links';


export function TaskView({ taskId, onDone }: { taskId: string; onDone: () => void }) {
  const task = useTask(taskId);

  if (task.isPending) return <DetailLoading label="Loading task" last={120} />;
  if (task.isError) return <LoadError error={task.error} what="task" gone="It may have been removed or you can no longer see it." onRetry={() => void task.refetch()} />;
  return <TaskDetails task={task.data} onDone={onDone} />;
}

function TaskDetails({ task, onDone }: { task: Task; onDone: () => void }) {
  const worktype = useWorktype(task.worktype);
  const caseLink = useCaseHref();
  const caseHref = task.caseId ? caseLink(task.caseId) : null;
  const queues = useQueues();
  const queueName = (id: string | null) => (id ? (queues.data?.find((q) => q.id === id)?.name ?? id) : '—');
  const me = useUser();
  // Who works it links its customer (the server checks the same: the holder, or a supervisor).
  const mine = ['assigned', 'wrap-up', 'paused'].includes(task.state) && task.assignee === me.id;
  // The website visit has its own panel (TaskJourney) rather than a line of JSON.
  const attributes = Object.entries(task.attributes ?? {}).filter(([k]) => k !== 'journey');
  const canWrapUp = task.state === 'assigned' || task.state === 'wrap-up';
  // The embedded source page is for working the task; otherwise a link is enough.
  const framed = worktype.data?.screenPop === 'frame' && canWrapUp;

  return (
    <Stack gap="md" component="article" aria-labelledby="task-title">
      <Paper withBorder p="md">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Title order={2} size="h3" id="task-title">
            {task.title}
          </Title>
          <Group gap={6} wrap="nowrap">
            {(task.escalationLevel ?? 0) > 0 && (
              <Badge color="orange" variant="light" size="lg">
                Escalated{(task.escalationLevel ?? 0) > 1 ? ` ×${task.escalationLevel}` : ''}
              </Badge>
            )}
            <Badge color={TASK_STATE_COLOR[task.state]} size="lg" aria-label={`State: ${TASK_STATE_LABEL[task.state]}`}>
              {TASK_STATE_LABEL[task.state]}
            </Badge>
          </Group>
        </Group>
        {task.description ? (
          <Text size="sm" mt="xs" style={{ whiteSpace: 'pre-wrap' }}>
            {task.description}
          </Text>
        ) : (
          <Text size="sm" mt="xs" c="dimmed">
            No description.
          </Text>
        )}
        <SimpleGrid cols={{ base: 2, sm: 3 }} mt="md" spacing="sm">
          <Field label="Priority">
            {task.priority}
            {task.priorityBoost ? ` (+${task.priorityBoost})` : ''}
          </Field>
          <Field label="Queue">{queueName(task.queue)}</Field>
          <Field label="Worktype">{worktype.data?.name ?? task.worktype}</Field>
          <Field label="Due">{formatDateTime(task.dueAt)}</Field>
          <Field label="Source">
            {task.source ?? '—'}
            {task.externalId ? ` · ${task.externalId}` : ''}
          </Field>
          <Field label="Created">{formatDateTime(task.createdAt)}</Field>
          {task.state === 'scheduled' && <Field label="Comes back">{formatDateTime(task.wakeAt)}</Field>}
          {task.state === 'paused' && <Field label="Waiting for">{task.pausedReason ?? '—'}</Field>}
        </SimpleGrid>
        {task.url && !framed && (
          <Group mt="md">
            <ScreenPop url={task.url} mode="tab" />
          </Group>
        )}
        <TaskActions task={task} onLeft={onDone} />
      </Paper>

      {/* A chat is the work itself: the conversation comes first. */}
      {isConversation(task.source) && task.externalId && <ChatPanel task={task} />}
      <TaskJourney task={task} />
      {(task.source === 'callback' || task.source === 'campaign') && <CallbackPanel task={task} onLeft={onDone} />}
      {task.url && framed && <ScreenPop url={task.url} mode="frame" />}

      {task.caseId && caseHref && <CaseSummary caseId={task.caseId} taskId={task.id} href={caseHref} />}
      {task.customerId && <CustomerCard customerId={task.customerId} />}
      {!task.customerId && mine && <LinkCustomer task={task} />}

      <Paper withBorder p="md" component="section" aria-labelledby="task-attributes">
        <Title order={3} size="h5" id="task-attributes" mb="xs">
          Attributes
        </Title>
        {attributes.length === 0 ? (
          <Text size="sm" c="dimmed">
            No attributes.
          </Text>
        ) : (
          <Table withTableBorder striped fz="sm" aria-labelledby="task-attributes">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Value</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {attributes.map(([k, v]) => (
                <Table.Tr key={k}>
                  <Table.Td fw={500}>{k}</Table.Td>
                  <Table.Td style={{ wordBreak: 'break-word' }}>{displayValue(v)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>

      {/* Answer first, then wrap up. */}
      {task.source === 'email' && (task.state === 'assigned' || task.state === 'wrap-up' || task.state === 'paused') && <MailReply task={task} />}
      {canWrapUp && <WrapUp task={task} codes={worktype.data?.wrapUpCodes} onDone={onDone} />}
      {task.state === 'offered' && (
        <Alert color="yellow" title="Offered to you">
          Accept the offer in the pop-up to start working on this task.
        </Alert>
      )}

      <TaskHistory taskId={task.id} />
    </Stack>
  );
}
