import { DateTime } from 'luxon';
import { minutesOf, type Activity, type Contract } from './schedule.js';

const HOUR = 3_600_000;

/** A week's work as one person would do it, offered in shift bidding: numbered, without a name. */
export interface ScheduleLine {
  line: number;
  activities: readonly Activity[];
}

/**
 * Whether a line fits a person: its paid hours within the contract, its days among the contract's,
 * its shifts within the earliest start and latest end, none in the person's time off.
 */
export function lineFits(line: ScheduleLine, c: Contract, timeOff: readonly { start: number; end: number }[], zone: string): boolean {
  const paid = line.activities.reduce((t, a) => t + (a.kind === 'time-off' ? 0 : a.end - a.start), 0) / HOUR;
  if (paid > c.hoursPerWeek + 1e-9) return false;
  for (const a of line.activities) {
    const from = DateTime.fromMillis(a.start, { zone });
    const to = DateTime.fromMillis(a.end, { zone });
    if (c.days && !c.days.includes(from.weekday)) return false;
    if (c.earliest && from.hour * 60 + from.minute < minutesOf(c.earliest)) return false;
    const endMinutes = to.hasSame(from, 'day') ? to.hour * 60 + to.minute : 24 * 60;
    if (c.latest && endMinutes > minutesOf(c.latest)) return false;
    if (timeOff.some((o) => o.start < a.end && a.start < o.end)) return false;
  }
  return true;
}

export interface BidAward {
  /** Line -> the person who gets it. */
  award: Map<number, string>;
  /** Lines nobody could take (nobody left whom they fit). */
  unawarded: number[];
  /** People left without a line. */
  without: string[];
}

/**
 * Shift bidding: in order of seniority, each person gets the first line of their ranking that is
 * still free and fits them; then those whose bids are all taken (or who did not bid) get, in the
 * same order, the line they had if it is free, else the first free line that fits.
 */
export interface Bidder {
  user: string;
  fits: (l: ScheduleLine) => boolean;
  /** Lines wanted, most wanted first. */
  ranking: readonly number[];
  /** The line that was theirs in the draft, if any. */
  had: number | null;
}

export function awardLines(lines: readonly ScheduleLine[], people: readonly Bidder[]): BidAward {
  const byNo = new Map(lines.map((l) => [l.line, l]));
  const free = new Set(lines.map((l) => l.line));
  const award = new Map<number, string>();
  const take = (line: number, user: string) => {
    free.delete(line);
    award.set(line, user);
  };
  const left: Bidder[] = [];
  for (const p of people) {
    const pick = p.ranking.find((n) => free.has(n) && p.fits(byNo.get(n)!));
    if (pick === undefined) left.push(p);
    else take(pick, p.user);
  }
  const without: string[] = [];
  for (const p of left) {
    const pick = p.had !== null && free.has(p.had) && p.fits(byNo.get(p.had)!) ? p.had : [...free].find((n) => p.fits(byNo.get(n)!));
    if (pick === undefined) without.push(p.user);
    else take(pick, p.user);
  }
  return { award, unawarded: [...free].sort((a, b) => a - b), without };
}
