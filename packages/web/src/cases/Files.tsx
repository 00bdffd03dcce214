import { useState, type CSSProperties } from 'react';
import { Anchor, Button, FileInput, Group, Stack, Text } from '@mantine/core';
import { IconPaperclip } from '@tabler/icons-react';
import type { UseMutationResult } from '@tanstack/react-query';
import { formatBytes } from '../forms/values';
import { formatDateTime } from '../lib/time';
import { ActionError } from '../lib/LoadStates';

export interface FileEntry {
  id: string;
  name: string;
  url: string;
  size: number;
  field?: string | null;
  uploadedBy?: string | null;
  createdAt: string;
}

/** A case's files as download links, with size, origin (staff views) and time; `empty` when there are none. */
export function FileList({ files, empty, origin = true }: { files: readonly FileEntry[]; empty: string; origin?: boolean }) {
  if (!files.length)
    return (
      <Text size="sm" c="dimmed" mb="sm">
        {empty}
      </Text>
    );
  return (
    <Stack gap={4} component="ul" mb="sm" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Files">
      {files.map((a) => (
        <li key={a.id}>
          <Group gap="xs">
            <IconPaperclip size={14} />
            <Anchor href={a.url} download={a.name} size="sm">
              {a.name}
            </Anchor>
            <Text size="xs" c="dimmed">
              {formatBytes(a.size)} · {origin && `${a.field ? `form field ${a.field}` : a.uploadedBy?.startsWith('customer:') ? 'from the customer' : 'added'} · `}
              {formatDateTime(a.createdAt)}
            </Text>
          </Group>
        </li>
      ))}
    </Stack>
  );
}

/** Choose files and upload them with `upload`; the choice clears once they are in. */
export function UploadForm({ upload, style }: { upload: UseMutationResult<unknown, Error, File[]>; style?: CSSProperties }) {
  const [files, setFiles] = useState<File[]>([]);
  return (
    <form
      style={style}
      onSubmit={(e) => {
        e.preventDefault();
        if (files.length && !upload.isPending) upload.mutate(files, { onSuccess: () => setFiles([]) });
      }}
    >
      <Group align="flex-end" gap="sm">
        <FileInput label="Add files" multiple clearable value={files} onChange={setFiles} placeholder="Choose files" w={320} leftSection={<IconPaperclip size={16} />} fileInputProps={{ name: 'attachments' }} />
        <Button type="submit" variant="light" disabled={!files.length} loading={upload.isPending}>
          Upload
        </Button>
      </Group>
      <ActionError error={upload.isError ? upload.error : null} title="Could not upload" />
    </form>
  );
}
