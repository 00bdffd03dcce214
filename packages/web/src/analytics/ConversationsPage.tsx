import { useState } from 'react';
import { Badge, Drawer, Group, Paper, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, Title, UnstyledButton } from '@mantine/core';
import { Section } from '../supervisor/Section';
import { BarList } from '../lib/BarList';
import { formatDateTime } from '../lib/time';
import { Interaction } from '../quality/Interaction';
import { sentimentColor, useAnalyticsSummary, useCategories, useConversations, type AnalyticsSummary, type ConversationFilter } from './data';

const signed = (v: number) => (v > 0 ? `+${v}` : String(v));

/** Topics by how many conversations they came up in, rising ones marked. */
function Topics({ s }: { s: AnalyticsSummary }) {
  const bars = s.topics.map((t) => ({ key: t.id, label: t.name, value: t.count, color: t.rising ? 'orange' : 'blue', valueText: `${t.count} (${t.share} %)` }));
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="topics">
      <Title order={3} size="h5" id="topics" mb="xs">
        Topics
      </Title>
      {bars.length === 0 ? (
        <Text size="sm" c="dimmed">
          No topic is set up (Admin → Text categories).
        </Text>
      ) : (
        <BarList bars={bars} label="Conversations by topic" />
      )}
      {s.topics.some((t) => t.rising) && (
        <Group gap={4} mt="xs" role="group" aria-label="Rising topics">
          {s.topics
            .filter((t) => t.rising)
            .map((t) => (
              <Badge key={t.id} color="orange" variant="light">
                ↑ {t.name}: {t.share} % of conversations{t.previousShare ? `, was ${t.previousShare} %` : ', new'}
              </Badge>
            ))}
        </Group>
      )}
    </Paper>
  );
}

function Compliance({ s }: { s: AnalyticsSummary }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="compliance">
      <Title order={3} size="h5" id="compliance" mb="xs">
        Compliance
      </Title>
      {s.compliance.length === 0 ? (
        <Text size="sm" c="dimmed">
          No compliance rule is set up.
        </Text>
      ) : (
        <Table fz="sm" aria-labelledby="compliance">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Rule</Table.Th>
              <Table.Th ta="right">Checked</Table.Th>
              <Table.Th ta="right">Broken</Table.Th>
              <Table.Th>Most by</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {s.compliance.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>
                  {c.name}{' '}
                  <Badge size="xs" variant="outline" color={c.kind === 'required' ? 'blue' : 'grape'}>
                    {c.kind === 'required' ? 'must say' : 'must not say'}
                  </Badge>
                </Table.Td>
                <Table.Td ta="right">{c.checked}</Table.Td>
                <Table.Td ta="right">
                  <Text span size="sm" fw={c.failed ? 700 : 400} c={c.failed ? 'red' : undefined}>
                    {c.failed}
                    {c.failedPercent !== null ? ` (${c.failedPercent} %)` : ''}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {c.agents
                    .filter((a) => a.failed > 0)
                    .slice(0, 3)
                    .map((a) => `${a.agent.name} ${a.failed}/${a.checked}`)
                    .join(', ') || '—'}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

function Sentiment({ s }: { s: AnalyticsSummary }) {
  const t = s.sentiment;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="sentiment">
      <Title order={3} size="h5" id="sentiment" mb="xs">
        Customer sentiment
      </Title>
      {t.average === null ? (
        <Text size="sm" c="dimmed">
          No conversation said anything either way yet.
        </Text>
      ) : (
        <>
          <Text size="sm" mb="xs">
            Average{' '}
            <Text span fw={700} c={sentimentColor(t.average)}>
              {signed(t.average)}
            </Text>{' '}
            over {t.conversations} conversations · {t.negative} negative · {t.improved} improved, {t.worsened} worsened while talking
          </Text>
          <Table fz="sm" aria-label="Sentiment by agent">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Agent</Table.Th>
                <Table.Th ta="right">Conversations</Table.Th>
                <Table.Th ta="right">Average</Table.Th>
                <Table.Th ta="right">Negative</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {t.agents.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>{a.name}</Table.Td>
                  <Table.Td ta="right">{a.conversations}</Table.Td>
                  <Table.Td ta="right">
                    <Text span size="sm" c={sentimentColor(a.average)}>
                      {signed(a.average)}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">{a.negative}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
    </Paper>
  );
}

/** The conversations behind the figures, filtered; a row opens what was found beside the conversation itself. */
function Conversations({ days }: { days: number }) {
  const [filter, setFilter] = useState<ConversationFilter>({});
  const [open, setOpen] = useState<string | null>(null);
  const list = useConversations(days, filter);
  const categories = useCategories();
  const items = list.data ?? [];
  const opened = items.find((c) => c.taskId === open);
  const of = (kind: 'topic' | 'rules') => (categories.data ?? []).filter((c) => (kind === 'topic' ? c.kind === 'topic' : c.kind !== 'topic')).map((c) => ({ value: c.id, label: c.name }));
  return (
    <>
      <Section
        id="conversations"
        title="Conversations"
        query={list}
        empty={items.length === 0}
        emptyText="No finished conversation matches."
        actions={
          <Group gap="xs">
            <Select size="xs" placeholder="Any topic" clearable data={of('topic')} value={filter.topic ?? null} onChange={(v) => setFilter({ ...filter, topic: v ?? undefined })} aria-label="Topic" w={160} />
            <Select size="xs" placeholder="Any compliance" clearable data={[{ value: 'any', label: 'Any rule broken' }, ...of('rules')]} value={filter.failed ?? null} onChange={(v) => setFilter({ ...filter, failed: v ?? undefined })} aria-label="Rule broken" w={190} />
            <Select size="xs" placeholder="Any sentiment" clearable data={[{ value: 'negative', label: 'Negative' }, { value: 'positive', label: 'Positive' }]} value={filter.sentiment ?? null} onChange={(v) => setFilter({ ...filter, sentiment: (v as ConversationFilter['sentiment']) ?? undefined })} aria-label="Sentiment" w={140} />
          </Group>
        }
      >
        <Table striped highlightOnHover aria-label="Analyzed conversations">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Finished</Table.Th>
              <Table.Th>Conversation</Table.Th>
              <Table.Th>Agent</Table.Th>
              <Table.Th>Topics</Table.Th>
              <Table.Th>Broken rules</Table.Th>
              <Table.Th ta="right">Sentiment</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((c) => (
              <Table.Tr key={c.taskId}>
                <Table.Td>{formatDateTime(c.completedAt)}</Table.Td>
                <Table.Td>
                  <UnstyledButton onClick={() => setOpen(c.taskId)} style={{ textDecoration: 'underline' }} aria-label={`Open ${c.title ?? c.taskId}`}>
                    {c.title ?? c.taskId}
                  </UnstyledButton>
                </Table.Td>
                <Table.Td>{c.agent?.name ?? '—'}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {c.topics.map((t) => (
                      <Badge key={t.category} size="xs" variant="light">
                        {t.name}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {c.compliance
                      .filter((r) => !r.passed)
                      .map((r) => (
                        <Badge key={r.category} size="xs" color="red" variant="light">
                          {r.name}
                        </Badge>
                      ))}
                  </Group>
                </Table.Td>
                <Table.Td ta="right">{c.sentiment ? <Text span size="sm" c={sentimentColor(c.sentiment.overall)}>{signed(c.sentiment.overall)}</Text> : '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Section>
      <Drawer opened={!!opened} onClose={() => setOpen(null)} position="right" size="lg" title={opened?.title ?? 'Conversation'}>
        {/* The work, its conversation and what the analytics found in it (TaskAnalysis, within). */}
        {opened && <Interaction taskId={opened.taskId} />}
      </Drawer>
    </>
  );
}

/** /conversations — conversation analytics for supervisors and analysts: topics, compliance, sentiment, and the conversations behind them. */
export function ConversationsPage() {
  const [days, setDays] = useState('7');
  const summary = useAnalyticsSummary(Number(days));
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Conversation analytics</Title>
        <SegmentedControl size="xs" value={days} onChange={setDays} data={[{ value: '1', label: 'Today' }, { value: '7', label: '7 days' }, { value: '30', label: '30 days' }]} aria-label="Period" />
      </Group>
      <Section id="analytics-figures" title={`Finished chats, SMS and e-mails${summary.data ? `: ${summary.data.conversations}` : ''}`} query={summary} empty={false} emptyText="">
        {summary.data && (
          <SimpleGrid cols={{ base: 1, lg: 3 }}>
            <Topics s={summary.data} />
            <Compliance s={summary.data} />
            <Sentiment s={summary.data} />
          </SimpleGrid>
        )}
      </Section>
      <Conversations days={Number(days)} />
    </Stack>
  );
}
