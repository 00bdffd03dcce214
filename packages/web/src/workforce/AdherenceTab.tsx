import { Fragment, useState } from 'react';
import { Badge, Group, Paper, SimpleGrid, Stack, Table, Text, Title, UnstyledButton } from '@mantine/core';
import { Section } from '../supervisor/Section';
import { BarList } from '../lib/BarList';
import { PRESENCE_COLOR, PRESENCE_LABEL } from '../lib/format';
import { elapsedText, useNow } from '../lib/time';
import { ACTIVITY_COLOR, ACTIVITY_LABEL, clock, dayLabel, hours, percent, useAdherence, useLiveAdherence, type PersonAdherence, type Shrinkage } from './data';

const tone = (v: number | null) => (v === null ? undefined : v >= 0.9 ? 'teal' : v >= 0.8 ? 'yellow' : 'red');

function Live({ zone }: { zone: string }) {
  const live = useLiveAdherence();
  const now = useNow(1000);
  const people = live.data?.people ?? [];
  return (
    <Section id="wf-live" title="Now" query={live} empty={people.length === 0} emptyText="Nobody is scheduled today or signed in.">
      <Table fz="sm" aria-labelledby="wf-live">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Person</Table.Th>
            <Table.Th>Scheduled</Table.Th>
            <Table.Th>Doing</Table.Th>
            <Table.Th>Since</Table.Th>
            <Table.Th>Adherence</Table.Th>
            <Table.Th ta="right">Today</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {people.map((p) => (
            <Table.Tr key={p.user}>
              <Table.Td>{p.name}</Table.Td>
              <Table.Td>
                {p.scheduled ? (
                  <Badge variant="light" color={ACTIVITY_COLOR[p.scheduled]}>
                    {ACTIVITY_LABEL[p.scheduled]} until {clock(p.until!, zone)}
                  </Badge>
                ) : (
                  <Text size="xs" c="dimmed">off shift</Text>
                )}
              </Table.Td>
              <Table.Td>
                <Badge variant="dot" color={PRESENCE_COLOR[p.status]}>
                  {PRESENCE_LABEL[p.status]}
                  {p.reason ? ` (${p.reason})` : ''}
                </Badge>
              </Table.Td>
              <Table.Td>{elapsedText(p.since, now)}</Table.Td>
              <Table.Td>
                <Badge color={p.inAdherence ? 'teal' : 'red'}>{p.inAdherence ? 'In adherence' : 'Out of adherence'}</Badge>
              </Table.Td>
              <Table.Td ta="right">
                <Text span size="sm" c={tone(p.today)}>{percent(p.today)}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Section>
  );
}

function Exceptions({ p, zone }: { p: PersonAdherence; zone: string }) {
  return (
    <Stack gap={2} py={4}>
      {p.exceptions.slice(0, 30).map((x) => (
        <Text key={x.start} size="xs">
          {dayLabel(x.start, zone)} {clock(x.start, zone)}–{clock(x.end, zone)}: scheduled {x.scheduled ? ACTIVITY_LABEL[x.scheduled].toLowerCase() : 'off'}, was {PRESENCE_LABEL[x.status].toLowerCase()}
          {x.reason ? ` (${x.reason})` : ''}
        </Text>
      ))}
      {p.exceptions.length > 30 && <Text size="xs" c="dimmed">and {p.exceptions.length - 30} more</Text>}
    </Stack>
  );
}

function ShrinkagePanel({ s }: { s: Shrinkage }) {
  const planned = Object.entries(s.planned).map(([k, v]) => ({ key: k, label: ACTIVITY_LABEL[k as keyof typeof ACTIVITY_LABEL], value: v ?? 0, color: ACTIVITY_COLOR[k as keyof typeof ACTIVITY_COLOR], valueText: hours(v ?? 0) }));
  const unplanned = Object.entries(s.unplanned)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => ({ key: k, label: k === 'offline' ? 'Not signed in' : k.startsWith('not-ready:') ? `Not ready: ${k.slice(10) || 'no reason'}` : k, value: v, color: 'red', valueText: hours(v) }));
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="wf-shrinkage">
      <Title order={3} size="h5" id="wf-shrinkage" mb="xs">
        Shrinkage
      </Title>
      {s.paidSeconds === 0 ? (
        <Text size="sm" c="dimmed">Nothing was scheduled in this period.</Text>
      ) : (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <div>
            <Text size="sm" fw={500}>Planned: {percent(s.plannedShare)} of {hours(s.paidSeconds)} paid</Text>
            {planned.length ? <BarList bars={planned} label="Planned time away" /> : <Text size="xs" c="dimmed">none</Text>}
          </div>
          <div>
            <Text size="sm" fw={500}>Unplanned: {percent(s.unplannedShare)}, work time lost</Text>
            {unplanned.length ? <BarList bars={unplanned} label="Work time lost" /> : <Text size="xs" c="dimmed">none</Text>}
          </div>
        </SimpleGrid>
      )}
    </Paper>
  );
}

/** Adherence now and over the week so far, with the shrinkage it adds up to. */
export function AdherenceTab({ period: range, zone }: { period: { from: string; to: string; ended: boolean } | null; zone: string }) {
  const period = useAdherence(range?.from ?? '', range?.to ?? '', range !== null);
  const [open, setOpen] = useState<string | null>(null);
  const people = (period.data?.people ?? []).filter((p) => p.scheduledSeconds > 0);
  return (
    <Stack gap="md">
      <Live zone={zone} />
      <Section id="wf-period" title={range?.ended ? 'The week' : 'The week so far'} query={range ? period : { ...period, isPending: false, isError: false }} empty={people.length === 0} emptyText={range ? 'Nobody had a published schedule in this period.' : 'This week has not begun.'}>
        <Table fz="sm" aria-labelledby="wf-period">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Person</Table.Th>
              <Table.Th ta="right">Scheduled</Table.Th>
              <Table.Th ta="right">Adherence</Table.Th>
              <Table.Th ta="right">Conformance</Table.Th>
              <Table.Th ta="right">Exceptions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {people.map((p) => (
              <Fragment key={p.user}>
                <Table.Tr>
                  <Table.Td>
                    <UnstyledButton onClick={() => setOpen(open === p.user ? null : p.user)} aria-expanded={open === p.user} td="underline">
                      {p.name}
                    </UnstyledButton>
                  </Table.Td>
                  <Table.Td ta="right">{hours(p.scheduledSeconds)}</Table.Td>
                  <Table.Td ta="right">
                    <Text span size="sm" fw={600} c={tone(p.adherence)}>{percent(p.adherence)}</Text>
                  </Table.Td>
                  <Table.Td ta="right">{percent(p.conformance)}</Table.Td>
                  <Table.Td ta="right">{p.exceptions.length}</Table.Td>
                </Table.Tr>
                {open === p.user && (
                  <Table.Tr>
                    <Table.Td colSpan={5}>
                      <Exceptions p={p} zone={zone} />
                    </Table.Td>
                  </Table.Tr>
                )}
              </Fragment>
            ))}
          </Table.Tbody>
        </Table>
        <Group mt="xs">
          <Text size="xs" c="dimmed">Adherence: scheduled time spent doing what was scheduled. Conformance: time worked against work scheduled.</Text>
        </Group>
      </Section>
      {period.data && <ShrinkagePanel s={period.data.shrinkage} />}
    </Stack>
  );
}
