import { Stack, Title } from '@mantine/core';
import { AgentsTable, QueuesTable } from './RealtimeTables';
import { TasksTable } from './TasksTable';
import { useSupervisorStreamRefresh } from './data';

export function SupervisorPage() {
  useSupervisorStreamRefresh();
  return (
    <Stack gap="lg">
      <Title order={2}>Supervisor</Title>
      <QueuesTable />
      <AgentsTable />
      <TasksTable />
    </Stack>
  );
}
