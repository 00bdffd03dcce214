import { useState } from 'react';
import { Alert, Button, Group, List, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api, ApiError, errorMessage } from '../api/client';
import { editable, itemNoun, patchBetween, type CollectionInfo } from './collections';
import { QuestionnairePreview } from '../quality/QuestionnairePreview';

const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return {};
  }
};

interface Props {
  info: CollectionInfo;
  /** The stored item (null: a new one). */
  row: Record<string, unknown> | null;
  onClose: () => void;
}

/**
 * One configuration item as JSON, checked by the server as the API checks it: each problem is
 * listed with where it is (JSON pointer) and nothing is saved. Ctrl+Enter saves.
 */
export function ItemEditor({ info, row, onClose }: Props) {
  const qc = useQueryClient();
  const start = row ? editable(row, info) : info.template;
  const [text, setText] = useState(() => JSON.stringify(start, null, 2));
  const [parseError, setParseError] = useState<string | null>(null);
  // Questionnaires: see the form as evaluators will before saving it.
  const [preview, setPreview] = useState<unknown>(null);
  const previewable = info.value === 'questionnaires';
  const id = row ? String(row.id ?? row[info.key ?? 'id']) : null;
  const save = useMutation({
    mutationFn: (item: Record<string, unknown>) =>
      id === null
        ? api(`/${info.value}`, { method: 'POST', body: item })
        : api(`/${info.value}/${encodeURIComponent(id)}`, { method: 'PATCH', body: patchBetween(editable(row!, info), item, info.key ? [info.key] : []) }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['admin', info.value] });
      notifications.show({ color: 'teal', message: `${itemNoun(info).replace(/^./, (c) => c.toUpperCase())} ${id === null ? 'created' : 'saved'}` });
      onClose();
    },
  });
  const submit = () => {
    if (save.isPending) return;
    let item: unknown;
    try {
      item = JSON.parse(text);
    } catch (err) {
      return setParseError(`Not valid JSON: ${(err as Error).message}`);
    }
    if (!item || typeof item !== 'object' || Array.isArray(item)) return setParseError('An item is a JSON object: { … }');
    setParseError(null);
    save.mutate(item as Record<string, unknown>);
  };
  const problems = save.error instanceof ApiError ? save.error.errors : [];
  const title = row ? `Edit ${itemNoun(info)} ${id}` : `New ${itemNoun(info)}`;
  return (
    <Modal opened onClose={save.isPending ? () => undefined : onClose} title={title} size="xl" centered>
      <Stack gap="sm">
        {preview !== null ? (
          <QuestionnairePreview item={preview} />
        ) : (
          <Textarea
            label="Item (JSON)"
            description={info.key && row ? `The ${info.key} stays ${id}; a field left out is cleared.` : 'As in the configuration file; the API reference (/api/openapi.json) lists every field.'}
            data-autofocus
            autosize
            minRows={12}
            maxRows={28}
            spellCheck={false}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                submit();
              }
            }}
            error={parseError}
          />
        )}
        {save.error && (
          <Alert color="red" title={`Not saved: ${errorMessage(save.error)}`} role="alert">
            {problems.length > 0 && (
              <List size="sm" spacing={2}>
                {problems.map((p, i) => (
                  <List.Item key={i}>
                    <Text span ff="monospace" size="sm">
                      {p.pointer || '/'}
                    </Text>{' '}
                    {p.message}
                  </List.Item>
                ))}
              </List>
            )}
          </Alert>
        )}
        <Group justify="flex-end">
          {previewable && (
            <Button variant="light" mr="auto" onClick={() => setPreview(preview === null ? parsed(text) : null)}>
              {preview === null ? 'Preview' : 'Back to JSON'}
            </Button>
          )}
          <Button variant="default" onClick={onClose} disabled={save.isPending}>
            Cancel
          </Button>
          <Button onClick={submit} loading={save.isPending}>
            {row ? 'Save' : 'Create'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
