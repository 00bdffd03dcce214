import { useState } from 'react';
import { Button, Group, Kbd, Text, Textarea } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconArrowBackUp, IconCheck, IconClock, IconPlayerPlay, IconRefresh } from '@tabler/icons-react';
import type { Case, CaseType } from '../api/types';
import { errorMessage, formErrors } from '../api/client';
import { useUser } from '../auth/session';
import { ActionDialog } from '../lib/ActionDialog';
import { useCaseAction, useCaseStatus, useCompleteWith } from './data';
import { isDone } from './format';

type Dialog = 'escalate' | 'send-back' | 'close' | 'reopen';

const LIVE = new Set(['offered', 'assigned', 'wrap-up']);
const WAITABLE = new Set(['open', 'in-progress', 'escalated', 'reopened']);

/** The wrap-up code of the step's "send back" transition, if it has one. */
export function sendBackCode(ct: CaseType | undefined, step: string): string | null {
  const s = ct?.procedure?.steps.find((x) => x.id === step);
  return Object.entries(s?.transitions ?? {}).find(([, t]) => t.sendBack)?.[0] ?? null;
}

/** Whether the case can go one rung up its escalation ladder from where it is. */
function canEscalate(ct: CaseType | undefined, c: Case): boolean {
  const ladder = ct?.procedure?.escalation ?? [];
  return !isDone(c.status) && ladder.length > c.escalationLevel;
}

/**
 * What staff do with a case: escalate (E), send back to the advisor (S, the expert's task is
 * completed with the step's send-back code), close (X), reopen (O), wait for the customer (W).
 */
export function CaseActions({ kase, caseType }: { kase: Case; caseType: CaseType | undefined }) {
  const me = useUser();
  const [open, setOpen] = useState<Dialog | null>(null);
  const close = () => setOpen(null);
  const status = useCaseStatus(kase);
  const myTask = kase.tasks?.find((t) => t.assignee === me.id && LIVE.has(t.state) && t.state !== 'offered');
  const backCode = myTask ? sendBackCode(caseType, myTask.step) : null;
  const can: Record<Dialog, boolean> = {
    escalate: canEscalate(caseType, kase),
    'send-back': !!backCode,
    close: kase.status !== 'closed',
    reopen: isDone(kase.status),
  };
  const waitable = WAITABLE.has(kase.status);
  const waiting = kase.status === 'waiting-for-customer';
  const toggleWait = () => {
    if (status.isPending || !(waitable || waiting)) return;
    status.mutate(waiting ? 'in-progress' : 'waiting-for-customer', {
      onError: (err) => notifications.show({ color: 'red', title: 'Could not change the status', message: errorMessage(err) }),
    });
  };
  const openIf = (d: Dialog) => () => {
    if (open === null && can[d]) setOpen(d);
  };
  useHotkeys([
    ['e', openIf('escalate')],
    ['s', openIf('send-back')],
    ['x', openIf('close')],
    ['o', openIf('reopen')],
    ['w', toggleWait],
  ]);
  const key = (k: string) => (
    <Kbd size="xs" aria-hidden>
      {k}
    </Kbd>
  );

  return (
    <>
      <Group gap="xs" mt="md" role="toolbar" aria-label="Case actions">
        {can.escalate && (
          <Button size="xs" variant="light" color="orange" leftSection={<IconAlertTriangle size={16} />} rightSection={key('E')} aria-keyshortcuts="e" onClick={() => setOpen('escalate')}>
            Escalate
          </Button>
        )}
        {can['send-back'] && (
          <Button size="xs" variant="light" leftSection={<IconArrowBackUp size={16} />} rightSection={key('S')} aria-keyshortcuts="s" onClick={() => setOpen('send-back')}>
            Send back
          </Button>
        )}
        {(waitable || waiting) && (
          <Button size="xs" variant="light" color={waiting ? 'indigo' : 'yellow'} leftSection={waiting ? <IconPlayerPlay size={16} /> : <IconClock size={16} />} rightSection={key('W')} aria-keyshortcuts="w" loading={status.isPending} onClick={toggleWait}>
            {waiting ? 'Stop waiting' : 'Wait for customer'}
          </Button>
        )}
        {can.close && (
          <Button size="xs" variant="light" color="green" leftSection={<IconCheck size={16} />} rightSection={key('X')} aria-keyshortcuts="x" onClick={() => setOpen('close')}>
            Close
          </Button>
        )}
        {can.reopen && (
          <Button size="xs" variant="light" color="grape" leftSection={<IconRefresh size={16} />} rightSection={key('O')} aria-keyshortcuts="o" onClick={() => setOpen('reopen')}>
            Reopen
          </Button>
        )}
      </Group>
      {open === 'escalate' && <ReasonDialog kase={kase} action="escalate" onClose={close} />}
      {open === 'close' && <ReasonDialog kase={kase} action="close" onClose={close} />}
      {open === 'reopen' && <ReasonDialog kase={kase} action="reopen" onClose={close} />}
      {open === 'send-back' && myTask && backCode && <SendBackDialog kase={kase} taskId={myTask.taskId} code={backCode} onClose={close} />}
    </>
  );
}

const TEXT = {
  escalate: { title: 'Escalate', submit: 'Escalate', label: 'Reason', required: true, color: 'orange', help: 'Moves the case up its escalation ladder: the current work is canceled and the escalation target gets a task.' },
  close: { title: 'Close', submit: 'Close case', label: 'Resolution', required: true, color: 'green', help: 'Ends the case: open work is canceled, the SLA clock stops and the customer is told.' },
  reopen: { title: 'Reopen', submit: 'Reopen', label: 'Reason (optional)', required: false, color: 'grape', help: 'The SLA clock resumes where it stopped; the work goes back to the last advisor.' },
} as const;

function ReasonDialog({ kase, action, onClose }: { kase: Case; action: 'escalate' | 'close' | 'reopen'; onClose: () => void }) {
  const t = TEXT[action];
  const [text, setText] = useState('');
  const [checked, setChecked] = useState(false);
  const mutation = useCaseAction<Record<string, string>>(kase, action, onClose);
  const field = action === 'close' ? 'resolution' : 'reason';
  const errs = formErrors(mutation.error, [field]);
  const missing = t.required && !text.trim();
  return (
    <ActionDialog
      opened
      onClose={onClose}
      title={`${t.title} case ${kase.number}`}
      submitLabel={t.submit}
      submitColor={t.color}
      pending={mutation.isPending}
      error={errs.general}
      onSubmit={() => {
        setChecked(true);
        if (missing) return;
        mutation.mutate(text.trim() ? { [field]: text.trim() } : {});
      }}
    >
      <Text size="sm" c="dimmed">
        {t.help}
      </Text>
      <Textarea
        label={t.label}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        autosize
        minRows={2}
        maxLength={1000}
        required={t.required}
        data-autofocus
        error={(checked && missing ? `Give a ${t.label.toLowerCase()}` : null) ?? errs.fields[field]}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) e.currentTarget.form?.requestSubmit();
        }}
      />
    </ActionDialog>
  );
}

function SendBackDialog({ kase, taskId, code, onClose }: { kase: Case; taskId: string; code: string; onClose: () => void }) {
  const [note, setNote] = useState('');
  const mutation = useCompleteWith(kase);
  return (
    <ActionDialog
      opened
      onClose={onClose}
      title={`Send back case ${kase.number}`}
      submitLabel="Send back"
      pending={mutation.isPending}
      error={mutation.error ? errorMessage(mutation.error) : null}
      onSubmit={() =>
        mutation.mutate(
          { taskId, wrapUpCode: code, ...(note.trim() ? { note: note.trim() } : {}) },
          {
            onSuccess: () => {
              notifications.show({ color: 'green', title: 'Case sent back', message: `${kase.number} goes back to the advisor for verification` });
              onClose();
            },
          },
        )
      }
    >
      <Text size="sm" c="dimmed">
        Completes your task and sends the case back to the advisor who handled it, to verify and close.
      </Text>
      <Textarea label="Note for the advisor (optional)" value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} maxLength={1000} data-autofocus />
    </ActionDialog>
  );
}
