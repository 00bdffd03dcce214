import { Badge, Group, Paper, Stack, Text } from '@mantine/core';
import { formatDateTime } from '../lib/time';
import { NOTIFICATION_STATE } from '../cases/Notifications';

/** The conversation after the first mail: the customer's follow-ups and the replies sent (GET /tasks/{id}/mail). */
export interface ThreadMessage {
  direction: 'in' | 'out';
  at: string;
  from: string | null;
  to: string | null;
  subject: string | null;
  text: string;
  state: 'pending' | 'sent' | 'failed' | 'dead' | null;
}

/** The mails of a thread, ours grey and the customer's blue, with where each reply stands. */
export function MailMessages({ messages }: { messages: readonly ThreadMessage[] }) {
  return (
    <Stack gap="xs" mb="sm" aria-label="Conversation by e-mail">
      {messages.map((m, i) => (
        <Paper key={`${m.at}-${i}`} withBorder p="xs" bg={m.direction === 'out' ? 'gray.0' : 'blue.0'} data-direction={m.direction}>
          <Group justify="space-between" gap="xs">
            <Text size="xs" c="dimmed">
              {m.direction === 'out' ? `To ${m.to}` : `From ${m.from}`} · {formatDateTime(m.at)}
            </Text>
            {m.state && (
              <Badge size="xs" color={NOTIFICATION_STATE[m.state].color}>
                {NOTIFICATION_STATE[m.state].label}
              </Badge>
            )}
          </Group>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {m.text}
          </Text>
        </Paper>
      ))}
    </Stack>
  );
}
