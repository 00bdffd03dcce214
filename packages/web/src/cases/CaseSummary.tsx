import { Alert, Anchor, Badge, Group, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconBriefcase } from '@tabler/icons-react';
import { Link } from 'react-router';
import { errorMessage } from '../api/client';
import { ClockBar } from './ClockBar';
import { fieldText } from './CaseView';
import { useCase, useCaseSla, useCaseStreamSync, useCaseTypes } from './data';
import { policyText, statusColor, statusLabel } from './format';

/**
 * The case a task belongs to, inside the task view: number, status, customer, the SLA and this
 * task's OLA, the first form fields, and the link to the whole case (in the same workspace).
 */
export function CaseSummary({ caseId, taskId, href }: { caseId: string; taskId: string; href: string }) {
  const kase = useCase(caseId);
  const sla = useCaseSla(caseId);
  const types = useCaseTypes();
  useCaseStreamSync();
  if (kase.isPending) return <Skeleton h={120} aria-label="Loading case" />;
  if (kase.isError) return <Alert color="red" title="Could not load the case">{errorMessage(kase.error)}</Alert>;
  const c = kase.data;
  const ct = types.data?.find((t) => t.id === c.caseType);
  const ola = sla.data?.ola.find((o) => o.taskId === taskId);
  const fields = (ct?.form.fields ?? []).filter((f) => f.type !== 'file' && c.fields[f.name] !== undefined && !f.customer).slice(0, 6);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="task-case">
      <Group justify="space-between" mb="xs">
        <Group gap="xs">
          <IconBriefcase size={18} />
          <Title order={3} size="h5" id="task-case">
            Case {c.number} · {ct?.name ?? c.caseType}
          </Title>
          <Badge color={statusColor(c.status)} size="sm">
            {statusLabel(c.status)}
          </Badge>
        </Group>
        <Anchor component={Link} to={href} size="sm" fw={600}>
          Open case {c.number}
        </Anchor>
      </Group>
      <Stack gap="sm">
        {c.customer && (
          <Text size="sm">
            Customer: <b>{[c.customer.firstName, c.customer.name].filter(Boolean).join(' ')}</b>
            {c.customer.email ? ` · ${c.customer.email}` : ''}
            {c.customer.phone ? ` · ${c.customer.phone}` : ''}
          </Text>
        )}
        {fields.length > 0 && (
          <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="xs">
            {fields.map((f) => (
              <div key={f.name}>
                <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                  {f.label}
                </Text>
                <Text size="sm" lineClamp={2}>
                  {fieldText(f, c.fields[f.name])}
                </Text>
              </div>
            ))}
          </SimpleGrid>
        )}
        {sla.data?.sla.policy && <ClockBar name="SLA" detail={policyText(sla.data.sla.policy)} clock={sla.data.sla} stopped={sla.data.sla.stopped} />}
        {ola?.policy && <ClockBar name="OLA of this task" detail={policyText(ola.policy)} clock={ola} stopped={!!ola.finishedAt} />}
      </Stack>
    </Paper>
  );
}
