import { useState } from 'react';
import { Text, Textarea } from '@mantine/core';
import type { Task } from '../api/types';
import { formErrors } from '../api/client';
import { ActionDialog } from '../lib/ActionDialog';
import { conflictText, useTaskAction, type TaskAction } from './actions';

interface Props {
  task: Task;
  action: Extract<TaskAction, 'pause' | 'escalate' | 'cancel' | 'pull-back'>;
  opened: boolean;
  onClose: () => void;
  onDone?: (task: Task) => void;
}

interface Text {
  title: string;
  submit: string;
  label: string;
  /** Shown when a required reason is missing. */
  missing?: string;
  color?: string;
  help: string;
}

const TEXT: Record<Props['action'], Text> = {
  pause: {
    title: 'Pause',
    submit: 'Pause task',
    label: 'Waiting for',
    missing: 'Say what the task waits for',
    help: 'The task waits on someone outside; it leaves your work, and resuming puts it back in its queue.',
  },
  escalate: { title: 'Escalate', submit: 'Escalate', label: 'Reason', missing: 'Give a reason', color: 'orange', help: 'Sends the task to its escalation target with a higher priority.' },
  cancel: { title: 'Cancel', submit: 'Cancel task', label: 'Reason', missing: 'Give a reason', color: 'red', help: 'The task ends without being done. This cannot be undone.' },
  'pull-back': { title: 'Pull back', submit: 'Pull back', label: 'Reason (optional)', help: 'Takes the task from its agent and puts it back in its queue at its old place.' },
};

/** One reason field: pause, escalate, cancel and pull back. */
export function ReasonDialog({ task, action, opened, onClose, onDone }: Props) {
  const t = TEXT[action];
  const [reason, setReason] = useState('');
  const [checked, setChecked] = useState(false);
  const mutation = useTaskAction<{ reason?: string }>(task, action, (done) => {
    onClose();
    onDone?.(done);
  });
  const errs = formErrors(mutation.error, ['reason']);
  const missing = !!t.missing && !reason.trim();

  return (
    <ActionDialog
      opened={opened}
      onClose={onClose}
      title={`${t.title} "${task.title}"`}
      submitLabel={t.submit}
      submitColor={t.color}
      pending={mutation.isPending}
      error={conflictText(mutation.error) ?? errs.general}
      onSubmit={() => {
        setChecked(true);
        if (missing) return;
        mutation.mutate(reason.trim() ? { reason: reason.trim() } : {});
      }}
    >
      <Text size="sm" c="dimmed">
        {t.help}
      </Text>
      <Textarea
        label={t.label}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        autosize
        minRows={2}
        maxLength={1000}
        required={!!t.missing}
        data-autofocus
        error={(checked && missing ? t.missing : null) ?? errs.fields.reason}
        onKeyDown={(e) => {
          // Ctrl/Cmd+Enter submits from the multi-line field.
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) e.currentTarget.form?.requestSubmit();
        }}
      />
    </ActionDialog>
  );
}
