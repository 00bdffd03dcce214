import { Anchor, Badge, Button, Group, Paper, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { clearAlerts, useAlerts } from '../shell/alerts';
import { formatTime } from '../lib/time';

/** Alerts received over the stream while this page is open, newest first. */
export function AlertsPanel() {
  const alerts = useAlerts();
  const queryClient = useQueryClient();
  const items = alerts.data ?? [];
  const warnings = items.filter((a) => a.level === 'warning').length;

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="alerts-title">
      <Group justify="space-between" mb="xs">
        <Group gap="xs">
          <Title order={3} size="h4" id="alerts-title">
            Alerts
          </Title>
          {warnings > 0 && (
            <Badge color="orange" aria-label={`${warnings} warnings`}>
              {warnings}
            </Badge>
          )}
        </Group>
        {items.length > 0 && (
          <Button size="compact-xs" variant="subtle" color="gray" onClick={() => clearAlerts(queryClient)}>
            Clear alerts
          </Button>
        )}
      </Group>
      {items.length === 0 ? (
        <Text size="sm" c="dimmed">
          No alerts since you opened this page. They appear here live.
        </Text>
      ) : (
        <ScrollArea.Autosize mah={220}>
          <Stack gap={4} component="ul" aria-label="Alerts" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
            {items.map((a) => (
              <Group key={a.id} component="li" gap="xs" wrap="nowrap" align="flex-start">
                <Badge size="sm" variant="light" color={a.level === 'warning' ? 'orange' : 'blue'} style={{ flexShrink: 0 }}>
                  {a.level}
                </Badge>
                <Text size="sm" style={{ flex: 1 }}>
                  {a.message}
                  {a.caseId && (
                    <>
                      {' '}
                      <Anchor component={Link} to={`/cases/${a.caseId}`} size="sm">
                        Open case
                      </Anchor>
                    </>
                  )}
                </Text>
                <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
                  {formatTime(a.at)}
                </Text>
              </Group>
            ))}
          </Stack>
        </ScrollArea.Autosize>
      )}
    </Paper>
  );
}
