import { Grid, Paper, Stack, Text, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { MyWorkList } from './MyWorkList';
import { TaskView } from './TaskView';

/** /agent: "My work" on the left, the selected task (?task=<id>) on the right. */
export function AgentWorkspace() {
  const [params, setParams] = useSearchParams();
  const selected = params.get('task');
  const select = (id: string | null) => setParams(id ? { task: id } : {}, { replace: false });

  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, md: 4 }}>
        <MyWorkList selected={selected} onSelect={select} />
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 8 }}>
        {selected ? (
          <TaskView key={selected} taskId={selected} onDone={() => select(null)} />
        ) : (
          <Paper withBorder p="xl">
            <Stack gap={4} align="center">
              <Title order={3} size="h4">
                No task selected
              </Title>
              <Text c="dimmed" size="sm">
                Choose a task from My work to see its details and wrap it up.
              </Text>
            </Stack>
          </Paper>
        )}
      </Grid.Col>
    </Grid>
  );
}
