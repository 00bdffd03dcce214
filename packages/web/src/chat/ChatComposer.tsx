import { forwardRef, type ReactNode } from 'react';
import { Button, Group, Kbd, Stack, Text, Textarea } from '@mantine/core';
import { errorMessage } from '../api/client';

export interface ChatComposerProps {
  label: string;
  placeholder: string;
  value: string;
  onChange: (text: string) => void;
  /** Enter sends (Shift+Enter: a new line); called with the trimmed text, never empty. */
  onSend: (text: string) => void;
  sending: boolean;
  error: unknown;
  /** Left of the send button (the agent's standard responses). */
  extra?: ReactNode;
}

/** Where one writes a line of a conversation, the visitor or the agent alike. */
export const ChatComposer = forwardRef<HTMLTextAreaElement, ChatComposerProps>(function ChatComposer({ label, placeholder, value, onChange, onSend, sending, error, extra }, ref) {
  const submit = () => value.trim() && !sending && onSend(value.trim());
  return (
    <Stack gap={4} mt="sm">
      <Textarea
        ref={ref}
        aria-label={label}
        placeholder={placeholder}
        autosize
        minRows={2}
        maxRows={6}
        maxLength={4000}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            submit();
          }
        }}
      />
      <Group justify="space-between">
        {extra ?? <span />}
        <Group gap="xs">
          <Text size="xs" c="dimmed">
            <Kbd size="xs">Enter</Kbd> sends, <Kbd size="xs">Shift+Enter</Kbd> a new line
          </Text>
          <Button size="xs" onClick={submit} loading={sending} disabled={!value.trim()}>
            Send
          </Button>
        </Group>
      </Group>
      {error ? (
        <Text size="sm" c="red" role="alert">
          {errorMessage(error)}
        </Text>
      ) : null}
    </Stack>
  );
});
