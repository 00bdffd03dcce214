import { Badge, Group, List, Stack, Text, Tooltip } from '@mantine/core';
import { sentimentColor, sentimentText, type Analysis } from './data';

const signed = (v: number) => (v > 0 ? `+${v}` : String(v));

/** What the analytics read in a conversation: topics, each compliance rule with the line that decided it, the customer's mood. */
export function AnalysisCard({ analysis }: { analysis: Analysis }) {
  const s = analysis.sentiment;
  return (
    <Stack gap="xs">
      <Group gap={4} aria-label="Topics">
        {analysis.topics.length === 0 && (
          <Text size="sm" c="dimmed">
            No topic found.
          </Text>
        )}
        {analysis.topics.map((t) => (
          <Tooltip key={t.category} label={`"${t.quote}"`} multiline w={320}>
            <Badge variant="light">{t.name}</Badge>
          </Tooltip>
        ))}
      </Group>
      {analysis.compliance.length > 0 && (
        <List size="sm" spacing={4} aria-label="Compliance" listStyleType="none">
          {analysis.compliance.map((c) => (
            <List.Item key={c.category}>
              <Text span c={c.passed ? 'green' : 'red'} fw={700} aria-hidden>
                {c.passed ? '✓' : '✗'}
              </Text>{' '}
              <Text span size="sm">
                {c.name}: {c.passed ? 'kept' : c.kind === 'required' ? 'not said' : 'said'}
              </Text>
              {!c.passed && c.quote && (
                <Text size="xs" c="dimmed" ml="md" fs="italic">
                  "{c.quote}"
                </Text>
              )}
            </List.Item>
          ))}
        </List>
      )}
      {s ? (
        <Text size="sm">
          Customer:{' '}
          <Text span fw={700} c={sentimentColor(s.overall)}>
            {sentimentText(s.overall)} ({signed(s.overall)})
          </Text>
          {s.trend && s.trend !== 'steady' && s.start !== null && s.end !== null && (
            <Text span size="xs" c="dimmed">
              {' '}
              · {s.trend} from {signed(s.start)} to {signed(s.end)}
            </Text>
          )}
        </Text>
      ) : (
        <Text size="sm" c="dimmed">
          The customer's words said nothing either way.
        </Text>
      )}
    </Stack>
  );
}
