import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringOf } from './fuzz-support.js';

// The fuzzer's own generators: a string schema whose pattern mostly matches short strings and whose
// minLength is long once hung CI (drawn and filtered for ever). Now a sample always comes back.
describe('fuzz generators', () => {
  it('a pattern with a long minLength gives strings at once, most of them valid', () => {
    const schema = { type: 'string', minLength: 16, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' };
    const sample = fc.sample(stringOf(schema as never), { numRuns: 200, seed: 42 });
    expect(sample).toHaveLength(200);
    const valid = sample.filter((x) => x.length >= 16 && x.length <= 64 && /^[A-Za-z0-9_-]+$/.test(x));
    expect(valid.length).toBeGreaterThan(150);
    // A pattern that cannot be stretched (a fixed shape) still answers: an input for the API to refuse.
    const fixed = fc.sample(stringOf({ type: 'string', minLength: 12, pattern: '^[0-9]{4}$' } as never), { numRuns: 50, seed: 1 });
    expect(fixed).toHaveLength(50);
  });
});
