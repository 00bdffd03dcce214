import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, List, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api, API_BASE, ApiError, errorMessage } from '../api/client';

interface Change {
  kind: string;
  id: string;
  change: 'create' | 'update' | 'unchanged';
}
interface ImportResult {
  applied: boolean;
  changes: Change[];
}

const COLOR: Record<Change['change'], string> = { create: 'teal', update: 'blue', unchanged: 'gray' };

/**
 * The whole configuration as one YAML document: download it (to keep in git, to diff), paste one
 * back, check what it would change (a dry run), then apply it in one transaction.
 */
export function ImportExport() {
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const [checked, setChecked] = useState<{ text: string; result: ImportResult } | null>(null);
  const run = useMutation({
    mutationFn: ({ apply }: { apply: boolean }) => api<ImportResult>(`/config/import${apply ? '?apply=true' : ''}`, { method: 'POST', raw: { text, contentType: 'application/yaml' } }),
    onSuccess: (result) => {
      setChecked({ text, result });
      if (!result.applied) return;
      void qc.invalidateQueries({ queryKey: ['admin'] });
      notifications.show({ color: 'teal', message: `Configuration applied: ${result.changes.filter((c) => c.change !== 'unchanged').length} changes` });
    },
  });
  const changes = checked?.result.changes.filter((c) => c.change !== 'unchanged') ?? [];
  const current = checked !== null && checked.text === text;
  const applied = current && checked.result.applied;
  const problems = run.error instanceof ApiError ? run.error.errors : [];
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          Everything configured, as YAML (no passwords or API key secrets).
        </Text>
        <Button component="a" href={`${API_BASE}/config/export`} download="worklane-config.yaml" variant="light" size="xs" leftSection={<IconDownload size={14} aria-hidden />}>
          Download the configuration
        </Button>
      </Group>
      <Textarea
        label="Configuration to import (YAML or JSON)"
        description="Sections left out stay as they are; items are matched by id (users by e-mail)."
        autosize
        minRows={8}
        maxRows={24}
        spellCheck={false}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
      />
      <Group>
        <Button variant="light" onClick={() => run.mutate({ apply: false })} loading={run.isPending && !run.variables?.apply} disabled={!text.trim()}>
          Check
        </Button>
        <Button onClick={() => run.mutate({ apply: true })} loading={run.isPending && run.variables?.apply} disabled={!current || applied || changes.length === 0}>
          Apply {current && changes.length ? `${changes.length} ${changes.length === 1 ? 'change' : 'changes'}` : ''}
        </Button>
      </Group>
      {run.error && (
        <Alert color="red" title={errorMessage(run.error)} role="alert">
          <List size="sm" spacing={2}>
            {problems.map((p, i) => (
              <List.Item key={i}>
                <Text span ff="monospace" size="sm">
                  {p.pointer}
                </Text>{' '}
                {p.message}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      {checked && (
        <section aria-labelledby="import-changes">
          <Title order={3} size="h5" id="import-changes" mb="xs">
            {applied ? `Applied: ${changes.length} ${changes.length === 1 ? 'change' : 'changes'}` : changes.length === 0 ? 'Nothing would change' : `What applying would change${current ? '' : ' (the text changed since: check again)'}`}
          </Title>
          {changes.length > 0 && (
            <Table striped aria-labelledby="import-changes">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Section</Table.Th>
                  <Table.Th>Item</Table.Th>
                  <Table.Th>Change</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {changes.map((c) => (
                  <Table.Tr key={`${c.kind}/${c.id}`}>
                    <Table.Td>{c.kind}</Table.Td>
                    <Table.Td ff="monospace">{c.id}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={COLOR[c.change]}>
                        {c.change}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Text size="xs" c="dimmed" mt="xs">
            {checked.result.changes.length - changes.length} items unchanged. The audit log keeps every change (<Anchor href={`${API_BASE}/audit?kind=config`} target="_blank">config</Anchor>).
          </Text>
        </section>
      )}
    </Stack>
  );
}
