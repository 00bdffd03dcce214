import { useState } from 'react';
import { Button, Popover, ScrollArea, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { IconMessageDots } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { List, SuggestedResponse } from '../api/types';

/**
 * The standard responses for the task's queue, searched as one types, names already filled in:
 * choosing one hands its text to the composer (the agent may still edit it before sending).
 */
export function ResponsePicker({ taskId, onPick }: { taskId: string; onPick: (text: string) => void }) {
  const [opened, setOpened] = useState(false);
  const [q, setQ] = useState('');
  const found = useQuery({
    queryKey: ['taskResponses', taskId, q],
    queryFn: () => api<List<SuggestedResponse>>(`/tasks/${encodeURIComponent(taskId)}/responses?q=${encodeURIComponent(q)}`),
    select: (d) => d.items,
    enabled: opened,
    staleTime: 60_000,
  });
  const pick = (r: SuggestedResponse) => {
    onPick(r.text);
    setOpened(false);
    setQ('');
  };
  return (
    <Popover opened={opened} onChange={setOpened} position="top-start" width={360} shadow="md" trapFocus>
      <Popover.Target>
        <Button size="xs" variant="default" leftSection={<IconMessageDots size={14} />} onClick={() => setOpened((o) => !o)}>
          Responses
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <TextInput
          size="xs"
          placeholder="Search standard responses"
          aria-label="Search standard responses"
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          onKeyDown={(e) => {
            const first = found.data?.[0];
            if (e.key === 'Enter' && first) {
              e.preventDefault();
              pick(first);
            }
          }}
          data-autofocus
        />
        <ScrollArea.Autosize mah={260} mt="xs">
          <Stack gap={2} aria-label="Standard responses">
            {found.isPending && <Text size="xs" c="dimmed">Loading…</Text>}
            {found.data?.length === 0 && <Text size="xs" c="dimmed">No response matches.</Text>}
            {found.data?.map((r) => (
              <UnstyledButton key={r.id} onClick={() => pick(r)} p={6} style={{ borderRadius: 4 }} className="response-option">
                <Text size="sm" fw={500}>
                  {r.name}
                </Text>
                <Text size="xs" c="dimmed" lineClamp={2}>
                  {r.text}
                </Text>
              </UnstyledButton>
            ))}
          </Stack>
        </ScrollArea.Autosize>
      </Popover.Dropdown>
    </Popover>
  );
}
