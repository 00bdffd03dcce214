import { formatSeconds } from '../reports/format';
import type { KpiInfo, KpiReading } from './data';

export const formatKpi = (k: Pick<KpiInfo, 'unit'>, v: number | null | undefined): string => (v === null || v === undefined ? '—' : k.unit === 'percent' ? `${Number(v).toFixed(1)} %` : formatSeconds(v));

/** "goal ≥ 90 %" (service level is a floor, the rest ceilings), and where it comes from. */
export function goalText(k: KpiInfo, r: KpiReading | undefined): string {
  if (!r?.goal) return 'no goal';
  const from = r.goal.from === 'default' ? ' (default)' : '';
  return `goal ${k.better === 'higher' ? '≥' : '≤'} ${formatKpi(k, r.goal.goal)}${from}`;
}

export const STATUS_COLOR: Record<KpiReading['status'], string> = { met: 'teal', missed: 'red', 'no-goal': 'gray', 'no-data': 'gray' };
export const STATUS_LABEL: Record<KpiReading['status'], string> = { met: 'Met', missed: 'Missed', 'no-goal': 'No goal', 'no-data': 'No data' };
