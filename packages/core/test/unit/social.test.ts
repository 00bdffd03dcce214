import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { actionable, parseFacebook, parseSocial, parseTwitter } from '../../src/index.js';

const PAGE = '1001';
const fbFeed = (value: object) => ({ object: 'page', entry: [{ id: PAGE, time: 1, changes: [{ field: 'feed', value }] }] });

describe('social media webhooks (CE19)', () => {
  it('reads Facebook posts, comments and Messenger messages, leaving the page\'s own and other pages\' aside', () => {
    const payload = {
      object: 'page',
      entry: [
        {
          id: PAGE,
          time: 1_700_000_000,
          changes: [
            { field: 'feed', value: { item: 'status', verb: 'add', post_id: `${PAGE}_1`, message: 'Where is my order?', from: { id: 'u1', name: 'Jane Doe' }, created_time: 1_700_000_000 } },
            { field: 'feed', value: { item: 'comment', verb: 'add', post_id: `${PAGE}_2`, comment_id: `${PAGE}_2_9`, parent_id: `${PAGE}_2`, message: 'Same here', from: { id: 'u2', name: 'Joe' }, created_time: 1_700_000_100 } },
            { field: 'feed', value: { item: 'comment', verb: 'add', comment_id: 'c3', message: 'Our answer', from: { id: PAGE, name: 'Acme' } } },
            { field: 'feed', value: { item: 'comment', verb: 'edited', comment_id: 'c4', message: 'edited', from: { id: 'u2', name: 'Joe' } } },
            { field: 'feed', value: { item: 'reaction', verb: 'add', post_id: 'p5', from: { id: 'u2', name: 'Joe' } } },
            { field: 'ratings', value: { item: 'comment', verb: 'add', comment_id: 'c6', message: 'x', from: { id: 'u2' } } },
          ],
          messaging: [
            { sender: { id: 'psid-7' }, recipient: { id: PAGE }, timestamp: 1_700_000_200_000, message: { mid: 'm_1', text: '  my card\u0000 is blocked ' } },
            { sender: { id: PAGE }, recipient: { id: 'psid-7' }, timestamp: 1_700_000_300_000, message: { mid: 'm_2', text: 'echo', is_echo: true } },
            { sender: { id: 'psid-7' }, recipient: { id: PAGE }, timestamp: 1_700_000_400_000, message: { mid: 'm_3', attachments: [{ type: 'image' }] } },
            { sender: { id: 'psid-7' }, recipient: { id: PAGE }, delivery: { mids: ['m_2'] } },
          ],
        },
        { id: '2002', changes: [{ field: 'feed', value: { item: 'status', verb: 'add', post_id: 'x', message: 'not ours', from: { id: 'u9', name: 'X' } } }] },
      ],
    };
    expect(parseFacebook(payload, PAGE)).toEqual([
      { kind: 'public', id: `${PAGE}_1`, author: { id: 'u1', name: 'Jane Doe', handle: null }, text: 'Where is my order?', at: 1_700_000_000_000, replyTo: `${PAGE}_1` },
      { kind: 'public', id: `${PAGE}_2_9`, author: { id: 'u2', name: 'Joe', handle: null }, text: 'Same here', at: 1_700_000_100_000, replyTo: `${PAGE}_2_9` },
      { kind: 'private', id: 'm_1', author: { id: 'psid-7', name: 'Messenger user psid-7', handle: null }, text: 'my card is blocked', at: 1_700_000_200_000, replyTo: 'psid-7' },
      { kind: 'private', id: 'm_3', author: { id: 'psid-7', name: 'Messenger user psid-7', handle: null }, text: '(an attachment)', at: 1_700_000_400_000, replyTo: 'psid-7' },
    ]);
    expect(parseFacebook(fbFeed({ item: 'status', verb: 'add', post_id: 'p', message: 'hi', from: { id: 'u' } }), '9999')).toEqual([]);
  });

  it('reads Twitter tweets and direct messages for the account, leaving its own, retweets and other accounts\' aside', () => {
    const payload = {
      for_user_id: '42',
      tweet_create_events: [
        { id_str: 't1', text: '@acme my parcel is late', timestamp_ms: '1700000000000', user: { id_str: 'u1', name: 'Jane', screen_name: 'jane' } },
        { id_str: 't2', text: 'short', extended_tweet: { full_text: 'the long version of it' }, user: { id_str: 'u2', name: 'Joe', screen_name: 'joe' }, created_at: 'Wed Oct 10 20:19:24 +0000 2018' },
        { id_str: 't3', text: 'our reply', user: { id_str: '42', screen_name: 'acme' } },
        { id_str: 't4', text: 'RT', user: { id_str: 'u3', screen_name: 'x' }, retweeted_status: { id_str: 't1' } },
      ],
      direct_message_events: [
        { type: 'message_create', id: 'd1', created_timestamp: '1700000001000', message_create: { sender_id: 'u1', target: { recipient_id: '42' }, message_data: { text: 'my order number is 123' } } },
        { type: 'message_create', id: 'd2', message_create: { sender_id: '42', target: { recipient_id: 'u1' }, message_data: { text: 'ours' } } },
      ],
      users: { u1: { id: 'u1', name: 'Jane', screen_name: 'jane' } },
    };
    expect(parseTwitter(payload, '42')).toEqual([
      { kind: 'public', id: 't1', author: { id: 'u1', name: 'Jane', handle: 'jane' }, text: '@acme my parcel is late', at: 1_700_000_000_000, replyTo: 't1' },
      { kind: 'public', id: 't2', author: { id: 'u2', name: 'Joe', handle: 'joe' }, text: 'the long version of it', at: Date.parse('Wed Oct 10 20:19:24 +0000 2018'), replyTo: 't2' },
      { kind: 'private', id: 'd1', author: { id: 'u1', name: 'Jane', handle: 'jane' }, text: 'my order number is 123', at: 1_700_000_001_000, replyTo: 'u1' },
    ]);
    expect(parseTwitter(payload, '43')).toEqual([]);
    expect(parseSocial('twitter', payload, '42')).toHaveLength(3);
  });

  it('never throws on what a stranger posts', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.constantFrom('facebook' as const, 'twitter' as const), (v, p) => Array.isArray(parseSocial(p, v, '1'))));
    fc.assert(fc.property(fc.anything(), (v) => parseFacebook({ object: 'page', entry: [{ id: '1', changes: [v], messaging: [v] }] }, '1').every((x) => x.text.length > 0)));
  });

  it('takes private messages always, public posts with a keyword or naming the account (CE19 actionability)', () => {
    const f = { keywords: ['refund', 'order number'], handle: '@Acme' };
    expect(actionable({ kind: 'private', text: 'hello' }, f)).toEqual({ take: true, matched: [], reason: null });
    expect(actionable({ kind: 'public', text: 'I want a REFUND!' }, f)).toEqual({ take: true, matched: ['refund'], reason: null });
    expect(actionable({ kind: 'public', text: 'my Order-Number is 5' }, f).matched).toEqual(['order number']);
    expect(actionable({ kind: 'public', text: 'hey @acme, nice shop' }, f)).toEqual({ take: true, matched: ['@acme'], reason: null });
    expect(actionable({ kind: 'public', text: 'hey @acmeshop, nice shop' }, f).take).toBe(false);
    expect(actionable({ kind: 'public', text: 'love the weather' }, f)).toEqual({ take: false, matched: [], reason: 'no keyword and no mention of the account' });
    expect(actionable({ kind: 'public', text: 'love the weather' }, { keywords: [] }).take).toBe(true);
    // Property: a public post holding a keyword as words is taken, whatever surrounds it.
    fc.assert(fc.property(fc.string(), fc.string(), fc.constantFrom(...f.keywords), (before, after, k) => actionable({ kind: 'public', text: `${before} ${k} ${after}` }, f).take));
  });
});
