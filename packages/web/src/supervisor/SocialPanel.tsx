import { Badge, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { List } from '../api/types';
import { PLATFORM_LABEL } from '../lib/format';
import { formatAge } from '../lib/time';
import { Section } from './Section';

interface KindStats {
  active: number;
  waiting: number;
  longestSeconds: number | null;
}
interface SocialStats {
  id: string;
  name: string;
  platform: string;
  enabled: boolean;
  public: KindStats;
  private: KindStats;
}

function Cells({ k }: { k: KindStats }) {
  return (
    <>
      <Table.Td ta="right" fw={k.active ? 600 : undefined} c={k.active ? undefined : 'dimmed'}>
        {k.active}
      </Table.Td>
      <Table.Td ta="right">{k.waiting ? <Badge color="orange" variant="light">{k.waiting}</Badge> : 0}</Table.Td>
      <Table.Td ta="right">{k.longestSeconds === null ? '—' : formatAge(k.longestSeconds)}</Table.Td>
    </>
  );
}

/** Live: per social media account, the public conversations and private messages going on, waiting, and the longest. Hidden while there is no account. */
export function SocialPanel() {
  const stats = useQuery({
    queryKey: ['realtime', 'social'],
    queryFn: () => api<List<SocialStats>>('/reports/realtime/social'),
    select: (d) => d.items,
    staleTime: 0,
    refetchInterval: 15_000,
  });
  if (stats.isSuccess && stats.data.length === 0) return null;
  const items = stats.data ?? [];
  return (
    <Section id="live-social" title="Social media" query={stats} empty={false} emptyText="">
      <Table striped highlightOnHover aria-labelledby="live-social">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Account</Table.Th>
            <Table.Th ta="right">Public conversations</Table.Th>
            <Table.Th ta="right">waiting</Table.Th>
            <Table.Th ta="right">longest</Table.Th>
            <Table.Th ta="right">Private messages</Table.Th>
            <Table.Th ta="right">waiting</Table.Th>
            <Table.Th ta="right">longest</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((a) => (
            <Table.Tr key={a.id} aria-label={a.name}>
              <Table.Td>
                <Text size="sm">
                  {a.name}{' '}
                  <Text span size="xs" c="dimmed">
                    {PLATFORM_LABEL[a.platform] ?? a.platform}
                    {a.enabled ? '' : ' · off'}
                  </Text>
                </Text>
              </Table.Td>
              <Cells k={a.public} />
              <Cells k={a.private} />
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Section>
  );
}
