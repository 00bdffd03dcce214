import { normalizePhone } from '../callback/index.js';

/**
 * Outbound campaigns in preview mode (seed CE11, without a dialer): a contact list is checked (a
 * number we can call, once per campaign, not on the do-not-call list), each contact becomes work
 * an agent previews (the contact's data and the campaign's script) before calling; the call's
 * result is a wrap-up code, or an attempt that did not reach them (callback's retry rules), or
 * "do not call" (the number joins the list). The dialer's own modes (power, predictive, agentless)
 * need telephony and are not here.
 */
export interface ContactInput {
  phone: string;
  name?: string;
  /** What the list says of the contact besides (shown to the agent, usable in the script). */
  data?: Record<string, string>;
}

export interface CheckedContact {
  /** 1-based place in the list sent. */
  line: number;
  phone: string;
  name: string;
  data: Record<string, string>;
}

export type ContactRefusal = 'not a phone number' | 'twice in the list' | 'already in the campaign' | 'on the do-not-call list';

export interface ContactCheck {
  accepted: CheckedContact[];
  refused: { line: number; phone: string; reason: ContactRefusal }[];
}

/**
 * A contact list as the campaign takes it: numbers normalized (callback's `normalizePhone`), each
 * number once (the first line keeps it), none already in the campaign, none on the do-not-call list.
 */
export function checkContacts(list: readonly ContactInput[], dnc: ReadonlySet<string>, inCampaign: ReadonlySet<string>): ContactCheck {
  const out: ContactCheck = { accepted: [], refused: [] };
  const seen = new Set<string>();
  list.forEach((c, i) => {
    const line = i + 1;
    const phone = normalizePhone(c.phone);
    const refuse = (reason: ContactRefusal) => out.refused.push({ line, phone: phone ?? c.phone, reason });
    if (!phone) return refuse('not a phone number');
    if (seen.has(phone)) return refuse('twice in the list');
    seen.add(phone);
    if (inCampaign.has(phone)) return refuse('already in the campaign');
    if (dnc.has(phone)) return refuse('on the do-not-call list');
    out.accepted.push({ line, phone, name: c.name?.trim() || phone, data: c.data ?? {} });
  });
  return out;
}

/**
 * The campaign's script for one call: `{{name}}`, `{{phone}}`, `{{agent}}` and the contact's own
 * fields by name; a field the contact lacks shows as `[field]` so the agent sees what is missing.
 */
export function fillScript(script: string, values: Record<string, string | undefined>): string {
  return script.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_m, k: string) => values[k]?.trim() || `[${k}]`);
}

/** Where a contact stands, from its work: done (reached or not), under way, or not started. */
export type ContactState = 'pending' | 'do-not-call' | 'waiting' | 'calling' | 'reached' | 'not-reached';
export const CONTACT_STATES: readonly ContactState[] = ['pending', 'waiting', 'calling', 'reached', 'not-reached', 'do-not-call'];

/** The reason a contact's work is canceled when they ask not to be called again. */
export const OPTED_OUT_REASON = 'asked not to be called';
/** The reason waiting work is canceled when its campaign stops (the contact is pending again). */
export const STOPPED_REASON = 'campaign stopped';

/** `dnc`: the contact is on the do-not-call list for this campaign (refused at start, or opted out). */
export function contactState(dnc: boolean, taskState: string | null): ContactState {
  if (dnc) return 'do-not-call';
  switch (taskState) {
    case null:
      return 'pending';
    case 'queued':
    case 'offered':
    case 'scheduled':
      return 'waiting';
    case 'completed':
      return 'reached';
    case 'canceled':
      return 'not-reached';
    default:
      return 'calling';
  }
}

/** The reason a call is withdrawn when its campaign's end has come. */
export const ENDED_REASON = 'campaign ended';

/** A campaign's dates: calls from `startsAt`, none after `endsAt` (epoch ms; null: no bound). */
export interface CampaignDates {
  startsAt: number | null;
  endsAt: number | null;
}

/** Dates that make no campaign: an end before the start, or an end already past. By field. */
export function checkDates(d: CampaignDates, now: number): { pointer: string; message: string }[] {
  if (d.endsAt === null) return [];
  if (d.startsAt !== null && d.endsAt <= d.startsAt) return [{ pointer: '/endsAt', message: 'must be after startsAt' }];
  if (d.endsAt <= now) return [{ pointer: '/endsAt', message: 'is past: a campaign ends later than now' }];
  return [];
}

/**
 * When a campaign's calls may first be offered: now, or its start when that is later, then the
 * calling hours' next opening from there (`opensFrom`: the calendar's `nextOpen`, identity without
 * one). Null: never within its dates (it ends first, or the calendar never opens again).
 */
export function firstCallAt(d: CampaignDates, now: number, opensFrom: (t: number) => number | null): number | null {
  const at = opensFrom(Math.max(now, d.startsAt ?? now));
  if (at === null || (d.endsAt !== null && at >= d.endsAt)) return null;
  return at;
}
