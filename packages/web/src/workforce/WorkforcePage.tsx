import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { Badge, Button, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { hasRole, useUser } from '../auth/session';
import { PlanTab } from './PlanTab';
import { AdherenceTab } from './AdherenceTab';
import { TimeOffTab } from './TimeOffTab';
import { SettingsTab } from './SettingsTab';
import { mondayOf, useForecast, useTimeOff, useWeekParam } from './data';

/** Workforce management for supervisors and analysts: the week's plan, adherence, time off. */
export function WorkforcePage() {
  const user = useUser();
  const canPlan = hasRole(user, 'supervisor', 'admin');
  const thisWeek = mondayOf(Date.now());
  // The week and the tab are in the address: a reload or a shared link shows the same.
  const [week, step] = useWeekParam();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'plan';
  const setTab = (t: string | null) => {
    const q = new URLSearchParams(window.location.search);
    if (t) q.set('tab', t);
    setParams(q);
  };
  const forecast = useForecast(week).data;
  const zone = forecast?.zone ?? 'UTC';
  const asked = (useTimeOff().data?.items ?? []).filter((t) => t.status === 'requested').length;
  // The week's adherence: from its first hour (in the plan's zone) to its end or now, whichever is first.
  const [opened] = useState(() => Date.now());
  const from = forecast?.need[0]?.start;
  const end = forecast?.need.at(-1) ? Date.parse(forecast.need.at(-1)!.start) + 3_600_000 : 0;
  const to = new Date(Math.min(end, opened)).toISOString();
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Workforce</Title>
        <Group gap="xs" role="group" aria-label="Week">
          <Button size="xs" variant="default" onClick={() => step(-1)} aria-label="Previous week">
            ←
          </Button>
          <Text size="sm" fw={500} miw={150} ta="center" aria-live="polite">
            Week of {new Date(`${week}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })}
          </Text>
          <Button size="xs" variant="default" onClick={() => step(1)} aria-label="Next week">
            →
          </Button>
          {week !== thisWeek && (
            <Button size="xs" variant="subtle" onClick={() => step('now')}>
              This week
            </Button>
          )}
        </Group>
      </Group>
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="plan">Plan</Tabs.Tab>
          <Tabs.Tab value="adherence">Adherence</Tabs.Tab>
          <Tabs.Tab value="time-off" rightSection={asked ? <Badge size="xs" circle>{asked}</Badge> : null}>
            Time off
          </Tabs.Tab>
          {canPlan && <Tabs.Tab value="settings">Settings</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="plan" pt="md">
          <PlanTab week={week} canPlan={canPlan} />
        </Tabs.Panel>
        <Tabs.Panel value="adherence" pt="md">
          <AdherenceTab period={from && Date.parse(from) < Date.parse(to) ? { from, to, ended: end <= opened } : null} zone={zone} />
        </Tabs.Panel>
        <Tabs.Panel value="time-off" pt="md">
          <TimeOffTab canPlan={canPlan} />
        </Tabs.Panel>
        {canPlan && (
          <Tabs.Panel value="settings" pt="md">
            <SettingsTab />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}
