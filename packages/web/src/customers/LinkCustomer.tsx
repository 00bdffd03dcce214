import { useState } from 'react';
import { Group, Paper, Select, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Customer, Page, Task } from '../api/types';
import { ActionError } from '../lib/LoadStates';
import { taskKey } from '../agent/data';

const label = (c: Customer) => `${[c.firstName, c.name].filter(Boolean).join(' ')}${c.email ? ` · ${c.email}` : c.phone ? ` · ${c.phone}` : ''}`;

/**
 * Work that came without a customer (a social post, a chat): the agent finds who it is and links
 * it. A social author is then known by that customer: their next conversation comes linked.
 */
export function LinkCustomer({ task }: { task: Task }) {
  const qc = useQueryClient();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const found = useQuery({ queryKey: ['customers', 'search', q], queryFn: () => api<Page<Customer>>(`/customers?limit=10&q=${encodeURIComponent(q)}`), enabled: q.length >= 2, select: (d) => d.items });
  const link = useMutation({
    mutationFn: (customerId: string) => api<Task>(`/tasks/${encodeURIComponent(task.id)}`, { method: 'PATCH', body: { customerId } }),
    onSuccess: (t) => qc.setQueryData(taskKey(task.id), t),
  });
  const social = task.source === 'social';
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="link-customer">
      <Group justify="space-between" mb={4}>
        <Title order={3} size="h5" id="link-customer">
          Customer
        </Title>
      </Group>
      <Text size="sm" c="dimmed" mb="xs">
        Not known yet.{social ? ' Once linked, their next posts and messages come with their profile.' : ''}
      </Text>
      <Select
        label="Link to a customer"
        placeholder="Name, e-mail or phone (2 characters or more)"
        searchable
        clearable
        searchValue={search}
        onSearchChange={setSearch}
        data={(found.data ?? []).map((c) => ({ value: c.id, label: label(c) }))}
        nothingFoundMessage={q.length < 2 ? 'Type to search' : found.isFetching ? 'Searching…' : 'No customer found'}
        filter={({ options }) => options} // the server searched
        onChange={(id) => id && link.mutate(id)}
        disabled={link.isPending}
      />
      <ActionError error={link.error} title="Not linked" />
    </Paper>
  );
}
