// <input type="datetime-local"> speaks local "YYYY-MM-DDTHH:mm"; the API speaks ISO with offset.

const pad = (n: number) => String(n).padStart(2, '0');

export function toLocalInput(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The local wall time typed by the user as a Date; null when empty or not a date. */
export function fromLocalInput(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Tomorrow (or `days` ahead) at hh:00 local. */
export function daysAheadAt(days: number, hour: number, now = new Date()): Date {
  const d = new Date(now);
  d.setDate(d.getDate() + days);
  d.setHours(hour, 0, 0, 0);
  return d;
}

/** Next Monday at hh:00 local (a week ahead when today is Monday). */
export function nextMondayAt(hour: number, now = new Date()): Date {
  const days = ((8 - now.getDay()) % 7) || 7;
  return daysAheadAt(days, hour, now);
}
