import { useState } from 'react';
import { Button, Checkbox, Group, Textarea, TextInput } from '@mantine/core';
import type { Task } from '../api/types';
import { formErrors } from '../api/client';
import { ActionDialog } from '../lib/ActionDialog';
import { daysAheadAt, fromLocalInput, nextMondayAt, toLocalInput } from '../lib/datetime';
import { formatDateTime } from '../lib/time';
import { conflictText, useTaskAction } from './actions';
import { useMe } from '../auth/session';

interface Props {
  task: Task;
  opened: boolean;
  onClose: () => void;
  onDone?: (task: Task) => void;
}

/** Defer the task until a date and time; it then re-enters its queue at its old place, or comes back to its agent. */
export function RescheduleDialog({ task, opened, onClose, onDone }: Props) {
  const [until, setUntil] = useState(() => toLocalInput(task.wakeAt ? new Date(task.wakeAt) : daysAheadAt(1, 9)));
  const [reason, setReason] = useState('');
  const [checked, setChecked] = useState(false);
  const me = useMe().data?.user ?? null;
  const holder = task.assignee ?? task.targetAgent ?? null;
  const [keep, setKeep] = useState(false);
  const reschedule = useTaskAction<{ until: string; reason?: string; keep?: boolean }>(task, 'reschedule', (t) => {
    onClose();
    onDone?.(t);
  });
  const errs = formErrors(reschedule.error, ['until', 'reason', 'keep']);
  const when = fromLocalInput(until);
  const localError = !when ? 'Enter a date and time' : when.getTime() <= Date.now() ? 'Choose a time in the future' : null;

  const presets: [string, () => Date][] = [
    ['In 1 hour', () => new Date(Date.now() + 3_600_000)],
    ['Tomorrow 9:00', () => daysAheadAt(1, 9)],
    ['Monday 9:00', () => nextMondayAt(9)],
  ];

  return (
    <ActionDialog
      opened={opened}
      onClose={onClose}
      title={`Reschedule "${task.title}"`}
      submitLabel="Reschedule"
      pending={reschedule.isPending}
      error={conflictText(reschedule.error) ?? errs.general}
      onSubmit={() => {
        setChecked(true);
        if (localError || !when) return;
        reschedule.mutate({ until: when.toISOString(), ...(reason.trim() ? { reason: reason.trim() } : {}), ...(keep ? { keep: true } : {}) });
      }}
    >
      <TextInput
        type="datetime-local"
        label="Until"
        description={when ? `Comes back ${formatDateTime(when.toISOString())}` : 'Local time'}
        value={until}
        onChange={(e) => setUntil(e.currentTarget.value)}
        min={toLocalInput(new Date())}
        data-autofocus
        required
        error={(checked ? localError : null) ?? errs.fields.until}
      />
      <Group gap="xs" role="group" aria-label="Quick choices">
        {presets.map(([label, at]) => (
          <Button key={label} size="compact-xs" variant="light" onClick={() => setUntil(toLocalInput(at()))}>
            {label}
          </Button>
        ))}
      </Group>
      {holder && (
        <Checkbox
          label={holder === me?.id ? 'Bring it back to me, not to the queue' : 'Bring it back to the same agent, not to the queue'}
          description="It waits in their own workbin; if they decline it then, the queue has it"
          checked={keep}
          onChange={(e) => setKeep(e.currentTarget.checked)}
          error={errs.fields.keep}
        />
      )}
      <Textarea label="Reason (optional)" value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} error={errs.fields.reason} maxLength={1000} />
    </ActionDialog>
  );
}
