import type { Calendar } from '@worklane/core';
import type { Collection } from '../admin/crud.js';
import { checkCalendar } from './check.js';
import { CalendarItem } from './item.js';
import { calendarUses, getCalendar, listCalendars, writeCalendar } from './store.js';

/** GET/POST /calendars, GET/PATCH/DELETE /calendars/{id}: the generic configuration CRUD (audit `config.calendar.*`). */
export const calendars: Collection<CalendarItem, Calendar> = {
  kind: 'calendar',
  path: '/api/v1/calendars',
  key: 'id',
  schema: CalendarItem,
  list: listCalendars,
  get: getCalendar,
  check: (item) => checkCalendar(item),
  save: async (trx, item) => (await writeCalendar(trx, item), item.id),
  usedBy: calendarUses,
  remove: async (trx, id) => void (await trx.deleteFrom('calendars').where('id', '=', id).execute()),
};
