import { useEffect, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { Badge, Button, Group, Modal, Progress, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, ApiError, errorMessage } from '../api/client';
import type { Offer, Task } from '../api/types';
import { displayValue, MEDIA_LABEL } from '../lib/format';
import { formatDuration, useNow } from '../lib/time';
import { applyTaskUpdate, removeMyTask, removeOffer, useOffers, useWorktype } from './data';
import { useUser } from '../auth/session';
import { useQueues } from '../tasks/actions';

/** Pops up the oldest pending offer; closes itself when the offer is closed over the stream. */
export function OfferModal() {
  const offers = useOffers();
  const now = useNow(500);
  // Hide offers whose time is up even if the server's `offer.closed` has not arrived yet.
  const pending = (offers.data ?? []).filter((o) => Date.parse(o.expiresAt) > now - 2000);
  const offer = pending[0] ?? null;
  return (
    <Modal
      opened={offer !== null}
      onClose={() => undefined}
      title="New task offered"
      withCloseButton={false}
      closeOnClickOutside={false}
      closeOnEscape={false}
      size="lg"
      centered
      styles={{ title: { fontWeight: 700, fontSize: 'var(--mantine-font-size-lg)' } }}
    >
      {offer && <OfferBody key={offer.id} offer={offer} now={now} more={pending.length - 1} />}
    </Modal>
  );
}

function OfferBody({ offer, now, more }: { offer: Offer; now: number; more: number }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const user = useUser();
  const worktype = useWorktype(offer.task.worktype);
  const queues = useQueues();
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState('');
  const acceptRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!declining) acceptRef.current?.focus();
  }, [declining]);

  const expiresAt = Date.parse(offer.expiresAt);
  const total = Math.max(1, expiresAt - Date.parse(offer.createdAt));
  const remainingMs = Math.max(0, expiresAt - now);
  const expired = remainingMs <= 0;

  const onGone = (err: unknown) => {
    if (err instanceof ApiError && (err.status === 404 || err.status === 409 || err.status === 410)) {
      removeOffer(queryClient, offer.id);
      removeMyTask(queryClient, offer.taskId, true);
    }
  };

  const accept = useMutation({
    mutationFn: () => api<{ task: Task }>(`/offers/${encodeURIComponent(offer.id)}/accept`, { method: 'POST' }),
    onSuccess: ({ task }) => {
      removeOffer(queryClient, offer.id);
      applyTaskUpdate(queryClient, task, user);
      notifications.show({ color: 'green', title: 'Task accepted', message: task.title });
      navigate(`/agent?task=${encodeURIComponent(task.id)}`);
    },
    onError: (err) => {
      onGone(err);
      notifications.show({ color: 'red', title: 'Could not accept the task', message: errorMessage(err) });
    },
  });

  const decline = useMutation({
    mutationFn: () =>
      api<{ offer: Offer }>(`/offers/${encodeURIComponent(offer.id)}/decline`, {
        method: 'POST',
        body: reason.trim() ? { reason: reason.trim() } : {},
      }),
    onSuccess: () => {
      removeOffer(queryClient, offer.id);
      removeMyTask(queryClient, offer.taskId, true);
      notifications.show({ title: 'Task declined', message: offer.task.title });
    },
    onError: (err) => {
      onGone(err);
      notifications.show({ color: 'red', title: 'Could not decline the task', message: errorMessage(err) });
    },
  });

  const busy = accept.isPending || decline.isPending;

  // Enter accepts (unless typing a decline reason or a button has focus, which handles Enter itself).
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'Enter' || declining || busy || expired) return;
    const target = e.target as HTMLElement;
    if (target.closest('button, input, textarea, select, a')) return;
    e.preventDefault();
    accept.mutate();
  };

  const attributes = Object.entries(offer.task.attributes ?? {});
  const t = offer.task;

  return (
    <Stack gap="sm" onKeyDown={onKeyDown}>
      <Text fw={600} size="lg">
        {t.title}
      </Text>
      <Group gap="xs">
        {MEDIA_LABEL[t.mediaType] && (
          <Badge variant="filled" color="teal">
            {MEDIA_LABEL[t.mediaType]}
          </Badge>
        )}
        <Badge variant="light">Worktype: {worktype.data?.name ?? t.worktype}</Badge>
        <Badge variant="light" color="grape">
          Queue: {queues.data?.find((q) => q.id === t.queue)?.name ?? t.queue ?? '—'}
        </Badge>
        <Badge variant="light" color="orange">
          Priority: {t.priority}
        </Badge>
      </Group>
      {t.description && (
        <Text size="sm" c="dimmed" lineClamp={3}>
          {t.description}
        </Text>
      )}
      {attributes.length > 0 && (
        <Table withTableBorder withColumnBorders striped fz="sm" aria-label="Offered task attributes">
          <Table.Tbody>
            {attributes.map(([k, v]) => (
              <Table.Tr key={k}>
                <Table.Th w="35%">{k}</Table.Th>
                <Table.Td>{displayValue(v)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <div>
        <Group justify="space-between">
          <Text size="sm" aria-live="off">
            {expired ? 'Offer expired' : `Expires in ${formatDuration(Math.ceil(remainingMs / 1000))}`}
          </Text>
          {more > 0 && (
            <Text size="xs" c="dimmed">
              {more} more offer{more > 1 ? 's' : ''} waiting
            </Text>
          )}
        </Group>
        <Progress
          value={(remainingMs / total) * 100}
          color={remainingMs < 10_000 ? 'red' : 'blue'}
          aria-label="Time left to answer"
          mt={4}
        />
      </div>
      {declining ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            decline.mutate();
          }}
        >
          <Stack gap="xs">
            <TextInput
              label="Reason for declining (optional)"
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value)}
              data-autofocus
              onKeyDown={(e) => {
                if (e.key === 'Escape') {
                  e.stopPropagation();
                  setDeclining(false);
                }
              }}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDeclining(false)} disabled={busy}>
                Back
              </Button>
              <Button type="submit" color="red" loading={decline.isPending} disabled={expired}>
                Confirm decline
              </Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setDeclining(true)} disabled={busy || expired}>
            Decline
          </Button>
          <Button ref={acceptRef} data-autofocus onClick={() => accept.mutate()} loading={accept.isPending} disabled={expired}>
            Accept
          </Button>
        </Group>
      )}
    </Stack>
  );
}
