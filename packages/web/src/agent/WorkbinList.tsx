import { Alert, Badge, Button, NavLink, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconInbox, IconUser, IconUsersGroup } from '@tabler/icons-react';
import { errorMessage } from '../api/client';
import type { Workbin } from '../api/types';
import { BIN_KIND_LABEL, useWorkbins } from '../workbins/data';

const ICON = { queue: IconInbox, team: IconUsersGroup, personal: IconUser };

/** The bins I can pull from, with live counts (`workbin.changed` re-fetches them). */
export function WorkbinList({ selected, onSelect }: { selected: string | null; onSelect: (id: string) => void }) {
  const bins = useWorkbins();
  return (
    <Paper withBorder p="sm" component="section" aria-labelledby="workbins-title">
      <Title order={2} size="h4" id="workbins-title" mb="xs">
        Workbins
      </Title>
      {bins.isPending && (
        <Stack gap="xs" aria-label="Loading workbins">
          <Skeleton h={36} />
          <Skeleton h={36} />
        </Stack>
      )}
      {bins.isError && (
        <Alert color="red" title="Could not load workbins">
          <Text size="sm">{errorMessage(bins.error)}</Text>
          <Button size="xs" variant="light" color="red" mt="xs" onClick={() => void bins.refetch()}>
            Retry
          </Button>
        </Alert>
      )}
      {bins.data && bins.data.length === 0 && (
        <Text c="dimmed" size="sm" py="xs" ta="center">
          No workbins for you.
        </Text>
      )}
      {bins.data && bins.data.length > 0 && (
        <Stack gap={2} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Workbins">
          {bins.data.map((b: Workbin) => {
            const Icon = ICON[b.kind];
            return (
              <li key={b.id}>
                <NavLink
                  component="button"
                  type="button"
                  active={b.id === selected}
                  aria-current={b.id === selected ? 'true' : undefined}
                  onClick={() => onSelect(b.id)}
                  leftSection={<Icon size={16} aria-hidden />}
                  label={b.name}
                  description={`${BIN_KIND_LABEL[b.kind]}${b.claimLimit ? ` · best ${b.claimLimit} claimable` : ''}`}
                  rightSection={
                    <Badge variant={b.count > 0 ? 'filled' : 'light'} color={b.count > 0 ? 'indigo' : 'gray'} aria-label={`${b.count} waiting`}>
                      {b.count}
                    </Badge>
                  }
                />
              </li>
            );
          })}
        </Stack>
      )}
    </Paper>
  );
}
