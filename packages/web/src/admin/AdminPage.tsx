import { Stack, Tabs, Text, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { ConfigTable } from './ConfigTable';

const COLLECTIONS = [
  { value: 'worktypes', label: 'Worktypes', keys: ['mediaType', 'defaultQueue', 'priority', 'wrapUpCodes'] },
  { value: 'queues', label: 'Queues', keys: [] },
  { value: 'skills', label: 'Skills', keys: [] },
  { value: 'teams', label: 'Teams', keys: [] },
  { value: 'users', label: 'Users', keys: ['email', 'roles'] },
] as const;

/** /admin: read-only view of the configuration collections. */
export function AdminPage() {
  const [params, setParams] = useSearchParams();
  const tab = COLLECTIONS.some((c) => c.value === params.get('tab')) ? params.get('tab') : 'worktypes';
  return (
    <Stack gap="md">
      <div>
        <Title order={2}>Admin</Title>
        <Text size="sm" c="dimmed">
          Configuration, read-only. Use the CLI or the API to change it.
        </Text>
      </div>
      <Tabs value={tab} onChange={(v) => setParams(v ? { tab: v } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List>
          {COLLECTIONS.map((c) => (
            <Tabs.Tab key={c.value} value={c.value}>
              {c.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {COLLECTIONS.map((c) => (
          <Tabs.Panel key={c.value} value={c.value} pt="md">
            <ConfigTable collection={c.value} label={c.label} keys={[...c.keys]} />
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
