import { useState } from 'react';
import { Alert, Button, Group, Kbd, Paper, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../api/client';
import type { List, Task } from '../api/types';
import { MailMessages, type ThreadMessage } from './MailThread';
import { taskEventsKey } from './data';
import { ResponsePicker } from './ResponsePicker';
import { useStreamMessage } from '../api/stream';

interface Reply {
  id: number;
  to: string;
  body: string;
  state: NonNullable<ThreadMessage['state']>;
}

/** A task that came by e-mail: answer its sender from here (sent as notifications are: retried, logged). */
export function MailReply({ task }: { task: Task }) {
  const qc = useQueryClient();
  const to = typeof task.attributes.from === 'string' ? task.attributes.from : null;
  const [body, setBody] = useState('');
  const key = ['taskMail', task.id];
  const thread = useQuery({
    queryKey: key,
    queryFn: () => api<List<ThreadMessage>>(`/tasks/${encodeURIComponent(task.id)}/mail`),
    select: (d) => d.items,
    // Until every reply is out (or given up), look again: delivery happens in the background.
    refetchInterval: (q) => (q.state.data?.items.some((r) => r.state === 'pending' || r.state === 'failed') ? 2_000 : false),
  });
  // The customer wrote again: the stream says so.
  useStreamMessage('task.mail', (m) => m.taskId === task.id && void qc.invalidateQueries({ queryKey: key }));
  const send = useMutation({
    mutationFn: (text: string) => api<Reply>(`/tasks/${encodeURIComponent(task.id)}/reply`, { method: 'POST', body: { body: text } }),
    onSuccess: () => {
      setBody('');
      void qc.invalidateQueries({ queryKey: key });
      void qc.invalidateQueries({ queryKey: taskEventsKey(task.id) });
    },
  });
  if (!to) return null;
  const submit = () => body.trim() && send.mutate(body.trim());
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="mail-reply-title">
      <Title order={3} size="h5" id="mail-reply-title" mb="xs">
        Reply by e-mail
      </Title>
      {thread.data && thread.data.length > 0 && <MailMessages messages={thread.data} />}
      {send.isError && (
        <Alert color="red" mb="xs" title="Not sent">
          {errorMessage(send.error)}
        </Alert>
      )}
      <Textarea
        label={`To ${to}`}
        placeholder="Your answer"
        autosize
        minRows={3}
        maxLength={20_000}
        value={body}
        onChange={(e) => setBody(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit();
        }}
      />
      <Group justify="space-between" mt="xs">
        <ResponsePicker taskId={task.id} onPick={(t) => setBody((old) => (old.trim() ? `${old.trimEnd()}\n\n${t}` : t))} />
        <Button size="xs" onClick={submit} loading={send.isPending} disabled={!body.trim()} rightSection={<Kbd size="xs">Ctrl+Enter</Kbd>}>
          Send reply
        </Button>
      </Group>
    </Paper>
  );
}
