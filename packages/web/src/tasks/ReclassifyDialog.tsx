import { useState } from 'react';
import { JsonInput } from '@mantine/core';
import type { Task } from '../api/types';
import { formErrors } from '../api/client';
import { ActionDialog } from '../lib/ActionDialog';
import { ChoiceSelect } from '../lib/ChoiceSelect';
import { conflictText, useTaskAction, useWorktypes } from './actions';

interface Props {
  task: Task;
  opened: boolean;
  onClose: () => void;
  onDone?: (task: Task) => void;
}

type Body = { worktype?: string; attributes?: Record<string, unknown> };

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Change the worktype and/or the attributes: the rules classify and prioritize the task again. */
export function ReclassifyDialog({ task, opened, onClose, onDone }: Props) {
  const worktypes = useWorktypes();
  const original = JSON.stringify(task.attributes ?? {}, null, 2);
  const [worktype, setWorktype] = useState<string>(task.worktype);
  const [attributes, setAttributes] = useState(original);
  const [checked, setChecked] = useState(false);
  const reclassify = useTaskAction<Body>(task, 'reclassify', (t) => {
    onClose();
    onDone?.(t);
  });
  const errs = formErrors(reclassify.error, ['worktype', 'attributes']);
  const parsed = parseObject(attributes);
  const attributesChanged = parsed !== null && JSON.stringify(parsed) !== JSON.stringify(task.attributes ?? {});
  const nothing = worktype === task.worktype && !attributesChanged;

  let localError: string | null = null;
  if (parsed === null) localError = 'Attributes must be a JSON object, e.g. {"segment": "Gold"}';
  else if (nothing) localError = 'Change the worktype or an attribute';

  return (
    <ActionDialog
      opened={opened}
      onClose={onClose}
      title={`Reclassify "${task.title}"`}
      submitLabel="Reclassify"
      pending={reclassify.isPending}
      error={conflictText(reclassify.error) ?? errs.general}
      onSubmit={() => {
        setChecked(true);
        if (localError || !parsed) return;
        reclassify.mutate({ ...(worktype !== task.worktype ? { worktype } : {}), ...(attributesChanged ? { attributes: parsed } : {}) });
      }}
    >
      <ChoiceSelect
        label="Worktype"
        autoFocus
        data={(worktypes.data ?? []).map((w) => ({ value: w.id, label: w.name }))}
        value={worktype}
        onChange={setWorktype}
        placeholder={worktypes.isPending ? 'Loading…' : 'Choose a worktype'}
        error={errs.fields.worktype}
      />
      <JsonInput
        label="Attributes"
        description="JSON object; the classification rules read these"
        value={attributes}
        onChange={setAttributes}
        formatOnBlur
        autosize
        minRows={4}
        maxRows={14}
        error={(checked ? localError : null) ?? errs.fields.attributes}
      />
    </ActionDialog>
  );
}
