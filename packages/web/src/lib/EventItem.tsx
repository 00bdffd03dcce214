import { Code, Group, Text, Timeline } from '@mantine/core';
import { formatTime } from './time';

/** One event of a task's or a case's history: its label and type, when and by whom, and what it says. */
export function EventItem({ label, type, at, actor, line, color }: { label: string; type: string; at: string; actor: string | null; line: string | null; color?: string | undefined }) {
  return (
    <Timeline.Item
      color={color}
      title={
        <Group gap={6} component="span">
          <span>{label}</span>
          <Code fz={10} c="dimmed">
            {type}
          </Code>
        </Group>
      }
    >
      <Text size="xs" c="dimmed">
        {formatTime(at)}
        {actor ? ` · ${actor}` : ''}
      </Text>
      {line && (
        <Text size="xs" style={{ wordBreak: 'break-word' }}>
          {line}
        </Text>
      )}
    </Timeline.Item>
  );
}
