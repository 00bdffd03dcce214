import { useState } from 'react';
import { SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import type { Task } from '../api/types';
import { formErrors } from '../api/client';
import { ActionDialog } from '../lib/ActionDialog';
import { ChoiceSelect } from '../lib/ChoiceSelect';
import { PRESENCE_LABEL } from '../lib/format';
import { conflictText, usePeople, useQueues, useTaskAction } from './actions';

interface Props {
  task: Task;
  opened: boolean;
  onClose: () => void;
  onDone?: (task: Task) => void;
}

type Body = { queue: string; reason?: string } | { agent: string; reason?: string };

/** Transfer to another queue or to one person (exactly one of them). */
export function TransferDialog({ task, opened, onClose, onDone }: Props) {
  const [kind, setKind] = useState<'queue' | 'agent'>('queue');
  const [queue, setQueue] = useState<string | null>(null);
  const [agent, setAgent] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const queues = useQueues();
  const agents = usePeople();
  const transfer = useTaskAction<Body>(task, 'transfer', (t) => {
    onClose();
    onDone?.(t);
  });
  const errs = formErrors(transfer.error, ['queue', 'agent', 'reason']);

  const queueOptions = (queues.data ?? []).filter((q) => q.id !== task.queue).map((q) => ({ value: q.id, label: q.name }));
  const agentOptions = (agents.data ?? [])
    .filter((a) => a.id !== task.assignee)
    .map((a) => ({ value: a.id, label: a.name, hint: PRESENCE_LABEL[a.status] }));

  const submit = () => {
    const target = kind === 'queue' ? queue : agent;
    if (!target) return setMissing(true);
    const extra = reason.trim() ? { reason: reason.trim() } : {};
    transfer.mutate(kind === 'queue' ? { queue: target, ...extra } : { agent: target, ...extra });
  };

  return (
    <ActionDialog
      opened={opened}
      onClose={onClose}
      title={`Transfer "${task.title}"`}
      submitLabel="Transfer"
      pending={transfer.isPending}
      error={conflictText(transfer.error) ?? errs.general}
      onSubmit={submit}
    >
      <Stack gap={4}>
        <Text size="sm" fw={500} id="transfer-to">
          Transfer to
        </Text>
        <SegmentedControl
          aria-labelledby="transfer-to"
          value={kind}
          onChange={(v) => {
            setKind(v as 'queue' | 'agent');
            setMissing(false);
          }}
          data={[
            { value: 'queue', label: 'A queue' },
            { value: 'agent', label: 'A person' },
          ]}
        />
      </Stack>
      {kind === 'queue' ? (
        <ChoiceSelect
          label="Queue"
          autoFocus
          data={queueOptions}
          value={queue}
          onChange={(v) => {
            setQueue(v);
            setMissing(false);
          }}
          placeholder={queues.isPending ? 'Loading queues…' : 'Choose a queue'}
          error={(missing && !queue ? 'Choose a queue' : null) ?? errs.fields.queue}
        />
      ) : (
        <ChoiceSelect
          label="Agent"
          autoFocus
          data={agentOptions}
          value={agent}
          onChange={(v) => {
            setAgent(v);
            setMissing(false);
          }}
          placeholder={agents.isPending ? 'Loading agents…' : 'Choose an agent'}
          error={(missing && !agent ? 'Choose an agent' : null) ?? errs.fields.agent}
        />
      )}
      <Textarea label="Reason (optional)" value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={2} error={errs.fields.reason} maxLength={1000} />
    </ActionDialog>
  );
}
