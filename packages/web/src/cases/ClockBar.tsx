import { Badge, Group, Progress, Stack, Text } from '@mantine/core';
import type { ClockStatus } from '../api/types';
import { formatDateTime } from '../lib/time';
import { durationText } from './format';

const COLOR: Record<string, string> = { running: 'blue', warning: 'yellow', breached: 'red', paused: 'gray', stopped: 'gray' };
const LABEL: Record<string, string> = { running: 'Running', warning: 'Warning', breached: 'Breached', paused: 'Paused', stopped: 'Stopped' };

/**
 * One SLA or OLA clock: how much of it is used (a progress bar named after the clock), its state,
 * when it is due and how much is left (or how far over).
 */
export function ClockBar({ name, clock, stopped, detail }: { name: string; clock: ClockStatus; stopped?: boolean; detail?: string }) {
  const state = stopped ? 'stopped' : (clock.state ?? 'running');
  const percent = Math.max(0, Math.min(100, Math.round(clock.percent ?? 0)));
  const left = clock.remainingMs;
  const when =
    state === 'stopped'
      ? `Stopped at ${Math.round(clock.percent ?? 0)} % of the target`
      : state === 'paused'
        ? `Paused at ${Math.round(clock.percent ?? 0)} % — resumes when the case is worked again`
        : left !== undefined && left < 0
          ? `Overdue by ${durationText(-left)}${clock.dueAt ? ` (due ${formatDateTime(clock.dueAt)})` : ''}`
          : `${left !== undefined ? `${durationText(left)} left` : ''}${clock.dueAt ? ` · due ${formatDateTime(clock.dueAt)}` : ''}`;
  return (
    <Stack gap={4}>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text size="sm" fw={500}>
          {name}
          {detail && (
            <Text span size="xs" c="dimmed">
              {' '}
              · {detail}
            </Text>
          )}
        </Text>
        <Badge size="sm" variant="light" color={COLOR[state] ?? 'gray'}>
          {LABEL[state] ?? state}
        </Badge>
      </Group>
      <Progress.Root size="lg">
        <Progress.Section value={percent} color={COLOR[state] ?? 'blue'} aria-label={`${name}: ${percent} % used`} striped={state === 'paused'} />
      </Progress.Root>
      <Text size="xs" c={state === 'breached' ? 'red' : 'dimmed'}>
        {when}
      </Text>
    </Stack>
  );
}
