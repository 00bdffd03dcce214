import { useState } from 'react';
import { ActionIcon, Button, Group, NumberInput, Text, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { notifications } from '@mantine/notifications';
import { ActionDialog } from '../lib/ActionDialog';
import { ApiError, errorMessage } from '../api/client';
import { useQueueSteps, useSaveSteps, type TargetStep } from './teams';

/**
 * A queue's routing targets: who may be offered its tasks (skill level at least N) once they have
 * waited so long — primary, then wider. Waiting tasks are routed by the new targets at once.
 */
export function TargetsDialog({ queue, onClose }: { queue: { id: string; name: string } | null; onClose: () => void }) {
  const steps = useQueueSteps(queue?.id ?? null);
  const save = useSaveSteps();
  // null: not edited yet, the stored targets show (a re-read while editing must not undo edits).
  const [edited, setRows] = useState<TargetStep[] | null>(null);
  const rows = edited ?? steps.data ?? [];

  if (!queue) return null;
  // Problems come back per row and field (/targetSteps/1/afterSeconds).
  const fieldError = (i: number, f: keyof TargetStep) => (save.error instanceof ApiError ? save.error.errors.find((e) => e.pointer === `/targetSteps/${i}/${f}`)?.message : undefined);
  const set = (i: number, patch: Partial<TargetStep>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const submit = () =>
    save.mutate(
      { queueId: queue.id, targetSteps: rows },
      {
        onSuccess: () => {
          notifications.show({ color: 'teal', message: `Targets of ${queue.name} saved` });
          onClose();
        },
      },
    );
  const fieldErrors = save.error instanceof ApiError && save.error.errors.some((e) => e.pointer.startsWith('/targetSteps/'));
  return (
    <ActionDialog opened onClose={onClose} title={`Targets of ${queue.name}`} submitLabel="Save targets" pending={save.isPending} error={save.error && !fieldErrors ? errorMessage(save.error) : null} onSubmit={submit}>
      <Text size="sm" c="dimmed">
        After each wait, agents with at least this skill level may be offered the task. The first target starts at 0 s.
      </Text>
      {steps.isPending && <Text size="sm">Loading the targets…</Text>}
      {rows.map((r, i) => (
        <Group key={i} gap="xs" align="flex-start" wrap="nowrap" role="group" aria-label={`Target ${i + 1}`}>
          <TextInput label="Name" value={r.name} onChange={(e) => set(i, { name: e.currentTarget.value })} error={fieldError(i, 'name')} data-autofocus={i === 0 || undefined} style={{ flex: 2 }} />
          <NumberInput label="After (s)" min={0} value={r.afterSeconds} onChange={(v) => set(i, { afterSeconds: Number(v) || 0 })} error={fieldError(i, 'afterSeconds')} style={{ flex: 1 }} />
          <NumberInput label="Min level" min={0} max={100} value={r.minLevel} onChange={(v) => set(i, { minLevel: Number(v) || 0 })} error={fieldError(i, 'minLevel')} style={{ flex: 1 }} />
          <ActionIcon variant="subtle" color="red" mt={26} aria-label={`Remove target ${i + 1}`} disabled={rows.length === 1} onClick={() => setRows(rows.filter((_, j) => j !== i))}>
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      ))}
      <Button
        variant="subtle"
        size="compact-sm"
        leftSection={<IconPlus size={14} aria-hidden />}
        disabled={rows.length >= 10}
        onClick={() => setRows([...rows, { name: ['primary', 'secondary', 'tertiary'][rows.length] ?? `step ${rows.length + 1}`, afterSeconds: (rows.at(-1)?.afterSeconds ?? 0) + 60, minLevel: 0 }])}
      >
        Add a target
      </Button>
      {fieldErrors && <Text size="sm" c="red" role="alert">{errorMessage(save.error)}</Text>}
    </ActionDialog>
  );
}
