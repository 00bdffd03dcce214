import { useState } from 'react';
import { Alert, Button, FileButton, Group, Stack, Table, Text, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Papa from 'papaparse';
import { api, errorMessage } from '../api/client';
import { CAMPAIGNS_KEY, type Campaign } from './data';

interface Upload {
  accepted: number;
  refused: { line: number; phone: string; reason: string }[];
}

/** A contact list as CSV with a header row: a `phone` column, `name`, and any others (the script's fields). */
export function parseContactCsv(text: string): { contacts: { phone: string; name?: string; data: Record<string, string> }[]; error: string | null } {
  const r = Papa.parse<Record<string, string>>(text.trim(), { header: true, skipEmptyLines: 'greedy', transformHeader: (h) => h.trim().toLowerCase().replace(/[^\w.-]+/g, '_') });
  if (!r.meta.fields?.includes('phone')) return { contacts: [], error: 'The first line names the columns, and one of them must be "phone".' };
  const contacts = r.data.map((row) => {
    const { phone = '', name, ...rest } = row;
    const data = Object.fromEntries(Object.entries(rest).filter(([k, x]) => k && typeof x === 'string' && x.trim()).map(([k, x]) => [k, x.trim()]));
    return { phone: phone.trim(), ...(name?.trim() ? { name: name.trim() } : {}), data };
  });
  return { contacts, error: contacts.length ? null : 'No contact under the header line.' };
}

/** Paste or open a CSV; what the server refused is listed by line. */
export function ContactUpload({ campaign }: { campaign: Campaign }) {
  const qc = useQueryClient();
  const [text, setText] = useState('');
  const [parseError, setParseError] = useState<string | null>(null);
  const upload = useMutation({
    mutationFn: (contacts: ReturnType<typeof parseContactCsv>['contacts']) => api<Upload>(`/campaigns/${encodeURIComponent(campaign.id)}/contacts`, { method: 'POST', body: { contacts } }),
    onSuccess: () => {
      setText('');
      void qc.invalidateQueries({ queryKey: CAMPAIGNS_KEY });
    },
  });
  const send = () => {
    const { contacts, error } = parseContactCsv(text);
    setParseError(error);
    if (!error) upload.mutate(contacts);
  };
  return (
    <Stack gap="xs">
      <Textarea
        label="Add contacts (CSV)"
        description='First line: the columns, e.g. "phone,name,product". Numbers on the do-not-call list, twice, or already in the campaign are left out.'
        placeholder={'phone,name,product\n0470 11 22 33,Jane Doe,Gold card'}
        autosize
        minRows={3}
        maxRows={10}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        error={parseError}
        styles={{ input: { fontFamily: 'monospace' } }}
      />
      <Group gap="xs">
        <Button size="xs" onClick={send} disabled={!text.trim()} loading={upload.isPending}>
          Add contacts
        </Button>
        <FileButton accept=".csv,text/csv,text/plain" onChange={(f) => void f?.text().then(setText)}>
          {(props) => (
            <Button size="xs" variant="default" {...props}>
              Open a CSV file…
            </Button>
          )}
        </FileButton>
      </Group>
      {upload.isError && <Alert color="red" title="Not added">{errorMessage(upload.error)}</Alert>}
      {upload.data && (
        <Alert color={upload.data.refused.length ? 'yellow' : 'teal'} title={`${upload.data.accepted} added${upload.data.refused.length ? `, ${upload.data.refused.length} left out` : ''}`}>
          {upload.data.refused.length > 0 && (
            <Table fz="xs" aria-label="Contacts left out">
              <Table.Tbody>
                {upload.data.refused.slice(0, 50).map((x) => (
                  <Table.Tr key={x.line}>
                    <Table.Td>contact {x.line}</Table.Td>
                    <Table.Td>{x.phone}</Table.Td>
                    <Table.Td>{x.reason}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {upload.data.refused.length > 50 && <Text size="xs">and {upload.data.refused.length - 50} more</Text>}
        </Alert>
      )}
    </Stack>
  );
}
