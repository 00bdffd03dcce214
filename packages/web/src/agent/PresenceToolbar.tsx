import { Badge, Group, Text } from '@mantine/core';
import { ChoiceSelect } from '../lib/ChoiceSelect';
import { notifications } from '@mantine/notifications';
import { errorMessage } from '../api/client';
import { elapsedText, useNow } from '../lib/time';
import { PRESENCE_COLOR, PRESENCE_LABEL } from '../lib/format';
import { usePresence, usePresenceReasons, useSetPresence } from './data';

const NOT_READY = 'not-ready:';

/** Header toolbar for agents: current status, time in it, and the control to change it. */
export function PresenceToolbar() {
  const presence = usePresence();
  const reasons = usePresenceReasons();
  const setPresence = useSetPresence();
  const now = useNow(1000);
  const p = presence.data;

  const reasonLabel = (code: string | null) =>
    code ? (reasons.data?.find((r) => r.code === code)?.label ?? code) : null;

  const options = [
    { value: 'available', label: 'Available' },
    ...(reasons.data ?? []).map((r) => ({ value: NOT_READY + r.code, label: `Not ready — ${r.label}` })),
    { value: 'offline', label: 'Offline' },
  ];
  let value: string | null = null;
  if (p?.status === 'available' || p?.status === 'offline') value = p.status;
  if (p?.status === 'not-ready') {
    value = NOT_READY + (p.reason ?? '');
    if (!options.some((o) => o.value === value)) {
      options.splice(options.length - 1, 0, { value, label: `Not ready — ${reasonLabel(p.reason) ?? 'no reason'}` });
    }
  }

  const onChange = (next: string) => {
    if (next === value) return;
    const body = next.startsWith(NOT_READY)
      ? { status: 'not-ready' as const, reason: next.slice(NOT_READY.length) }
      : { status: next as 'available' | 'offline' };
    setPresence.mutate(body, {
      onError: (err) =>
        notifications.show({ color: 'red', title: 'Could not change presence', message: errorMessage(err) }),
    });
  };

  const statusText = p
    ? PRESENCE_LABEL[p.status] + (p.status === 'not-ready' && p.reason ? `: ${reasonLabel(p.reason)}` : '')
    : presence.isError
      ? 'Unknown'
      : 'Loading…';

  return (
    <Group gap="xs" wrap="nowrap">
      <Badge color={p ? PRESENCE_COLOR[p.status] : 'gray'} variant="filled" aria-label={`Current status: ${statusText}`}>
        {statusText}
      </Badge>
      {p && (
        <Text size="sm" ff="monospace" aria-label="Time in status" title="Time in status" c="dimmed">
          {elapsedText(p.since, now)}
        </Text>
      )}
      <ChoiceSelect
        aria-label="Presence"
        size="xs"
        w={200}
        data={options}
        value={value}
        placeholder={p ? PRESENCE_LABEL[p.status] : 'Presence'}
        onChange={onChange}
        disabled={!p}
      />
    </Group>
  );
}
