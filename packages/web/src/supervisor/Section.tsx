import type { ReactNode } from 'react';
import { Alert, Button, Group, Loader, Paper, Skeleton, Table, Text, Title } from '@mantine/core';
import { errorMessage } from '../api/client';

interface SectionProps {
  id: string;
  title: string;
  query: { isPending: boolean; isError: boolean; error: unknown; isFetching: boolean; refetch: () => unknown };
  empty: boolean;
  emptyText: string;
  actions?: ReactNode;
  /** Heading size: h4 for a page's panels, h5 for a panel among the case view's. */
  titleSize?: 'h4' | 'h5';
  children: ReactNode;
}

/** A titled panel around a table, with loading, error and empty states. */
export function Section({ id, title, query, empty, emptyText, actions, titleSize = 'h4', children }: SectionProps) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby={id}>
      <Group justify="space-between" mb="sm">
        <Group gap="xs">
          <Title order={3} size={titleSize} id={id}>
            {title}
          </Title>
          {query.isFetching && !query.isPending && <Loader size="xs" aria-label={`Refreshing ${title}`} />}
        </Group>
        {actions}
      </Group>
      {query.isPending && <Skeleton h={90} aria-label={`Loading ${title}`} />}
      {query.isError && (
        <Alert color="red" title={`Could not load ${title.toLowerCase()}`}>
          <Text size="sm">{errorMessage(query.error)}</Text>
          <Button size="xs" variant="light" color="red" mt="xs" onClick={() => void query.refetch()}>
            Retry
          </Button>
        </Alert>
      )}
      {!query.isPending && !query.isError && empty && (
        <Text size="sm" c="dimmed" py="sm">
          {emptyText}
        </Text>
      )}
      {!query.isPending && !query.isError && !empty && (
        <Table.ScrollContainer minWidth={600}>{children}</Table.ScrollContainer>
      )}
    </Paper>
  );
}
