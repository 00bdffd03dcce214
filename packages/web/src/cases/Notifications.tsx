import { Badge, Button, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconMail, IconMessage, IconBell } from '@tabler/icons-react';
import type { CaseNotification } from '../api/types';
import { hasRole, useUser } from '../auth/session';
import { ActionError } from '../lib/LoadStates';
import { Section } from '../supervisor/Section';
import { formatDateTime } from '../lib/time';
import { useCaseNotifications, useRetryNotification } from './data';
import { CASE_EVENT_LABEL } from './format';

const STATE: Record<CaseNotification['state'], { label: string; color: string }> = {
  pending: { label: 'Waiting', color: 'gray' },
  failed: { label: 'Retrying', color: 'orange' },
  sent: { label: 'Sent', color: 'green' },
  dead: { label: 'Not sent', color: 'red' },
};
const CHANNEL = { email: { label: 'E-mail', icon: IconMail }, sms: { label: 'SMS', icon: IconMessage }, push: { label: 'Push', icon: IconBell } } as const;

/**
 * What the case's events sent to the customer and staff (e-mail, SMS, push): to whom, what, and
 * whether it went; live while a message is on its way. Admins and supervisors send a failed one again.
 */
export function CaseNotifications({ caseId }: { caseId: string }) {
  const list = useCaseNotifications(caseId);
  const retry = useRetryNotification(caseId);
  const mayRetry = hasRole(useUser(), 'admin', 'supervisor');
  return (
    <Section id="case-notifications" title="Messages" titleSize="h5" query={list} empty={!list.data?.length} emptyText="No messages for this case yet.">
      <Table fz="sm" striped aria-labelledby="case-notifications">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Event</Table.Th>
            <Table.Th>To</Table.Th>
            <Table.Th>Message</Table.Th>
            <Table.Th miw={130}>State</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(list.data ?? []).map((n) => {
            const ch = CHANNEL[n.channel];
            const st = STATE[n.state];
            return (
              <Table.Tr key={n.id}>
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
      <ActionError error={retry.isError ? retry.error : null} title="Could not send it again" />
    </Section>
  );
}
