import { Grid, Stack, Title } from '@mantine/core';
import { AgentsTable, QueuesTable } from './RealtimeTables';
import { TasksTable } from './TasksTable';
import { TeamWorkbins } from './TeamWorkbins';
import { AlertsPanel } from './AlertsPanel';
import { useSupervisorStreamRefresh } from './data';
import { UndeliveredMessages } from '../cases/Notifications';
import { CasesPanel } from './CasesPanel';
import { SocialPanel } from './SocialPanel';

export function SupervisorPage() {
  useSupervisorStreamRefresh();
  return (
    <Stack gap="lg">
      <Title order={2}>Supervisor</Title>
      <QueuesTable />
      <CasesPanel />
      <SocialPanel />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <AgentsTable />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <AlertsPanel />
        </Grid.Col>
      </Grid>
      <TasksTable />
      <TeamWorkbins />
      <UndeliveredMessages />
    </Stack>
  );
}
