import { useState } from 'react';
import { Alert, Text } from '@mantine/core';
import { ScorecardForm } from './ScorecardForm';
import type { GivenAnswers, Questionnaire, ScorecardDetail } from './data';

/**
 * A questionnaire as its evaluators will fill it in, from the editor's JSON before it is saved:
 * picks stay on this screen (nothing is scored or stored).
 */
export function QuestionnairePreview({ item }: { item: unknown }) {
  const [answers, setAnswers] = useState<GivenAnswers>({});
  const q = item as Questionnaire | null;
  if (!q || !Array.isArray(q.groups) || !q.groups.every((g) => g && Array.isArray(g.questions)))
    return <Alert color="gray">A questionnaire has groups, each with questions: nothing to preview yet.</Alert>;
  const card = { questionnaire: q, answers, groups: [], unanswered: [], criticalQuestions: [] } as unknown as ScorecardDetail;
  return (
    <div aria-label="Preview of the questionnaire">
      <Text size="sm" c="dimmed" mb="xs">
        {q.name || 'Untitled'}: as evaluators will see it. Passed from {q.passPercent ?? 70} %, excellent from {q.excellentPercent ?? 90} %.
      </Text>
      <ScorecardForm card={card} readOnly={false} invalid={new Set()} onAnswer={(id, a) => setAnswers((all) => ({ ...all, [id]: a }))} />
    </div>
  );
}
