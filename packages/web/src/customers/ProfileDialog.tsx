import { useState } from 'react';
import { SimpleGrid, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ActionDialog } from '../lib/ActionDialog';
import { ApiError, formErrors } from '../api/client';
import type { Customer, FormField } from '../api/types';
import { FormFields } from '../forms/FormFields';
import { emptyValues, serverFieldErrors, toFields, validateValues, type FormValue, type FormValues } from '../forms/values';
import { useCustomerFields, useSaveCustomer, type ProfileInput } from './data';

const TEXT = ['name', 'firstName', 'email', 'phone', 'segment', 'externalId', 'notes'] as const;
type TextKey = (typeof TEXT)[number];
const LABEL: Record<TextKey, string> = { name: 'Name', firstName: 'First name', email: 'E-mail', phone: 'Phone', segment: 'Segment', externalId: 'External id', notes: 'Notes' };

/** The custom values as the form holds them (text, lists, booleans). */
function customValues(fields: readonly FormField[], custom: Record<string, unknown> | undefined): FormValues {
  const out = emptyValues(fields);
  for (const f of fields) {
    const v = custom?.[f.name];
    if (v === undefined || v === null) continue;
    out[f.name] = Array.isArray(v) ? v.map(String) : typeof v === 'boolean' ? v : String(v);
  }
  return out;
}

/**
 * A customer's profile (CRM-light): the standard fields and the admin's custom ones, checked here
 * and by the server, whose problems land on their field. A cleared field is removed (null).
 */
export function ProfileDialog({ customer, onClose, onSaved }: { customer: Customer | null; onClose: () => void; onSaved?: (c: Customer) => void }) {
  const defs = useCustomerFields();
  const fields = defs.data ?? [];
  const save = useSaveCustomer(customer?.id ?? null);
  const [text, setText] = useState<Record<TextKey, string>>(() => Object.fromEntries(TEXT.map((k) => [k, customer?.[k] ?? ''])) as Record<TextKey, string>);
  const [custom, setCustom] = useState<FormValues | null>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const values = custom ?? customValues(fields, customer?.custom);
  const errs = formErrors(save.error, [...TEXT, 'custom']);
  // The server names custom values /custom/<field>: on their inputs.
  const customErrs = save.error instanceof ApiError ? serverFieldErrors(save.error.errors.filter((e) => e.pointer.startsWith('/custom/')).map((e) => ({ ...e, pointer: e.pointer.replace(/^\/custom\//, '/fields/') })), fields).byField : {};

  const submit = () => {
    const bad = validateValues(fields, values);
    if (!text.name.trim()) bad.name = 'Required';
    setLocal(bad);
    if (Object.keys(bad).length) return;
    const body: ProfileInput = {};
    for (const k of TEXT) {
      const v = text[k].trim();
      if (customer) (body as Record<string, unknown>)[k] = v === '' ? (k === 'name' ? undefined : null) : v;
      else if (v) (body as Record<string, unknown>)[k] = v;
    }
    if (fields.length) body.custom = toFields(fields, values);
    save.mutate(body, {
      onSuccess: (c) => {
        notifications.show({ color: 'teal', message: `${c.name} ${customer ? 'saved' : 'created'}` });
        onSaved?.(c);
        onClose();
      },
    });
  };
  const input = (k: TextKey) => ({
    label: LABEL[k],
    value: text[k],
    error: (k === 'name' ? local.name : undefined) ?? errs.fields[k],
    onChange: (e: { currentTarget: { value: string } }) => {
      const v = e.currentTarget.value; // read now: the event is gone when the updater runs
      setText((cur) => ({ ...cur, [k]: v }));
    },
  });
  return (
    <ActionDialog opened onClose={onClose} title={customer ? `Profile of ${[customer.firstName, customer.name].filter(Boolean).join(' ')}` : 'New customer'} submitLabel={customer ? 'Save profile' : 'Create customer'} pending={save.isPending} error={errs.general} onSubmit={submit}>
      <SimpleGrid cols={2} spacing="sm">
        <TextInput {...input('name')} required data-autofocus />
        <TextInput {...input('firstName')} />
        <TextInput {...input('email')} type="email" />
        <TextInput {...input('phone')} type="tel" />
        <TextInput {...input('segment')} />
        <TextInput {...input('externalId')} />
      </SimpleGrid>
      {fields.length > 0 && <FormFields fields={fields} values={values} onChange={(name: string, v: FormValue) => setCustom({ ...values, [name]: v })} errors={{ ...local, ...customErrs }} />}
      <Textarea {...input('notes')} autosize minRows={2} maxRows={8} />
    </ActionDialog>
  );
}
