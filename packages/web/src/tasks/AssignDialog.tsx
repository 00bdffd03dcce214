import { useState } from 'react';
import { Text } from '@mantine/core';
import type { Task } from '../api/types';
import { formErrors } from '../api/client';
import { ActionDialog } from '../lib/ActionDialog';
import { ChoiceSelect } from '../lib/ChoiceSelect';
import { PRESENCE_LABEL } from '../lib/format';
import { conflictText, effectiveStatus, useAgentDirectory, useTaskAction } from './actions';

interface Props {
  task: Task;
  opened: boolean;
  onClose: () => void;
}

/** Supervisor: give the task to one person now (it lands in their "My work" live). */
export function AssignDialog({ task, opened, onClose }: Props) {
  const agents = useAgentDirectory();
  const [agent, setAgent] = useState<string | null>(null);
  const [checked, setChecked] = useState(false);
  const assign = useTaskAction<{ agent: string }>(task, 'assign', onClose);
  const errs = formErrors(assign.error, ['agent']);
  // Free people first, then by name: the likeliest choice is at the top.
  const options = [...(agents.data ?? [])]
    .filter((a) => a.agent !== task.assignee)
    .sort((a, b) => a.load / Math.max(1, a.capacity) - b.load / Math.max(1, b.capacity) || a.name.localeCompare(b.name))
    .map((a) => ({ value: a.agent, label: a.name, hint: `${PRESENCE_LABEL[effectiveStatus(a)]} · load ${a.load}/${a.capacity}` }));

  return (
    <ActionDialog
      opened={opened}
      onClose={onClose}
      title={`Assign "${task.title}"`}
      submitLabel="Assign"
      pending={assign.isPending}
      error={conflictText(assign.error) ?? errs.general}
      onSubmit={() => {
        setChecked(true);
        if (agent) assign.mutate({ agent });
      }}
    >
      <Text size="sm" c="dimmed">
        The task goes straight to the person&apos;s work, without an offer.
      </Text>
      <ChoiceSelect
        label="Agent"
        autoFocus
        data={options}
        value={agent}
        onChange={setAgent}
        placeholder={agents.isPending ? 'Loading agents…' : agents.isError ? 'Could not load agents' : 'Choose an agent'}
        error={(checked && !agent ? 'Pick the person who gets the task' : null) ?? errs.fields.agent}
      />
    </ActionDialog>
  );
}
