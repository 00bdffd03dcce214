import { Box } from '@mantine/core';
import type { KpiInfo, KpiReading } from './data';
import { formatKpi } from './format';

/**
 * A KPI per period as small columns: unusual periods in orange, periods past the goal in red, the
 * goal as a dashed line (plain SVG like the app's other charts). The figures are in the label for
 * screen readers.
 */
export function KpiSpark({ kpi, reading, labels }: { kpi: KpiInfo; reading: KpiReading; labels: string[] }) {
  const values = reading.series;
  const goal = reading.goal?.goal ?? null;
  const max = kpi.unit === 'percent' ? 100 : Math.max(1, goal ?? 0, ...values.map((v) => v ?? 0)) * 1.1;
  const w = 100 / Math.max(1, values.length);
  const unusual = new Set(reading.anomalies);
  const summary = `${kpi.label} per period: ${values.map((v, i) => `${labels[i]} ${formatKpi(kpi, v)}${unusual.has(i) ? ' (unusual)' : ''}`).join(', ')}`;
  const y = (v: number) => 100 - (v / max) * 100;
  const missed = (v: number) => goal !== null && (kpi.better === 'higher' ? v < goal : v > goal);
  const fill = (v: number, i: number) => (unusual.has(i) ? 'var(--mantine-color-orange-6)' : missed(v) ? 'var(--mantine-color-red-4)' : 'var(--mantine-color-blue-4)');
  return (
    <Box role="img" aria-label={summary} style={{ lineHeight: 0 }}>
      <svg width="100%" height="36" viewBox="0 0 100 100" preserveAspectRatio="none" focusable="false" aria-hidden>
        <rect x="0" y="0" width="100" height="100" fill="var(--mantine-color-gray-0)" />
        {values.map((v, i) =>
          v === null ? null : (
            <rect key={i} x={i * w + w * 0.15} width={w * 0.7} y={y(v)} height={100 - y(v)} fill={fill(v, i)}>
              <title>{`${labels[i]}: ${formatKpi(kpi, v)}${unusual.has(i) ? ' — unusual' : ''}`}</title>
            </rect>
          ),
        )}
        {goal !== null && <line x1="0" x2="100" y1={y(goal)} y2={y(goal)} stroke="var(--mantine-color-dark-3)" strokeWidth="1" strokeDasharray="3 2" vectorEffect="non-scaling-stroke" />}
      </svg>
    </Box>
  );
}
