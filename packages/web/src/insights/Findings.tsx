import { Badge, Button, Group, List, Text } from '@mantine/core';
import type { Finding, InsightInterval } from './data';

const KIND: Record<Finding['kind'], { label: string; color: string }> = {
  missed: { label: 'Missed goal', color: 'red' },
  anomaly: { label: 'Unusual period', color: 'orange' },
  outlier: { label: 'Unusual agent', color: 'grape' },
};

interface Props {
  findings: Finding[];
  interval: InsightInterval;
  /** Drill down into a queue (absent when already in one). */
  onQueue?: ((id: string) => void) | undefined;
  /** Look closer at an unusual period (a day by hour, a week by day). */
  onZoom: (bucket: string) => void;
}

/** What needs attention, worst first, each a sentence with the way in. */
export function Findings({ findings, interval, onQueue, onZoom }: Props) {
  return (
    <List spacing="xs" listStyleType="none" aria-label="Findings">
      {findings.map((f, i) => (
        <List.Item key={i}>
          <Group gap="xs" wrap="nowrap" align="flex-start">
            <Badge size="sm" variant="light" color={KIND[f.kind].color} w={120} style={{ flexShrink: 0 }}>
              {KIND[f.kind].label}
            </Badge>
            <Text size="sm" style={{ flex: 1 }}>
              {f.text}
            </Text>
            {f.kind === 'anomaly' && f.bucket && (interval === 'day' || interval === 'week') && (
              <Button size="compact-xs" variant="subtle" onClick={() => onZoom(f.bucket!)}>
                Look closer
              </Button>
            )}
            {f.subject.type === 'queue' && onQueue && (
              <Button size="compact-xs" variant="subtle" onClick={() => onQueue(f.subject.id)}>
                Open {f.subject.name}
              </Button>
            )}
          </Group>
        </List.Item>
      ))}
    </List>
  );
}
