import { AppShell, Burger, Button, Group, NavLink, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconAddressBook,
  IconBriefcase,
  IconBulb,
  IconCalendarStats,
  IconCalendarTime,
  IconChartBar,
  IconChecklist,
  IconHeadset,
  IconLayoutDashboard,
  IconLogout,
  IconMessages,
  IconPhoneOutgoing,
  IconSettings,
  IconWorld,
} from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { hasRole, signOut, useUser } from '../auth/session';
import { PresenceToolbar } from '../agent/PresenceToolbar';
import { OfferModal } from '../agent/OfferModal';
import { useAgentStreamSync } from '../agent/data';
import type { User } from '../api/types';
import { ConnectionIndicator } from './ConnectionIndicator';
import { useAlertStream } from './alerts';

function AgentLive({ user }: { user: User }) {
  useAgentStreamSync(user);
  return <OfferModal />;
}

export function Shell() {
  const user = useUser();
  const [opened, { toggle, close }] = useDisclosure(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const isAgent = hasRole(user, 'agent');
  useAlertStream();

  const links = [
    isAgent && { to: '/agent', label: 'Workspace', icon: IconHeadset },
    hasRole(user, 'agent', 'supervisor', 'admin', 'analyst') && { to: '/cases', label: 'Cases', icon: IconBriefcase },
    hasRole(user, 'agent', 'supervisor', 'admin', 'analyst') && { to: '/customers', label: 'Customers', icon: IconAddressBook },
    hasRole(user, 'supervisor', 'admin') && { to: '/supervisor', label: 'Supervisor', icon: IconLayoutDashboard },
    hasRole(user, 'admin') && { to: '/admin', label: 'Admin', icon: IconSettings },
    hasRole(user, 'analyst', 'supervisor', 'admin') && { to: '/insights', label: 'Insights', icon: IconBulb },
    hasRole(user, 'analyst', 'supervisor', 'admin') && { to: '/reports', label: 'Reports', icon: IconChartBar },
    hasRole(user, 'analyst', 'supervisor', 'admin') && { to: '/visitors', label: 'Visitors', icon: IconWorld },
    hasRole(user, 'analyst', 'supervisor', 'admin') && { to: '/conversations', label: 'Conversations', icon: IconMessages },
    hasRole(user, 'analyst', 'supervisor', 'admin') && { to: '/workforce', label: 'Workforce', icon: IconCalendarStats },
    hasRole(user, 'analyst', 'supervisor', 'admin') && { to: '/campaigns', label: 'Campaigns', icon: IconPhoneOutgoing },
    isAgent && { to: '/my-schedule', label: 'My schedule', icon: IconCalendarTime },
    { to: '/quality', label: 'Quality', icon: IconChecklist },
  ].filter((l) => !!l);

  const onSignOut = async () => {
    let provider: string | null = null;
    try {
      provider = await signOut(queryClient);
    } finally {
      // Signed in through the identity provider: it signs the browser out too, then sends it to /login.
      if (provider) window.location.assign(provider);
      else navigate('/login', { replace: true });
    }
  };

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Title order={1} size="h3">
              Worklane
            </Title>
            <ConnectionIndicator />
          </Group>
          <Group gap="md" wrap="nowrap">
            {isAgent && <PresenceToolbar />}
            <Text size="sm" fw={500} visibleFrom="sm" aria-label="Signed in as">
              {user.name}
            </Text>
            <Button
              variant="subtle"
              size="xs"
              leftSection={<IconLogout size={16} />}
              onClick={() => void onSignOut()}
            >
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation">
        {links.map((l) => (
          <NavLink
            key={l.to}
            component={Link}
            to={l.to}
            active={location.pathname === l.to || location.pathname.startsWith(l.to + '/')}
            aria-current={location.pathname === l.to ? 'page' : undefined}
            label={l.label}
            leftSection={<l.icon size={18} />}
            onClick={close}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
      {isAgent && <AgentLive user={user} />}
    </AppShell>
  );
}
