import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Alert, Anchor, Badge, Box, Button, Center, Container, Group, Loader, Paper, SimpleGrid, Skeleton, Stack, Text, Textarea, Timeline, Title } from '@mantine/core';
import { IconLogout } from '@tabler/icons-react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { errorMessage } from '../api/client';
import type { PortalCase, PortalCaseDetail, PortalCustomer, PortalTimelineItem } from '../api/types';
import { formatDateTime } from '../lib/time';
import { statusColor, statusLabel } from '../cases/format';
import { FileList, UploadForm } from '../cases/Files';
import { ActionError, LoadError } from '../lib/LoadStates';
import { useOpenPortal, usePortalCase, usePortalCases, usePortalReply, usePortalSession, usePortalUpload, useSignOutPortal } from './data';

const SLA_TEXT: Record<string, string> = { paused: 'on hold while we wait for you', breached: 'late — we are on it', stopped: '—', none: '—' };

/** The portal's frame: its own header (no staff shell), who is signed in, sign out. */
function PortalLayout({ customer, children }: { customer?: PortalCustomer | null; children: ReactNode }) {
  const signOut = useSignOutPortal();
  return (
    <Box bg="gray.0" mih="100vh">
      <Box component="header" bg="white" py="sm" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
        <Container size="md">
          <Group justify="space-between">
            <Anchor component={Link} to="/portal" underline="never" c="dark">
              <Title order={1} size="h3">
                Your cases
              </Title>
            </Anchor>
            {customer && (
              <Group gap="sm">
                <Text size="sm" fw={500} aria-label="Signed in as">
                  {[customer.firstName, customer.name].filter(Boolean).join(' ')}
                </Text>
                <Button size="xs" variant="subtle" leftSection={<IconLogout size={16} />} loading={signOut.isPending} onClick={() => signOut.mutate()}>
                  Sign out
                </Button>
              </Group>
            )}
          </Group>
        </Container>
      </Box>
      <Container size="md" py="lg" component="main">
        {children}
      </Container>
    </Box>
  );
}

/** Without a session: how to get in (the link from a message). */
function NoSession({ problem }: { problem?: string }) {
  return (
    <PortalLayout>
      <Paper withBorder p="lg">
        <Stack gap="xs">
          <Title order={2} size="h3">
            Open the link from your message
          </Title>
          {problem && (
            <Alert color="red" title="We could not sign you in" role="alert">
              {problem}
            </Alert>
          )}
          <Text size="sm" c="dimmed">
            Every message about your case contains a personal link to this page. It works for 7 days; a newer message has a newer link.
          </Text>
        </Stack>
      </Paper>
    </PortalLayout>
  );
}

/**
 * /portal — exchanges `?token=` for a portal session (the token then leaves the address bar),
 * and lists the customer's cases with their status and SLA.
 */
export function PortalHome() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const token = params.get('token');
  const session = usePortalSession();
  const open = useOpenPortal();
  const sent = useRef<string | null>(null);

  useEffect(() => {
    if (!token || sent.current === token) return;
    sent.current = token;
    open.mutate(token, { onSuccess: () => navigate('/portal', { replace: true }) });
  }, [token, open, navigate]);

  if (token && !open.isError) {
    return (
      <PortalLayout>
        <Center py="xl">
          <Loader aria-label="Opening your cases" />
        </Center>
      </PortalLayout>
    );
  }
  if (open.isError && !session.data) return <NoSession problem={errorMessage(open.error)} />;
  if (session.isPending) {
    return (
      <PortalLayout>
        <Center py="xl">
          <Loader aria-label="Loading" />
        </Center>
      </PortalLayout>
    );
  }
  if (session.isError) return <NoSession problem={errorMessage(session.error)} />;
  if (!session.data) return <NoSession />;
  return (
    <PortalLayout customer={session.data}>
      <CaseList />
    </PortalLayout>
  );
}

/** The facts a case type chose for the portal, in its order. */
function facts(c: PortalCase): { label: string; value: ReactNode }[] {
  const out: { label: string; value: ReactNode }[] = [];
  for (const name of c.shown) {
    if (name === 'number' || name === 'status') continue; // always in the heading
    if (name === 'caseType' && c.caseType) out.push({ label: 'Type', value: c.caseType.name });
    else if (name === 'title' && c.title) out.push({ label: 'Subject', value: c.title });
    else if (name === 'createdAt' && c.createdAt) out.push({ label: 'Submitted', value: formatDateTime(c.createdAt) });
    else if (name === 'sla' && c.sla) out.push({ label: 'Answer due', value: c.sla.state === 'running' || c.sla.state === 'breached' ? `${formatDateTime(c.sla.dueAt)}${c.sla.state === 'breached' ? ` (${SLA_TEXT.breached})` : ''}` : SLA_TEXT[c.sla.state] ?? '—' });
    else if (name === 'resolution' && c.resolution) out.push({ label: 'Resolution', value: c.resolution });
    else {
      const f = c.fields.find((x) => x.name === name);
      if (f) out.push({ label: f.label, value: f.value === null ? '—' : typeof f.value === 'boolean' ? (f.value ? 'Yes' : 'No') : String(f.value) });
    }
  }
  return out;
}

function Facts({ c }: { c: PortalCase }) {
  return (
    <SimpleGrid cols={{ base: 1, xs: 2, sm: 3 }} spacing="sm">
      {facts(c).map((f) => (
        <div key={f.label}>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {f.label}
          </Text>
          <Text size="sm">{f.value}</Text>
        </div>
      ))}
    </SimpleGrid>
  );
}

function CaseList() {
  const cases = usePortalCases(true);
  if (cases.isPending)
    return (
      <Stack aria-label="Loading your cases">
        <Skeleton h={90} />
        <Skeleton h={90} />
      </Stack>
    );
  if (cases.isError)
    return (
      <Alert color="red" title="Could not load your cases">
        <Text size="sm">{errorMessage(cases.error)}</Text>
        <Button size="xs" variant="light" color="red" mt="xs" onClick={() => void cases.refetch()}>
          Retry
        </Button>
      </Alert>
    );
  if (cases.data.length === 0)
    return (
      <Paper withBorder p="lg">
        <Text c="dimmed">You have no cases with us.</Text>
      </Paper>
    );
  return (
    <Stack gap="sm" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Your cases">
      {cases.data.map((c) => (
        <Paper key={c.id} withBorder p="md" component="li" aria-label={`Case ${c.number}`}>
          <Group justify="space-between" mb="xs">
            <Anchor component={Link} to={`/portal/cases/${encodeURIComponent(c.id)}`} fw={700} size="lg">
              Case {c.number}
            </Anchor>
            <Badge color={statusColor(c.status)} size="lg">
              {statusLabel(c.status)}
            </Badge>
          </Group>
          <Facts c={c} />
          {c.status === 'waiting-for-customer' && (
            <Text size="sm" c="yellow.8" mt="xs" fw={500}>
              We are waiting for your answer.
            </Text>
          )}
        </Paper>
      ))}
    </Stack>
  );
}

/** /portal/cases/:id — one case: its facts, what happened, the files; a reply or a file goes to the team. */
export function PortalCasePage() {
  const { id = '' } = useParams();
  const session = usePortalSession();
  const kase = usePortalCase(id, !!session.data);
  if (session.isPending) {
    return (
      <PortalLayout>
        <Center py="xl">
          <Loader aria-label="Loading" />
        </Center>
      </PortalLayout>
    );
  }
  if (!session.data) return <NoSession />;
  return (
    <PortalLayout customer={session.data}>
      <Stack gap="md">
        <Anchor component={Link} to="/portal" size="sm">
          ← All your cases
        </Anchor>
        {kase.isPending && <Skeleton h={200} aria-label="Loading the case" />}
        {kase.isError && <LoadError error={kase.error} what="case" gone="There is no such case among yours." />}
        {kase.data && <PortalCaseDetails c={kase.data} />}
      </Stack>
    </PortalLayout>
  );
}

function timelineText(x: PortalTimelineItem): { title: string; body?: string } {
  switch (x.kind) {
    case 'created':
      return { title: 'Request received' };
    case 'status':
      return { title: `Status: ${statusLabel(x.status)}` };
    case 'comment':
      return { title: x.fromYou ? 'You wrote' : `${x.author} wrote`, body: x.body };
    case 'attachment':
      return { title: x.fromYou ? 'You added a file' : 'A file was added', body: x.name };
  }
}

function PortalCaseDetails({ c }: { c: PortalCaseDetail }) {
  const reply = usePortalReply(c.id);
  const upload = usePortalUpload(c.id);
  const [text, setText] = useState('');
  const [checked, setChecked] = useState(false);
  const missing = !text.trim();
  return (
    <>
      <Paper withBorder p="md" component="article" aria-labelledby="portal-case-title">
        <Group justify="space-between" mb="sm">
          <Title order={2} size="h3" id="portal-case-title">
            Case {c.number}
          </Title>
          <Badge color={statusColor(c.status)} size="lg" aria-label={`Status: ${statusLabel(c.status)}`}>
            {statusLabel(c.status)}
          </Badge>
        </Group>
        <Facts c={c} />
        {c.waitingForYou && (
          <Alert color="yellow" mt="md" title="We are waiting for your answer">
            Reply below or add a file: the case goes back to the team at once.
          </Alert>
        )}
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby="portal-history">
        <Title order={3} size="h5" id="portal-history" mb="sm">
          History
        </Title>
        <Timeline bulletSize={12} lineWidth={2} active={c.timeline.length}>
          {c.timeline.map((x, i) => {
            const t = timelineText(x);
            return (
              <Timeline.Item key={`${x.at}-${i}`} title={t.title}>
                <Text size="xs" c="dimmed">
                  {formatDateTime(x.at)}
                </Text>
                {t.body && (
                  <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                    {t.body}
                  </Text>
                )}
              </Timeline.Item>
            );
          })}
        </Timeline>
      </Paper>

      <Paper withBorder p="md" component="section" aria-labelledby="portal-files">
        <Title order={3} size="h5" id="portal-files" mb="xs">
          Files
        </Title>
        <FileList files={c.attachments} empty="No files." origin={false} />
      </Paper>

      {c.canReply ? (
        <Paper withBorder p="md" component="section" aria-labelledby="portal-reply">
          <Title order={3} size="h5" id="portal-reply" mb="xs">
            Write to us
          </Title>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              setChecked(true);
              if (missing || reply.isPending) return;
              reply.mutate(text.trim(), {
                onSuccess: () => {
                  setText('');
                  setChecked(false);
                },
              });
            }}
          >
            <Textarea
              label="Your message"
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              autosize
              minRows={3}
              maxLength={20_000}
              error={checked && missing ? 'Write a message' : undefined}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) e.currentTarget.form?.requestSubmit();
              }}
            />
            <Group mt="xs">
              <Button type="submit" loading={reply.isPending}>
                Send
              </Button>
            </Group>
            <ActionError error={reply.isError ? reply.error : null} title="Could not send your message" />
          </form>
          <UploadForm upload={upload} style={{ marginTop: 16 }} />
        </Paper>
      ) : (
        <Text size="sm" c="dimmed">
          This case is closed. If you need more help, submit a new request.
        </Text>
      )}
    </>
  );
}
