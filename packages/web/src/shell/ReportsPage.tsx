import { Paper, Stack, Text, Title } from '@mantine/core';
import { IconChartBar } from '@tabler/icons-react';

export function ReportsPage() {
  return (
    <Stack gap="md" maw={640}>
      <Title order={2}>Reports</Title>
      <Paper withBorder p="lg">
        <Stack align="center" gap="xs">
          <IconChartBar size={40} stroke={1.5} aria-hidden />
          <Text fw={500}>Reports are coming</Text>
          <Text size="sm" c="dimmed" ta="center">
            Historical reports and KPI dashboards with filters, drill-down and CSV export will appear here.
          </Text>
        </Stack>
      </Paper>
    </Stack>
  );
}
