import { Alert, Button, Center, Loader, Stack, Text, Title } from '@mantine/core';
import { Navigate, Outlet, useLocation } from 'react-router';
import type { Role } from '../api/types';
import { errorMessage } from '../api/client';
import { hasRole, useMe } from './session';

/** Renders child routes only when signed in; otherwise sends the user to /login. */
export function RequireAuth() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading session" />
      </Center>
    );
  }
  if (me.isError) {
    return (
      <Center h="100vh" p="md">
        <Alert color="red" title="Cannot load your session" maw={480}>
          <Stack gap="sm">
            <Text size="sm">{errorMessage(me.error)}</Text>
            <Button variant="light" color="red" onClick={() => void me.refetch()} loading={me.isFetching}>
              Retry
            </Button>
          </Stack>
        </Alert>
      </Center>
    );
  }
  if (!me.data) {
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  }
  return <Outlet />;
}

/** Renders child routes only for users holding one of `roles`. */
export function RequireRole({ roles }: { roles: Role[] }) {
  const me = useMe();
  if (!hasRole(me.data?.user, ...roles)) return <NoAccess />;
  return <Outlet />;
}

export function NoAccess() {
  return (
    <Stack p="md" gap="xs">
      <Title order={2}>No access</Title>
      <Text c="dimmed">Your account does not have a role that can open this page. Ask an administrator.</Text>
    </Stack>
  );
}
