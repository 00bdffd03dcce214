import { useState } from 'react';
import { NumberInput, Select, SimpleGrid, Switch, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { ActionDialog } from '../lib/ActionDialog';
import { api, formErrors } from '../api/client';
import type { Case, ClockPolicy, List } from '../api/types';
import { caseKey, refreshCase } from './data';

const UNITS = [
  { value: 'minutes', label: 'minutes' },
  { value: 'hours', label: 'hours' },
  { value: 'days', label: 'days' },
];
const MODES = [
  { value: 'business', label: 'Open-office time (a calendar)' },
  { value: 'calendar', label: 'Around the clock' },
];

/**
 * A supervisor's change of a case's SLA, or of the OLA of its live work: the deadline is counted
 * again from the clock's start (pauses kept), and its warning and breach fire anew if not reached.
 */
export function ClockDialog({ kase, which, current, onClose }: { kase: Case; which: 'sla' | 'ola'; current: ClockPolicy | null; onClose: () => void }) {
  const qc = useQueryClient();
  const calendars = useQuery({ queryKey: ['calendars'], queryFn: () => api<List<{ id: string; name: string }>>('/calendars'), select: (d) => d.items, staleTime: 60_000 });
  const [policy, setPolicy] = useState<ClockPolicy>(current ?? { duration: 1, unit: 'days', mode: 'business' });
  const [reset, setReset] = useState(false);
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<Case>(`/cases/${encodeURIComponent(kase.id)}`, { method: 'PATCH', body }),
    onSuccess: (after) => {
      qc.setQueryData(caseKey(kase.id), after);
      refreshCase(qc, after);
      notifications.show({ color: 'teal', message: `${which.toUpperCase()} of ${after.number} changed` });
      onClose();
    },
  });
  const name = which.toUpperCase();
  const errs = formErrors(save.error, [which]);
  const submit = () => {
    const p: ClockPolicy = { duration: policy.duration, unit: policy.unit, mode: policy.mode, ...(policy.mode === 'business' && policy.calendar ? { calendar: policy.calendar } : {}), ...(policy.warnAtPercent ? { warnAtPercent: policy.warnAtPercent } : {}) };
    save.mutate({ [which]: reset ? null : p });
  };
  const set = (patch: Partial<ClockPolicy>) => setPolicy((cur) => ({ ...cur, ...patch }));
  return (
    <ActionDialog opened onClose={onClose} title={`Change the ${name} of ${kase.number}`} submitLabel={`Save ${name}`} pending={save.isPending} error={errs.general ?? errs.fields[which] ?? null} onSubmit={submit}>
      <Text size="sm" c="dimmed">
        {which === 'sla' ? 'The case’s promise to the customer.' : 'The time the current step’s work may take.'} Counted from the clock’s start; time paused stays paused.
      </Text>
      <Switch label={`Back to the ${which === 'sla' ? 'case type’s' : 'procedure’s'} ${name}`} checked={reset} onChange={(e) => setReset(e.currentTarget.checked)} />
      <SimpleGrid cols={2} spacing="sm">
        <NumberInput label="Within" data-autofocus min={0.1} decimalScale={2} value={policy.duration} disabled={reset} onChange={(v) => set({ duration: Number(v) || 0 })} />
        <Select label="Unit" data={UNITS} value={policy.unit} disabled={reset} allowDeselect={false} onChange={(v) => v && set({ unit: v as ClockPolicy['unit'] })} />
      </SimpleGrid>
      <Select label="Counted in" data={MODES} value={policy.mode} disabled={reset} allowDeselect={false} onChange={(v) => v && set({ mode: v as ClockPolicy['mode'] })} />
      {policy.mode === 'business' && (
        <Select label="Calendar" placeholder="The default calendar" clearable data={(calendars.data ?? []).map((c) => ({ value: c.id, label: c.name }))} value={policy.calendar ?? null} disabled={reset} onChange={(v) => set(v ? { calendar: v } : { calendar: undefined })} />
      )}
      <NumberInput label="Warn at (% of the time used)" placeholder="no warning" min={1} max={99} value={policy.warnAtPercent ?? ''} disabled={reset} onChange={(v) => set({ warnAtPercent: v === '' ? undefined : Number(v) })} />
    </ActionDialog>
  );
}
