import { useState } from 'react';
import { Checkbox, Stack, Text } from '@mantine/core';
import { useNavigate } from 'react-router';
import { errorMessage } from '../api/client';
import type { Task } from '../api/types';
import { useUser } from '../auth/session';
import { ActionDialog } from '../lib/ActionDialog';
import { ChoiceSelect } from '../lib/ChoiceSelect';
import { useAssignScorecards, useEvaluatorCandidates, useQuestionnaires } from './data';

/**
 * A supervisor picks finished work to evaluate: a questionnaire and who scores it (themself by
 * default); two or more evaluators make a calibration. Opens the new scorecard when it is theirs.
 */
export function EvaluateDialog({ task, opened, onClose }: { task: Task; opened: boolean; onClose: () => void }) {
  const me = useUser();
  const navigate = useNavigate();
  const forms = useQuestionnaires(opened);
  const people = useEvaluatorCandidates(opened, task.assignee);
  const [form, setForm] = useState<string | null>(null);
  const [evaluators, setEvaluators] = useState<string[]>([me.id]);
  const [ack, setAck] = useState(false);
  const assign = useAssignScorecards();
  const chosen = form ?? forms.data?.[0]?.id ?? null;
  const submit = () =>
    chosen &&
    assign.mutate({ taskId: task.id, questionnaire: chosen, evaluators, acknowledge: ack && evaluators.length === 1 }, {
      onSuccess: (r) => {
        onClose();
        const mine = r.items.find((c) => c.evaluator.id === me.id);
        if (mine) void navigate(`/quality/scorecards/${mine.id}`);
      },
    });
  return (
    <ActionDialog opened={opened} onClose={onClose} title={`Evaluate: ${task.title}`} submitLabel="Evaluate" pending={assign.isPending} error={assign.error ? errorMessage(assign.error) : null} onSubmit={submit}>
      <ChoiceSelect label="Questionnaire" data={(forms.data ?? []).map((q) => ({ value: q.id, label: q.name }))} value={chosen} onChange={setForm} placeholder={forms.isPending ? 'Loading…' : 'No questionnaire published'} autoFocus required />
      <Checkbox.Group label="Evaluators" description="Two or more score it each on their own: a calibration compares them." value={evaluators} onChange={setEvaluators}>
        <Stack gap={4} mt={4} mah={220} style={{ overflowY: 'auto' }}>
          {(people.data ?? []).map((p) => (
            <Checkbox key={p.id} value={p.id} label={p.id === me.id ? `${p.name} (you)` : p.name} />
          ))}
          {people.isError && <Text size="sm" c="red">{errorMessage(people.error)}</Text>}
        </Stack>
      </Checkbox.Group>
      {evaluators.length > 1 ? (
        <Text size="sm" c="dimmed">
          A calibration is for the evaluators: the agent does not see it, and it does not count in their scores.
        </Text>
      ) : (
        <Checkbox label="The agent must acknowledge it" checked={ack} onChange={(e) => setAck(e.currentTarget.checked)} />
      )}
    </ActionDialog>
  );
}
