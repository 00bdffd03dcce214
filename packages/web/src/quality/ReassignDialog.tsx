import { useState } from 'react';
import { errorMessage } from '../api/client';
import { ActionDialog } from '../lib/ActionDialog';
import { ChoiceSelect } from '../lib/ChoiceSelect';
import { useEvaluatorCandidates, useReassignScorecard, type ScorecardDetail } from './data';

/** A supervisor hands a scorecard not finished yet to another evaluator; the answers so far stay. */
export function ReassignDialog({ card, onClose }: { card: ScorecardDetail; onClose: () => void }) {
  const people = useEvaluatorCandidates(true, card.agent.id);
  const [to, setTo] = useState<string | null>(null);
  const reassign = useReassignScorecard(card.id);
  const options = (people.data ?? []).filter((p) => p.id !== card.evaluator.id).map((p) => ({ value: p.id, label: p.name }));
  return (
    <ActionDialog opened onClose={onClose} title={`Reassign the scorecard of ${card.task.title}`} submitLabel="Reassign" pending={reassign.isPending}
      error={reassign.error ? errorMessage(reassign.error) : null} onSubmit={() => to && reassign.mutate(to, { onSuccess: onClose })}>
      <ChoiceSelect label="New evaluator" description={`Now ${card.evaluator.name}; the answers saved so far stay.`} data={options} value={to} onChange={setTo}
        placeholder={people.isPending ? 'Loading…' : 'Pick someone'} autoFocus required />
    </ActionDialog>
  );
}
