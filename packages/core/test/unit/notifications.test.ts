import { describe, expect, it } from 'vitest';
import { SAMPLE_CASE, TEMPLATE_LIMITS, buildVariables, renderTemplate, templateVariables, validateTemplate, type CaseView } from '../../src/index.js';

const CASE: CaseView = {
  id: 'c0ffee00-0000-4000-8000-000000000001',
  number: 1234566,
  caseType: { id: 'finance', name: 'Finance' },
  status: 'waiting_for_customer',
  fields: { order_number: 'A-77', 'invoice date': '2025-01-31', items: ['a', 'b'], description: 'Wrong amount', photo: { name: 'bill.jpg', size: 10 } },
  createdAt: new Date('2025-03-30T00:30:00Z'), // 01:30 in Brussels before the DST switch, 02:30 CEST is skipped
  sla: { dueAt: '2025-04-02T15:00:00Z', policy: { duration: 3, unit: 'days', mode: 'business' } },
  target: 'Finances_group_B',
  customer: { id: 'cust-1', name: 'Peeters', firstName: 'Jan', email: 'jan@example.com', phone: '+32471111111', segment: 'Gold', externalId: null, fields: { membership: 'M-9', Name: 'clash' } },
};

const render = (text: string, c: CaseView = CASE, timeZone = 'Europe/Brussels') => {
  const r = renderTemplate(text, buildVariables(c, { timeZone, portalLink: 'https://portal.example/p?t=abc', event: { type: 'case.closed', data: { resolution: 'Refunded' } } }), { timeZone });
  if (!r.ok) throw new Error(r.error.message);
  return r.text;
};

describe('notification variables', () => {
  it('maps a case to the source variable names', () => {
    const v = buildVariables(CASE, { timeZone: 'Europe/Brussels', portalLink: 'https://p/x' });
    expect(v).toMatchObject({
      Case_Type: 'Finance',
      Case_Id: '1234566',
      Case_Uid: CASE.id,
      Case_Description: 'Wrong amount',
      Case_SLA: 3,
      Case_SLA_Format: 'Days',
      Case_SLA_Type: 'Open office time',
      Case_Target: 'Finances_group_B',
      Case_Creation_Date: '2025-03-30',
      Case_Creation_Time: '01:30',
      Case_Created_At: '2025-03-30T01:30:00+01:00',
      Case_SLA_Due_Date: '2025-04-02',
      Case_SLA_Due_Time: '17:00', // CEST by then
      Case_Status: 'Waiting for customer',
      Case_Status_Code: 'waiting_for_customer',
      Customer_Name: 'Peeters',
      Customer_Firstname: 'Jan',
      Customer_Email: 'jan@example.com',
      Customer_Id: 'cust-1',
      Customer_membership: 'M-9',
      Portal_Link: 'https://p/x',
      Field_order_number: 'A-77',
      Field_invoice_date: '2025-01-31',
      Field_items: 'a, b',
      Field_photo: 'bill.jpg',
    });
    expect((v.fields as Record<string, unknown>).order_number).toBe('A-77');
    // A custom field never overrides a profile field.
    expect((v.customer as Record<string, unknown>).name).toBe('Peeters');
    expect(v.Customer_Name).toBe('Peeters');
  });

  it('dates follow the time zone, and a bad zone falls back to UTC', () => {
    expect(buildVariables(CASE, { timeZone: 'America/New_York' }).Case_Creation_Time).toBe('20:30');
    expect(buildVariables(CASE, { timeZone: 'America/New_York' }).Case_Creation_Date).toBe('2025-03-29');
    expect(buildVariables(CASE, { timeZone: 'Mars/Olympus' }).Case_Creation_Time).toBe('00:30');
  });

  it('a case without customer, SLA or number renders empty values, not errors', () => {
    const bare: CaseView = { id: 'x1', caseType: { id: 't', name: 'T' }, status: 'new', fields: {}, createdAt: '2025-01-01T00:00:00Z' };
    expect(render('[{{ Case_Id }}|{{ Case_SLA }}|{{ Customer_Name }}|{{ Case_Target }}|{{ nothing.here }}]', bare)).toBe('[x1||||]');
  });
});

describe('notification templates', () => {
  it('renders variables, form fields, filters and zoned dates', () => {
    const text = render(
      'Dear {{ Customer_Firstname }} {{ Customer_Name }},\nticket {{ Case_Id }} ({{ Case_Type | downcase }}) about {{ fields.order_number }}/{{ Field_order_number }} ' +
        'is {{ Case_Status }}; answer within {{ Case_SLA }} {{ Case_SLA_Format | downcase }}. Created {{ Case_Creation_Date }} {{ Case_Creation_Time }}; ' +
        '{{ Case_Created_At | date: "%H:%M %z" }}. {{ Event_Reason }}. {{ Portal_Link }}',
    );
    expect(text).toBe(
      'Dear Jan Peeters,\nticket 1234566 (finance) about A-77/A-77 is Waiting for customer; answer within 3 days. Created 2025-03-30 01:30; ' +
        '01:30 +0100. Refunded. https://portal.example/p?t=abc',
    );
  });

  it('the date filter formats in the zone it is given', () => {
    expect(render('{{ Case_Created_At | date: "%Y-%m-%d %H:%M" }}', CASE, 'Asia/Tokyo')).toBe('2025-03-30 09:30');
  });

  it('validates on save: parse errors with line and column', () => {
    expect(validateTemplate('Hello {{ Customer_Name }}')).toBeNull();
    expect(validateTemplate('Hello\n{% if Case_Id %}\nno end')).toMatchObject({ message: expect.stringMatching(/not closed/), line: 2, col: 1 });
    expect(validateTemplate('Hi\n  {{ Case_Id ')).toMatchObject({ message: expect.stringMatching(/not closed/), line: 2, col: 3 });
    expect(validateTemplate('{{ Case_Id | no_such_filter }}')).toMatchObject({ message: expect.stringMatching(/undefined filter: no_such_filter/), line: 1 });
    expect(validateTemplate('{% frobnicate %}')).toMatchObject({ message: expect.stringMatching(/tag "frobnicate" not found/) });
  });

  it('has no file access: include, render and layout are not tags', () => {
    for (const t of ['{% include "/etc/passwd" %}', '{% render "x" %}', '{% layout "x" %}', '{% block a %}{% endblock %}']) {
      expect(validateTemplate(t)?.message, t).toMatch(/not found/);
      const r = renderTemplate(t, {});
      expect(r.ok).toBe(false);
    }
  });

  it('does not reach prototypes', () => {
    expect(render('[{{ fields.constructor }}{{ customer.__proto__ }}{{ fields.hasOwnProperty }}]')).toBe('[]');
  });

  it('lists the variables a template uses', () => {
    expect(templateVariables('{{ Case_Id }} {% assign x = 1 %}{{ x }} {{ fields.a }} {{ Nope }}')).toEqual(['Case_Id', 'Nope', 'fields']);
  });

  it('renders the sample case', () => {
    const r = renderTemplate('{{ Case_Id }} {{ Customer_Email }}', buildVariables(SAMPLE_CASE));
    expect(r).toEqual({ ok: true, text: 'C-1001 an.janssens@example.com' });
  });
});

describe('hostile templates fail fast and safely', () => {
  const fast = (text: string, pattern: RegExp) => {
    const started = performance.now();
    const r = renderTemplate(text, buildVariables(CASE));
    const ms = performance.now() - started;
    expect(r.ok, text.slice(0, 60)).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(pattern);
    expect(ms).toBeLessThan(TEMPLATE_LIMITS.renderMs * 10);
  };

  it('huge ranges are refused before they are built', () => {
    fast('{% for i in (1..1000000000) %}x{% endfor %}', /memory/);
    fast('{% tablerow i in (1..100000000) %}{{ i }}{% endtablerow %}', /memory/);
  });

  it('nested loops run out of time', () => {
    fast('{% for i in (1..900) %}{% for j in (1..900) %}{% for k in (1..900) %}{{ k }}{% endfor %}{% endfor %}{% endfor %}', /limit exceeded/);
  });

  it('doubling a string runs out of memory', () => {
    fast('{% assign s = "xxxxxxxxxxxxxxxx" %}{% for i in (1..60) %}{% assign s = s | append: s %}{% endfor %}{{ s }}', /memory/);
  });

  it('output beyond the cap is refused', () => {
    const r = renderTemplate('{% for i in (1..200) %}{{ Case_Description }}{% endfor %}', buildVariables(CASE), { maxOutput: 1000 });
    expect(r).toMatchObject({ ok: false, error: { message: expect.stringMatching(/longer than 1000/) } });
  });

  it('over-long and deeply nested templates are refused on save, quickly', () => {
    const started = performance.now();
    expect(validateTemplate('x'.repeat(TEMPLATE_LIMITS.maxLength + 1))?.message).toMatch(/characters/);
    const depth = Math.floor(TEMPLATE_LIMITS.maxLength / 22);
    const nested = '{% if a %}'.repeat(depth) + 'x' + '{% endif %}'.repeat(depth);
    expect(nested.length).toBeLessThanOrEqual(TEMPLATE_LIMITS.maxLength);
    const deep = validateTemplate(nested);
    // Within the length cap the parser copes: valid, and rendering it is quick too.
    expect(deep).toBeNull();
    expect(renderTemplate(nested, { a: true })).toEqual({ ok: true, text: 'x' });
    expect(validateTemplate('{% if a %}'.repeat(5000))?.message).toBeTruthy();
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
