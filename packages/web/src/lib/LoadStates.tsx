import { Alert, Button, Paper, Skeleton, Text } from '@mantine/core';
import { ApiError, errorMessage } from '../api/client';

/** The placeholder of a detail view while it loads: a title bar and two blocks. */
export function DetailLoading({ label, last = 140 }: { label: string; last?: number }) {
  return (
    <Paper withBorder p="md" aria-label={label}>
      <Skeleton h={28} w="60%" mb="md" />
      <Skeleton h={80} mb="md" />
      <Skeleton h={last} />
    </Paper>
  );
}

/**
 * Why a detail view could not load: "not found" in grey with `gone` (what a 404 means here), or
 * the error in red with a retry when one is offered.
 */
export function LoadError({ error, what, gone, onRetry }: { error: unknown; what: string; gone: string; onRetry?: () => void }) {
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <Alert color={notFound ? 'gray' : 'red'} title={notFound ? `${what[0]!.toUpperCase()}${what.slice(1)} not found` : `Could not load the ${what}`}>
      <Text size="sm">{notFound ? gone : errorMessage(error)}</Text>
      {!notFound && onRetry && (
        <Button size="xs" variant="light" color="red" mt="xs" onClick={onRetry}>
          Retry
        </Button>
      )}
    </Alert>
  );
}

/** A failed action's message under its form (nothing while it has not failed). */
export function ActionError({ error, title }: { error: unknown; title: string }) {
  if (!error) return null;
  return (
    <Alert color="red" mt="sm" title={title}>
      {errorMessage(error)}
    </Alert>
  );
}
