import { useState } from 'react';
import { Button, Group, Paper, Textarea, Title } from '@mantine/core';
import { ChoiceSelect } from '../lib/ChoiceSelect';
import { ActionError } from '../lib/LoadStates';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Task } from '../api/types';
import { removeMyTask, taskEventsKey, taskKey, useWrapUpCodes } from './data';

/** Wrap-up: choose the outcome (the worktype's wrap-up codes) and complete the task. */
export function WrapUp({ task, codes, onDone }: { task: Task; codes: string[] | undefined; onDone: () => void }) {
  const queryClient = useQueryClient();
  const labels = useWrapUpCodes();
  const [code, setCode] = useState<string | null>(task.wrapUpCode);
  const [note, setNote] = useState('');

  const options = (codes ?? []).map((c) => ({
    value: c,
    label: labels.data?.find((l) => l.code === c)?.label ?? c,
  }));

  const complete = useMutation({
    mutationFn: () =>
      api<Task>(`/tasks/${encodeURIComponent(task.id)}/complete`, {
        method: 'POST',
        body: { ...(code ? { wrapUpCode: code } : {}), ...(note.trim() ? { note: note.trim() } : {}) },
      }),
    onSuccess: (done) => {
      queryClient.setQueryData(taskKey(task.id), done);
      void queryClient.invalidateQueries({ queryKey: taskEventsKey(task.id) });
      removeMyTask(queryClient, task.id);
      notifications.show({ color: 'green', title: 'Task completed', message: task.title });
      onDone();
    },
  });

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="wrap-up-title">
      <Title order={3} size="h5" id="wrap-up-title" mb="xs">
        Wrap-up
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          complete.mutate();
        }}
      >
        <Group align="flex-end" gap="sm">
          <ChoiceSelect
            label="Wrap-up code"
            placeholder={codes === undefined ? 'Loading codes…' : options.length ? 'Choose the outcome' : 'No codes for this worktype'}
            data={options}
            value={code}
            onChange={setCode}
            disabled={options.length === 0}
            w={260}
          />
          <Button type="submit" loading={complete.isPending}>
            Complete task
          </Button>
        </Group>
        <Textarea
          label="Note (optional)"
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          autosize
          minRows={2}
          mt="sm"
        />
        <ActionError error={complete.isError ? complete.error : null} title="Could not complete the task" />
      </form>
    </Paper>
  );
}
