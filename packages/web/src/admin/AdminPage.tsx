import { Stack, Tabs, Text, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { ConfigTable } from './ConfigTable';
import { COLLECTIONS } from './collections';
import { ImportExport } from './ImportExport';
import { InboundMail } from './InboundMail';
import { SocialAccounts } from './SocialAccounts';

const IMPORT = 'import';
const MAIL = 'inbound-mail';
const SOCIAL = 'social';

/** /admin: the configuration collections, each listed and edited, and the whole as one YAML document. */
export function AdminPage() {
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const tab = asked === IMPORT || asked === MAIL || asked === SOCIAL || COLLECTIONS.some((c) => c.value === asked) ? asked : 'worktypes';
  return (
    <Stack gap="md">
      <div>
        <Title order={2}>Admin</Title>
        <Text size="sm" c="dimmed">
          Configuration. Every change is checked as the API checks it, takes effect at once, and is kept in the audit log.
        </Text>
      </div>
      <Tabs value={tab} onChange={(v) => setParams(v ? { tab: v } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List>
          {COLLECTIONS.map((c) => (
            <Tabs.Tab key={c.value} value={c.value}>
              {c.label}
            </Tabs.Tab>
          ))}
          <Tabs.Tab value={IMPORT}>Import / export</Tabs.Tab>
          <Tabs.Tab value={MAIL}>Inbound e-mail</Tabs.Tab>
          <Tabs.Tab value={SOCIAL}>Social media</Tabs.Tab>
        </Tabs.List>
        {COLLECTIONS.map((c) => (
          <Tabs.Panel key={c.value} value={c.value} pt="md">
            <ConfigTable info={c} />
          </Tabs.Panel>
        ))}
        <Tabs.Panel value={IMPORT} pt="md">
          <ImportExport />
        </Tabs.Panel>
        <Tabs.Panel value={MAIL} pt="md">
          <InboundMail />
        </Tabs.Panel>
        <Tabs.Panel value={SOCIAL} pt="md">
          <SocialAccounts />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
