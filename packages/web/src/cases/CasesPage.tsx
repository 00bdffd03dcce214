import { useState } from 'react';
import { Anchor, Badge, Button, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { Link, useParams } from 'react-router';
import { CASE_STATUSES, type CaseStatus } from '../api/types';
import { hasRole, useUser } from '../auth/session';
import { ChoiceSelect } from '../lib/ChoiceSelect';
import { formatDateTime } from '../lib/time';
import { Section } from '../supervisor/Section';
import { CaseView } from './CaseView';
import { useCaseList, useCaseStreamSync, useCaseTypes } from './data';
import { statusColor, statusLabel } from './format';

const STATUS_OPTIONS = [{ value: 'all', label: 'All statuses' }, ...CASE_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))];

/** /cases: the cases I may see, newest first, with status, type and search filters; "New case". */
export function CasesPage() {
  const me = useUser();
  const [status, setStatus] = useState<CaseStatus | null>(null);
  const [caseType, setCaseType] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q, 250);
  const cases = useCaseList({ status, caseType, q: debounced });
  const types = useCaseTypes();
  useCaseStreamSync();
  const typeName = (id: string) => types.data?.find((t) => t.id === id)?.name ?? id;
  const rows = cases.data?.items ?? [];
  const canCreate = hasRole(me, 'agent', 'supervisor', 'admin');

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Cases</Title>
        {canCreate && (
          <Button component={Link} to="/cases/new" leftSection={<IconPlus size={16} />}>
            New case
          </Button>
        )}
      </Group>
      <Section
        id="cases-title"
        title="Cases"
        query={cases}
        empty={rows.length === 0}
        emptyText={q || status || caseType ? 'No case matches these filters.' : 'No cases yet.'}
        actions={
          <Group gap="xs" align="flex-end">
            <TextInput size="xs" label="Search" placeholder="Number, subject, customer" leftSection={<IconSearch size={14} />} value={q} onChange={(e) => setQ(e.currentTarget.value)} w={220} />
            <ChoiceSelect label="Status" size="xs" w={190} data={STATUS_OPTIONS} value={status ?? 'all'} onChange={(v) => setStatus(v === 'all' ? null : (v as CaseStatus))} />
            <ChoiceSelect
              label="Case type"
              size="xs"
              w={160}
              data={[{ value: 'all', label: 'All types' }, ...(types.data ?? []).map((t) => ({ value: t.id, label: t.name }))]}
              value={caseType ?? 'all'}
              onChange={(v) => setCaseType(v === 'all' ? null : v)}
            />
          </Group>
        }
      >
        <Table striped highlightOnHover aria-labelledby="cases-title">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Number</Table.Th>
              <Table.Th>Subject</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>SLA due</Table.Th>
              <Table.Th>Created</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((c) => (
              <Table.Tr key={c.id} aria-label={`${c.number} ${c.title}`}>
                <Table.Td>
                  <Anchor component={Link} to={`/cases/${encodeURIComponent(c.id)}`} fw={600}>
                    {c.number}
                  </Anchor>
                </Table.Td>
                <Table.Td>{c.title}</Table.Td>
                <Table.Td>{typeName(c.caseType)}</Table.Td>
                <Table.Td>
                  <Badge size="sm" color={statusColor(c.status)}>
                    {statusLabel(c.status)}
                  </Badge>
                  {c.escalationLevel > 0 && (
                    <Badge ml={4} size="xs" variant="light" color="orange">
                      escalated
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  {c.sla.paused ? (
                    <Text span size="sm" c="dimmed">
                      paused
                    </Text>
                  ) : (
                    formatDateTime(c.sla.dueAt)
                  )}
                  {c.sla.breachedAt && (
                    <Badge ml={4} size="xs" color="red">
                      breached
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>{formatDateTime(c.createdAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {cases.data?.nextCursor && (
          <Text size="xs" c="dimmed" mt="xs">
            Showing the newest {rows.length} cases; narrow the filters to find older ones.
          </Text>
        )}
      </Section>
    </Stack>
  );
}

/** /cases/:id — the case view as a page (agents' task links go to their workspace). */
export function CasePage() {
  const { id = '' } = useParams();
  const me = useUser();
  const agent = hasRole(me, 'agent');
  return (
    <Stack gap="xs">
      <Anchor component={Link} to="/cases" size="sm">
        ← All cases
      </Anchor>
      <CaseView key={id} caseId={id} taskLink={agent ? (taskId) => `/agent?task=${encodeURIComponent(taskId)}` : undefined} />
    </Stack>
  );
}
