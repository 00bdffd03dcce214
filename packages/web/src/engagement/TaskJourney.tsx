import { Paper, Skeleton, Text, Title } from '@mantine/core';
import type { Task } from '../api/types';
import { JourneyCard } from './JourneyCard';
import { useTaskJourney } from './data';

/** Beside a chat from the website: where the visitor has been and what they likely want (nothing for other work). */
export function TaskJourney({ task }: { task: Task }) {
  const has = typeof task.attributes?.journey === 'object' && task.attributes.journey !== null;
  const visit = useTaskJourney(task.id, has);
  if (!has) return null;
  return (
    <Paper withBorder p="sm" component="section" aria-labelledby="task-journey">
      <Title order={3} size="h5" id="task-journey" mb={4}>
        Website visit
      </Title>
      {visit.isPending && <Skeleton h={60} aria-label="Loading the website visit" />}
      {visit.isError && (
        <Text size="sm" c="dimmed">
          The website visit could not be loaded.
        </Text>
      )}
      {visit.data && <JourneyCard visit={visit.data} steps={8} />}
    </Paper>
  );
}
