import { useMemo, useState } from 'react';
import { Alert, Button, Group, Loader, Paper, Select, SimpleGrid, Skeleton, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { errorMessage } from '../api/client';
import { csvUrl, useReport, useReportCatalog, type Filter, type Interval, type ReportParams, type ReportResult } from './data';
import { bucketLabel, formatCell, isoDay } from './format';
import { ReportChart } from './ReportChart';

const FILTER_LABEL: Record<Filter, string> = { queue: 'Queue', team: 'Team', agent: 'Agent', caseType: 'Case type' };
const INTERVAL_LABEL: Record<Interval, string> = { hour: 'Hour', day: 'Day', week: 'Week', month: 'Month', total: 'Whole range' };
const ID_COLUMNS = new Set(['queue', 'agent', 'caseType']);
const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Historical reports: pick one, a date range, an interval and filters; chart, table, CSV. */
export function ReportsPage() {
  const catalog = useReportCatalog();
  const today = new Date();
  const [name, setName] = useState('queue-activity');
  const [from, setFrom] = useState(isoDay(new Date(today.getTime() - 6 * 86_400_000)));
  const [to, setTo] = useState(isoDay(today));
  const [interval, setInterval] = useState<Interval>('day');
  const [filters, setFilters] = useState<Partial<Record<Filter, string>>>({});
  const [metric, setMetric] = useState<string | null>(null);

  const info = catalog.data?.items.find((r) => r.name === name);
  const zone = catalog.data?.timeZone ?? browserZone;
  // `to` is the last day shown: the API's `to` is exclusive, so ask for the day after.
  const params: ReportParams | null = info && from && to ? { name, from, to: isoDay(new Date(new Date(`${to}T00:00`).getTime() + 86_400_000)), interval, tz: zone, filters: Object.fromEntries(Object.entries(filters).filter(([k]) => info.filters.includes(k as Filter))) } : null;
  const report = useReport(params);
  const chartable = (info?.columns ?? []).filter((c) => c.kind !== 'text');
  const chartKey = metric && chartable.some((c) => c.key === metric) ? metric : (chartable.find((c) => c.chart)?.key ?? chartable[0]?.key ?? null);

  return (
    <Stack gap="md">
      <Title order={2}>Reports</Title>
      {catalog.isError && <Alert color="red" title="Could not load the reports">{errorMessage(catalog.error)}</Alert>}
      <Paper withBorder p="md" component="form" aria-label="Report settings" onSubmit={(e) => e.preventDefault()}>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} spacing="sm">
          <Select label="Report" data={(catalog.data?.items ?? []).map((r) => ({ value: r.name, label: r.title }))} value={name} onChange={(v) => v && setName(v)} allowDeselect={false} disabled={!catalog.data} />
          <TextInput label="From" type="date" value={from} max={to} onChange={(e) => setFrom(e.currentTarget.value)} />
          <TextInput label="To (inclusive)" type="date" value={to} min={from} onChange={(e) => setTo(e.currentTarget.value)} />
          <Select label="Interval" data={(info?.intervals ?? ['day']).map((i) => ({ value: i, label: INTERVAL_LABEL[i] }))} value={interval} onChange={(v) => v && setInterval(v as Interval)} allowDeselect={false} />
          {(info?.filters ?? []).map((f) => (
            <Select
              key={f}
              label={FILTER_LABEL[f]}
              placeholder="All"
              clearable
              searchable
              data={(catalog.data?.filterValues[f] ?? []).map((o) => ({ value: o.id, label: o.name }))}
              value={filters[f] ?? null}
              onChange={(v) => setFilters((cur) => ({ ...cur, [f]: v ?? undefined }))}
            />
          ))}
        </SimpleGrid>
        {info && (
          <Text size="sm" c="dimmed" mt="sm">
            {info.description} Times in {zone}.
          </Text>
        )}
      </Paper>
      <ReportBody report={report} chartKey={chartKey} onMetric={setMetric} chartable={chartable} params={params} />
    </Stack>
  );
}

interface BodyProps {
  report: ReturnType<typeof useReport>;
  chartKey: string | null;
  onMetric: (k: string | null) => void;
  chartable: { key: string; label: string }[];
  params: ReportParams | null;
}

function ReportBody({ report, chartKey, onMetric, chartable, params }: BodyProps) {
  const data = report.data;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="report-title" aria-busy={report.isFetching}>
      <Group justify="space-between" mb="sm">
        <Group gap="xs">
          <Title order={3} size="h4" id="report-title">
            {data ? `${data.rows.length} ${data.rows.length === 1 ? 'row' : 'rows'}` : 'Result'}
          </Title>
          {report.isFetching && <Loader size="xs" aria-label="Loading the report" />}
        </Group>
        <Group gap="xs">
          <Select aria-label="Chart figure" size="xs" data={chartable.map((c) => ({ value: c.key, label: c.label }))} value={chartKey} onChange={onMetric} allowDeselect={false} w={200} />
          <Button size="xs" variant="light" leftSection={<IconDownload size={14} aria-hidden />} component="a" href={params ? csvUrl(params) : undefined} download aria-disabled={!params} data-disabled={!params || undefined}>
            Download CSV
          </Button>
        </Group>
      </Group>
      {report.isPending && params && <Skeleton h={200} aria-label="Loading the report" />}
      {report.isError && (
        <Alert color="red" title="Could not run the report">
          <Text size="sm">{errorMessage(report.error)}</Text>
        </Alert>
      )}
      {data && !report.isError && (data.rows.length === 0 ? <Text c="dimmed" py="md">Nothing happened in this range with these filters.</Text> : <Result data={data} chartKey={chartKey} />)}
    </Paper>
  );
}

function Result({ data, chartKey }: { data: ReportResult; chartKey: string | null }) {
  const chartCol = data.columns.find((c) => c.key === chartKey);
  const points = useMemo(() => {
    if (!chartCol) return [];
    // Counts and seconds add up over the groups of a bucket; a percentage is shown per bucket only when there is one group.
    return data.buckets.map((b) => {
      const rows = data.rows.filter((r) => r.bucket === b);
      const vals = rows.map((r) => Number(r[chartCol.key] ?? 0));
      const value = chartCol.kind === 'percent' || chartCol.kind === 'score' ? (vals.length ? vals.reduce((a, x) => a + x, 0) / vals.length : 0) : vals.reduce((a, x) => a + x, 0);
      return { label: bucketLabel(b, data.interval, data.timeZone), value };
    });
  }, [data, chartCol]);
  const cols = data.columns.filter((c) => !ID_COLUMNS.has(c.key)); // names are shown, ids are in the CSV
  return (
    <Stack gap="md">
      {chartCol && points.length > 1 && <ReportChart points={points} label={`${chartCol.label}${chartCol.kind === 'percent' || chartCol.kind === 'score' ? ' (mean of the groups)' : ''}`} format={(n) => formatCell(chartCol, n)} />}
      <Table.ScrollContainer minWidth={600}>
        <Table striped highlightOnHover stickyHeader aria-labelledby="report-title">
          <Table.Thead>
            <Table.Tr>
              {cols.map((c) => (
                <Table.Th key={c.key} ta={c.kind === 'text' ? 'left' : 'right'}>
                  {c.key === 'bucket' ? 'Period' : c.label.replace(/ \(s\)$/, '')}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.rows.map((r, i) => (
              <Table.Tr key={i}>
                {cols.map((c) => (
                  <Table.Td key={c.key} ta={c.kind === 'text' ? 'left' : 'right'} style={{ whiteSpace: 'nowrap' }}>
                    {c.key === 'bucket' ? bucketLabel(String(r.bucket), data.interval, data.timeZone) : formatCell(c, r[c.key])}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
          <Table.Tfoot>
            <Table.Tr fw={600}>
              {cols.map((c, i) => (
                <Table.Td key={c.key} ta={c.kind === 'text' ? 'left' : 'right'}>
                  {i === 0 ? 'Total' : c.kind === 'text' ? '' : formatCell(c, data.total[c.key])}
                </Table.Td>
              ))}
            </Table.Tr>
          </Table.Tfoot>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
