import { useState } from 'react';
import { NumberInput, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ActionDialog } from '../lib/ActionDialog';
import { errorMessage } from '../api/client';
import { useKpiTargets, useSaveTargets, type KpiInfo, type KpiKey, type KpiTarget } from './data';
import { formatKpi } from './format';

/** Whose goals: a queue's or a team's own (id), or the defaults (id null). */
export interface GoalScope {
  subject: 'queue' | 'agent';
  id: string | null;
  name: string;
}

const inScope = (t: KpiTarget, s: GoalScope) => (s.subject === 'queue' ? (t.queue ?? null) === s.id && t.team === undefined : (t.team ?? null) === s.id && t.queue === undefined);

/**
 * Sets the goals of one scope; an empty field means no own goal (the default applies). The API
 * takes the whole list, so the other scopes' goals go back unchanged.
 */
export function GoalsDialog({ scope, kpis, onClose }: { scope: GoalScope | null; kpis: KpiInfo[]; onClose: () => void }) {
  const targets = useKpiTargets();
  const save = useSaveTargets();
  const mine = kpis.filter((k) => k.subject === scope?.subject);
  // null: not edited yet, the stored goals show (a re-read while editing must not undo edits).
  const [edited, setValues] = useState<Partial<Record<KpiKey, number | ''>> | null>(null);
  const values = edited ?? (scope ? Object.fromEntries((targets.data?.items ?? []).filter((t) => inScope(t, scope)).map((t) => [t.kpi, t.goal])) : {});

  if (!scope) return null;
  const defaults = new Map((targets.data?.items ?? []).filter((t) => t.queue === undefined && t.team === undefined).map((t) => [t.kpi, t.goal]));
  const submit = () => {
    const others = (targets.data?.items ?? []).filter((t) => !inScope(t, scope));
    const own = mine.flatMap((k): KpiTarget[] => {
      const v = values[k.key];
      if (v === undefined || v === '') return [];
      return [{ kpi: k.key, goal: Number(v), ...(scope.id ? (scope.subject === 'queue' ? { queue: scope.id } : { team: scope.id }) : {}) }];
    });
    save.mutate([...others, ...own], {
      onSuccess: () => {
        notifications.show({ color: 'teal', message: `Goals of ${scope.name} saved` });
        onClose();
      },
    });
  };
  return (
    <ActionDialog opened onClose={onClose} title={`Goals: ${scope.name}`} submitLabel="Save goals" pending={save.isPending} error={save.error ? errorMessage(save.error) : null} onSubmit={submit}>
      <Text size="sm" c="dimmed">
        {scope.id ? 'Leave a field empty to use the default goal.' : `Defaults for every ${scope.subject === 'queue' ? 'queue' : 'agent'} without a goal of its own. Leave a field empty for no goal.`}
      </Text>
      {mine.map((k, i) => (
        <NumberInput
          key={k.key}
          data-autofocus={i === 0 || undefined}
          label={`${k.label} (${k.better === 'higher' ? 'at least' : 'at most'}, ${k.unit === 'percent' ? '%' : 'seconds'})`}
          description={k.description}
          placeholder={scope.id && defaults.has(k.key) ? `default: ${formatKpi(k, defaults.get(k.key)!)}` : 'no goal'}
          min={0}
          max={k.unit === 'percent' ? 100 : undefined}
          decimalScale={1}
          value={values[k.key] ?? ''}
          onChange={(v) => setValues({ ...values, [k.key]: v === '' ? '' : Number(v) })}
        />
      ))}
    </ActionDialog>
  );
}
