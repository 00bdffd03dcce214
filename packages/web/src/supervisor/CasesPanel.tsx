import { Anchor, Badge, Group, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { CaseAtRisk, CaseStatus } from '../api/types';
import { durationText, statusColor, statusLabel } from '../cases/format';
import { formatAge, useNow } from '../lib/time';
import { useCaseStats } from './data';
import { Section } from './Section';

/** The statuses shown as columns (open ones; resolved and closed are not live work). */
const COLUMNS: CaseStatus[] = ['new', 'open', 'in-progress', 'waiting-for-customer', 'escalated', 'reopened'];

/** Live: open cases per case type by status, how many are at risk or breached, and the cases at risk, soonest due first. */
export function CasesPanel() {
  const stats = useCaseStats();
  const items = stats.data?.items ?? [];
  const atRisk = stats.data?.atRisk ?? [];
  return (
    <Section id="live-cases" title="Cases" query={stats} empty={items.length === 0} emptyText="No case types configured.">
      <Table striped highlightOnHover aria-labelledby="live-cases">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Case type</Table.Th>
            <Table.Th ta="right">All open</Table.Th>
            {COLUMNS.map((st) => (
              <Table.Th key={st} ta="right">
                {statusLabel(st)}
              </Table.Th>
            ))}
            <Table.Th ta="right">SLA at risk</Table.Th>
            <Table.Th ta="right">SLA breached</Table.Th>
            <Table.Th ta="right">Oldest open</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((t) => (
            <Table.Tr key={t.caseType} aria-label={t.name}>
              <Table.Td>{t.name}</Table.Td>
              <Table.Td ta="right" fw={600}>
                {t.open}
              </Table.Td>
              {COLUMNS.map((st) => (
                <Table.Td key={st} ta="right" c={t.byStatus[st] ? undefined : 'dimmed'}>
                  {t.byStatus[st] ?? 0}
                </Table.Td>
              ))}
              <Table.Td ta="right">{t.atRisk ? <Badge color="orange" variant="light">{t.atRisk}</Badge> : 0}</Table.Td>
              <Table.Td ta="right">{t.breached ? <Badge color="red" variant="light">{t.breached}</Badge> : 0}</Table.Td>
              <Table.Td ta="right">{t.oldestOpenSeconds === null ? '—' : formatAge(t.oldestOpenSeconds)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text id="cases-at-risk" fw={600} size="sm" mt="md" mb={4}>
        At risk of missing their SLA
      </Text>
      {atRisk.length === 0 ? (
        <Text size="sm" c="dimmed">
          No open case has passed its SLA warning.
        </Text>
      ) : (
        <AtRiskTable cases={atRisk} />
      )}
    </Section>
  );
}

function AtRiskTable({ cases }: { cases: CaseAtRisk[] }) {
  const now = useNow(30_000);
  return (
    <Table fz="sm" aria-labelledby="cases-at-risk">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Case</Table.Th>
          <Table.Th>Title</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>SLA</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {cases.map((c) => {
          const left = c.slaDueAt ? Date.parse(c.slaDueAt) - now : null;
          return (
            <Table.Tr key={c.id}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Anchor component={Link} to={`/cases/${encodeURIComponent(c.id)}`} size="sm">
                  {c.number}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <Text size="sm" lineClamp={1} title={c.title}>
                  {c.title}
                </Text>
              </Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <Badge color={statusColor(c.status)} variant="light">
                    {statusLabel(c.status)}
                  </Badge>
                  {c.escalationLevel > 0 && <Badge color="orange" variant="outline">Level {c.escalationLevel}</Badge>}
                </Group>
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                {c.breachedAt ? (
                  <Badge color="red" variant="light">
                    Breached{left !== null && left < 0 ? ` ${durationText(-left)} ago` : ''}
                  </Badge>
                ) : (
                  <Badge color="orange" variant="light">
                    {left === null ? 'Paused' : left > 0 ? `Due in ${durationText(left)}` : 'Due now'}
                  </Badge>
                )}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
