import { useEffect, useRef } from 'react';
import { Box, Paper, ScrollArea, Stack, Text } from '@mantine/core';
import type { ChatMessage } from '../api/types';

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * The lines of a conversation, oldest first, kept scrolled to the newest: the reader's own lines
 * on the right, the other side's on the left, Worklane's in the middle (`watching`: a supervisor's
 * read-only view, the agent's side on the right under their name). A live log for screen readers.
 */
export function ChatLines({ messages, mine, height, typing, watching }: { messages: readonly ChatMessage[]; mine: 'visitor' | 'agent'; height: number | string; typing?: string | null; watching?: boolean }) {
  const viewport = useRef<HTMLDivElement>(null);
  const last = messages.at(-1)?.id;
  useEffect(() => {
    const v = viewport.current;
    if (v) v.scrollTo({ top: v.scrollHeight });
  }, [last, typing]);
  return (
    <ScrollArea h={height} viewportRef={viewport} type="auto" offsetScrollbars>
      <Stack gap={6} role="log" aria-live="polite" aria-label="Conversation" p={4}>
        {messages.map((m) =>
          m.sender === 'system' ? (
            <Text key={m.id} size="xs" c="dimmed" ta="center" data-sender="system">
              {m.body} · {time.format(new Date(m.at))}
            </Text>
          ) : (
            <Box key={m.id} style={{ alignSelf: m.sender === mine ? 'flex-end' : 'flex-start', maxWidth: '80%' }} data-sender={m.sender}>
              <Text size="xs" c="dimmed" ta={m.sender === mine ? 'right' : 'left'}>
                {m.sender === mine && !watching ? 'You' : m.name} · {time.format(new Date(m.at))}
              </Text>
              <Paper px="sm" py={6} radius="md" bg={m.sender === mine ? 'blue.6' : 'gray.1'} c={m.sender === mine ? 'white' : undefined}>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                  {m.body}
                </Text>
              </Paper>
            </Box>
          ),
        )}
        {typing && (
          <Text size="xs" c="dimmed" fs="italic" aria-live="polite">
            {typing}
          </Text>
        )}
      </Stack>
    </ScrollArea>
  );
}

/** Adds a line unless it is there already (a push and a re-read may both bring it). */
export function withLine(messages: readonly ChatMessage[], m: ChatMessage): ChatMessage[] {
  return messages.some((x) => x.id === m.id) ? [...messages] : [...messages, m];
}
