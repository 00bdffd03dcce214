import { useState } from 'react';
import { Button, Group, Paper, Skeleton, Text, Title } from '@mantine/core';
import type { WorkbinTask } from '../api/types';
import { ChoiceSelect } from '../lib/ChoiceSelect';
import { AssignDialog } from '../tasks/AssignDialog';
import { useWorkbins } from '../workbins/data';
import { WorkbinTasksTable } from '../workbins/WorkbinTasksTable';

/** Team workbins: work waiting for a person to be chosen; the supervisor assigns it. */
export function TeamWorkbins() {
  const bins = useWorkbins();
  const teamBins = (bins.data ?? []).filter((b) => b.kind === 'team');
  const [chosen, setChosen] = useState<string | null>(null);
  const [assigning, setAssigning] = useState<WorkbinTask | null>(null);
  const bin = teamBins.find((b) => b.id === chosen) ?? teamBins[0];

  if (bins.isPending) return <Skeleton h={120} aria-label="Loading team workbins" />;
  if (teamBins.length === 0 || !bin) {
    return (
      <Paper withBorder p="md" component="section" aria-labelledby="team-bins-title">
        <Title order={3} size="h4" id="team-bins-title">
          Team workbins
        </Title>
        <Text size="sm" c="dimmed" py="sm">
          {bins.isError ? 'Could not load the workbins.' : 'No team workbins.'}
        </Text>
      </Paper>
    );
  }

  return (
    <section aria-label="Team workbins">
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h4">
          Team workbins
        </Title>
        <ChoiceSelect
          label="Team bin"
          size="xs"
          w={240}
          data={teamBins.map((b) => ({ value: b.id, label: `${b.name} (${b.count})` }))}
          value={bin.id}
          onChange={setChosen}
        />
      </Group>
      <WorkbinTasksTable
        key={bin.id}
        bin={bin}
        action={(t) => (
          <Button size="xs" variant="light" aria-label={`Assign ${t.title}`} onClick={() => setAssigning(t)}>
            Assign
          </Button>
        )}
      />
      {assigning && <AssignDialog task={assigning} opened onClose={() => setAssigning(null)} />}
    </section>
  );
}
