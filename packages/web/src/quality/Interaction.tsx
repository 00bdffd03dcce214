import { Badge, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ApiError, api, errorMessage } from '../api/client';
import type { List, TaskChat } from '../api/types';
import { ChatLines } from '../chat/ChatLines';
import { MailMessages, type ThreadMessage } from '../agent/MailThread';
import { TaskHistory } from '../agent/TaskHistory';
import { useTask } from '../agent/data';
import { displayValue, MEDIA_LABEL } from '../lib/format';
import { LoadError } from '../lib/LoadStates';
import { formatDateTime } from '../lib/time';
import { TaskAnalysis } from '../analytics/TaskAnalysis';

const at = (id: string) => encodeURIComponent(id);
/** Media types whose work is a conversation in text (read here, and by conversation analytics). */
const TEXT_MEDIA = ['chat', 'sms', 'social', 'email'];

function Conversation({ taskId, mediaType }: { taskId: string; mediaType: string }) {
  const chat = useQuery({ queryKey: ['taskChat', taskId, 'review'], queryFn: () => api<TaskChat>(`/tasks/${at(taskId)}/chat`), enabled: mediaType === 'chat' || mediaType === 'sms' || mediaType === 'social' });
  const mail = useQuery({ queryKey: ['taskMail', taskId, 'review'], queryFn: () => api<List<ThreadMessage>>(`/tasks/${at(taskId)}/mail`), enabled: mediaType === 'email', select: (d) => d.items });
  const q = mediaType === 'email' ? mail : chat;
  if (!TEXT_MEDIA.includes(mediaType)) return null;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="review-conversation">
      <Title order={3} size="h5" id="review-conversation" mb="xs">
        Conversation
      </Title>
      {q.isPending && <Skeleton h={160} aria-label="Loading the conversation" />}
      {q.isError && (
        <Text size="sm" c="dimmed">
          {q.error instanceof ApiError && q.error.status === 404 ? 'No conversation was kept for this work.' : errorMessage(q.error)}
        </Text>
      )}
      {chat.data && <ChatLines messages={chat.data.messages} mine="agent" height={320} watching />}
      {mail.data && (mail.data.length ? <MailMessages messages={mail.data} /> : <Text size="sm" c="dimmed">No mail after the first one.</Text>)}
    </Paper>
  );
}

/** The work being evaluated, as the evaluator reviews it: what it was, the conversation, its history. */
export function Interaction({ taskId }: { taskId: string }) {
  const task = useTask(taskId);
  if (task.isPending) return <Skeleton h={200} aria-label="Loading the work" />;
  if (task.isError) return <LoadError error={task.error} what="work" gone="You can no longer open this piece of work; the scorecard still can be filled in." />;
  const t = task.data;
  const attributes = Object.entries(t.attributes).filter(([, v]) => v !== null && typeof v !== 'object');
  return (
    <Stack gap="md">
      <Paper withBorder p="md" component="section" aria-labelledby="review-task">
        <Group justify="space-between" mb={4}>
          <Title order={3} size="h5" id="review-task">
            {t.title}
          </Title>
          {MEDIA_LABEL[t.mediaType] && <Badge variant="light">{MEDIA_LABEL[t.mediaType]}</Badge>}
        </Group>
        <Text size="xs" c="dimmed" mb="xs">
          {t.worktype} · completed {formatDateTime(t.completedAt)}
          {t.wrapUpCode ? ` · wrap-up ${t.wrapUpCode}` : ''}
        </Text>
        {t.description && (
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} mb="xs">
            {t.description}
          </Text>
        )}
        {attributes.length > 0 && (
          <Group gap="xs">
            {attributes.slice(0, 12).map(([k, v]) => (
              <Badge key={k} variant="outline" color="gray" tt="none">
                {k}: {displayValue(v)}
              </Badge>
            ))}
          </Group>
        )}
        {t.note && (
          <Text size="sm" mt="xs">
            Note: {t.note}
          </Text>
        )}
      </Paper>
      <Conversation taskId={t.id} mediaType={t.mediaType} />
      {TEXT_MEDIA.includes(t.mediaType) && <TaskAnalysis taskId={t.id} />}
      <TaskHistory taskId={t.id} />
    </Stack>
  );
}
