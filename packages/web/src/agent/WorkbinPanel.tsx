import { Alert, Button, Kbd, Text, Tooltip } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { ApiError, errorMessage } from '../api/client';
import type { Task, WorkbinTask } from '../api/types';
import { useClaim, useWorkbins } from '../workbins/data';
import { WorkbinTasksTable } from '../workbins/WorkbinTasksTable';

/** Why a row cannot be claimed, or null when it can. */
function lockReason(canClaim: boolean, limit: number | null, t: WorkbinTask): string | null {
  if (!canClaim) return 'You cannot claim from this bin';
  if (!t.claimable) return limit ? `No cherry-picking: only the best ${limit} waiting tasks can be claimed` : 'This task cannot be claimed now';
  return null;
}

/** An agent's view of one bin: claim the next best task, or a specific one when the bin allows it. */
export function WorkbinPanel({ binId, onClaimed }: { binId: string; onClaimed: (task: Task) => void }) {
  const bins = useWorkbins({ fresh: true });
  const bin = bins.data?.find((b) => b.id === binId);
  const claim = useClaim(binId, onClaimed);
  const claimNext = () => {
    if (bin?.canClaim && !claim.isPending) claim.mutate(undefined);
  };
  useHotkeys([['n', claimNext]]);

  if (bins.isPending) return null;
  if (!bin) {
    return (
      <Alert color="gray" title="Workbin not found">
        It may have been removed, or you no longer see it.
      </Alert>
    );
  }

  const error = claim.error
    ? claim.error instanceof ApiError && claim.error.status === 409
      ? `${errorMessage(claim.error)} — the list has been refreshed.`
      : errorMessage(claim.error)
    : null;

  return (
    <>
      {error && (
        <Alert color="red" title="Could not claim" mb="sm" withCloseButton onClose={() => claim.reset()} role="alert">
          {error}
        </Alert>
      )}
      <WorkbinTasksTable
        bin={bin}
        note={
          bin.claimLimit ? (
            <Text size="sm" c="dimmed">
              No cherry-picking: you can claim one of the best {bin.claimLimit} tasks.
            </Text>
          ) : null
        }
        toolbar={
          <Button
            onClick={claimNext}
            loading={claim.isPending && claim.variables === undefined}
            disabled={!bin.canClaim}
            aria-keyshortcuts="n"
            rightSection={<Kbd size="xs">N</Kbd>}
          >
            Claim next best
          </Button>
        }
        action={(t) => {
          const reason = lockReason(bin.canClaim, bin.claimLimit, t);
          return (
            <Tooltip label={reason} disabled={!reason} events={{ hover: true, focus: true, touch: true }} multiline w={240} position="left" withArrow>
              <Button
                size="xs"
                variant={reason ? 'default' : 'light'}
                aria-label={`Claim ${t.title}`}
                aria-disabled={reason ? true : undefined}
                data-disabled={reason ? true : undefined}
                loading={claim.isPending && claim.variables === t.id}
                onClick={(e) => {
                  // Disabled by data-disabled (not `disabled`) so the tooltip still explains why on hover and focus.
                  if (reason) return e.preventDefault();
                  claim.mutate(t.id);
                }}
              >
                Claim
              </Button>
            </Tooltip>
          );
        }}
      />
    </>
  );
}
