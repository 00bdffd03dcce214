import { Box, Group, Text } from '@mantine/core';
import { clock, dayKey, dayLabel } from './data';

export interface CoverHour {
  start: string;
  need: number;
  scheduled: number | null;
}

/**
 * A week hour by hour: a red step line (people needed; contacts forecast) against teal bars (people
 * scheduled; contacts that came), the gap in light red under the line: drawn with SVG (no chart
 * library). Screen readers get the peak and the hours short instead of the shapes.
 */
export interface ChartWords {
  /** The line's, the bars' and the gap's names in the legend. */
  line: string;
  bars: string;
  gap: string;
  /** What the values count ("people", "contacts"). */
  unit: string;
}
const PEOPLE: ChartWords = { line: 'needed', bars: 'scheduled', gap: 'short', unit: 'people' };

export function CoverChart({ hours, zone, label, words = PEOPLE }: { hours: CoverHour[]; zone: string; label: string; words?: ChartWords }) {
  const n = hours.length || 1;
  const max = Math.max(1, ...hours.map((h) => Math.max(h.need, h.scheduled ?? 0)));
  const H = 120;
  const y = (v: number) => H - (v / max) * (H - 4);
  const short = hours.filter((h) => h.scheduled !== null && h.scheduled < h.need - 0.01);
  const peak = hours.reduce<CoverHour | null>((p, h) => (!p || h.need > p.need ? h : p), null);
  const days = hours.map((h, i) => ({ i, key: dayKey(h.start, zone), start: h.start })).filter((d, i, all) => i === 0 || all[i - 1]!.key !== d.key);
  const summary = peak && peak.need > 0
    ? `${label}: most ${words.line} ${Math.round(peak.need * 10) / 10} on ${dayLabel(peak.start, zone)} at ${clock(peak.start, zone)}; ${hours.some((h) => h.scheduled !== null) ? `${short.length} hours ${words.gap}` : `nothing ${words.bars} yet`}`
    : `${label}: nothing ${words.line} this week`;
  let line = '';
  hours.forEach((h, i) => (line += `${i ? 'L' : 'M'}${i} ${y(h.need)} L${i + 1} ${y(h.need)} `));
  return (
    <Box role="img" aria-label={summary}>
      <svg width="100%" height={H + 18} viewBox={`0 0 ${n} ${H + 18}`} preserveAspectRatio="none" focusable="false" aria-hidden>
        {days.map((d) => (
          <line key={d.key} x1={d.i} x2={d.i} y1={0} y2={H} stroke="var(--mantine-color-gray-3)" strokeWidth={0.15} />
        ))}
        {hours.map((h, i) =>
          h.scheduled === null ? null : (
            <g key={h.start}>
              <rect x={i + 0.1} width={0.8} y={y(h.scheduled)} height={H - y(h.scheduled)} fill="var(--mantine-color-teal-5)" />
              {h.scheduled < h.need - 0.01 && <rect x={i + 0.1} width={0.8} y={y(h.need)} height={y(h.scheduled) - y(h.need)} fill="var(--mantine-color-red-2)" />}
            </g>
          ),
        )}
        <path d={line} fill="none" stroke="var(--mantine-color-red-7)" strokeWidth={1.2} vectorEffect="non-scaling-stroke" />
      </svg>
      <Box style={{ position: 'relative', height: 16, marginTop: -18 }} aria-hidden>
        {days.map((d) => (
          <Text key={d.key} size="xs" c="dimmed" style={{ position: 'absolute', left: `${(d.i / n) * 100}%`, paddingLeft: 4 }}>
            {dayLabel(d.start, zone)}
          </Text>
        ))}
      </Box>
      <Group gap="md" mt={4} aria-hidden>
        <Text size="xs"><span style={{ color: 'var(--mantine-color-red-7)' }}>━</span> {words.line}</Text>
        <Text size="xs"><span style={{ color: 'var(--mantine-color-teal-5)' }}>■</span> {words.bars}</Text>
        <Text size="xs"><span style={{ color: 'var(--mantine-color-red-2)' }}>■</span> {words.gap}</Text>
        <Text size="xs" c="dimmed">0–{Math.ceil(max)} {words.unit} per hour</Text>
      </Group>
    </Box>
  );
}
