import type { ReactNode } from 'react';
import { Alert, Button, Group, Modal, Stack } from '@mantine/core';

interface ActionDialogProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  submitLabel: string;
  submitColor?: string;
  pending: boolean;
  /** A failure that belongs to no single field (shown above the buttons). */
  error: string | null;
  onSubmit: () => void;
  children: ReactNode;
}

/** A modal form: Enter submits, Escape cancels, the first field takes focus (`data-autofocus`). */
export function ActionDialog({ opened, onClose, title, submitLabel, submitColor, pending, error, onSubmit, children }: ActionDialogProps) {
  return (
    <Modal opened={opened} onClose={pending ? () => undefined : onClose} title={title} centered size="md">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!pending) onSubmit();
        }}
      >
        <Stack gap="sm">
          {children}
          {error && (
            <Alert color="red" title={`Could not ${submitLabel.toLowerCase()}`} role="alert">
              {error}
            </Alert>
          )}
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" color={submitColor} loading={pending}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
