import { Fragment, useState } from 'react';
import { Alert, Button, Code, Group, Skeleton, Table, Text, VisuallyHidden } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api, errorMessage } from '../api/client';
import type { List } from '../api/types';
import { displayValue } from '../lib/format';
import { itemNoun, type CollectionInfo } from './collections';
import { ItemEditor } from './ItemEditor';

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

/** One collection: its items with their key settings, details, and New / Edit / Delete. */
export function ConfigTable({ info }: { info: CollectionInfo }) {
  const { value: collection, label, keys } = info;
  const qc = useQueryClient();
  const [open, setOpen] = useState<string | null>(null);
  const [editing, setEditing] = useState<Row | 'new' | null>(null);
  const query = useQuery({
    queryKey: ['admin', collection],
    queryFn: () => api<List<Row>>(`/${collection}`),
    select: (d) => d.items,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api(`/${collection}/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: (_r, id) => {
      void qc.invalidateQueries({ queryKey: ['admin', collection] });
      notifications.show({ color: 'teal', message: `${id} deleted` });
    },
    // 409 while something uses it: the answer says what.
    onError: (err) => notifications.show({ color: 'red', title: 'Not deleted', message: errorMessage(err) }),
  });
  const one = itemNoun(info);

  const header = (
    <Group justify="flex-end" mb="xs">
      <Button size="xs" leftSection={<IconPlus size={14} aria-hidden />} onClick={() => setEditing('new')}>
        New {one}
      </Button>
    </Group>
  );
  const editor = editing && <ItemEditor info={info} row={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />;

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
      <>
        {header}
        {editor}
        <Text size="sm" c="dimmed">
          No {label.toLowerCase()} configured.
        </Text>
      </>
    );
  }

  return (
    <>
      {header}
      {editor}
      <Table.ScrollContainer minWidth={600}>
        <Table striped highlightOnHover aria-label={label}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>ID</Table.Th>
              <Table.Th>Key settings</Table.Th>
              <Table.Th w={220}>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {query.data.map((row, i) => {
              const id = displayValue(row.id ?? row[info.key ?? 'id'] ?? i);
              const name = displayValue(row.name ?? row.label ?? row.email ?? row.id);
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
                      <Group gap={4} wrap="nowrap" justify="flex-end">
                        <Button size="compact-xs" variant="subtle" aria-expanded={expanded} aria-label={`${expanded ? 'Hide' : 'Show'} details for ${name}`} onClick={() => setOpen(expanded ? null : id)}>
                          {expanded ? 'Hide' : 'Details'}
                        </Button>
                        <Button size="compact-xs" variant="subtle" aria-label={`Edit ${name}`} onClick={() => setEditing(row)}>
                          Edit
                        </Button>
                        <Button
                          size="compact-xs"
                          variant="subtle"
                          color="red"
                          aria-label={`Delete ${name}`}
                          loading={remove.isPending && remove.variables === id}
                          onClick={() => {
                            if (window.confirm(`Delete ${one} ${name}? This cannot be undone.`)) remove.mutate(id);
                          }}
                        >
                          Delete
                        </Button>
                      </Group>
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
    </>
  );
}
