import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bucketStart, bucketStarts, buildReport, checkRange, percentilesOf, csvField, percentile, reportNamed, serviceLevel, toCsv, wholeDays, type Fact } from '../../src/index.js';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);

describe('report buckets', () => {
  it('cuts days, weeks (Monday) and months at local midnight', () => {
    const t = at('2026-03-29T12:30:00Z'); // a Sunday; Europe/Paris moved to summer time that night
    expect(new Date(bucketStart(t, 'day', 'Europe/Paris', 0)).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(bucketStart(t, 'week', 'Europe/Paris', 0)).toISOString()).toBe('2026-03-22T23:00:00.000Z');
    expect(new Date(bucketStart(t, 'month', 'Europe/Paris', 0)).toISOString()).toBe('2026-02-28T23:00:00.000Z');
    expect(new Date(bucketStart(t, 'hour', 'Europe/Paris', 0)).toISOString()).toBe('2026-03-29T12:00:00.000Z');
    expect(bucketStart(t, 'total', 'UTC', 42)).toBe(42);
  });

  it('lists days of different lengths across a DST change', () => {
    const days = bucketStarts(at('2026-03-28T00:00:00Z'), at('2026-03-31T00:00:00Z'), 'day', 'Europe/Paris');
    expect(days.map((d) => new Date(d).toISOString())).toEqual(['2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z', '2026-03-30T22:00:00.000Z']);
  });

  it('every instant falls in a listed bucket, buckets strictly increase', () => {
    const zones = fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe');
    const interval = fc.constantFrom('hour' as const, 'day' as const, 'week' as const, 'month' as const);
    fc.assert(
      fc.property(zones, interval, fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }), fc.integer({ min: 1, max: 24 * 40 }), (zone, iv, from0, hours) => {
        const from = Math.floor(from0 / H) * H;
        const to = from + hours * H;
        const list = bucketStarts(from, to, iv, zone);
        for (let i = 1; i < list.length; i++) expect(list[i]!).toBeGreaterThan(list[i - 1]!);
        for (let t = from; t < to; t += H * 7) expect(list).toContain(bucketStart(t, iv, zone, from));
      }),
      { numRuns: 150 },
    );
  });

  it('checks ranges: widened to whole hours, to after from, bounded per interval', () => {
    expect(checkRange(at('2026-01-01T00:10:00Z'), at('2026-01-01T01:10:00Z'), 'hour')).toEqual({ from: at('2026-01-01T00:00:00Z'), to: at('2026-01-01T02:00:00Z') });
    expect(checkRange(at('2026-01-02T00:00:00Z'), at('2026-01-01T00:00:00Z'), 'day')).toMatchObject({ param: 'to' });
    expect(checkRange(at('2026-01-01T00:00:00Z'), at('2026-03-01T00:00:00Z'), 'hour')).toMatchObject({ param: 'to', detail: expect.stringContaining('too large') });
    expect(checkRange(at('2026-01-01T00:00:00Z'), at('2026-03-01T00:00:00Z'), 'day')).toHaveProperty('from');
  });
});

describe('report math', () => {
  it('service level counts late abandons against it; nothing answered is null', () => {
    expect(serviceLevel(8, 10)).toBe(80);
    expect(serviceLevel(8, 10, 2)).toBeCloseTo(66.7);
    expect(serviceLevel(0, 0)).toBeNull();
  });
  it('nearest-rank percentile', () => {
    expect(percentile([], 0.9)).toBeNull();
    expect(percentile([5], 0.9)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    fc.assert(fc.property(fc.array(fc.integer(), { minLength: 1 }), (xs) => xs.includes(percentile(xs, 0.9)!)));
  });
});

describe('CSV', () => {
  it('quotes per RFC 4180 and disarms spreadsheet formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('x\ny')).toBe('"x\ny"');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField(-3)).toBe('-3');
    expect(csvField(null)).toBe('');
    expect(toCsv([{ key: 'a', label: 'A' }, { key: 'b', label: 'B, too' }], [{ a: 1, b: 'x' }])).toBe('A,"B, too"\r\n1,x\r\n');
  });

  it('round-trips any text through a minimal RFC 4180 reader', () => {
    const parse = (s: string): string[][] => {
      const rows: string[][] = [];
      let row: string[] = [];
      let f = '';
      let q = false;
      for (let i = 0; i < s.length; i++) {
        const c = s[i]!;
        if (q) {
          if (c === '"' && s[i + 1] === '"') {
            f += '"';
            i++;
          } else if (c === '"') q = false;
          else f += c;
        } else if (c === '"') q = true;
        else if (c === ',') {
          row.push(f);
          f = '';
        } else if (c === '\r' && s[i + 1] === '\n') {
          row.push(f);
          rows.push(row);
          row = [];
          f = '';
          i++;
        } else f += c;
      }
      return rows;
    };
    fc.assert(
      fc.property(fc.array(fc.string().filter((s) => !/^[=+\-@\t\r]/.test(s)), { minLength: 1, maxLength: 5 }), (cells) => {
        const cols = cells.map((_, i) => ({ key: `k${i}`, label: `c${i}` }));
        const row = Object.fromEntries(cells.map((c, i) => [`k${i}`, c]));
        expect(parse(toCsv(cols, [row]))[1]).toEqual(cells);
      }),
    );
  });
});

describe('buildReport', () => {
  const fact = (o: Partial<Fact>): Fact => ({ bucket: 0, metric: 'created', queue: 'q1', agent: '', caseType: '', code: '', n: 1, total: 0, max: null, within: 0, ...o });
  const name = (_: string, id: string) => id.toUpperCase();

  it('queue activity: waits, service level, abandons', () => {
    const def = reportNamed('queue-activity')!;
    const r = buildReport(def, [
      fact({ metric: 'created', n: 3 }),
      fact({ metric: 'assigned', n: 2, total: 100, max: 70, within: 1 }),
      fact({ metric: 'canceled', code: 'abandoned', n: 1, within: 1 }),
    ], percentilesOf([]), name);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ queue: 'q1', queueName: 'Q1', created: 3, assigned: 2, averageWaitSeconds: 50, maxWaitSeconds: 70, abandoned: 1, serviceLevelPercent: 33.3 });
  });

  it('counts of the rows add up to the total, whatever the facts', () => {
    const metrics = ['created', 'assigned', 'completed', 'canceled', 'case.created', 'case.closed', 'presence'];
    const arb = fc.array(
      fc.record({
        bucket: fc.integer({ min: 0, max: 5 }).map((b) => b * H),
        metric: fc.constantFrom(...metrics),
        queue: fc.constantFrom('', 'a', 'b'),
        agent: fc.constantFrom('', 'u1', 'u2'),
        caseType: fc.constantFrom('', 'c1', 'c2'),
        code: fc.constantFrom('', 'resolved', 'x'),
        n: fc.integer({ min: 0, max: 50 }),
        total: fc.integer({ min: 0, max: 5000 }),
        max: fc.constant(null),
        within: fc.integer({ min: 0, max: 10 }),
      }),
    );
    fc.assert(
      fc.property(arb, (facts) => {
        for (const [report, key] of [['queue-activity', 'created'], ['case-volumes', 'created'], ['agent-performance', 'handled'], ['wrap-ups', 'completed']] as const) {
          const def = reportNamed(report)!;
          // Facts without the report's grouping are not in it: compare like with like.
          const kept = facts.filter((f) => def.groupBy.every((d) => d === 'code' || f[d] !== ''));
          const r = buildReport(def, kept, percentilesOf([]), name);
          expect(r.rows.reduce((a, x) => a + Number(x[key]), 0)).toBe(r.total[key]);
        }
      }),
    );
  });

  it('case resolution p90 per bucket and case type', () => {
    const def = reportNamed('case-resolution')!;
    const durations = Array.from({ length: 10 }, (_, i) => ({ bucket: 0, caseType: 'c1', seconds: (i + 1) * 60 }));
    const r = buildReport(def, [fact({ metric: 'case.closed', caseType: 'c1', code: 'resolved', n: 10, total: 3300, max: 600 })], percentilesOf(durations), name);
    expect(r.rows[0]).toMatchObject({ caseType: 'c1', closed: 10, averageSeconds: 330, p90Seconds: 540, maxSeconds: 600 });
    expect(r.total).toMatchObject({ closed: 10, p90Seconds: 540 });
  });
});

describe('wholeDays', () => {
  it('finds the whole local days inside a range, or none', () => {
    expect(wholeDays(at('2026-06-01T00:00:00Z'), at('2026-06-03T00:00:00Z'), 'UTC')).toEqual({ from: at('2026-06-01T00:00:00Z'), to: at('2026-06-03T00:00:00Z') });
    expect(wholeDays(at('2026-06-01T05:00:00Z'), at('2026-06-03T07:00:00Z'), 'America/New_York')).toEqual({ from: at('2026-06-02T04:00:00Z'), to: at('2026-06-03T04:00:00Z') });
    expect(wholeDays(at('2026-06-01T05:00:00Z'), at('2026-06-01T23:00:00Z'), 'UTC')).toBeNull();
    expect(wholeDays(at('2026-06-01T00:00:00Z'), at('2026-06-05T00:00:00Z'), 'Asia/Kolkata')).toBeNull(); // days start at :30
  });
});
