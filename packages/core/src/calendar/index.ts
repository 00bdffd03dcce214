export * from './types.js';
export { isValidZone } from './zone.js';
export {
  addBusinessDays,
  addBusinessTime,
  businessTimeBetween,
  isOpen,
  nextClose,
  nextOpen,
  openPeriods,
  type OpenPeriod,
} from './business.js';
export { clockStatus, clockTargetMs, durationMs, nextClockEvent, nextClockEventAt } from './clock.js';
export { clockReached, planFiring, type FireKind, type FiringPlan } from './firing.js';
export { validateCalendar, validateClockPolicy } from './validate.js';
export { localDate, localDayStart, localIso } from './local.js';
