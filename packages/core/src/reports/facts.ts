/**
 * One aggregate of the rollup: what happened (`metric`) in one bucket for one queue / agent /
 * case type / code, with a count, a sum and a max of the metric's duration in seconds, and how many
 * were "within" (answered within the service-level threshold; case closed without an SLA breach;
 * case task completed without an OLA breach). Empty string = not applicable.
 */
export interface Fact {
  bucket: number;
  metric: string;
  queue: string;
  agent: string;
  caseType: string;
  code: string;
  n: number;
  total: number;
  max: number | null;
  within: number;
}

export interface Agg {
  n: number;
  total: number;
  max: number | null;
  within: number;
}

export const emptyAgg = (): Agg => ({ n: 0, total: 0, max: null, within: 0 });

export function addAgg(a: Agg, f: Agg): void {
  a.n += f.n;
  a.total += f.total;
  a.within += f.within;
  if (f.max !== null) a.max = a.max === null ? f.max : Math.max(a.max, f.max);
}

/** Aggregates of one report row by metric and code, with sums over codes. */
export class Metrics {
  private readonly byKey = new Map<string, Agg>();

  add(f: Fact): void {
    for (const key of [`${f.metric}\u0000${f.code}`, `${f.metric}\u0000*`]) {
      let a = this.byKey.get(key);
      if (!a) this.byKey.set(key, (a = emptyAgg()));
      addAgg(a, f);
    }
  }

  /** `code` undefined: every code of the metric; a trailing `*` matches a prefix. */
  get(metric: string, code?: string): Agg {
    if (code?.endsWith('*')) {
      const out = emptyAgg();
      const prefix = `${metric}\u0000${code.slice(0, -1)}`;
      for (const [k, a] of this.byKey) if (k.startsWith(prefix) && !k.endsWith('\u0000*')) addAgg(out, a);
      return out;
    }
    return this.byKey.get(`${metric}\u0000${code ?? '*'}`) ?? emptyAgg();
  }

  codes(metric: string): { code: string; agg: Agg }[] {
    const prefix = `${metric}\u0000`;
    return [...this.byKey].filter(([k]) => k.startsWith(prefix) && !k.endsWith('\u0000*')).map(([k, agg]) => ({ code: k.slice(prefix.length), agg }));
  }
}
