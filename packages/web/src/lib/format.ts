import type { PresenceStatus, TaskState } from '../api/types';

export const PRESENCE_LABEL: Record<PresenceStatus, string> = {
  available: 'Available',
  'not-ready': 'Not ready',
  busy: 'Busy',
  'after-work': 'After work',
  offline: 'Offline',
};

export const PRESENCE_COLOR: Record<PresenceStatus, string> = {
  available: 'green',
  'not-ready': 'orange',
  busy: 'blue',
  'after-work': 'violet',
  offline: 'gray',
};

export const TASK_STATE_LABEL: Record<TaskState, string> = {
  queued: 'Queued',
  offered: 'Offered',
  assigned: 'Assigned',
  'wrap-up': 'Wrap-up',
  scheduled: 'Scheduled',
  paused: 'Paused',
  completed: 'Completed',
  canceled: 'Canceled',
};

export const TASK_STATE_COLOR: Record<TaskState, string> = {
  queued: 'gray',
  offered: 'yellow',
  assigned: 'blue',
  'wrap-up': 'violet',
  scheduled: 'cyan',
  paused: 'orange',
  completed: 'green',
  canceled: 'red',
};

/** A short one-line rendering of any attribute or event data value. */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** "under a minute", "about a minute", "about 4 minutes": the usual wait a visitor is told (null when unknown). */
export function usualWait(seconds: number | null | undefined): string | null {
  if (seconds === null || seconds === undefined) return null;
  if (seconds < 60) return 'under a minute';
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? 'about a minute' : `about ${minutes} minutes`;
}

/** What a media type is called next to a task (work items need no word). */
/** Tasks that are a conversation (a web chat, an SMS or a social media conversation): they have a chat to read and write in. */
export const isConversation = (source: string | null | undefined) => source === 'chat' || source === 'sms' || source === 'social';

/** Social media platforms by name. */
export const PLATFORM_LABEL: Record<string, string> = { facebook: 'Facebook', twitter: 'Twitter' };

export const MEDIA_LABEL: Record<string, string | null> = { workitem: null, email: 'E-mail', chat: 'Chat', sms: 'SMS', social: 'Social', callback: 'Callback', voice: 'Call' };
