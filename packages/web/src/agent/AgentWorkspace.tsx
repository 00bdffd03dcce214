import { Grid, Paper, Stack, Text, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { MyWorkList } from './MyWorkList';
import { TaskView } from './TaskView';
import { WorkbinList } from './WorkbinList';
import { WorkbinPanel } from './WorkbinPanel';
import { MyDay } from './MyDay';
import { CaseView } from '../cases/CaseView';

/**
 * /agent: My work, workbins and my day on the left; on the right the selected task (?task=<id>),
 * the case of a task (?case=<id>: the case view, in the same workspace) or the selected workbin (?bin=<id>).
 */
export function AgentWorkspace() {
  const [params, setParams] = useSearchParams();
  const task = params.get('task');
  const kase = task ? null : params.get('case');
  const bin = task || kase ? null : params.get('bin');
  const openTask = (id: string | null) => setParams(id ? { task: id } : {}, { replace: false });
  const openBin = (id: string) => setParams({ bin: id }, { replace: false });

  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Stack gap="md">
          <MyWorkList selected={task} onSelect={openTask} />
          <WorkbinList selected={bin} onSelect={openBin} />
          <MyDay />
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 8 }}>
        {task && <TaskView key={task} taskId={task} onDone={() => openTask(null)} />}
        {bin && <WorkbinPanel key={bin} binId={bin} onClaimed={(t) => openTask(t.id)} />}
        {kase && <CaseView key={kase} caseId={kase} taskLink={(id) => `/agent?task=${encodeURIComponent(id)}`} />}
        {!task && !bin && !kase && (
          <Paper withBorder p="xl">
            <Stack gap={4} align="center">
              <Title order={3} size="h4">
                No task selected
              </Title>
              <Text c="dimmed" size="sm">
                Choose a task from My work, or open a workbin to claim one.
              </Text>
            </Stack>
          </Paper>
        )}
      </Grid.Col>
    </Grid>
  );
}
