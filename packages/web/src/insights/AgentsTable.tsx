import { Badge, Group, Table, Text, Tooltip } from '@mantine/core';
import type { KpiInfo, SubjectInsight } from './data';
import { formatKpi, goalText } from './format';

/**
 * Agents against their goals and against each other: a missed goal in red, a value unusual among
 * the agents shown (an outlier) marked, worst first so the few who need a word come up top.
 */
export function AgentsTable({ agents, kpis, teamName }: { agents: SubjectInsight[]; kpis: KpiInfo[]; teamName: (id: string) => string }) {
  const shown = kpis.filter((k) => agents.some((a) => a.kpis[k.key]));
  const trouble = (a: SubjectInsight) => shown.reduce((n, k) => n + (a.kpis[k.key]?.outlier ? 2 : 0) + (a.kpis[k.key]?.status === 'missed' ? 1 : 0), 0);
  const rows = [...agents].sort((a, b) => trouble(b) - trouble(a) || a.name.localeCompare(b.name));
  return (
    <Table striped highlightOnHover aria-labelledby="insights-agents">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Agent</Table.Th>
          <Table.Th>Teams</Table.Th>
          <Table.Th ta="right">Handled</Table.Th>
          {shown.map((k) => (
            <Table.Th key={k.key} ta="right">
              <Tooltip label={k.description} multiline w={260} withArrow>
                <span tabIndex={0}>{k.label}</span>
              </Tooltip>
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((a) => (
          <Table.Tr key={a.id}>
            <Table.Td>{a.name}</Table.Td>
            <Table.Td>
              <Text size="sm" c="dimmed">
                {(a.teams ?? []).map(teamName).join(', ') || '—'}
              </Text>
            </Table.Td>
            <Table.Td ta="right">{a.volume.handled ?? 0}</Table.Td>
            {shown.map((k) => {
              const r = a.kpis[k.key];
              return (
                <Table.Td key={k.key} ta="right" style={{ whiteSpace: 'nowrap' }}>
                  <Group gap={6} justify="flex-end" wrap="nowrap">
                    {r?.outlier && (
                      <Tooltip label={`Usual among these agents: ${formatKpi(k, r.outlier.peersUsual)}`} withArrow>
                        <Badge size="xs" color="grape" variant="light" tabIndex={0}>
                          unusual
                        </Badge>
                      </Tooltip>
                    )}
                    <Tooltip label={goalText(k, r)} withArrow>
                      <Text size="sm" fw={r?.status === 'missed' ? 700 : undefined} c={r?.status === 'missed' ? 'red.7' : undefined} tabIndex={0} aria-label={`${k.label} of ${a.name}: ${formatKpi(k, r?.value)}, ${goalText(k, r)}${r?.status === 'missed' ? ', missed' : ''}`}>
                        {formatKpi(k, r?.value)}
                      </Text>
                    </Tooltip>
                  </Group>
                </Table.Td>
              );
            })}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
