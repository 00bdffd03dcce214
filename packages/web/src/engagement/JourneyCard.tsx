import { Badge, Group, List, Stack, Text, Title, Tooltip } from '@mantine/core';
import { formatTime } from '../lib/time';
import { OFFER_COLOR, featureText, type Named, type Step, type Visit } from './data';

const stepText = (s: Step) => (s.kind === 'page' ? (s.title ? `${s.path} — ${s.title}` : s.path) : s.kind === 'search' ? `searched "${s.query}"` : `${s.name}${s.value !== undefined ? ` (${s.value})` : ''}`);

/** The colour of an outcome score: likely (green), doubtful (yellow), unlikely (red). */
export const scoreColor = (p: number) => (p >= 60 ? 'green' : p >= 30 ? 'yellow' : 'red');

/** A visit's segments, and the outcomes it reached (ticked), as badges. */
export function VisitBadges({ visit, size }: { visit: { segments: Named[]; reached: Named[] }; size: 'xs' | 'sm' }) {
  return (
    <Group gap={4} aria-label="Segments and outcomes">
      {visit.segments.map((g) => (
        <Badge key={g.id} variant="light" size={size}>
          {g.name}
        </Badge>
      ))}
      {visit.reached.map((o) => (
        <Badge key={o.id} color="green" size={size}>
          ✓ {o.name}
        </Badge>
      ))}
    </Group>
  );
}

/**
 * One website visit as the agent and the supervisor read it: who, from where, the segments, the
 * outcome scores and what moved them, the pages in order, the offers made.
 */
export function JourneyCard({ visit, steps = 12 }: { visit: Visit; steps?: number }) {
  const shown = visit.steps.slice(-steps);
  return (
    <Stack gap="xs">
      <Text size="sm">
        <b>{visit.visitor.name ?? 'Anonymous visitor'}</b>
        {visit.visitor.email ? ` (${visit.visitor.email})` : ''} · visit {visit.visit} · {visit.device}
        {visit.referrer ? ` · from ${visit.referrer}` : ''}
        {visit.campaign ? ` · campaign ${visit.campaign}` : ''}
      </Text>
      {(visit.segments.length > 0 || visit.reached.length > 0) && <VisitBadges visit={visit} size="sm" />}
      {visit.scores.map((s) => (
        <Text key={s.outcome.id} size="sm">
          {s.outcome.name} likely:{' '}
          <Text span fw={700} c={scoreColor(s.percent)}>
            {s.percent} %
          </Text>
          {s.because.length > 0 && (
            <Text span size="xs" c="dimmed">
              {' '}
              ({s.because.slice(0, 3).map((b) => `${featureText(b.feature)} ×${b.factor}`).join(', ')})
            </Text>
          )}
        </Text>
      ))}
      <div>
        <Title order={4} size="h6">
          Journey {visit.steps.length > shown.length ? `(last ${shown.length} of ${visit.steps.length})` : ''}
        </Title>
        <List size="sm" spacing={2} aria-label="Pages, searches and events">
          {shown.map((s, i) => (
            <List.Item key={i}>
              <Text span size="xs" c="dimmed" ff="monospace">
                {formatTime(s.at)}
              </Text>{' '}
              {stepText(s)}
            </List.Item>
          ))}
        </List>
      </div>
      {visit.offers.length > 0 && (
        <Group gap={4} aria-label="Offers made">
          {visit.offers.map((o) => (
            <Tooltip key={o.id} label={o.heldWhy ? `Held: ${o.heldWhy}` : o.reasons.join(', ') || o.actionMap.name}>
              <Badge color={OFFER_COLOR[o.state]} variant="outline" size="sm">
                {o.actionMap.name}: {o.state}
              </Badge>
            </Tooltip>
          ))}
        </Group>
      )}
    </Stack>
  );
}
