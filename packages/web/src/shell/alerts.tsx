// Live alerts (`alert` stream messages): a notification for everyone, and a session list for the supervisor.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { QueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconInfoCircle } from '@tabler/icons-react';
import { useStreamMessage } from '../api/stream';
import type { LiveAlert } from '../api/types';

export interface ReceivedAlert extends LiveAlert {
  id: number;
  at: string;
}

export const ALERTS_KEY = ['alerts'] as const;
const KEEP = 100;
let seq = 0;

/** The alerts received while this page is open (newest first); lives only in the query cache. */
export function useAlerts() {
  return useQuery<ReceivedAlert[]>({ queryKey: ALERTS_KEY, queryFn: () => [], staleTime: Infinity, gcTime: Infinity });
}

export function clearAlerts(queryClient: QueryClient) {
  queryClient.setQueryData<ReceivedAlert[]>(ALERTS_KEY, []);
}

/** Mount once in the shell. */
export function useAlertStream() {
  const queryClient = useQueryClient();
  useStreamMessage('alert', ({ level, message, taskId, caseId }) => {
    const alert: ReceivedAlert = { id: ++seq, at: new Date().toISOString(), level, message, ...(taskId ? { taskId } : {}), ...(caseId ? { caseId } : {}) };
    queryClient.setQueryData<ReceivedAlert[]>(ALERTS_KEY, (old) => [alert, ...(old ?? [])].slice(0, KEEP));
    notifications.show({
      color: level === 'warning' ? 'orange' : 'blue',
      title: level === 'warning' ? 'Warning' : 'Notice',
      message,
      icon: level === 'warning' ? <IconAlertTriangle size={18} /> : <IconInfoCircle size={18} />,
      autoClose: level === 'warning' ? 10_000 : 5_000,
    });
  });
}
