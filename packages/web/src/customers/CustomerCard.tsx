import { Anchor, Badge, Group, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { Case, Customer, Page } from '../api/types';
import { Field } from '../lib/Field';
import { LoadError } from '../lib/LoadStates';
import { displayValue } from '../lib/format';
import { statusColor, statusLabel } from '../cases/format';
import { useCaseHref } from '../cases/links';

const OTHER_CASES = 5;

export function useCustomer(id: string) {
  return useQuery({ queryKey: ['customer', id], queryFn: () => api<Customer>(`/customers/${encodeURIComponent(id)}`) });
}

/** The customer's latest cases the viewer may see. */
function useCustomerCases(id: string, limit: number) {
  return useQuery({ queryKey: ['customerCases', id, limit], queryFn: () => api<Page<Case>>(`/customers/${encodeURIComponent(id)}/cases?limit=${limit + 1}`) });
}

/** Who the customer is (profile, custom fields) and their other cases: the context an agent needs on a call. */
export function CustomerDetails({ customer: c, exceptCase, limit = OTHER_CASES }: { customer: Customer; exceptCase?: string; limit?: number }) {
  const cases = useCustomerCases(c.id, limit);
  const caseHref = useCaseHref(); // each opens where the viewer works
  const others = (cases.data?.items ?? []).filter((k) => k.id !== exceptCase).slice(0, limit);
  const custom = Object.entries(c.custom ?? {});
  return (
    <Stack gap="sm">
      <SimpleGrid cols={2} spacing="sm">
        <Field label="Name">
          <Anchor component={Link} to={`/customers/${c.id}`} aria-label={`Profile of ${[c.firstName, c.name].filter(Boolean).join(' ')}`}>
            {[c.firstName, c.name].filter(Boolean).join(' ')}
          </Anchor>
        </Field>
        <Field label="E-mail">{c.email ? <Anchor href={`mailto:${c.email}`}>{c.email}</Anchor> : '—'}</Field>
        <Field label="Phone">{c.phone ? <Anchor href={`tel:${c.phone}`}>{c.phone}</Anchor> : '—'}</Field>
        <Field label="Segment">{c.segment ?? '—'}</Field>
        {c.externalId && <Field label="External id">{c.externalId}</Field>}
        {custom.map(([k, v]) => (
          <Field key={k} label={k}>
            {displayValue(v)}
          </Field>
        ))}
      </SimpleGrid>
      <div>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600} id={`customer-cases-${c.id}`}>
          {exceptCase ? 'Other cases' : 'Cases'}
        </Text>
        {cases.isPending && <Skeleton h={20} mt={4} />}
        {cases.isError && <Text size="sm" c="red">Could not read the customer's cases.</Text>}
        {cases.isSuccess && others.length === 0 && (
          <Text size="sm" c="dimmed">
            None.
          </Text>
        )}
        {others.length > 0 && (
          <Stack gap={2} mt={4} component="ul" aria-labelledby={`customer-cases-${c.id}`} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {others.map((k) => (
              <Group key={k.id} gap={6} wrap="nowrap" component="li">
                <Anchor component={Link} to={caseHref(k.id)} size="sm" style={{ whiteSpace: 'nowrap' }}>
                  {k.number}
                </Anchor>
                <Badge size="xs" variant="light" color={statusColor(k.status)}>
                  {statusLabel(k.status)}
                </Badge>
                <Text size="sm" lineClamp={1} title={k.title}>
                  {k.title}
                </Text>
              </Group>
            ))}
          </Stack>
        )}
      </div>
    </Stack>
  );
}

/** A task's customer, read by id: a titled section (loading, error with retry). */
export function CustomerCard({ customerId }: { customerId: string }) {
  const customer = useCustomer(customerId);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="task-customer">
      <Title order={3} size="h5" id="task-customer" mb="xs">
        Customer
      </Title>
      {customer.isPending && <Skeleton h={60} />}
      {customer.isError && <LoadError error={customer.error} what="customer" gone="The profile may have been removed." onRetry={() => void customer.refetch()} />}
      {customer.data && <CustomerDetails customer={customer.data} />}
    </Paper>
  );
}
