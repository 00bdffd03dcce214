import { Anchor, Badge, Button, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { Link } from 'react-router';
import { IconMail, IconMessage, IconBell } from '@tabler/icons-react';
import type { CaseNotification } from '../api/types';
import { hasRole, useUser } from '../auth/session';
import { ActionError } from '../lib/LoadStates';
import { Section } from '../supervisor/Section';
import { formatDateTime } from '../lib/time';
import { useCaseNotifications, useRetryNotification, useUndeliveredNotifications } from './data';
import { CASE_EVENT_LABEL } from './format';

/** A message's delivery state in words (case messages, undelivered lists, replies to mail tasks). */
export const NOTIFICATION_STATE: Record<CaseNotification['state'], { label: string; color: string }> = {
  pending: { label: 'Waiting', color: 'gray' },
  failed: { label: 'Retrying', color: 'orange' },
  sent: { label: 'Sent', color: 'green' },
  dead: { label: 'Not sent', color: 'red' },
};
const CHANNEL = { email: { label: 'E-mail', icon: IconMail }, sms: { label: 'SMS', icon: IconMessage }, push: { label: 'Push', icon: IconBell } } as const;

interface RowsProps {
  items: readonly CaseNotification[];
  labelledBy: string;
  /** A column linking each message's case (lists across cases). */
  withCase?: boolean;
  retry: ReturnType<typeof useRetryNotification>;
}

/** Messages as a table: when, event, to whom, what, and whether it went (with Send again for admins and supervisors). */
function NotificationRows({ items, labelledBy, withCase = false, retry }: RowsProps) {
  const mayRetry = hasRole(useUser(), 'admin', 'supervisor');
  return (
    <Table fz="sm" striped aria-labelledby={labelledBy}>
      <Table.Thead>
        <Table.Tr>
          {withCase && <Table.Th>Case</Table.Th>}
          <Table.Th>When</Table.Th>
          <Table.Th>Event</Table.Th>
          <Table.Th>To</Table.Th>
          <Table.Th>Message</Table.Th>
          <Table.Th miw={130}>State</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((n) => {
          const ch = CHANNEL[n.channel];
          const st = NOTIFICATION_STATE[n.state];
          return (
            <Table.Tr key={n.id}>
              {withCase && (
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {n.caseId ? (
                    <Anchor component={Link} to={`/cases/${encodeURIComponent(n.caseId)}`} size="sm" aria-label={`Open case ${n.caseNumber ?? ''}`.trim()}>
                      {n.caseNumber ?? 'Open case'}
                    </Anchor>
                  ) : (
                    '—'
                  )}
                </Table.Td>
              )}
              <Table.Td miw={110}>{formatDateTime(n.sentAt ?? n.createdAt)}</Table.Td>
              <Table.Td>{(n.eventType && CASE_EVENT_LABEL[n.eventType]) ?? n.eventType ?? '—'}</Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap">
                  <Tooltip label={ch.label}>
                    <ch.icon size={14} aria-label={ch.label} />
                  </Tooltip>
                  <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                    {n.recipient}
                  </Text>
                </Group>
                <Text size="xs" c="dimmed">
                  {n.recipientKind}
                </Text>
              </Table.Td>
              <Table.Td style={{ maxWidth: 320 }}>
                <Text size="sm" lineClamp={2} title={n.body}>
                  {n.subject ?? n.body}
                </Text>
              </Table.Td>
              <Table.Td>
                <Stack gap={2} align="flex-start">
                  <Badge color={st.color} variant="light" style={{ flexShrink: 0 }}>
                    {st.label}
                  </Badge>
                  <Text size="xs" c="dimmed">
                    {n.attemptCount === 1 ? '1 attempt' : `${n.attemptCount} attempts`}
                    {n.nextAttemptAt && n.state === 'failed' ? ` · next ${formatDateTime(n.nextAttemptAt)}` : ''}
                  </Text>
                  {n.lastError && n.state !== 'sent' && (
                    <Text size="xs" c="red" style={{ overflowWrap: 'anywhere' }}>
                      {n.lastError}
                    </Text>
                  )}
                  {mayRetry && (n.state === 'dead' || n.state === 'failed') && n.body !== '' && (
                    <Button size="compact-xs" variant="light" loading={retry.isPending && retry.variables === n.id} onClick={() => retry.mutate(n.id)}>
                      Send again
                    </Button>
                  )}
                </Stack>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

/**
 * What the case's events sent to the customer and staff (e-mail, SMS, push): to whom, what, and
 * whether it went; live while a message is on its way.
 */
export function CaseNotifications({ caseId }: { caseId: string }) {
  const list = useCaseNotifications(caseId);
  const retry = useRetryNotification(['caseNotifications', caseId]);
  return (
    <Section id="case-notifications" title="Messages" titleSize="h5" query={list} empty={!list.data?.length} emptyText="No messages for this case yet.">
      <NotificationRows items={list.data ?? []} labelledBy="case-notifications" retry={retry} />
      <ActionError error={retry.isError ? retry.error : null} title="Could not send it again" />
    </Section>
  );
}

/** For supervisors: the messages of their cases that did not go, retrying or given up, with the reason. */
export function UndeliveredMessages() {
  const list = useUndeliveredNotifications();
  const retry = useRetryNotification(['undeliveredNotifications']);
  return (
    <Section id="undelivered-messages" title="Undelivered messages" query={list} empty={!list.data?.length} emptyText="Every message to customers and staff went out.">
      <NotificationRows items={list.data ?? []} labelledBy="undelivered-messages" withCase retry={retry} />
      <ActionError error={retry.isError ? retry.error : null} title="Could not send it again" />
    </Section>
  );
}
