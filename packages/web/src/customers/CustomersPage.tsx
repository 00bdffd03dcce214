import { useState } from 'react';
import { Alert, Anchor, Button, Group, Loader, Paper, Skeleton, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { Link, useNavigate, useParams } from 'react-router';
import { errorMessage } from '../api/client';
import { hasRole, useUser } from '../auth/session';
import { LoadError, DetailLoading } from '../lib/LoadStates';
import { useCustomer, CustomerDetails } from './CustomerCard';
import { useCustomers } from './data';
import { ProfileDialog } from './ProfileDialog';

/** /customers: CRM-light — find a customer by name, e-mail, phone or external id; add one. */
export function CustomersPage() {
  const me = useUser();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q, 250);
  const list = useCustomers(debounced);
  const [creating, setCreating] = useState(false);
  const writer = hasRole(me, 'agent', 'supervisor', 'admin');
  const items = list.data?.items ?? [];
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Customers</Title>
        {writer && (
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
            New customer
          </Button>
        )}
      </Group>
      {creating && <ProfileDialog customer={null} onClose={() => setCreating(false)} onSaved={(c) => navigate(`/customers/${c.id}`)} />}
      <TextInput
        aria-label="Search customers"
        placeholder="Name, e-mail, phone or external id"
        leftSection={<IconSearch size={16} aria-hidden />}
        rightSection={list.isFetching ? <Loader size="xs" /> : null}
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        data-autofocus
      />
      <Paper withBorder p="md" component="section" aria-label="Customers found">
        {list.isPending && <Skeleton h={120} />}
        {list.isError && <Alert color="red" title="Could not search the customers">{errorMessage(list.error)}</Alert>}
        {list.isSuccess && items.length === 0 && (
          <Text size="sm" c="dimmed">
            {debounced.trim() ? `No customer matches "${debounced.trim()}".` : 'No customers yet. They are added by the case form, by agents and by the API.'}
          </Text>
        )}
        {items.length > 0 && (
          <Table.ScrollContainer minWidth={600}>
            <Table striped highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>E-mail</Table.Th>
                  <Table.Th>Phone</Table.Th>
                  <Table.Th>Segment</Table.Th>
                  <Table.Th>External id</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/customers/${c.id}`}>
                        {[c.firstName, c.name].filter(Boolean).join(' ')}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{c.email ?? '—'}</Table.Td>
                    <Table.Td>{c.phone ?? '—'}</Table.Td>
                    <Table.Td>{c.segment ?? '—'}</Table.Td>
                    <Table.Td>{c.externalId ?? '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {list.data?.nextCursor && (
          <Text size="xs" c="dimmed" mt="xs">
            The first 100 shown: search to narrow.
          </Text>
        )}
      </Paper>
    </Stack>
  );
}

/** /customers/:id: the profile, notes and cases of one customer, with Edit profile. */
export function CustomerPage() {
  const { id = '' } = useParams();
  const me = useUser();
  const customer = useCustomer(id);
  const [editing, setEditing] = useState(false);
  if (customer.isPending) return <DetailLoading label="Loading the customer" />;
  if (customer.isError) return <LoadError error={customer.error} what="customer" gone="This customer does not exist." onRetry={() => void customer.refetch()} />;
  const c = customer.data;
  return (
    <Stack gap="md">
      <Anchor component={Link} to="/customers" size="sm">
        ← All customers
      </Anchor>
      <Paper withBorder p="md" component="section" aria-labelledby="customer-title">
        <Group justify="space-between" mb="sm">
          <Title order={2} id="customer-title">
            {[c.firstName, c.name].filter(Boolean).join(' ')}
          </Title>
          {hasRole(me, 'agent', 'supervisor', 'admin') && (
            <Button variant="light" onClick={() => setEditing(true)}>
              Edit profile
            </Button>
          )}
        </Group>
        <CustomerDetails customer={c} limit={50} />
        {c.notes && (
          <Text size="sm" mt="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {c.notes}
          </Text>
        )}
      </Paper>
      {editing && <ProfileDialog customer={c} onClose={() => setEditing(false)} />}
    </Stack>
  );
}
