import { Anchor, Badge, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { MEDIA_LABEL } from '../lib/format';
import { formatDateTime } from '../lib/time';
import { BAND_COLOR, STATE_COLOR, STATE_LABEL, percentText, type Scorecard } from './data';

/** Scorecards as rows: the work (a link to the scorecard), who, the questionnaire, where it stands, the score. */
export function ScorecardTable({ items, label, show }: { items: Scorecard[]; label: string; show: { agent?: boolean; evaluator?: boolean } }) {
  return (
    <Table striped highlightOnHover aria-label={label}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Work</Table.Th>
          {show.agent && <Table.Th>Agent</Table.Th>}
          {show.evaluator && <Table.Th>Evaluator</Table.Th>}
          <Table.Th>Questionnaire</Table.Th>
          <Table.Th>State</Table.Th>
          <Table.Th ta="right">Score</Table.Th>
          <Table.Th>Assigned</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((c) => (
          <Table.Tr key={c.id}>
            <Table.Td>
              <Anchor component={Link} to={`/quality/scorecards/${c.id}`} size="sm">
                {c.task.title || c.task.id}
              </Anchor>
              {c.task.mediaType && MEDIA_LABEL[c.task.mediaType] && (
                <Badge size="xs" variant="light" ml={6}>
                  {MEDIA_LABEL[c.task.mediaType]}
                </Badge>
              )}
              {c.calibration && (
                <Badge size="xs" variant="outline" color="grape" ml={6}>
                  Calibration
                </Badge>
              )}
            </Table.Td>
            {show.agent && <Table.Td>{c.agent.name}</Table.Td>}
            {show.evaluator && <Table.Td>{c.evaluator.name}</Table.Td>}
            <Table.Td>{c.questionnaire.name}</Table.Td>
            <Table.Td>
              <Badge color={STATE_COLOR[c.state]} variant="light">
                {STATE_LABEL[c.state]}
              </Badge>
              {c.state === 'finished' && c.needsAcknowledgement && (
                <Text span size="xs" c="dimmed" ml={6}>
                  to acknowledge
                </Text>
              )}
            </Table.Td>
            <Table.Td ta="right">
              <Text span size="sm" fw={600} c={c.band ? BAND_COLOR[c.band] : 'dimmed'}>
                {percentText(c.percent)}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="xs">{formatDateTime(c.assignedAt)}</Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
