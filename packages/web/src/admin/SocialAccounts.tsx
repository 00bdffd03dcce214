import { useState } from 'react';
import { Alert, Badge, Button, CopyButton, Group, Modal, PasswordInput, Skeleton, Stack, Switch, Table, TagsInput, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api, errorMessage, formErrors } from '../api/client';
import type { List } from '../api/types';
import { ChoiceSelect } from '../lib/ChoiceSelect';
import { formatDateTime } from '../lib/time';
import { PLATFORM_LABEL } from '../lib/format';
import { useWorktypes } from '../tasks/actions';

export interface SocialAccount {
  id: string;
  name: string;
  platform: 'facebook' | 'twitter';
  externalId: string;
  handle: string | null;
  publicWorktype: string;
  privateWorktype: string;
  keywords: string[];
  apiUrl: string | null;
  enabled: boolean;
  webhookPath: string;
  verifyToken: string;
  received: number;
  filtered: number;
  lastReceivedAt: string | null;
  /** Why its posts cannot become work now (a worktype removed since). */
  warnings: string[];
}

const PLATFORMS = [
  { value: 'facebook', label: 'Facebook page' },
  { value: 'twitter', label: 'Twitter / X account' },
];
const FIELDS = ['name', 'platform', 'externalId', 'handle', 'publicWorktype', 'privateWorktype', 'keywords', 'appSecret', 'accessToken', 'apiUrl'];
const KEY = ['admin', 'social-accounts'];

/** Admin → Social media: the pages and accounts whose posts and messages become work, their webhook and what came in. */
export function SocialAccounts() {
  const qc = useQueryClient();
  const [editing, setEditing] = useState<SocialAccount | 'new' | null>(null);
  const worktypes = useWorktypes();
  const nameOf = (id: string) => worktypes.data?.find((w) => w.id === id)?.name ?? id;
  const query = useQuery({ queryKey: KEY, queryFn: () => api<List<SocialAccount>>('/social/accounts'), select: (d) => d.items, refetchInterval: 15_000 });
  const toggle = useMutation({
    mutationFn: (a: SocialAccount) => api(`/social/accounts/${encodeURIComponent(a.id)}`, { method: 'PATCH', body: { enabled: !a.enabled } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: KEY }),
    onError: (err) => notifications.show({ color: 'red', title: 'Not changed', message: errorMessage(err) }),
  });
  const remove = useMutation({
    mutationFn: (a: SocialAccount) => api(`/social/accounts/${encodeURIComponent(a.id)}`, { method: 'DELETE' }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: KEY });
      notifications.show({ color: 'teal', message: 'Account removed' });
    },
    onError: (err) => notifications.show({ color: 'red', title: 'Not removed', message: errorMessage(err) }),
  });

  return (
    <>
      <Group justify="space-between" mb="xs" align="flex-end">
        <Text size="sm" c="dimmed" maw={680}>
          Public posts, comments and tweets that hold a keyword or name the account become work of its public worktype; every private message (Messenger, direct
          message) becomes work of its private worktype. Agents answer in the same place. Point the platform's webhook at the address shown.
        </Text>
        <Button size="xs" onClick={() => setEditing('new')}>
          Add account
        </Button>
      </Group>
      {query.isPending && <Skeleton h={120} aria-label="Loading social media accounts" />}
      {query.isError && (
        <Alert color="red" title="Could not load the accounts">
          {errorMessage(query.error)}
        </Alert>
      )}
      {query.data?.length === 0 && (
        <Text size="sm" c="dimmed">
          No account yet. Add a Facebook page or a Twitter account to route what customers write there.
        </Text>
      )}
      {!!query.data?.length && (
        <Table striped highlightOnHover aria-label="Social media accounts">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Account</Table.Th>
              <Table.Th>Keywords</Table.Th>
              <Table.Th>Routed to</Table.Th>
              <Table.Th>Received</Table.Th>
              <Table.Th>Webhook</Table.Th>
              <Table.Th>On</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {query.data.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>
                  <Text size="sm" fw={500}>{a.name}</Text>
                  <Text size="xs" c="dimmed">
                    <Badge size="xs" variant="light" mr={4}>{PLATFORM_LABEL[a.platform]}</Badge>
                    {a.handle ? `@${a.handle} · ` : ''}
                    {a.externalId}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs">{a.keywords.length ? a.keywords.join(', ') : 'every public post'}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs">public → {nameOf(a.publicWorktype)}</Text>
                  <Text size="xs">private → {nameOf(a.privateWorktype)}</Text>
                  {a.warnings.map((w) => (
                    <Text key={w} size="xs" c="red">
                      {w}
                    </Text>
                  ))}
                </Table.Td>
                <Table.Td>
                  <Text size="xs">{a.received} ({a.filtered} filtered)</Text>
                  <Text size="xs" c="dimmed">{a.lastReceivedAt ? `last ${formatDateTime(a.lastReceivedAt)}` : 'nothing yet'}</Text>
                </Table.Td>
                <Table.Td>
                  <Webhook account={a} />
                </Table.Td>
                <Table.Td>
                  <Switch size="xs" checked={a.enabled} onChange={() => toggle.mutate(a)} aria-label={`${a.name} enabled`} />
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <Button size="compact-xs" variant="subtle" onClick={() => setEditing(a)}>
                      Edit
                    </Button>
                    <Button size="compact-xs" variant="subtle" color="red" onClick={() => window.confirm(`Remove ${a.name}? Its conversations stay; answers not yet sent are dropped.`) && remove.mutate(a)}>
                      Remove
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {editing && <AccountForm account={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </>
  );
}

/** The address to give the platform, and Facebook's verify token, each copied with a click. */
function Webhook({ account }: { account: SocialAccount }) {
  const url = `${window.location.origin}${account.webhookPath}`;
  return (
    <Group gap={4} wrap="nowrap">
      <CopyButton value={url}>{({ copied, copy }) => <Button size="compact-xs" variant="light" onClick={copy}>{copied ? 'Copied' : 'Copy URL'}</Button>}</CopyButton>
      {account.platform === 'facebook' && (
        <CopyButton value={account.verifyToken}>{({ copied, copy }) => <Button size="compact-xs" variant="default" onClick={copy}>{copied ? 'Copied' : 'Verify token'}</Button>}</CopyButton>
      )}
    </Group>
  );
}

function AccountForm({ account, onClose }: { account: SocialAccount | null; onClose: () => void }) {
  const qc = useQueryClient();
  const worktypes = useWorktypes();
  const social = (worktypes.data ?? []).filter((w) => w.mediaType === 'social').map((w) => ({ value: w.id, label: w.name }));
  const [v, setV] = useState({
    name: account?.name ?? '',
    platform: account?.platform ?? 'facebook',
    externalId: account?.externalId ?? '',
    handle: account?.handle ?? '',
    publicWorktype: account?.publicWorktype ?? '',
    privateWorktype: account?.privateWorktype ?? '',
    keywords: account?.keywords ?? [],
    appSecret: '',
    accessToken: '',
    apiUrl: account?.apiUrl ?? '',
  });
  const set = (k: keyof typeof v) => (value: unknown) => setV((o) => ({ ...o, [k]: value }));
  const save = useMutation({
    mutationFn: () => {
      const common = { name: v.name, handle: v.handle.trim() || null, publicWorktype: v.publicWorktype, privateWorktype: v.privateWorktype, keywords: v.keywords, apiUrl: v.apiUrl.trim() || null };
      // Secrets are never shown back: empty while editing keeps the ones set.
      const secrets = { ...(v.appSecret ? { appSecret: v.appSecret } : {}), ...(v.accessToken ? { accessToken: v.accessToken } : {}) };
      return account
        ? api<SocialAccount>(`/social/accounts/${encodeURIComponent(account.id)}`, { method: 'PATCH', body: { ...common, ...secrets } })
        : api<SocialAccount>('/social/accounts', { method: 'POST', body: { ...common, platform: v.platform, externalId: v.externalId.trim(), ...secrets } });
    },
    onSuccess: (a) => {
      void qc.invalidateQueries({ queryKey: KEY });
      notifications.show({ color: 'teal', title: account ? 'Account saved' : 'Account added', message: `Point ${PLATFORM_LABEL[a.platform]}'s webhook at ${window.location.origin}${a.webhookPath}` });
      onClose();
    },
  });
  const errors = formErrors(save.error, FIELDS);
  const e = errors.fields;
  return (
    <Modal opened onClose={onClose} title={account ? `Edit ${account.name}` : 'Add a social media account'} size="lg">
      <form onSubmit={(ev) => (ev.preventDefault(), save.mutate())}>
        <Stack gap="sm">
          <TextInput label="Name" required value={v.name} onChange={(ev) => set('name')(ev.currentTarget.value)} error={e.name} data-autofocus />
          <Group grow align="flex-start">
            <ChoiceSelect label="Platform" data={PLATFORMS} value={v.platform} onChange={set('platform')} disabled={!!account} error={e.platform} />
            <TextInput
              label={v.platform === 'facebook' ? 'Page id' : 'Account user id'}
              required
              disabled={!!account}
              value={v.externalId}
              onChange={(ev) => set('externalId')(ev.currentTarget.value)}
              error={e.externalId}
            />
            <TextInput label="Handle" placeholder="@yourbrand" value={v.handle} onChange={(ev) => set('handle')(ev.currentTarget.value)} error={e.handle} />
          </Group>
          <Group grow align="flex-start">
            <ChoiceSelect label="Public posts go to" required data={social} value={v.publicWorktype || null} onChange={set('publicWorktype')} error={e.publicWorktype} placeholder={social.length ? 'A worktype' : 'No worktype of media type social'} />
            <ChoiceSelect label="Private messages go to" required data={social} value={v.privateWorktype || null} onChange={set('privateWorktype')} error={e.privateWorktype} placeholder={social.length ? 'A worktype' : 'No worktype of media type social'} />
          </Group>
          <TagsInput label="Keywords" description="A public post holding one of these (or naming the handle) becomes work; none: every public post" value={v.keywords} onChange={set('keywords')} error={e.keywords} />
          <Group grow align="flex-start">
            <PasswordInput label="App secret" description={account ? 'Empty keeps the one set' : 'Webhooks signed otherwise are refused'} required={!account} value={v.appSecret} onChange={(ev) => set('appSecret')(ev.currentTarget.value)} error={e.appSecret} />
            <PasswordInput label="Access token" description={account ? 'Empty keeps the one set' : 'Answers are sent with it'} required={!account} value={v.accessToken} onChange={(ev) => set('accessToken')(ev.currentTarget.value)} error={e.accessToken} />
          </Group>
          <TextInput label="API address" description="Empty: the platform's public API" placeholder={v.platform === 'facebook' ? 'https://graph.facebook.com/v19.0' : 'https://api.twitter.com'} value={v.apiUrl} onChange={(ev) => set('apiUrl')(ev.currentTarget.value)} error={e.apiUrl} />
          {errors.general && (
            <Alert color="red" title="Not saved">
              {errors.general}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {account ? 'Save' : 'Add account'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
