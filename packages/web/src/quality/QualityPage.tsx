import { useState } from 'react';
import { Badge, Group, Paper, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { hasRole, useUser } from '../auth/session';
import { Section } from '../supervisor/Section';
import { BarList } from '../lib/BarList';
import { ChoiceSelect } from '../lib/ChoiceSelect';
import { useReport } from '../reports/data';
import { ScorecardTable } from './ScorecardTable';
import { STATE_LABEL, percentText, useDisputeRates, useGroupDetails, useScorecards, useScorecardSync, type ScorecardState } from './data';

const DAY = 86_400_000;

/** The colour of a score: green from 90, teal from 70 (the demo's and defaults' bands), red below. */
const scoreColor = (p: number | null | undefined) => (p === null || p === undefined ? 'dimmed' : p >= 90 ? 'green' : p >= 70 ? 'teal' : 'red');

/** Average score per agent over the last 30 days (report `quality`), in the band's colour. */
function Overview() {
  const [now] = useState(() => Date.now());
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const report = useReport({ name: 'quality', from: new Date(now - 30 * DAY).toISOString(), to: new Date(now + 60_000).toISOString(), interval: 'total', tz, filters: {} });
  const byAgent = new Map<string, { name: string; n: number; sum: number }>();
  for (const r of report.data?.rows ?? []) {
    const key = String(r.agent ?? '');
    const cur = byAgent.get(key) ?? { name: String(r.agentName ?? key), n: 0, sum: 0 };
    const n = Number(r.evaluated ?? 0);
    byAgent.set(key, { name: cur.name, n: cur.n + n, sum: cur.sum + n * Number(r.averagePercent ?? 0) });
  }
  const bars = [...byAgent.entries()]
    .map(([key, a]) => ({ key, label: `${a.name} (${a.n})`, value: Math.round((a.sum / Math.max(a.n, 1)) * 10) / 10 }))
    .sort((a, b) => b.value - a.value)
    .map((b) => ({ ...b, color: scoreColor(b.value), valueText: `${b.value} %` }));
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="quality-overview">
      <Title order={3} size="h4" id="quality-overview" mb={4}>
        Average score by agent
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        Scorecards finished in the last 30 days (number evaluated in brackets). Reports → Quality evaluations has the detail by queue and period.
      </Text>
      {report.isPending && <Text size="sm">Loading…</Text>}
      {report.isError && <Text size="sm" c="red">Could not load the quality report.</Text>}
      {report.data && bars.length === 0 && (
        <Text size="sm" c="dimmed">
          No scorecard finished in the last 30 days.
        </Text>
      )}
      {bars.length > 0 && <BarList bars={bars} label="Average score by agent" scale={100} />}
    </Paper>
  );
}


/** Each agent's average per question group: where coaching should aim, not just the total. */
/** How often each evaluator's scores are disputed, and revised when decided: who needs calibrating. */
function DisputeRates() {
  const rates = useDisputeRates();
  const show = (n: number | null) => (n === null ? '—' : `${n} %`);
  return (
    <Section id="dispute-rates" title="Disputes by evaluator (last 30 days)" query={rates} empty={(rates.data ?? []).length === 0} emptyText="No scorecard finished in the last 30 days.">
      <Table striped aria-label="Disputes by evaluator">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Evaluator</Table.Th>
            <Table.Th ta="right">Evaluated</Table.Th>
            <Table.Th ta="right">Disputed</Table.Th>
            <Table.Th ta="right">Upheld</Table.Th>
            <Table.Th ta="right">Revised</Table.Th>
            <Table.Th ta="right">Open</Table.Th>
            <Table.Th ta="right">Revised of decided</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(rates.data ?? []).map((e) => (
            <Table.Tr key={e.evaluator}>
              <Table.Td>{e.name}</Table.Td>
              <Table.Td ta="right">{e.evaluated}</Table.Td>
              <Table.Td ta="right">
                {e.disputed} ({show(e.disputedPercent)})
              </Table.Td>
              <Table.Td ta="right">{e.upheld}</Table.Td>
              <Table.Td ta="right">{e.revised}</Table.Td>
              <Table.Td ta="right">{e.open}</Table.Td>
              <Table.Td ta="right">{show(e.revisedPercent)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Section>
  );
}

function GroupDetailsTables() {
  const details = useGroupDetails();
  return (
    <Section id="group-details" title="Where each agent scores (last 30 days)" query={details} empty={(details.data?.items.length ?? 0) === 0} emptyText="No scorecard finished in the last 30 days.">
      <Stack gap="md">
        {details.data?.items.map((q) => (
          <Table key={q.questionnaire.id} striped aria-label={`${q.questionnaire.name} by group`}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{q.questionnaire.name}</Table.Th>
                <Table.Th ta="right">Evaluated</Table.Th>
                <Table.Th ta="right">Total</Table.Th>
                {q.groups.map((g) => (
                  <Table.Th key={g.id} ta="right">
                    {g.name}
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.agents.map((a) => (
                <Table.Tr key={a.agent}>
                  <Table.Td>{a.name}</Table.Td>
                  <Table.Td ta="right">{a.evaluated}</Table.Td>
                  <Table.Td ta="right">
                    <Text span size="sm" fw={600} c={scoreColor(a.average)}>
                      {percentText(a.average)}
                    </Text>
                  </Table.Td>
                  {q.groups.map((g) => (
                    <Table.Td key={g.id} ta="right">
                      <Text span size="sm" c={scoreColor(a.groups[g.id]?.percent)}>
                        {percentText(a.groups[g.id]?.percent)}
                      </Text>
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ))}
        {details.data && !details.data.complete && (
          <Text size="xs" c="dimmed">
            Read from the first {details.data.scorecards} scorecards of the period.
          </Text>
        )}
      </Stack>
    </Section>
  );
}

/** An agent's own standing: their average and per group over the last 30 days, per questionnaire. */
function MySummary() {
  const mine = useGroupDetails(true);
  const items = mine.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="my-quality">
      <Title order={3} size="h5" id="my-quality" mb="xs">
        Your last 30 days
      </Title>
      <Stack gap={6}>
        {items.map((q) =>
          q.agents.map((a) => (
            <Group key={q.questionnaire.id} gap="xs" aria-label={`${q.questionnaire.name}: ${percentText(a.average)}`}>
              <Text size="sm" fw={500}>
                {q.questionnaire.name}
              </Text>
              <Badge color={scoreColor(a.average) === 'dimmed' ? 'gray' : scoreColor(a.average)}>{percentText(a.average)}</Badge>
              <Text size="xs" c="dimmed">
                over {a.evaluated}
              </Text>
              {q.groups.map((g) => (
                <Badge key={g.id} variant="light" color={a.groups[g.id] ? scoreColor(a.groups[g.id]!.percent) : 'gray'} tt="none">
                  {g.name} {percentText(a.groups[g.id]?.percent)}
                </Badge>
              ))}
            </Group>
          )),
        )}
      </Stack>
    </Paper>
  );
}

const STATE_OPTIONS = [{ value: 'all', label: 'All states' }, ...(Object.keys(STATE_LABEL) as ScorecardState[]).map((s) => ({ value: s, label: STATE_LABEL[s] }))];

function AllScorecards() {
  const [state, setState] = useState<ScorecardState | null>(null);
  const list = useScorecards(state ? { state: [state] } : {});
  return (
    <Section id="all-scorecards" title="Scorecards" query={list} empty={(list.data ?? []).length === 0} emptyText="No scorecards yet."
      actions={<ChoiceSelect label="State" size="xs" w={180} data={STATE_OPTIONS} value={state ?? 'all'} onChange={(v) => setState(v === 'all' ? null : (v as ScorecardState))} />}>
      <ScorecardTable items={list.data ?? []} label="Scorecards" show={{ agent: true, evaluator: true }} />
    </Section>
  );
}

/**
 * Quality management: what I have to score, my own evaluations (agents), every scorecard I may
 * see and how agents score (supervisors, analysts). Lists follow the stream.
 */
export function QualityPage() {
  const me = useUser();
  useScorecardSync();
  const overseer = hasRole(me, 'supervisor', 'admin', 'analyst');
  const agent = hasRole(me, 'agent');
  const toScore = useScorecards({ evaluator: 'me', state: ['assigned', 'in-progress'] });
  const mine = useScorecards({ agent: 'me' }, agent);
  const deciders = hasRole(me, 'supervisor', 'admin');
  const disputed = useScorecards({ state: ['disputed'] }, deciders);
  const [tab, setTab] = useState<string | null>(overseer || (toScore.data?.length ?? 0) > 0 || !agent ? 'to-score' : 'mine');
  return (
    <Stack gap="md">
      <Title order={2}>Quality</Title>
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="to-score">To score{toScore.data?.length ? ` (${toScore.data.length})` : ''}</Tabs.Tab>
          {agent && <Tabs.Tab value="mine">My evaluations{mine.data?.some((c) => c.state === 'finished') ? ` (${mine.data.filter((c) => c.state === 'finished').length} new)` : ''}</Tabs.Tab>}
          {deciders && <Tabs.Tab value="disputes">Disputes{disputed.data?.length ? ` (${disputed.data.length})` : ''}</Tabs.Tab>}
          {overseer && <Tabs.Tab value="all">All scorecards</Tabs.Tab>}
          {overseer && <Tabs.Tab value="overview">Overview</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="to-score" pt="md">
          <Section id="to-score" title="Scorecards to fill in" query={toScore} empty={(toScore.data ?? []).length === 0}
            emptyText={overseer ? 'Nothing to score. Evaluation plans assign finished work here; to evaluate one piece of work, open Supervisor → Tasks (state Completed) → Evaluate.' : 'Nothing to score.'}>
            <ScorecardTable items={toScore.data ?? []} label="Scorecards to fill in" show={{ agent: true }} />
          </Section>
        </Tabs.Panel>
        {agent && (
          <Tabs.Panel value="mine" pt="md">
            <Stack gap="md">
              <MySummary />
              <Section id="my-evaluations" title="My evaluations" query={mine} empty={(mine.data ?? []).length === 0} emptyText="No finished evaluation of your work yet.">
                <ScorecardTable items={mine.data ?? []} label="My evaluations" show={{ evaluator: true }} />
              </Section>
            </Stack>
          </Tabs.Panel>
        )}
        {deciders && (
          <Tabs.Panel value="disputes" pt="md">
            <Section id="disputes" title="Disputed scorecards" query={disputed} empty={(disputed.data ?? []).length === 0}
              emptyText="No dispute to decide. Agents dispute a finished evaluation within 14 days; an administrator or their supervisor (not the evaluator) upholds or revises it.">
              <ScorecardTable items={disputed.data ?? []} label="Disputed scorecards" show={{ agent: true, evaluator: true }} />
            </Section>
          </Tabs.Panel>
        )}
        {overseer && (
          <Tabs.Panel value="all" pt="md">
            <AllScorecards />
          </Tabs.Panel>
        )}
        {overseer && (
          <Tabs.Panel value="overview" pt="md">
            <Stack gap="md">
              <Overview />
              <GroupDetailsTables />
              <DisputeRates />
            </Stack>
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}
