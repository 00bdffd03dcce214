import { useState } from 'react';
import { Badge, Drawer, Group, Paper, SegmentedControl, SimpleGrid, Stack, Table, Tabs, Text, Title, UnstyledButton } from '@mantine/core';
import { Section } from '../supervisor/Section';
import { BarList } from '../lib/BarList';
import { DetailLoading, LoadError } from '../lib/LoadStates';
import { elapsedText, formatDateTime, useNow } from '../lib/time';
import { JourneyCard, VisitBadges, scoreColor } from './JourneyCard';
import { OFFER_COLOR, featureText, useEngagementSummary, useLiveVisits, useModels, useVisit, type Funnel, type Summary } from './data';

/** Visits going on now: where each visitor is, their segments and scores, the last offer; a row opens the journey. */
function LiveNow() {
  const live = useLiveVisits();
  const now = useNow(5_000);
  const [open, setOpen] = useState<string | null>(null);
  const visit = useVisit(open);
  const items = live.data ?? [];
  return (
    <>
      <Section id="live-visits" title="On the website now" query={live} empty={items.length === 0} emptyText="Nobody has been on the website in the last 10 minutes. Pages with engage.js show up here as visitors arrive.">
        <Table striped highlightOnHover aria-label="Visits going on now">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Visitor</Table.Th>
              <Table.Th>On page</Table.Th>
              <Table.Th ta="right">Pages</Table.Th>
              <Table.Th>Segments</Table.Th>
              <Table.Th>Scores</Table.Th>
              <Table.Th>Last offer</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((v) => (
              <Table.Tr key={v.id}>
                <Table.Td>
                  <UnstyledButton onClick={() => setOpen(v.id)} aria-label={`Open the journey of ${v.visitor.name ?? 'an anonymous visitor'}, visit ${v.visit}`} style={{ textDecoration: 'underline' }}>
                    {v.visitor.name ?? 'Anonymous'}
                  </UnstyledButton>
                  <Text size="xs" c="dimmed">
                    visit {v.visit} · {v.device}
                    {v.referrer ? ` · ${v.referrer}` : ''}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {v.page ?? '—'}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {v.pageSince ? elapsedText(v.pageSince, now) : ''}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">{v.pages}</Table.Td>
                <Table.Td>
                  <VisitBadges visit={v} size="xs" />
                </Table.Td>
                <Table.Td>
                  {v.scores.map((s) => (
                    <Text key={s.outcome.id} size="xs">
                      {s.outcome.name}{' '}
                      <Text span fw={700} c={scoreColor(s.percent)}>
                        {s.percent} %
                      </Text>
                    </Text>
                  ))}
                </Table.Td>
                <Table.Td>
                  {v.lastOffer ? (
                    <Badge size="xs" variant="outline" color={OFFER_COLOR[v.lastOffer.state]}>
                      {v.lastOffer.actionMap.name}: {v.lastOffer.state}
                    </Badge>
                  ) : (
                    <Text size="xs" c="dimmed">
                      none
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Section>
      <Drawer opened={!!open} onClose={() => setOpen(null)} position="right" size="md" title="Website visit">
        {visit.isPending && <DetailLoading label="Loading the visit" />}
        {visit.isError && <LoadError error={visit.error} what="visit" gone="This visit is no longer kept." onRetry={() => void visit.refetch()} />}
        {visit.data && (
          <Stack gap="xs">
            <Text size="xs" c="dimmed">
              Started {formatDateTime(visit.data.startedAt)}; last seen {formatDateTime(visit.data.lastAt)}.
            </Text>
            <JourneyCard visit={visit.data} steps={50} />
          </Stack>
        )}
      </Drawer>
    </>
  );
}

const pct = (n: number, of: number) => (of ? `${Math.round((n / of) * 100)} %` : '—');

/** One action map's funnel as bars: qualified, offered, accepted, engaged. */
function FunnelBars({ f }: { f: Funnel }) {
  const bars = [
    { key: 'qualified', label: 'Qualified', value: f.qualified, color: 'gray' },
    { key: 'offered', label: 'Offered', value: f.offered, color: 'blue' },
    { key: 'accepted', label: 'Accepted', value: f.accepted, color: 'teal' },
    ...(f.kind === 'chat' ? [{ key: 'engaged', label: 'Engaged', value: f.engaged, color: 'green' }] : []),
  ].map((b) => ({ ...b, valueText: String(b.value) }));
  return (
    <Paper withBorder p="sm">
      <Group justify="space-between" mb={4}>
        <Text fw={600} size="sm">
          {f.name}
        </Text>
        <Badge size="xs" variant="light">
          {f.kind === 'chat' ? 'chat invitation' : 'content offer'}
        </Badge>
      </Group>
      <BarList bars={bars} label={`${f.name} funnel`} scale={Math.max(1, f.qualified)} />
      <Text size="xs" c="dimmed" mt={4}>
        Accepted {pct(f.accepted, f.offered)} of offers · declined {f.declined}
        {f.held ? ` · held ${f.held} (nobody could take the chat)` : ''}
      </Text>
    </Paper>
  );
}

function Figures({ s }: { s: Summary }) {
  const origin = [
    { key: 'native', label: 'Started by the visitor', value: s.chats.native, color: 'gray' },
    { key: 'proactive', label: 'From an invitation', value: s.chats.proactive, color: 'blue' },
    { key: 'bot', label: 'With a bot', value: s.chats.bot, color: 'violet' },
  ].map((b) => ({ ...b, valueText: String(b.value) }));
  return (
    <Stack gap="md">
      <Text size="sm">
        <b>{s.visits}</b> visits by <b>{s.visitors}</b> visitors
        {s.outcomes.map((o) => ` · ${o.name}: ${o.visits} (${pct(o.visits, s.visits)})`).join('')}
      </Text>
      <Title order={3} size="h4">
        Action maps
      </Title>
      {s.actionMaps.length === 0 ? (
        <Text size="sm" c="dimmed">
          No action map is set up (Admin → Action maps).
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          {s.actionMaps.map((f) => (
            <FunnelBars key={f.id} f={f} />
          ))}
        </SimpleGrid>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="sm" component="section" aria-labelledby="chats-origin">
          <Title order={3} size="h5" id="chats-origin" mb="xs">
            Web chats by origin
          </Title>
          <BarList bars={origin} label="Web chats by origin" />
          {s.chats.botChats > 0 && (
            <Text size="sm" mt="xs">
              Bots settled <b>{s.chats.botChats - s.chats.botHandedOver}</b> of {s.chats.botChats} chats without an advisor ({pct(s.chats.botChats - s.chats.botHandedOver, s.chats.botChats)}).
            </Text>
          )}
          {s.chats.agents.length > 0 && (
            <Table mt="sm" fz="sm" aria-label="Web chats by agent and origin">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Agent</Table.Th>
                  <Table.Th ta="right">Visitor</Table.Th>
                  <Table.Th ta="right">Invitation</Table.Th>
                  <Table.Th ta="right">Bot hand-over</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {s.chats.agents.map((a) => (
                  <Table.Tr key={a.agent.id}>
                    <Table.Td>{a.agent.name}</Table.Td>
                    <Table.Td ta="right">{a.native}</Table.Td>
                    <Table.Td ta="right">{a.proactive}</Table.Td>
                    <Table.Td ta="right">{a.bot}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Paper>
        <Paper withBorder p="sm" component="section" aria-labelledby="segments-table">
          <Title order={3} size="h5" id="segments-table" mb="xs">
            Segments
          </Title>
          <Table fz="sm" aria-labelledby="segments-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Segment</Table.Th>
                <Table.Th ta="right">Visits</Table.Th>
                {s.outcomes.map((o) => (
                  <Table.Th key={o.id} ta="right">
                    {o.name}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {s.segments.map((g) => (
                <Table.Tr key={g.id}>
                  <Table.Td>{g.name}</Table.Td>
                  <Table.Td ta="right">{g.visits}</Table.Td>
                  {g.reached.map((r) => (
                    <Table.Td key={r.outcome} ta="right">
                      {pct(r.visits, g.visits)}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      </SimpleGrid>
    </Stack>
  );
}

function Performance() {
  const [days, setDays] = useState('7');
  const summary = useEngagementSummary(Number(days));
  return (
    <Section
      id="engagement-figures"
      title="Engagement"
      query={summary}
      empty={false}
      emptyText=""
      actions={<SegmentedControl size="xs" value={days} onChange={setDays} data={[{ value: '1', label: 'Today' }, { value: '7', label: '7 days' }, { value: '30', label: '30 days' }]} aria-label="Period" />}
    >
      {summary.data && <Figures s={summary.data} />}
    </Section>
  );
}

/** What the outcome models learned: how many visits, and the features that tell most (explainable scores). */
function ModelsView() {
  const models = useModels();
  const items = models.data?.items ?? [];
  return (
    <Section id="outcome-models" title="Outcome scores: what they learned" query={models} empty={items.length === 0} emptyText="No outcome is set up (Admin → Outcomes).">
      <Text size="xs" c="dimmed" mb="sm">
        Learned from the last 30 days of visits, every 10 minutes{models.data?.trainedAt ? ` (last ${formatDateTime(models.data.trainedAt)})` : ''}. A factor below 1 makes the outcome less likely, above 1 more.
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {items.map((m) => (
          <Paper key={m.outcome.id} withBorder p="sm">
            <Text fw={600} size="sm">
              {m.outcome.name}: {m.reached} of {m.visits} visits ({pct(m.reached, m.visits)})
            </Text>
            {!m.predicts && (
              <Text size="xs" c="orange">
                Too few visits to score yet (30 needed).
              </Text>
            )}
            <BarList
              label={`What tells about ${m.outcome.name}`}
              bars={m.telling.map((t) => ({ key: t.feature, label: `${featureText(t.feature)} (${t.visits})`, value: Math.abs(Math.log(t.factor)), color: t.factor >= 1 ? 'green' : 'red', valueText: `×${t.factor}` }))}
            />
          </Paper>
        ))}
      </SimpleGrid>
    </Section>
  );
}

/** /visitors — predictive engagement for supervisors and analysts: live visits, the funnel, the models. */
export function VisitorsPage() {
  return (
    <Stack gap="md">
      <Title order={2}>Website visitors</Title>
      <Tabs defaultValue="live" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="live">Live now</Tabs.Tab>
          <Tabs.Tab value="figures">Engagement</Tabs.Tab>
          <Tabs.Tab value="models">Outcome scores</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="live" pt="md">
          <LiveNow />
        </Tabs.Panel>
        <Tabs.Panel value="figures" pt="md">
          <Performance />
        </Tabs.Panel>
        <Tabs.Panel value="models" pt="md">
          <ModelsView />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
