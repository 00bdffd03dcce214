import { validateCalendar } from '@worklane/core';
import type { FieldError } from '../http/problems.js';
import type { CalendarItem } from './item.js';

/** Checks beyond the shape (zone, overlaps, inverted periods, real and unique dates), pointers under `at`. */
export function checkCalendar(c: CalendarItem, at = ''): FieldError[] {
  return validateCalendar(c).map((e) => ({ pointer: `${at}${e.pointer}`, message: e.message }));
}
