import { Badge, Button, Group, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { api, errorMessage } from '../api/client';
import { Section } from '../supervisor/Section';
import { formatDateTime } from '../lib/time';
import { useTimeOff, useWorkforceAction, type TimeOff } from './data';

export const TIME_OFF_COLOR: Record<TimeOff['status'], string> = { requested: 'blue', approved: 'teal', declined: 'red', canceled: 'gray' };

/** Time off people asked for: the open requests first, each approved or declined in one click. */
export function TimeOffTab({ canPlan }: { canPlan: boolean }) {
  const list = useTimeOff();
  const decide = useWorkforceAction(({ id, approve }: { id: string; approve: boolean }) => api(`/workforce/time-off/${id}/decision`, { method: 'POST', body: { approve } }));
  const items = [...(list.data?.items ?? [])].sort((a, b) => Number(b.status === 'requested') - Number(a.status === 'requested') || a.start.localeCompare(b.start));
  return (
    <Section id="wf-time-off" title="Time off" query={list} empty={items.length === 0} emptyText="Nobody has asked for time off.">
      <Table fz="sm" aria-labelledby="wf-time-off">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Person</Table.Th>
            <Table.Th>From</Table.Th>
            <Table.Th>To</Table.Th>
            <Table.Th>Note</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((t) => (
            <Table.Tr key={t.id}>
              <Table.Td>{t.name}</Table.Td>
              <Table.Td>{formatDateTime(t.start)}</Table.Td>
              <Table.Td>{formatDateTime(t.end)}</Table.Td>
              <Table.Td>
                <Text size="sm" lineClamp={2}>{t.note || '—'}</Text>
              </Table.Td>
              <Table.Td>
                <Badge color={TIME_OFF_COLOR[t.status]} variant="light">{t.status}</Badge>
              </Table.Td>
              <Table.Td>
                {canPlan && t.status === 'requested' && (
                  <Group gap={4} justify="flex-end">
                    {[true, false].map((approve) => (
                      <Button
                        key={String(approve)}
                        size="compact-xs"
                        variant={approve ? 'filled' : 'default'}
                        color={approve ? 'teal' : undefined}
                        aria-label={`${approve ? 'Approve' : 'Decline'} time off of ${t.name}`}
                        loading={decide.isPending && decide.variables?.id === t.id && decide.variables.approve === approve}
                        onClick={() =>
                          decide.mutate(
                            { id: t.id, approve },
                            {
                              onSuccess: () => notifications.show({ color: 'teal', message: `${approve ? 'Approved' : 'Declined'}: ${t.name}${approve ? ', cut out of scheduled work' : ''}` }),
                              onError: (e) => notifications.show({ color: 'red', title: 'Not done', message: errorMessage(e) }),
                            },
                          )
                        }
                      >
                        {approve ? 'Approve' : 'Decline'}
                      </Button>
                    ))}
                  </Group>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Section>
  );
}
