import { useState, type ReactNode } from 'react';
import { ActionIcon, Menu } from '@mantine/core';
import { IconArrowBackUp, IconArrowsExchange, IconChecklist, IconDots, IconEye, IconPlayerPlay, IconUserPlus, IconX } from '@tabler/icons-react';
import { EvaluateDialog } from '../quality/EvaluateDialog';
import { ChatMonitor } from './ChatMonitor';
import type { Task } from '../api/types';
import { AssignDialog } from '../tasks/AssignDialog';
import { ReasonDialog } from '../tasks/ReasonDialog';
import { TransferDialog } from '../tasks/TransferDialog';
import { conflictText, useTaskAction } from '../tasks/actions';
import { notifications } from '@mantine/notifications';
import { errorMessage } from '../api/client';
import { isConversation } from '../lib/format';

type Dialog = 'assign' | 'pull-back' | 'transfer' | 'cancel' | 'watch' | 'evaluate';

const OPEN_STATES = new Set<Task['state']>(['queued', 'offered', 'assigned', 'wrap-up', 'scheduled', 'paused']);
const HELD_STATES = new Set<Task['state']>(['assigned', 'wrap-up', 'offered']);

/**
 * The supervisor's per-task menu: watch a conversation, assign to a person, pull back, transfer,
 * cancel; completed work is evaluated (quality management).
 */
export function TaskRowActions({ task }: { task: Task }) {
  const [open, setOpen] = useState<Dialog | null>(null);
  const close = () => setOpen(null);
  const resume = useTaskAction<undefined>(task, 'resume');
  if (task.state === 'completed' && task.assignee) return <CompletedActions task={task} open={open} setOpen={setOpen} />;
  if (!OPEN_STATES.has(task.state)) return null;
  const held = HELD_STATES.has(task.state);

  return (
    <>
      <RowMenu title={task.title}>
        {isConversation(task.source) && (
          <Menu.Item leftSection={<IconEye size={16} />} onClick={() => setOpen('watch')}>
            Watch the conversation
          </Menu.Item>
        )}
        <Menu.Item leftSection={<IconUserPlus size={16} />} onClick={() => setOpen('assign')}>
          {task.assignee ? 'Reassign…' : 'Assign…'}
        </Menu.Item>
        {task.state === 'paused' && (
          <Menu.Item leftSection={<IconPlayerPlay size={16} />} onClick={() =>
              resume.mutate(undefined, {
                onError: (err) => notifications.show({ color: 'red', title: 'Could not resume the task', message: conflictText(err) ?? errorMessage(err) }),
              })
            } disabled={resume.isPending}>
            Resume
          </Menu.Item>
        )}
        {held && (
          <Menu.Item leftSection={<IconArrowBackUp size={16} />} onClick={() => setOpen('pull-back')}>
            Pull back…
          </Menu.Item>
        )}
        <Menu.Item leftSection={<IconArrowsExchange size={16} />} onClick={() => setOpen('transfer')}>
          Transfer…
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item color="red" leftSection={<IconX size={16} />} onClick={() => setOpen('cancel')}>
          Cancel task…
        </Menu.Item>
      </RowMenu>
      {open === 'assign' && <AssignDialog task={task} opened onClose={close} />}
      {open === 'pull-back' && <ReasonDialog task={task} action="pull-back" opened onClose={close} />}
      {open === 'transfer' && <TransferDialog task={task} opened onClose={close} />}
      {open === 'cancel' && <ReasonDialog task={task} action="cancel" opened onClose={close} />}
      {open === 'watch' && <ChatMonitor task={task} opened onClose={close} />}
    </>
  );
}

/** Finished work: read the conversation again, or evaluate it. */
function CompletedActions({ task, open, setOpen }: { task: Task; open: Dialog | null; setOpen: (d: Dialog | null) => void }) {
  return (
    <>
      <RowMenu title={task.title}>
        {isConversation(task.source) && (
          <Menu.Item leftSection={<IconEye size={16} />} onClick={() => setOpen('watch')}>
            Read the conversation
          </Menu.Item>
        )}
        <Menu.Item leftSection={<IconChecklist size={16} />} onClick={() => setOpen('evaluate')}>
          Evaluate…
        </Menu.Item>
      </RowMenu>
      {open === 'watch' && <ChatMonitor task={task} opened onClose={() => setOpen(null)} />}
      {open === 'evaluate' && <EvaluateDialog task={task} opened onClose={() => setOpen(null)} />}
    </>
  );
}

/** The ⋯ button of a row and its menu. */
function RowMenu({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Menu position="bottom-end" withinPortal shadow="md">
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${title}`}>
          <IconDots size={18} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>{children}</Menu.Dropdown>
    </Menu>
  );
}
