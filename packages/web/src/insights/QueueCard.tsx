import { Badge, Button, Group, Paper, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconTarget, IconZoomIn } from '@tabler/icons-react';
import type { KpiInfo, SubjectInsight } from './data';
import { formatKpi, goalText, STATUS_COLOR, STATUS_LABEL } from './format';
import { KpiSpark } from './KpiSpark';

interface Props {
  subject: SubjectInsight;
  kpis: KpiInfo[];
  labels: string[];
  /** Drill down into this queue (absent: already there, or the overall card). */
  onOpen?: (() => void) | undefined;
  onGoals: () => void;
}

/** One queue (or all queues): its volumes and each queue KPI against its goal, per period. */
export function QueueCard({ subject, kpis, labels, onOpen, onGoals }: Props) {
  const id = `insight-queue-${subject.id || 'all'}`;
  const v = subject.volume;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id}>
      <Group justify="space-between" mb={4} wrap="nowrap">
        <Title order={3} size="h5" id={id}>
          {subject.name}
        </Title>
        <Group gap={4} wrap="nowrap">
          {onOpen && (
            <Button size="compact-xs" variant="subtle" leftSection={<IconZoomIn size={14} aria-hidden />} onClick={onOpen} aria-label={`Drill down into ${subject.name}`}>
              Drill down
            </Button>
          )}
          <Button size="compact-xs" variant="subtle" leftSection={<IconTarget size={14} aria-hidden />} onClick={onGoals} aria-label={`Goals of ${subject.name}`}>
            Goals
          </Button>
        </Group>
      </Group>
      <Text size="xs" c="dimmed" mb="sm">
        {v.created ?? 0} created · {v.answered ?? 0} answered · {v.abandoned ?? 0} abandoned
      </Text>
      <Stack gap="sm">
        {kpis.map((k) => {
          const r = subject.kpis[k.key];
          if (!r) return null;
          return (
            <div key={k.key}>
              <Group justify="space-between" gap="xs" wrap="nowrap">
                <Tooltip label={k.description} multiline w={260} withArrow>
                  <Text size="sm" fw={500} tabIndex={0}>
                    {k.label}
                  </Text>
                </Tooltip>
                <Group gap={6} wrap="nowrap">
                  <Text size="sm" fw={700} c={r.status === 'missed' ? 'red.7' : undefined} data-testid={`${subject.id || 'all'}-${k.key}`}>
                    {formatKpi(k, r.value)}
                  </Text>
                  <Badge size="xs" variant="light" color={STATUS_COLOR[r.status]}>
                    {STATUS_LABEL[r.status]}
                  </Badge>
                </Group>
              </Group>
              <Group justify="space-between" gap="xs" mb={2}>
                <Text size="xs" c="dimmed">
                  {goalText(k, r)}
                </Text>
                {r.anomalies.length > 0 && (
                  <Text size="xs" c="orange.8">
                    {r.anomalies.length} unusual {r.anomalies.length === 1 ? 'period' : 'periods'}
                  </Text>
                )}
              </Group>
              <KpiSpark kpi={k} reading={r} labels={labels} />
            </div>
          );
        })}
      </Stack>
    </Paper>
  );
}
