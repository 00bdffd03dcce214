import { Badge, Group, Paper, Radio, Stack, Text, TextInput, Title } from '@mantine/core';
import type { GivenAnswer, Question, ScorecardDetail } from './data';
import { percentText } from './data';

const NA = '__na';

/** What the evaluator picks from (the server's rule: yes/no, 1 to 5, or the choice's answers). */
export function optionsOf(q: Question): string[] {
  if (q.kind === 'yes-no') return ['Yes', 'No'];
  if (q.kind === 'scale') return ['1', '2', '3', '4', '5'];
  return (q.answers ?? []).map((a) => a.label);
}

const valueOf = (a: GivenAnswer | undefined) => (a?.na ? NA : (a?.answer ?? null));

/**
 * The questionnaire as radio groups, one per question (arrow keys move between answers), with a
 * comment each. Every pick is saved at once (`onAnswer`); comments when the field is left.
 * `readOnly`: the finished scorecard as the agent and others read it.
 */
export function ScorecardForm({ card, readOnly, onAnswer, invalid }: { card: ScorecardDetail; readOnly: boolean; onAnswer: (id: string, a: GivenAnswer) => void; invalid: ReadonlySet<string> }) {
  const groupPercent = new Map(card.groups.map((g) => [g.id, g.percent]));
  return (
    <Stack gap="md">
      {card.questionnaire.groups.map((g) => (
        <Paper key={g.id} withBorder p="md" component="section" aria-labelledby={`group-${g.id}`}>
          <Group justify="space-between" mb="xs">
            <Title order={3} size="h5" id={`group-${g.id}`}>
              {g.name}
            </Title>
            <Badge variant="light" color="gray" aria-label={`${g.name} score`}>
              {percentText(groupPercent.get(g.id))}
            </Badge>
          </Group>
          <Stack gap="sm">
            {g.questions.map((q) => {
              const given = card.answers[q.id];
              const missing = invalid.has(q.id);
              return (
                <div key={q.id} data-question={q.id}>
                  <Radio.Group
                    label={
                      <Group gap={6} component="span">
                        <span>{q.text}</span>
                        {q.critical && (
                          <Badge size="xs" color="red" variant="light">
                            Critical
                          </Badge>
                        )}
                        {(q.weight ?? 1) !== 1 && (
                          <Badge size="xs" color="gray" variant="light">
                            Weight {q.weight}
                          </Badge>
                        )}
                      </Group>
                    }
                    description={q.help}
                    value={valueOf(given)}
                    error={missing ? 'Answer this question' : undefined}
                    onChange={(v) => !readOnly && onAnswer(q.id, v === NA ? { na: true, ...(given?.comment ? { comment: given.comment } : {}) } : { answer: v, ...(given?.comment ? { comment: given.comment } : {}) })}
                    readOnly={readOnly}
                  >
                    <Group gap="md" mt={4}>
                      {optionsOf(q).map((o) => (
                        <Radio key={o} value={o} label={o} disabled={readOnly && valueOf(given) !== o} />
                      ))}
                      {q.allowNA && <Radio value={NA} label="Not applicable" disabled={readOnly && !given?.na} />}
                    </Group>
                  </Radio.Group>
                  {readOnly ? (
                    given?.comment && (
                      <Text size="sm" c="dimmed" mt={2}>
                        “{given.comment}”
                      </Text>
                    )
                  ) : (
                    <TextInput
                      size="xs"
                      mt={4}
                      aria-label={`Comment on "${q.text}"`}
                      placeholder="Comment (optional)"
                      maxLength={2000}
                      defaultValue={given?.comment ?? ''}
                      onBlur={(e) => {
                        const comment = e.currentTarget.value.trim();
                        if (comment === (given?.comment ?? '')) return;
                        const base = given?.na ? { na: true } : given?.answer !== undefined ? { answer: given.answer } : {};
                        onAnswer(q.id, { ...base, ...(comment ? { comment } : {}) });
                      }}
                    />
                  )}
                </div>
              );
            })}
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}
