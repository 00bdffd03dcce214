import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deviceOf, engage, featuresOf, inSegment, outcomesReached, pathMatches, scoreOutcome, segmentsOf, trainOutcome, type ActionMap, type EngageContext, type Journey, type Outcome, type Segment } from '../../src/index.js';

const T0 = Date.UTC(2026, 11, 1, 10);
const page = (path: string, s = 0) => ({ kind: 'page' as const, path, at: T0 + s * 1000 });
const journey = (steps: Journey['steps'], more: Partial<Journey> = {}): Journey => ({ visits: 1, device: 'desktop', referrer: null, campaign: null, identified: false, steps, ...more });

const SEGMENTS: Segment[] = [
  { id: 'mobile', name: 'Mobile', devices: ['mobile'] },
  { id: 'returning', name: 'Returning', returning: true },
  { id: 'shoppers', name: 'Shoppers', pages: ['/shop/checkout*'] },
  { id: 'returns', name: 'Returns', searches: ['return', 'refund'] },
  { id: 'spring', name: 'Spring campaign on mobile', campaigns: ['Spring'], devices: ['mobile'] },
];
const PURCHASE: Outcome = { id: 'purchase', name: 'Purchase', pages: ['/shop/thanks'], events: ['paid'] };

describe('engagement: journeys and segments', () => {
  it('matches paths with wildcards, whole and case aside', () => {
    expect(pathMatches('/shop/checkout*', '/shop/checkout/payment')).toBe(true);
    expect(pathMatches('/shop/checkout*', '/Shop/Checkout')).toBe(true);
    expect(pathMatches('/shop/checkout', '/shop/checkout/payment')).toBe(false);
    expect(pathMatches('/a.b', '/axb')).toBe(false);
  });

  it('puts a visitor in every segment whose conditions all hold', () => {
    const j = journey([page('/'), { kind: 'search', query: 'How do I RETURN shoes?', at: T0 + 1 }, page('/shop/checkout', 5)], { device: 'mobile', visits: 3, campaign: 'spring' });
    expect(segmentsOf(SEGMENTS, j)).toEqual(['mobile', 'returning', 'shoppers', 'returns', 'spring']);
    expect(segmentsOf(SEGMENTS, journey([page('/')]))).toEqual([]);
    expect(inSegment({ id: 'x', name: 'x', minPages: 3 }, j)).toBe(false);
    expect(inSegment({ id: 'x', name: 'x', referrers: ['google'] }, journey([], { referrer: 'www.google.com' }))).toBe(true);
  });

  it('tells devices apart from the user agent', () => {
    expect(deviceOf('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148')).toBe('mobile');
    expect(deviceOf('Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)')).toBe('tablet');
    expect(deviceOf('Mozilla/5.0 (Linux; Android 14; SM-X710)')).toBe('tablet');
    expect(deviceOf('Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile')).toBe('mobile');
    expect(deviceOf('Mozilla/5.0 (X11; Linux x86_64) Chrome/120')).toBe('desktop');
  });

  it('reaches an outcome on its page or event', () => {
    expect(outcomesReached([PURCHASE], journey([page('/'), page('/shop/thanks')]))).toEqual(['purchase']);
    expect(outcomesReached([PURCHASE], journey([{ kind: 'event', name: 'paid', at: T0 }]))).toEqual(['purchase']);
    expect(outcomesReached([PURCHASE], journey([page('/shop/checkout')]))).toEqual([]);
  });
});

/** Past visits: through the basket most buy; those who stop at shipping costs mostly do not. */
function history(): Journey[] {
  const out: Journey[] = [];
  for (let i = 0; i < 60; i++) out.push(journey([page('/'), page('/shop/basket'), page('/shop/checkout'), page('/shop/thanks')], { visits: 2 }));
  for (let i = 0; i < 10; i++) out.push(journey([page('/'), page('/shop/basket'), page('/shop/checkout')]));
  for (let i = 0; i < 40; i++) out.push(journey([page('/'), page('/shop/shipping-costs'), page('/shop/checkout')]));
  for (let i = 0; i < 5; i++) out.push(journey([page('/'), page('/shop/shipping-costs'), page('/shop/checkout'), page('/shop/thanks')]));
  for (let i = 0; i < 80; i++) out.push(journey([page('/')]));
  return out;
}

describe('engagement: the outcome score', () => {
  const model = trainOutcome(PURCHASE, history(), SEGMENTS);

  it('learns only from what a visit did before it reached the outcome', () => {
    expect(model).toMatchObject({ visits: 195, reached: 65 });
    expect(model.features['page:/shop/thanks']).toBeUndefined();
    expect(model.features['page:/shop/basket']).toEqual([60, 10]);
  });

  it('scores the likely buyer above the one stuck at shipping costs, and says why', () => {
    const buyer = scoreOutcome(model, journey([page('/'), page('/shop/basket'), page('/shop/checkout')], { visits: 2 }), SEGMENTS)!;
    const stuck = scoreOutcome(model, journey([page('/'), page('/shop/shipping-costs'), page('/shop/checkout')]), SEGMENTS)!;
    expect(buyer.percent).toBeGreaterThan(80);
    expect(stuck.percent).toBeLessThan(25);
    expect(stuck.because.map((b) => b.feature)).toContain('page:/shop/shipping-costs');
    expect(stuck.because.find((b) => b.feature === 'page:/shop/shipping-costs')!.factor).toBeLessThan(1);
  });

  it('has no score from too few past visits', () => {
    expect(scoreOutcome(trainOutcome(PURCHASE, history().slice(0, 20)), journey([page('/')]))).toBeNull();
  });

  it('property: a score is a percentage, and more visits that reached the outcome after a page raise the score of that page', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 20 }), (withIt, without, more) => {
        const base = history();
        const add = (n: number, reach: boolean) => Array.from({ length: n }, () => journey([page('/x'), ...(reach ? [page('/shop/thanks')] : [])]));
        const j = journey([page('/x')]);
        const a = scoreOutcome(trainOutcome(PURCHASE, [...base, ...add(withIt, true), ...add(without, false)]), j)!;
        const b = scoreOutcome(trainOutcome(PURCHASE, [...base, ...add(withIt + more, true), ...add(without, false)]), j)!;
        expect(a.percent).toBeGreaterThanOrEqual(0);
        expect(a.percent).toBeLessThanOrEqual(100);
        expect(b.percent).toBeGreaterThanOrEqual(a.percent);
      }),
      { numRuns: 60 },
    );
  });

  it('features name what the visit shows (searches without the little words)', () => {
    expect(featuresOf(journey([{ kind: 'search', query: 'How to return my shoes', at: T0 }]))).toEqual(['device:desktop', 'new', 'search:return', 'search:shoes']);
    expect(featuresOf(journey([page('/A'), { kind: 'search', query: 'Refund!', at: T0 }, { kind: 'event', name: 'cart', at: T0 }], { campaign: 'Spring', referrer: 'google.com', visits: 2 }), SEGMENTS)).toEqual(
      expect.arrayContaining(['device:desktop', 'returning', 'campaign:spring', 'referrer:google.com', 'page:/a', 'search:refund', 'event:cart', 'segment:returns']),
    );
  });
});

describe('engagement: action maps', () => {
  const HELP: ActionMap = {
    id: 'checkout-help',
    name: 'Help at checkout',
    segments: ['shoppers'],
    trigger: { pages: ['/shop/checkout*'], secondsOnPage: 20, outcome: { id: 'purchase', below: 50 } },
    action: { kind: 'chat', topic: 'orders', message: 'Need a hand?' },
    maxWaitSeconds: 120,
  };
  const RETURNS: ActionMap = { id: 'returns', name: 'Returns', position: 1, trigger: { searches: ['return'] }, action: { kind: 'content', title: 'Returns', body: 'Free within 30 days.', url: '/shop/returns' } };
  const ctx = (over: Partial<EngageContext> = {}): EngageContext => ({
    journey: journey([page('/'), { kind: 'search', query: 'return policy', at: T0 + 1000 }, page('/shop/checkout', 10)]),
    segments: ['shoppers'],
    scores: { purchase: 20 },
    outcomesReached: [],
    now: T0 + 31_000,
    offered: new Set(),
    declinedAt: null,
    busy: false,
    chatTopic: () => ({ open: true, waitSeconds: 30 }),
    ...over,
  });

  it('offers the first map whose segment and trigger hold, with the reasons', () => {
    expect(engage([RETURNS, HELP], ctx())).toEqual({ kind: 'offer', map: HELP, reasons: ['in segment shoppers', 'on /shop/checkout', '21 s on the page', 'purchase score 20 %'] });
  });

  it('waits until the visitor has been long enough on the page, and not when likely to buy anyway', () => {
    expect(engage([HELP], ctx({ now: T0 + 25_000 }))).toBeNull();
    expect(engage([HELP], ctx({ scores: { purchase: 70 } }))).toBeNull();
    expect(engage([HELP], ctx({ scores: {} }))).toBeNull();
    expect(engage([HELP], ctx({ outcomesReached: ['purchase'] }))).toBeNull();
    expect(engage([HELP], ctx({ segments: [] }))).toBeNull();
  });

  it('holds a chat nobody can take now or with a long wait', () => {
    expect(engage([HELP], ctx({ chatTopic: () => ({ open: false, waitSeconds: null }) }))).toMatchObject({ kind: 'held', why: 'the topic takes no chat now' });
    expect(engage([HELP], ctx({ chatTopic: () => ({ open: true, waitSeconds: 300 }) }))).toMatchObject({ kind: 'held', why: 'the usual wait is 300 s' });
  });

  it('offers each map once a visit, nothing while busy, and nothing for a while after a no thanks', () => {
    expect(engage([HELP, RETURNS], ctx({ offered: new Set(['checkout-help']) }))?.map.id).toBe('returns');
    expect(engage([HELP, RETURNS], ctx({ busy: true }))).toBeNull();
    expect(engage([HELP, RETURNS], ctx({ declinedAt: T0 + 20_000 }))).toBeNull();
    expect(engage([HELP, RETURNS], ctx({ declinedAt: T0 - 300_000 }))?.map.id).toBe('checkout-help');
    expect(engage([{ ...HELP, enabled: false }], ctx())).toBeNull();
  });

  it('property: never offers a map already offered in the visit, nor a disabled one', () => {
    const maps = [HELP, RETURNS, { ...RETURNS, id: 'r2', position: 2 }, { ...HELP, id: 'h2', segments: [], enabled: false }];
    fc.assert(
      fc.property(fc.subarray(maps.map((m) => m.id)), fc.boolean(), fc.integer({ min: 0, max: 100 }), (offered, open, score) => {
        const e = engage(maps, ctx({ offered: new Set(offered), scores: { purchase: score }, chatTopic: () => ({ open, waitSeconds: 10 }) }));
        if (e) {
          expect(offered).not.toContain(e.map.id);
          expect(e.map.enabled).not.toBe(false);
        }
      }),
    );
  });
});
