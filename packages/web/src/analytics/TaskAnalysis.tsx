import { Paper, Skeleton, Text, Title } from '@mantine/core';
import { AnalysisCard } from './AnalysisCard';
import { useTaskAnalysis } from './data';

/** Beside a finished conversation under review: what the analytics found in it (nothing until it is read). */
export function TaskAnalysis({ taskId }: { taskId: string }) {
  const analysis = useTaskAnalysis(taskId);
  if (analysis.data === null || analysis.isError) return null;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="task-analysis">
      <Title order={3} size="h5" id="task-analysis" mb="xs">
        What the analytics found
      </Title>
      {analysis.isPending ? <Skeleton h={60} aria-label="Loading the analysis" /> : <AnalysisCard analysis={analysis.data} />}
      <Text size="xs" c="dimmed" mt="xs">
        Phrases found as written: read the conversation before you judge.
      </Text>
    </Paper>
  );
}
