import { Box, Group, Text } from '@mantine/core';
import { clock, dayKey, dayLabel } from './data';

export interface CoverHour {
  start: string;
  need: number;
  scheduled: number | null;
}

/**
 * People needed (a red step line) against people scheduled (teal bars) for every hour of a week,
 * the shortfall in red under the line: drawn with SVG (no chart library). Screen readers get the
 * peak and the hours short instead of the shapes.
 */
export function CoverChart({ hours, zone, label }: { hours: CoverHour[]; zone: string; label: string }) {
  const n = hours.length || 1;
  const max = Math.max(1, ...hours.map((h) => Math.max(h.need, h.scheduled ?? 0)));
  const H = 120;
  const y = (v: number) => H - (v / max) * (H - 4);
  const short = hours.filter((h) => h.scheduled !== null && h.scheduled < h.need - 0.01);
  const peak = hours.reduce<CoverHour | null>((p, h) => (!p || h.need > p.need ? h : p), null);
  const days = hours.map((h, i) => ({ i, key: dayKey(h.start, zone), start: h.start })).filter((d, i, all) => i === 0 || all[i - 1]!.key !== d.key);
  const summary = peak && peak.need > 0
    ? `${label}: most needed ${peak.need} on ${dayLabel(peak.start, zone)} at ${clock(peak.start, zone)}; ${hours.some((h) => h.scheduled !== null) ? `${short.length} hours short of people` : 'nothing scheduled yet'}`
    : `${label}: nobody needed this week`;
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
        <Text size="xs"><span style={{ color: 'var(--mantine-color-red-7)' }}>━</span> needed</Text>
        <Text size="xs"><span style={{ color: 'var(--mantine-color-teal-5)' }}>■</span> scheduled</Text>
        <Text size="xs"><span style={{ color: 'var(--mantine-color-red-2)' }}>■</span> short</Text>
        <Text size="xs" c="dimmed">0–{max} people per hour</Text>
      </Group>
    </Box>
  );
}
