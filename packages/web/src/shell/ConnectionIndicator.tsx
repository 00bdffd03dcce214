import { Box, Group, Text, Tooltip } from '@mantine/core';
import { useConnectionStatus } from '../api/stream';

const COLORS = {
  off: 'var(--mantine-color-gray-5)',
  connecting: 'var(--mantine-color-yellow-5)',
  connected: 'var(--mantine-color-green-6)',
  reconnecting: 'var(--mantine-color-orange-6)',
} as const;

const LABELS = {
  off: 'offline',
  connecting: 'connecting',
  connected: 'connected',
  reconnecting: 'reconnecting',
} as const;

/** A small dot telling whether the live stream is up. */
export function ConnectionIndicator() {
  const status = useConnectionStatus();
  const label = `Live connection: ${LABELS[status]}`;
  return (
    <Tooltip label={label}>
      <Group gap={6} wrap="nowrap" role="status" aria-label={label} data-status={status}>
        <Box
          component="span"
          w={10}
          h={10}
          style={{ borderRadius: '50%', background: COLORS[status], display: 'inline-block' }}
        />
        {status !== 'connected' && (
          <Text size="xs" c="dimmed" visibleFrom="sm" aria-hidden>
            {status === 'reconnecting' ? 'Reconnecting…' : status === 'connecting' ? 'Connecting…' : 'Offline'}
          </Text>
        )}
      </Group>
    </Tooltip>
  );
}
