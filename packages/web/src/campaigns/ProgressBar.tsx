import { Group, Progress, Text, Tooltip } from '@mantine/core';
import { CONTACT_STATES, STATE_COLOR, STATE_LABEL, type Campaign } from './data';

/** Contacts by state as one bar (done first), with the figures under it. */
export function ProgressBar({ progress }: { progress: Campaign['progress'] }) {
  const total = progress.contacts;
  if (!total) return <Text size="xs" c="dimmed">No contacts yet</Text>;
  const shown = CONTACT_STATES.filter((st) => progress.byState[st] > 0);
  return (
    <>
      <Progress.Root size="lg" aria-label="Contacts by state">
        {shown.map((st) => (
          <Tooltip key={st} label={`${STATE_LABEL[st]}: ${progress.byState[st]}`}>
            <Progress.Section value={(progress.byState[st] / total) * 100} color={STATE_COLOR[st]} />
          </Tooltip>
        ))}
      </Progress.Root>
      <Group gap="sm" mt={4}>
        {shown.map((st) => (
          <Text key={st} size="xs" c="dimmed">
            {STATE_LABEL[st]} {progress.byState[st]}
          </Text>
        ))}
      </Group>
    </>
  );
}
