import { Box, Text } from '@mantine/core';

export interface Point {
  label: string;
  value: number;
}

/**
 * Columns over time in plain SVG, like the app's other charts (no chart library in the bundle).
 * Screen readers get the figures as one sentence; the table below has them all.
 */
export function ReportChart({ points, label, format }: { points: Point[]; label: string; format: (n: number) => string }) {
  const max = Math.max(1, ...points.map((p) => p.value));
  const w = 100 / Math.max(1, points.length);
  const every = Math.max(1, Math.ceil(points.length / 8)); // at most ~8 axis labels
  const summary = `${label}: ${points.map((p) => `${p.label} ${format(p.value)}`).join(', ')}`;
  return (
    <Box role="img" aria-label={summary}>
      <Text size="xs" c="dimmed" mb={4} aria-hidden>
        {label} · max {format(max)}
      </Text>
      <svg width="100%" height="160" viewBox="0 0 100 100" preserveAspectRatio="none" focusable="false" aria-hidden>
        <line x1="0" y1="100" x2="100" y2="100" stroke="var(--mantine-color-gray-4)" strokeWidth="0.5" vectorEffect="non-scaling-stroke" />
        {points.map((p, i) => (
          <rect key={p.label + i} x={i * w + w * 0.12} width={w * 0.76} y={100 - (p.value / max) * 96} height={(p.value / max) * 96} fill="var(--mantine-color-blue-6)">
            <title>{`${p.label}: ${format(p.value)}`}</title>
          </rect>
        ))}
      </svg>
      <Box style={{ position: 'relative', height: 18 }} aria-hidden>
        {points.map((p, i) =>
          i % every === 0 ? (
            <Text key={p.label + i} size="10px" c="dimmed" style={{ position: 'absolute', left: `${i * w}%`, whiteSpace: 'nowrap' }}>
              {p.label}
            </Text>
          ) : null,
        )}
      </Box>
    </Box>
  );
}
