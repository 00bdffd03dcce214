import { Box, Text } from '@mantine/core';

export interface Bar {
  key: string;
  label: string;
  /** Mantine colour name (e.g. `green`) or any CSS colour. */
  color: string;
  value: number;
  /** What is written at the end of the bar (e.g. "12:30"). */
  valueText: string;
}

const cssColor = (c: string) => (/^[a-z]+$/.test(c) ? `var(--mantine-color-${c}-6)` : c);

/**
 * Horizontal bars scaled to the largest value: a chart small enough to draw with SVG rects
 * (no chart library in the bundle). Screen readers get one sentence instead of the shapes.
 */
export function BarList({ bars, label, scale }: { bars: Bar[]; label: string; scale?: number }) {
  // `scale`: the full width (100 for percentages); else the largest bar.
  const max = scale ?? Math.max(1, ...bars.map((b) => b.value));
  const summary = `${label}: ${bars.map((b) => `${b.label} ${b.valueText}`).join(', ')}`;
  return (
    <Box role="img" aria-label={summary} style={{ display: 'grid', gridTemplateColumns: 'minmax(80px, auto) 1fr auto', gap: '4px 8px', alignItems: 'center' }}>
      {bars.map((b) => (
        <Box key={b.key} style={{ display: 'contents' }} aria-hidden>
          <Text size="xs" truncate="end">
            {b.label}
          </Text>
          <svg width="100%" height="12" preserveAspectRatio="none" viewBox="0 0 100 12" focusable="false">
            <rect x="0" y="0" width="100" height="12" rx="2" fill="var(--mantine-color-gray-1)" />
            <rect x="0" y="0" width={Math.max(1, (b.value / max) * 100)} height="12" rx="2" fill={cssColor(b.color)} />
          </svg>
          <Text size="xs" ff="monospace" ta="right">
            {b.valueText}
          </Text>
        </Box>
      ))}
    </Box>
  );
}
