import { useState } from 'react';
import { Alert, Button, Group, Modal, NumberInput, Stack, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api, formErrors } from '../api/client';
import type { List } from '../api/types';
import { ChoiceSelect } from '../lib/ChoiceSelect';
import { useWorktypes } from '../tasks/actions';
import { CAMPAIGNS_KEY, type Campaign } from './data';

const FIELDS = ['name', 'worktype', 'calendar', 'maxAttempts', 'retryMinutes', 'script', 'startsAt', 'endsAt'];

/** An instant as a `datetime-local` input shows it (the browser's time), and back; empty: none. */
const toLocal = (iso: string | null | undefined) => (iso ? new Date(new Date(iso).getTime() - new Date(iso).getTimezoneOffset() * 60_000).toISOString().slice(0, 16) : '');
const fromLocal = (local: string) => (local ? new Date(local).toISOString() : null);

/** A new campaign, or a change to one (the script and retry rules apply to the next calls). */
export function CampaignForm({ campaign, onClose, onSaved }: { campaign: Campaign | null; onClose: () => void; onSaved: (c: Campaign) => void }) {
  const qc = useQueryClient();
  const worktypes = useWorktypes();
  const calendars = useQuery({ queryKey: ['calendars'], queryFn: () => api<List<{ id: string; name: string }>>('/calendars'), select: (d) => d.items, staleTime: 60_000 });
  const hours = [{ value: '', label: 'Any time' }, ...(calendars.data ?? []).map((c) => ({ value: c.id, label: c.name }))];
  const calls = (worktypes.data ?? []).filter((w) => w.mediaType === 'callback').map((w) => ({ value: w.id, label: w.name }));
  const [v, setV] = useState({
    name: campaign?.name ?? '',
    worktype: campaign?.worktype ?? '',
    calendar: campaign?.calendar ?? '',
    maxAttempts: campaign?.maxAttempts ?? 3,
    retryMinutes: campaign?.retryMinutes ?? 60,
    script: campaign?.script ?? 'Hello {{name}}, this is {{agent}} from Worklane Bank. ',
    startsAt: toLocal(campaign?.startsAt),
    endsAt: toLocal(campaign?.endsAt),
  });
  const body = () => ({ ...v, calendar: v.calendar || null, startsAt: fromLocal(v.startsAt), endsAt: fromLocal(v.endsAt) });
  const save = useMutation({
    mutationFn: () =>
      campaign
        ? api<Campaign>(`/campaigns/${encodeURIComponent(campaign.id)}`, { method: 'PATCH', body: body() })
        : api<Campaign>('/campaigns', { method: 'POST', body: body() }),
    onSuccess: (c) => {
      void qc.invalidateQueries({ queryKey: CAMPAIGNS_KEY });
      notifications.show({ color: 'teal', message: campaign ? 'Campaign saved' : 'Campaign created: add its contacts, then start it' });
      onSaved(c);
    },
  });
  const errors = formErrors(save.error, FIELDS);
  const e = errors.fields;
  return (
    <Modal opened onClose={onClose} title={campaign ? `Edit ${campaign.name}` : 'New campaign'} size="lg">
      <form onSubmit={(ev) => (ev.preventDefault(), save.mutate())}>
        <Stack gap="sm">
          <TextInput label="Name" required value={v.name} onChange={(ev) => setV({ ...v, name: ev.currentTarget.value })} error={e.name} data-autofocus />
          <ChoiceSelect label="Calls are work of" required data={calls} value={v.worktype || null} onChange={(w) => setV({ ...v, worktype: w })} error={e.worktype} placeholder={calls.length ? 'A worktype' : 'No worktype of media type callback'} />
          <ChoiceSelect label="Calls are placed" data={hours} value={v.calendar} onChange={(c) => setV({ ...v, calendar: c })} error={e.calendar} description="While this calendar is open; outside it, calls wait for the next opening" />
          <Group grow align="flex-start">
            <TextInput type="datetime-local" label="First calls from" description="Empty: as soon as it starts" value={v.startsAt} onChange={(ev) => setV({ ...v, startsAt: ev.currentTarget.value })} error={e.startsAt} />
            <TextInput type="datetime-local" label="Ends at" description="It ends itself then; empty: until stopped" value={v.endsAt} onChange={(ev) => setV({ ...v, endsAt: ev.currentTarget.value })} error={e.endsAt} />
          </Group>
          <Group grow>
            <NumberInput label="Calls per contact" description="before one not reached is given up" min={1} max={20} value={v.maxAttempts} onChange={(n) => setV({ ...v, maxAttempts: Number(n) || 1 })} error={e.maxAttempts} />
            <NumberInput label="Call again after (minutes)" min={1} max={10080} value={v.retryMinutes} onChange={(n) => setV({ ...v, retryMinutes: Number(n) || 1 })} error={e.retryMinutes} />
          </Group>
          <Textarea
            label="Script"
            description="What the agent sees before calling: {{name}}, {{phone}}, {{agent}} and the list's own columns, e.g. {{product}}"
            autosize
            minRows={3}
            value={v.script}
            onChange={(ev) => setV({ ...v, script: ev.currentTarget.value })}
            error={e.script}
          />
          {errors.general && <Alert color="red" title="Not saved">{errors.general}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {campaign ? 'Save' : 'Create'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
