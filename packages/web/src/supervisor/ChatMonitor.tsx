import { Alert, Badge, Group, Modal, Skeleton, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, errorMessage } from '../api/client';
import type { Task, TaskChat } from '../api/types';
import { ChatLines } from '../chat/ChatLines';

const PHASE: Record<TaskChat['phase'], { label: string; color: string }> = {
  bot: { label: 'With the bot', color: 'grape' },
  waiting: { label: 'Waiting', color: 'yellow' },
  connected: { label: 'Talking', color: 'green' },
  ended: { label: 'Ended', color: 'gray' },
};

/**
 * A supervisor watches a chat or SMS conversation of their teams' work, read-only. The lines are
 * pushed to the agent who holds it; this window reads them again every few seconds.
 */
export function ChatMonitor({ task, opened, onClose }: { task: Task; opened: boolean; onClose: () => void }) {
  const chat = useQuery({
    queryKey: ['taskChat', task.id, 'monitor'],
    queryFn: () => api<TaskChat>(`/tasks/${encodeURIComponent(task.id)}/chat`),
    enabled: opened,
    refetchInterval: (q) => (q.state.data?.phase === 'ended' ? false : 3_000),
  });
  const c = chat.data;
  return (
    <Modal opened={opened} onClose={onClose} size="lg" title={`Conversation: ${task.title}`}>
      {chat.isPending && <Skeleton h={300} aria-label="Loading the conversation" />}
      {chat.isError && <Alert color="red">{errorMessage(chat.error)}</Alert>}
      {c && (
        <>
          <Group gap="xs" mb="xs">
            <Badge color={PHASE[c.phase].color}>{PHASE[c.phase].label}</Badge>
            <Text size="sm" c="dimmed">
              {c.channel === 'sms' ? `SMS with ${c.visitorPhone}` : c.social ? `${c.visitor.name} on ${c.social.account} (${c.social.kind})` : `${c.visitor.name} on ${c.topic.name}`}
              {c.agent ? ` · answered by ${c.agent.name}` : ''}
            </Text>
          </Group>
          <ChatLines messages={c.messages} mine="agent" height={380} watching />
        </>
      )}
    </Modal>
  );
}
