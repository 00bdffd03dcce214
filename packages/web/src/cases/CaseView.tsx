import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Checkbox, Group, Paper, SimpleGrid, Skeleton, Stack, Table, Text, Textarea, Timeline, Title } from '@mantine/core';
import { Link } from 'react-router';
import { errorMessage } from '../api/client';
import type { Case, CaseEvent, FormField } from '../api/types';
import { hasRole, useUser } from '../auth/session';
import { TASK_STATE_COLOR, TASK_STATE_LABEL, displayValue } from '../lib/format';
import { formatDateTime } from '../lib/time';
import { usePeople, useQueues } from '../tasks/actions';
import { useAddAttachments, useAddComment, useCase, useCaseComments, useCaseSla, useCaseStreamSync, useCaseTimeline, useCaseTypes } from './data';
import { CaseActions } from './CaseActions';
import { CaseNotifications } from './Notifications';
import { FileList, UploadForm } from './Files';
import { ActionError, DetailLoading, LoadError } from '../lib/LoadStates';
import { EventItem } from '../lib/EventItem';
import { ClockBar } from './ClockBar';
import { ClockDialog } from './ClockDialog';
import { Field } from '../lib/Field';
import { CustomerDetails } from '../customers/CustomerCard';
import { CASE_EVENT_LABEL, isDone, policyText, statusColor, statusLabel } from './format';


/** A form value in words: options by label, files by name, yes/no. */
export function fieldText(f: FormField | undefined, v: unknown): string {
  if (v === undefined || v === null || v === '') return '—';
  const label = (x: unknown) => f?.options?.find((o) => o.value === x)?.label ?? String(x);
  if (Array.isArray(v)) return v.map((x) => (x && typeof x === 'object' && 'name' in x ? String((x as { name: unknown }).name) : label(x))).join(', ') || '—';
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (typeof v === 'string' && f?.type === 'select') return label(v);
  return displayValue(v);
}

/** Where links to a task of the case go: the agent workspace for agents, the supervisor page otherwise. */
export type TaskLink = (taskId: string) => string | null;

/**
 * The case view: header with status and actions, SLA and OLA clocks, form fields, customer, the
 * procedure's tasks, files, comments and the timeline. Live: `case.changed` re-fetches it.
 */
export function CaseView({ caseId, taskLink }: { caseId: string; taskLink?: TaskLink }) {
  const kase = useCase(caseId);
  useCaseStreamSync();
  if (kase.isPending) return <DetailLoading label="Loading case" last={160} />;
  if (kase.isError) return <LoadError error={kase.error} what="case" gone="It does not exist, or you cannot see it." onRetry={() => void kase.refetch()} />;
  return <CaseDetails kase={kase.data} taskLink={taskLink} />;
}

function CaseDetails({ kase, taskLink }: { kase: Case; taskLink?: TaskLink }) {
  const types = useCaseTypes();
  const ct = types.data?.find((t) => t.id === kase.caseType);
  const fields = ct?.form.fields ?? Object.keys(kase.fields).map((name): FormField => ({ name, label: name, type: 'text' }));
  const stepName = (id: string | null) => (id ? (ct?.procedure?.steps.find((s) => s.id === id)?.name ?? id) : '—');

  return (
    <Stack gap="md" component="article" aria-labelledby="case-title">
      <Paper withBorder p="md">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div>
            <Text size="sm" c="dimmed" fw={600}>
              {kase.number} · {ct?.name ?? kase.caseType}
            </Text>
            <Title order={2} size="h3" id="case-title">
              {kase.title}
            </Title>
          </div>
          <Group gap={6} wrap="nowrap">
            {kase.escalationLevel > 0 && (
              <Badge color="orange" variant="outline" size="lg">
                Escalation level {kase.escalationLevel}
              </Badge>
            )}
            <Badge color={statusColor(kase.status)} size="lg" aria-label={`Case status: ${statusLabel(kase.status)}`}>
              {statusLabel(kase.status)}
            </Badge>
          </Group>
        </Group>
        {kase.description && (
          <Text size="sm" mt="xs" style={{ whiteSpace: 'pre-wrap' }}>
            {kase.description}
          </Text>
        )}
        <SimpleGrid cols={{ base: 2, sm: 4 }} mt="md" spacing="sm">
          <Field label="Step">{stepName(kase.currentStep)}</Field>
          <Field label="Source">{kase.source}</Field>
          <Field label="Created">{formatDateTime(kase.createdAt)}</Field>
          <Field label="Updated">{formatDateTime(kase.updatedAt)}</Field>
          {kase.resolution && <Field label="Resolution">{kase.resolution}</Field>}
        </SimpleGrid>
        <CaseActions kase={kase} caseType={ct} />
      </Paper>

      <Clocks kase={kase} stepName={stepName} />

      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Paper withBorder p="md" component="section" aria-labelledby="case-fields">
          <Title order={3} size="h5" id="case-fields" mb="xs">
            Form
          </Title>
          <Table withTableBorder striped fz="sm" aria-labelledby="case-fields">
            <Table.Tbody>
              {fields.map((f) => (
                <Table.Tr key={f.name}>
                  <Table.Th w="40%">{f.label}</Table.Th>
                  <Table.Td style={{ wordBreak: 'break-word', whiteSpace: 'pre-wrap' }}>{fieldText(f, kase.fields[f.name])}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
        <CustomerPanel kase={kase} />
      </SimpleGrid>

      <CaseTasks kase={kase} stepName={stepName} taskLink={taskLink} />
      <Attachments kase={kase} />
      <Comments kase={kase} />
      <CaseNotifications caseId={kase.id} />
      <CaseTimeline caseId={kase.id} />
    </Stack>
  );
}

function Clocks({ kase, stepName }: { kase: Case; stepName: (id: string | null) => string }) {
  const sla = useCaseSla(kase.id);
  const me = useUser();
  const [change, setChange] = useState<'sla' | 'ola' | null>(null);
  // Supervisors change the SLA, and the OLA of the live work (the API's rule).
  const oversees = hasRole(me, 'supervisor', 'admin') && !isDone(kase.status);
  const liveOla = sla.data?.ola.find((o) => !o.finishedAt);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="case-clocks">
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h5" id="case-clocks">
          Clocks
        </Title>
        {oversees && sla.data && (
          <Group gap={4}>
            <Button size="compact-xs" variant="subtle" onClick={() => setChange('sla')}>
              Change SLA
            </Button>
            {liveOla && (
              <Button size="compact-xs" variant="subtle" onClick={() => setChange('ola')}>
                Change OLA
              </Button>
            )}
          </Group>
        )}
      </Group>
      {change && <ClockDialog kase={kase} which={change} current={change === 'sla' ? (sla.data?.sla.policy ?? null) : (liveOla?.policy ?? null)} onClose={() => setChange(null)} />}
      {sla.isPending && <Skeleton h={60} />}
      {sla.isError && <Alert color="red">{errorMessage(sla.error)}</Alert>}
      {sla.data && (
        <Stack gap="md">
          {sla.data.sla.policy ? (
            <ClockBar name="SLA" detail={policyText(sla.data.sla.policy)} clock={sla.data.sla} stopped={sla.data.sla.stopped} />
          ) : (
            <Text size="sm" c="dimmed">
              No SLA for this case type.
            </Text>
          )}
          {sla.data.ola
            .filter((o) => o.policy && !o.finishedAt)
            .map((o) => (
              <ClockBar key={o.taskId} name={`OLA ${stepName(o.step)}`} detail={policyText(o.policy)} clock={o} />
            ))}
        </Stack>
      )}
    </Paper>
  );
}

function CustomerPanel({ kase }: { kase: Case }) {
  const c = kase.customer;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="case-customer">
      <Title order={3} size="h5" id="case-customer" mb="xs">
        Customer
      </Title>
      {!c ? (
        <Text size="sm" c="dimmed">
          No customer linked.
        </Text>
      ) : (
        <CustomerDetails customer={c} exceptCase={kase.id} />
      )}
    </Paper>
  );
}

function CaseTasks({ kase, stepName, taskLink }: { kase: Case; stepName: (id: string | null) => string; taskLink?: TaskLink }) {
  const people = usePeople();
  const queues = useQueues();
  const me = useUser();
  const who = (id: string | null) => (id ? (id === me.id ? `${me.name} (you)` : (people.data?.find((p) => p.id === id)?.name ?? 'a colleague')) : '—');
  const tasks = kase.tasks ?? [];
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="case-tasks">
      <Title order={3} size="h5" id="case-tasks" mb="xs">
        Tasks
      </Title>
      {tasks.length === 0 ? (
        <Text size="sm" c="dimmed">
          No tasks: this case type has no procedure.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table striped fz="sm" aria-labelledby="case-tasks">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Step</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Queue</Table.Th>
                <Table.Th>Agent</Table.Th>
                <Table.Th>OLA due</Table.Th>
                <Table.Th>Outcome</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tasks.map((t) => {
                const href = taskLink?.(t.taskId);
                return (
                  <Table.Tr key={t.taskId}>
                    <Table.Td>
                      {href ? (
                        <Anchor component={Link} to={href}>
                          {stepName(t.step)}
                        </Anchor>
                      ) : (
                        stepName(t.step)
                      )}
                      {t.kind !== 'start' && t.kind !== 'step' && (
                        <Badge ml={6} size="xs" variant="light" color={t.kind === 'escalation' ? 'orange' : 'gray'}>
                          {t.kind}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td miw={110}>
                      <Badge size="sm" color={TASK_STATE_COLOR[t.state] ?? 'gray'} style={{ overflow: 'visible' }}>
                        {TASK_STATE_LABEL[t.state] ?? t.state}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{t.queue ? (queues.data?.find((q) => q.id === t.queue)?.name ?? t.queue) : '—'}</Table.Td>
                    <Table.Td>{who(t.assignee ?? t.targetAgent)}</Table.Td>
                    <Table.Td>
                      {formatDateTime(t.ola.dueAt)}
                      {t.ola.breachedAt && (
                        <Badge ml={6} size="xs" color="red">
                          breached
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>{t.wrapUpCode ?? (t.state === 'canceled' ? 'canceled' : '—')}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}

function Attachments({ kase }: { kase: Case }) {
  const upload = useAddAttachments(kase);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="case-files">
      <Title order={3} size="h5" id="case-files" mb="xs">
        Files
      </Title>
      <FileList files={kase.attachments ?? []} empty="No files yet." />
      <UploadForm upload={upload} />
    </Paper>
  );
}

function Comments({ kase }: { kase: Case }) {
  const comments = useCaseComments(kase.id);
  const add = useAddComment(kase);
  const [body, setBody] = useState('');
  const [toCustomer, setToCustomer] = useState(false);
  const [checked, setChecked] = useState(false);
  const missing = !body.trim();
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="case-comments">
      <Title order={3} size="h5" id="case-comments" mb="xs">
        Comments
      </Title>
      {comments.isPending && <Skeleton h={40} />}
      {comments.isError && <Alert color="red">{errorMessage(comments.error)}</Alert>}
      {comments.data && comments.data.length === 0 && (
        <Text size="sm" c="dimmed">
          No comments yet.
        </Text>
      )}
      {comments.data && comments.data.length > 0 && (
        <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Comments">
          {comments.data.map((m) => (
            <Paper key={m.id} component="li" p="xs" bg={m.author?.startsWith('customer:') ? 'blue.0' : m.visibility === 'customer' ? 'teal.0' : 'gray.0'}>
              <Group gap={6}>
                <Text size="sm" fw={600}>
                  {m.authorName ?? 'Someone'}
                </Text>
                {m.author?.startsWith('customer:') ? (
                  <Badge size="xs" color="blue">
                    customer
                  </Badge>
                ) : (
                  <Badge size="xs" variant="light" color={m.visibility === 'customer' ? 'teal' : 'gray'}>
                    {m.visibility === 'customer' ? 'to the customer' : 'internal'}
                  </Badge>
                )}
                <Text size="xs" c="dimmed">
                  {formatDateTime(m.createdAt)}
                </Text>
              </Group>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                {m.body}
              </Text>
            </Paper>
          ))}
        </Stack>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setChecked(true);
          if (missing) return;
          add.mutate(
            { body: body.trim(), visibility: toCustomer ? 'customer' : 'internal' },
            {
              onSuccess: () => {
                setBody('');
                setChecked(false);
              },
            },
          );
        }}
      >
        <Textarea
          mt="sm"
          label="New comment"
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
          autosize
          minRows={2}
          maxLength={20_000}
          error={checked && missing ? 'Write a comment' : undefined}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) e.currentTarget.form?.requestSubmit();
          }}
        />
        <Group justify="space-between" mt="xs">
          <Checkbox label="Visible to the customer (portal)" checked={toCustomer} onChange={(e) => setToCustomer(e.currentTarget.checked)} />
          <Button type="submit" variant="light" loading={add.isPending}>
            Add comment
          </Button>
        </Group>
        <ActionError error={add.isError ? add.error : null} title="Could not add the comment" />
      </form>
    </Paper>
  );
}

/** Keys worth showing from case events, in this order. */
const KEYS: [string, string][] = [
  ['status', 'Status'],
  ['change', 'Change'],
  ['changed', 'Changed'],
  ['from', 'From'],
  ['to', 'To'],
  ['level', 'Level'],
  ['reason', 'Reason'],
  ['resolution', 'Resolution'],
  ['wrapUpCode', 'Wrap-up'],
  ['name', 'File'],
  ['excerpt', 'Comment'],
  ['percent', 'Used %'],
];

const STATUS_KEYS = new Set(['status']);
const CHANGED: Record<string, string> = { sla: 'SLA', ola: 'OLA', customerId: 'customer', fields: 'form fields' };
/** "fields" says nothing a reader needs; the others read better without dashes. */
const changeText = (v: unknown) => (v === 'fields' ? null : String(v).replace(/-/g, ' '));

function eventLine(e: CaseEvent): string {
  const d = e.data;
  return KEYS.filter(([k]) => d[k] !== undefined && d[k] !== null && d[k] !== '')
    .map(([k, label]): string | null => {
      const v = d[k];
      if (STATUS_KEYS.has(k)) return `${label}: ${statusLabel(String(v))}`;
      if (k === 'change') return changeText(v) && `${label}: ${changeText(v)}`;
      // What a PATCH changed: "Changed: SLA, title".
      if (k === 'changed' && Array.isArray(v)) return `${label}: ${v.map((x) => CHANGED[String(x)] ?? String(x)).join(', ')}`;
      // A status change's "from" is a status; an escalation's is a step.
      if (k === 'from' && typeof v === 'string' && e.type === 'case.updated') return `${label}: ${statusLabel(v)}`;
      return `${label}: ${displayValue(v)}`;
    })
    .filter((x): x is string => !!x)
    .join(' · ');
}

function actorLine(actor: string | null, me: { id: string; name: string }, names: (id: string) => string | undefined): string | null {
  if (!actor) return null;
  const [kind, ...rest] = actor.split(':');
  const ref = rest.join(':');
  if (kind === 'user') return ref === me.id ? `${me.name} (you)` : (names(ref) ?? 'a colleague');
  if (kind === 'customer') return 'the customer';
  if (kind === 'api-key') return `API key ${ref}`;
  if (actor === 'public-form') return 'the public form';
  if (kind === 'system') return 'Worklane';
  return actor;
}

function CaseTimeline({ caseId }: { caseId: string }) {
  const events = useCaseTimeline(caseId);
  const me = useUser();
  const people = usePeople();
  const staff = hasRole(me, 'supervisor', 'admin');
  const name = (id: string) => people.data?.find((p) => p.id === id)?.name;
  // Task chatter (queued, offered) is for supervisors; agents see the case's own story.
  const shown = (events.data ?? []).filter((e) => staff || e.type.startsWith('case.') || e.type.startsWith('sla.') || e.type.startsWith('ola.') || e.type === 'task.completed');
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="case-timeline">
      <Title order={3} size="h5" id="case-timeline" mb="sm">
        Timeline
      </Title>
      {events.isPending && <Skeleton h={60} />}
      {events.isError && <Alert color="red">{errorMessage(events.error)}</Alert>}
      {events.data && shown.length === 0 && (
        <Text size="sm" c="dimmed">
          Nothing yet.
        </Text>
      )}
      {shown.length > 0 && (
        <Timeline bulletSize={12} lineWidth={2} active={shown.length}>
          {shown.map((e) => {
            const actor = actorLine(e.actor, me, name);
            const line = eventLine(e);
            return (
              <EventItem
                key={e.id}
                label={CASE_EVENT_LABEL[e.type] ?? e.type}
                type={e.type}
                at={e.at}
                actor={actor}
                line={line}
                color={e.type.includes('breach') ? 'red' : e.type.includes('warning') ? 'yellow' : e.type === 'case.escalated' ? 'orange' : undefined}
              />
            );
          })}
        </Timeline>
      )}
    </Paper>
  );
}
