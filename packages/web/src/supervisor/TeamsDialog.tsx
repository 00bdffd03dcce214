import { useState } from 'react';
import { Checkbox, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ActionDialog } from '../lib/ActionDialog';
import { errorMessage } from '../api/client';
import { hasRole, useUser } from '../auth/session';
import { useSetTeams, useTeams } from './teams';

/**
 * Which of the supervisor's teams a person is in (an admin: every team). Moving someone is taking
 * them out of one and putting them in another; the queues those teams serve follow at once.
 */
export function TeamsDialog({ agent, onClose }: { agent: { id: string; name: string } | null; onClose: () => void }) {
  const me = useUser();
  const teams = useTeams();
  const save = useSetTeams();
  const mine = (teams.data ?? []).filter((t) => hasRole(me, 'admin') || t.members.includes(me.id));
  const current = new Set(mine.filter((t) => agent && t.members.includes(agent.id)).map((t) => t.id));
  // null: not edited yet, the stored membership shows (a re-read while editing must not undo edits).
  const [edited, setChosen] = useState<Set<string> | null>(null);
  const chosen = edited ?? current;

  if (!agent) return null;
  const submit = () => {
    const add = mine.filter((t) => chosen.has(t.id) && !current.has(t.id)).map((t) => t.id);
    const remove = mine.filter((t) => !chosen.has(t.id) && current.has(t.id)).map((t) => t.id);
    save.mutate(
      { userId: agent.id, add, remove },
      {
        onSuccess: () => {
          notifications.show({ color: 'teal', message: `Teams of ${agent.name} saved` });
          onClose();
        },
      },
    );
  };
  return (
    <ActionDialog opened onClose={onClose} title={`Teams of ${agent.name}`} submitLabel="Save teams" pending={save.isPending} error={save.error ? errorMessage(save.error) : null} onSubmit={submit}>
      <Text size="sm" c="dimmed">
        The queues a team serves offer its people their work.
      </Text>
      {teams.isPending && <Text size="sm">Loading the teams…</Text>}
      {teams.isError && <Text size="sm" c="red">{errorMessage(teams.error)}</Text>}
      <Stack gap="xs">
        {mine.map((t, i) => (
          <Checkbox
            key={t.id}
            data-autofocus={i === 0 || undefined}
            label={t.name}
            checked={chosen.has(t.id)}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              const next = new Set(chosen);
              if (on) next.add(t.id);
              else next.delete(t.id);
              setChosen(next);
            }}
          />
        ))}
      </Stack>
    </ActionDialog>
  );
}
