import { useState } from 'react';
import { ActionIcon, Badge, Button, Group, Paper, Table, Text, Title } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconX } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api } from '../api/client';
import { ActionError } from '../lib/LoadStates';
import { clock, dayLabel, useMyBid, type BidLine, type MyBid } from './data';

const shiftsText = (l: BidLine, zone: string) => l.shifts.map((x) => `${dayLabel(x.start, zone).split(' ')[0]} ${clock(x.start, zone)}–${clock(x.end, zone)}`).join(', ');

/** Shift bidding: the week's lines, the ones that fit me to add to my ranking, the ranking in order. */
export function BidPanel({ week }: { week: string }) {
  const bid = useMyBid(week);
  const qc = useQueryClient();
  const [ranking, setRanking] = useState<number[] | null>(null);
  const save = useMutation({
    mutationFn: (r: number[]) => api<MyBid>(`/me/bids/${week}`, { method: 'PUT', body: { ranking: r } }),
    onSuccess: (b) => (qc.setQueryData(['me', 'bids', week], b), setRanking(null), notifications.show({ color: 'teal', message: 'Bid saved: lines are awarded by seniority when the bidding closes' })),
  });
  const b = bid.data;
  if (!b?.open || !b.contract) return null;
  const mine = ranking ?? b.ranking;
  const byNo = new Map(b.lines.map((l) => [l.line, l]));
  const move = (i: number, d: number) => {
    const r = [...mine];
    [r[i], r[i + d]] = [r[i + d]!, r[i]!];
    setRanking(r);
  };
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="bid-title">
      <Title order={3} size="h5" id="bid-title">
        Shift bidding
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        This week is open for bids: rank the lines you want, most wanted first. When the bidding closes, lines are awarded by seniority; without a line you keep yours if it is free.
      </Text>
      <Table fz="sm" aria-label="Lines to bid for">
        <Table.Tbody>
          {b.lines.map((l) => (
            <Table.Tr key={l.line}>
              <Table.Td w={70}>Line {l.line}</Table.Td>
              <Table.Td>{shiftsText(l, b.zone)}</Table.Td>
              <Table.Td w={60}>{l.hours} h</Table.Td>
              <Table.Td w={150}>
                {!l.fits ? (
                  <Badge color="gray" variant="light">Not for your contract</Badge>
                ) : mine.includes(l.line) ? (
                  <Badge color="violet" variant="light">Choice {mine.indexOf(l.line) + 1}</Badge>
                ) : (
                  <Button size="compact-xs" variant="light" onClick={() => setRanking([...mine, l.line])} aria-label={`Add line ${l.line} to my bid`}>
                    Add to my bid
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Title order={4} size="h6" mt="sm">
        My bid
      </Title>
      {mine.length === 0 ? (
        <Text size="sm" c="dimmed">No line chosen yet.</Text>
      ) : (
        <Table fz="sm" aria-label="My bid">
          <Table.Tbody>
            {mine.map((n, i) => (
              <Table.Tr key={n}>
                <Table.Td w={30}>{i + 1}.</Table.Td>
                <Table.Td>Line {n}: {byNo.get(n) ? shiftsText(byNo.get(n)!, b.zone) : '—'}</Table.Td>
                <Table.Td w={110}>
                  <Group gap={2}>
                    <ActionIcon size="sm" variant="subtle" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Line ${n} up`}><IconArrowUp size={14} /></ActionIcon>
                    <ActionIcon size="sm" variant="subtle" disabled={i === mine.length - 1} onClick={() => move(i, 1)} aria-label={`Line ${n} down`}><IconArrowDown size={14} /></ActionIcon>
                    <ActionIcon size="sm" variant="subtle" color="red" onClick={() => setRanking(mine.filter((x) => x !== n))} aria-label={`Remove line ${n}`}><IconX size={14} /></ActionIcon>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group mt="xs">
        <Button size="xs" onClick={() => save.mutate(mine)} loading={save.isPending} disabled={ranking === null}>
          Save bid
        </Button>
        {ranking !== null && <Text size="xs" c="orange">Not saved yet</Text>}
      </Group>
      <ActionError error={save.error} title="Bid not saved" />
    </Paper>
  );
}
