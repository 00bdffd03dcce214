import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { BarList } from '../lib/BarList';
import { DetailLoading, LoadError } from '../lib/LoadStates';
import { percentText, useCalibration, useScorecardSync } from './data';

const agreementColor = (a: number | null) => (a === null ? 'gray' : a >= 100 ? 'green' : a >= 60 ? 'yellow' : 'red');

/** Where evaluators of the same work agree and where not: their totals side by side, and each question's answers. */
export function CalibrationPage() {
  const { id = '' } = useParams();
  useScorecardSync();
  const cal = useCalibration(id);
  if (cal.isPending) return <DetailLoading label="Loading the calibration" />;
  if (cal.isError) return <LoadError error={cal.error} what="calibration" gone="It was withdrawn, or it is not yours to see." onRetry={() => void cal.refetch()} />;
  const c = cal.data;
  const bars = c.evaluators.map((e) => ({ key: e.evaluator, label: e.name, value: e.percent ?? 0, color: 'grape', valueText: `${percentText(e.percent)} (${e.deviation !== null && e.deviation > 0 ? '+' : ''}${e.deviation ?? '—'})` }));
  return (
    <Stack gap="md">
      <Anchor component={Link} to="/quality" size="sm">
        ← Quality
      </Anchor>
      <div>
        <Title order={2}>Calibration: {c.task.title}</Title>
        <Text size="sm" c="dimmed">
          {c.agent.name}'s work, scored with {c.questionnaire.name} by {c.cards + c.pending.length} evaluators
          {c.pending.length ? ` (${c.pending.map((p) => p.evaluator.name ?? p.evaluator.id).join(', ')} not finished yet)` : ''}
        </Text>
      </div>
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <Paper withBorder p="md">
          <Text size="xs" c="dimmed">Average score</Text>
          <Text size="xl" fw={700}>{percentText(c.mean)}</Text>
        </Paper>
        <Paper withBorder p="md">
          <Text size="xs" c="dimmed">Spread (highest − lowest)</Text>
          <Text size="xl" fw={700} c={c.spread !== null && c.spread > 15 ? 'red' : undefined}>
            {c.spread === null ? '—' : `${c.spread} points`}
          </Text>
        </Paper>
        <Paper withBorder p="md">
          <Text size="xs" c="dimmed">Questions all agree on</Text>
          <Text size="xl" fw={700}>
            {c.questions.filter((q) => q.agreement === 100).length} of {c.questions.length}
          </Text>
        </Paper>
      </SimpleGrid>
      {bars.length > 0 && (
        <Paper withBorder p="md" component="section" aria-labelledby="cal-evaluators">
          <Title order={3} size="h5" id="cal-evaluators" mb="sm">
            Each evaluator's total (difference from the average)
          </Title>
          <BarList bars={bars} label="Evaluators' totals" scale={100} />
        </Paper>
      )}
      <Paper withBorder p="md" component="section" aria-labelledby="cal-questions">
        <Title order={3} size="h5" id="cal-questions" mb="sm">
          Answers per question
        </Title>
        <Table striped aria-labelledby="cal-questions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Question</Table.Th>
              <Table.Th>Answers given</Table.Th>
              <Table.Th ta="right">Agreement</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {c.questions.map((q) => (
              <Table.Tr key={q.id}>
                <Table.Td>{q.text}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {Object.entries(q.answers).map(([a, n]) => (
                      <Badge key={a} variant="light" color="gray" tt="none">
                        {a}: {n}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td ta="right">
                  <Badge color={agreementColor(q.agreement)}>{percentText(q.agreement)}</Badge>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </Stack>
  );
}
