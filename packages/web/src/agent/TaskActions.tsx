import { useState } from 'react';
import { Button, Group, Kbd } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconAlertTriangle, IconArrowsExchange, IconCalendarTime, IconCategory, IconPlayerPause, IconPlayerPlay } from '@tabler/icons-react';
import type { Task } from '../api/types';
import { hasRole, useUser } from '../auth/session';
import { conflictText, useTaskAction } from '../tasks/actions';
import { TransferDialog } from '../tasks/TransferDialog';
import { RescheduleDialog } from '../tasks/RescheduleDialog';
import { ReasonDialog } from '../tasks/ReasonDialog';
import { ReclassifyDialog } from '../tasks/ReclassifyDialog';
import { errorMessage } from '../api/client';
import { notifications } from '@mantine/notifications';

type Dialog = 'transfer' | 'reschedule' | 'pause' | 'escalate' | 'reclassify';

const WORKING = new Set<Task['state']>(['assigned', 'wrap-up']);

/** What the assignee can do with a task besides completing it; single-key shortcuts open each dialog. */
export function TaskActions({ task, onLeft }: { task: Task; onLeft: () => void }) {
  const me = useUser();
  const [open, setOpen] = useState<Dialog | null>(null);
  const close = () => setOpen(null);
  // The task left my hands (transferred, escalated, rescheduled into its queue): close the view.
  const after = (t: Task) => {
    if (t.assignee !== me.id) onLeft();
  };
  const resume = useTaskAction<undefined>(task, 'resume', after);

  // Acting on someone else's task is a supervisor's job (from the supervisor page).
  const mine = task.assignee === me.id || hasRole(me, 'supervisor', 'admin');
  const working = mine && WORKING.has(task.state);
  const paused = mine && task.state === 'paused';
  const scheduled = mine && task.state === 'scheduled';
  const can: Record<Dialog, boolean> = {
    transfer: working,
    reschedule: working || scheduled,
    pause: working,
    // A case's task escalates with its case (the case type's ladder): from the case view.
    escalate: (working || paused) && !task.caseId,
    reclassify: working,
  };
  const openIf = (d: Dialog) => () => {
    if (open === null && can[d]) setOpen(d);
  };
  const doResume = () => {
    if (!paused || resume.isPending) return;
    resume.mutate(undefined, {
      onError: (err) => notifications.show({ color: 'red', title: 'Could not resume the task', message: conflictText(err) ?? errorMessage(err) }),
    });
  };
  useHotkeys([
    ['t', openIf('transfer')],
    ['r', openIf('reschedule')],
    [
      'p',
      () => {
        if (!paused) openIf('pause')();
        else if (open === null) doResume();
      },
    ],
    ['e', openIf('escalate')],
    ['c', openIf('reclassify')],
  ]);

  if (!Object.values(can).some(Boolean) && !paused) return null;

  const key = (k: string) => (
    <Kbd size="xs" aria-hidden>
      {k}
    </Kbd>
  );
  return (
    <>
      <Group gap="xs" mt="md" role="toolbar" aria-label="Task actions">
        {can.transfer && (
          <Button variant="light" size="xs" leftSection={<IconArrowsExchange size={16} />} rightSection={key('T')} aria-keyshortcuts="t" onClick={() => setOpen('transfer')}>
            Transfer
          </Button>
        )}
        {can.reschedule && (
          <Button variant="light" size="xs" leftSection={<IconCalendarTime size={16} />} rightSection={key('R')} aria-keyshortcuts="r" onClick={() => setOpen('reschedule')}>
            Reschedule
          </Button>
        )}
        {can.pause && (
          <Button variant="light" size="xs" leftSection={<IconPlayerPause size={16} />} rightSection={key('P')} aria-keyshortcuts="p" onClick={() => setOpen('pause')}>
            Pause
          </Button>
        )}
        {paused && (
          <Button size="xs" leftSection={<IconPlayerPlay size={16} />} rightSection={key('P')} aria-keyshortcuts="p" onClick={doResume} loading={resume.isPending}>
            Resume
          </Button>
        )}
        {can.escalate && (
          <Button variant="light" color="orange" size="xs" leftSection={<IconAlertTriangle size={16} />} rightSection={key('E')} aria-keyshortcuts="e" onClick={() => setOpen('escalate')}>
            Escalate
          </Button>
        )}
        {can.reclassify && (
          <Button variant="light" color="gray" size="xs" leftSection={<IconCategory size={16} />} rightSection={key('C')} aria-keyshortcuts="c" onClick={() => setOpen('reclassify')}>
            Reclassify
          </Button>
        )}
      </Group>
      {/* Mounted only while open: every opening starts from a clean form. */}
      {open === 'transfer' && <TransferDialog task={task} opened onClose={close} onDone={after} />}
      {open === 'reschedule' && <RescheduleDialog task={task} opened onClose={close} onDone={after} />}
      {open === 'pause' && <ReasonDialog task={task} action="pause" opened onClose={close} onDone={after} />}
      {open === 'escalate' && <ReasonDialog task={task} action="escalate" opened onClose={close} onDone={after} />}
      {open === 'reclassify' && <ReclassifyDialog task={task} opened onClose={close} onDone={after} />}
    </>
  );
}
