import { Fragment, useState } from 'react';
import { Alert, Button, Code, Skeleton, Table, Text, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, errorMessage } from '../api/client';
import type { List } from '../api/types';
import { displayValue } from '../lib/format';

type Row = Record<string, unknown> & { id?: unknown; name?: unknown };

const HIDDEN = new Set(['id', 'name', 'createdAt', 'updatedAt', 'passwordHash']);

/** The key settings shown inline: the chosen `keys`, or else the first few simple fields. */
function keySettings(row: Row, keys: string[]): string {
  const entries = keys.length
    ? keys.filter((k) => k in row).map((k) => [k, row[k]] as const)
    : Object.entries(row)
        .filter(([k, v]) => !HIDDEN.has(k) && (v === null || typeof v !== 'object' || Array.isArray(v)))
        .slice(0, 5);
  return entries
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.map(displayValue).join(', ') || '—' : displayValue(v)}`)
    .join(' · ');
}

export function ConfigTable({ collection, label, keys }: { collection: string; label: string; keys: string[] }) {
  const [open, setOpen] = useState<string | null>(null);
  const query = useQuery({
    queryKey: ['admin', collection],
    queryFn: () => api<List<Row>>(`/${collection}`),
    select: (d) => d.items,
  });

  if (query.isPending) return <Skeleton h={120} aria-label={`Loading ${label}`} />;
  if (query.isError) {
    return (
      <Alert color="red" title={`Could not load ${label.toLowerCase()}`}>
        <Text size="sm">{errorMessage(query.error)}</Text>
        <Button size="xs" variant="light" color="red" mt="xs" onClick={() => void query.refetch()}>
          Retry
        </Button>
      </Alert>
    );
  }
  if (query.data.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No {label.toLowerCase()} configured.
      </Text>
    );
  }

  return (
    <Table.ScrollContainer minWidth={600}>
      <Table striped highlightOnHover aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>ID</Table.Th>
            <Table.Th>Key settings</Table.Th>
            <Table.Th w={120}>
              <VisuallyHidden>Details</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {query.data.map((row, i) => {
            const id = displayValue(row.id ?? i);
            const name = displayValue(row.name ?? row.email ?? row.id);
            const expanded = open === id;
            return (
              <Fragment key={id}>
                <Table.Tr>
                  <Table.Td fw={500}>{name}</Table.Td>
                  <Table.Td>
                    <Code>{id}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" lineClamp={2}>
                      {keySettings(row, keys)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      aria-expanded={expanded}
                      aria-label={`${expanded ? 'Hide' : 'Show'} details for ${name}`}
                      onClick={() => setOpen(expanded ? null : id)}
                    >
                      {expanded ? 'Hide' : 'Details'}
                    </Button>
                  </Table.Td>
                </Table.Tr>
                {expanded && (
                  <Table.Tr>
                    <Table.Td colSpan={4}>
                      <Code block>{JSON.stringify(row, null, 2)}</Code>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Fragment>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
