import { useState } from 'react';
import { ActionIcon, Button, Group, Paper, Table, Text, TextInput, Title } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api, errorMessage, formErrors } from '../api/client';
import type { List } from '../api/types';
import { formatDateTime } from '../lib/time';

interface Entry {
  phone: string;
  reason: string | null;
  addedBy: string | null;
  addedAt: string;
}

/** The do-not-call list: every campaign leaves these numbers out; a contact who asks is added from the call. */
export function DoNotCall({ canEdit }: { canEdit: boolean }) {
  const qc = useQueryClient();
  const [q, setQ] = useState('');
  const [phone, setPhone] = useState('');
  const key = ['do-not-call', q];
  const list = useQuery({ queryKey: key, queryFn: () => api<List<Entry>>(`/do-not-call${q ? `?q=${encodeURIComponent(q)}` : ''}`), select: (d) => d.items, refetchInterval: 10_000 });
  const add = useMutation({
    mutationFn: () => api('/do-not-call', { method: 'POST', body: { phone } }),
    onSuccess: () => {
      setPhone('');
      void qc.invalidateQueries({ queryKey: ['do-not-call'] });
    },
  });
  const remove = useMutation({
    mutationFn: (p: string) => api(`/do-not-call/${encodeURIComponent(p)}`, { method: 'DELETE' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['do-not-call'] }),
    onError: (err) => notifications.show({ color: 'red', title: 'Not removed', message: errorMessage(err) }),
  });
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="dnc-title">
      <Title order={3} size="h5" id="dnc-title" mb="xs">
        Do not call
      </Title>
      <Group align="flex-end" gap="xs" mb="xs">
        <TextInput size="xs" label="Find" placeholder="a number or part of one" value={q} onChange={(e) => setQ(e.currentTarget.value)} />
        {canEdit && (
          <form onSubmit={(e) => (e.preventDefault(), add.mutate())} style={{ display: 'flex', gap: 6, alignItems: 'flex-end' }}>
            <TextInput size="xs" label="Add a number" value={phone} onChange={(e) => setPhone(e.currentTarget.value)} error={formErrors(add.error, ['phone']).fields.phone ?? (add.error && !formErrors(add.error, ['phone']).fields.phone ? errorMessage(add.error) : undefined)} />
            <Button size="xs" type="submit" disabled={!phone.trim()} loading={add.isPending}>
              Add
            </Button>
          </form>
        )}
      </Group>
      {list.data?.length === 0 && <Text size="sm" c="dimmed">{q ? 'No number matches.' : 'Nobody has asked not to be called.'}</Text>}
      {!!list.data?.length && (
        <Table fz="sm" aria-labelledby="dnc-title">
          <Table.Tbody>
            {list.data.map((d) => (
              <Table.Tr key={d.phone}>
                <Table.Td>{d.phone}</Table.Td>
                <Table.Td c="dimmed">{d.reason ?? ''}</Table.Td>
                <Table.Td c="dimmed">{formatDateTime(d.addedAt)}</Table.Td>
                <Table.Td w={40}>
                  {canEdit && (
                    <ActionIcon variant="subtle" color="red" aria-label={`Take ${d.phone} off the list`} onClick={() => remove.mutate(d.phone)}>
                      <IconTrash size={14} />
                    </ActionIcon>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}
