import { Alert, Button, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { errorMessage } from '../api/client';
import type { PresenceStatus } from '../api/types';
import { BarList } from '../lib/BarList';
import { PRESENCE_COLOR, PRESENCE_LABEL } from '../lib/format';
import { formatDuration, useNow } from '../lib/time';
import { useMyStats, usePresenceReasons } from './data';
import { liveTimes } from './liveTimes';

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} aria-label={label}>
        {value}
      </Text>
    </div>
  );
}

/** The agent's own statistics for today: handled, handle time, time in each status. */
export function MyDay() {
  const stats = useMyStats();
  const reasons = usePresenceReasons();
  const now = useNow(1000);
  const reasonLabel = (code: string | null) => (code ? (reasons.data?.find((r) => r.code === code)?.label ?? code) : null);

  const label = (status: PresenceStatus, reason: string | null) =>
    status === 'not-ready' && reason ? `${PRESENCE_LABEL[status]} — ${reasonLabel(reason)}` : PRESENCE_LABEL[status] ?? status;

  return (
    <Paper withBorder p="sm" component="section" aria-labelledby="my-day-title">
      <Title order={2} size="h4" id="my-day-title" mb="xs">
        My day
      </Title>
      {stats.isPending && <Skeleton h={110} aria-label="Loading my statistics" />}
      {stats.isError && (
        <Alert color="red" title="Could not load your statistics">
          <Text size="sm">{errorMessage(stats.error)}</Text>
          <Button size="xs" variant="light" color="red" mt="xs" onClick={() => void stats.refetch()}>
            Retry
          </Button>
        </Alert>
      )}
      {stats.data && (
        <Stack gap="sm">
          <Group grow gap="xs">
            <Figure label="Handled" value={String(stats.data.handled)} />
            <Figure label="Average handle time" value={stats.data.averageHandleSeconds === null ? '—' : formatDuration(stats.data.averageHandleSeconds)} />
          </Group>
          {(() => {
            const rows = liveTimes(stats.data, stats.dataUpdatedAt, now);
            if (rows.length === 0)
              return (
                <Text size="sm" c="dimmed">
                  No time signed in to work yet today.
                </Text>
              );
            return (
              <BarList
                label="Time in status today"
                bars={rows.map((t) => ({
                  key: `${t.status}:${t.reason ?? ''}`,
                  label: label(t.status, t.reason),
                  color: PRESENCE_COLOR[t.status] ?? 'gray',
                  value: t.seconds,
                  valueText: formatDuration(t.seconds),
                }))}
              />
            );
          })()}
        </Stack>
      )}
    </Paper>
  );
}
