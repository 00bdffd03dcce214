import { useRef, useState } from 'react';
import { Alert, Anchor, Button, Group, Paper, SegmentedControl, SimpleGrid, Skeleton, Stack, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconSearch, IconUser } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { api, apiUpload, ApiError, errorMessage } from '../api/client';
import type { Case, Customer } from '../api/types';
import { ChoiceSelect } from '../lib/ChoiceSelect';
import { FormFields, focusFirstError } from '../forms/FormFields';
import { emptyValues, filesOf, serverFieldErrors, toFields, validateValues, type FormValue, type FormValues } from '../forms/values';
import { useCaseTypes, useCustomerSearch } from './data';

type CustomerMode = 'form' | 'existing' | 'new';
interface NewCustomer {
  name: string;
  firstName: string;
  email: string;
  phone: string;
}
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** /cases/new — an agent creates a case during a call or an e-mail: the case type's form, and the customer found or created. */
export function NewCasePage() {
  const types = useCaseTypes();
  const [typeId, setTypeId] = useState<string | null>(null);
  const ct = types.data?.find((t) => t.id === typeId);
  return (
    <Stack gap="md" maw={860}>
      <Anchor component={Link} to="/cases" size="sm">
        ← All cases
      </Anchor>
      <Title order={2}>New case</Title>
      <Paper withBorder p="md">
        {types.isPending && <Skeleton h={36} w={320} />}
        {types.isError && <Alert color="red" title="Could not load the case types">{errorMessage(types.error)}</Alert>}
        {types.data && types.data.length === 0 && <Text c="dimmed">No case types are configured yet. Ask an administrator.</Text>}
        {types.data && types.data.length > 0 && (
          <ChoiceSelect label="Case type" required w={320} placeholder="Choose the kind of case" data={types.data.map((t) => ({ value: t.id, label: t.name, hint: t.description }))} value={typeId} onChange={setTypeId} autoFocus />
        )}
        {ct?.description && (
          <Text size="sm" c="dimmed" mt="xs">
            {ct.description}
          </Text>
        )}
      </Paper>
      {ct && <CaseForm key={ct.id} caseTypeId={ct.id} fields={ct.form.fields} />}
    </Stack>
  );
}

function CaseForm({ caseTypeId, fields }: { caseTypeId: string; fields: NonNullable<ReturnType<typeof useCaseTypes>['data']>[number]['form']['fields'] }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const fillsCustomer = fields.some((f) => f.customer === 'email' || f.customer === 'name');
  const [mode, setMode] = useState<CustomerMode>(fillsCustomer ? 'form' : 'existing');
  const [picked, setPicked] = useState<Customer | null>(null);
  const [fresh, setFresh] = useState<NewCustomer>({ name: '', firstName: '', email: '', phone: '' });
  const [values, setValues] = useState<FormValues>(() => emptyValues(fields));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [customerError, setCustomerError] = useState<string | null>(null);
  const [general, setGeneral] = useState<string[]>([]);

  const create = useMutation({
    mutationFn: () => {
      const customer =
        mode === 'existing' && picked
          ? { id: picked.id }
          : mode === 'new'
            ? Object.fromEntries(Object.entries({ name: fresh.name.trim(), firstName: fresh.firstName.trim(), email: fresh.email.trim(), phone: fresh.phone.trim() }).filter(([, v]) => v))
            : undefined;
      const body = { caseType: caseTypeId, fields: toFields(fields, values), ...(customer ? { customer } : {}) };
      const files = filesOf(fields, values);
      if (!files.length) return api<Case>('/cases', { method: 'POST', body });
      const form = new FormData();
      form.append('data', JSON.stringify(body));
      for (const [name, file] of files) form.append(name, file, file.name);
      return apiUpload<Case>('/cases', form);
    },
    onSuccess: (c) => {
      void queryClient.invalidateQueries({ queryKey: ['cases'] });
      notifications.show({ color: 'green', title: `Case ${c.number} created`, message: c.title });
      navigate(`/cases/${encodeURIComponent(c.id)}`);
    },
    onError: (err) => {
      if (err instanceof ApiError && err.errors.length) {
        const { byField, rest } = serverFieldErrors(err.errors, fields);
        setErrors(byField);
        const cust = rest.filter((r) => r.startsWith('/customer'));
        setCustomerError(cust.length ? cust.join('; ') : null);
        setGeneral(rest.filter((r) => !r.startsWith('/customer')));
        focusFirstError(formRef.current);
      } else setGeneral([errorMessage(err)]);
    },
  });

  /** Choosing a customer fills the form's empty customer fields (e-mail, name…) from the profile. */
  const pick = (c: Customer | null) => {
    setPicked(c);
    if (!c) return;
    setValues((old) => {
      const next = { ...old };
      for (const f of fields) {
        const v = f.customer ? c[f.customer as keyof Customer] : undefined;
        if (typeof v === 'string' && v && (old[f.name] === '' || old[f.name] === undefined)) next[f.name] = v;
      }
      return next;
    });
    setErrors((old) => Object.fromEntries(Object.entries(old).filter(([name]) => !fields.some((f) => f.name === name && f.customer))));
  };

  const customerProblem = (): string | null => {
    if (mode === 'existing') return picked ? null : 'Find and choose a customer, or create a new one';
    if (mode === 'new') {
      if (!fresh.name.trim() && !fresh.email.trim()) return 'A new customer needs at least a name or an e-mail';
      if (fresh.email.trim() && !EMAIL.test(fresh.email.trim())) return 'The e-mail is not an e-mail address';
    }
    return null;
  };

  const submit = () => {
    const errs = validateValues(fields, values);
    const cust = customerProblem();
    setErrors(errs);
    setCustomerError(cust);
    setGeneral([]);
    if (Object.keys(errs).length || cust) return focusFirstError(formRef.current);
    create.mutate();
  };

  return (
    <form
      ref={formRef}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!create.isPending) submit();
      }}
    >
      <Stack gap="md">
        <Paper withBorder p="md" component="section" aria-labelledby="new-case-customer">
          <Title order={3} size="h5" id="new-case-customer" mb="xs">
            Customer
          </Title>
          <SegmentedControl
            value={mode}
            onChange={(v) => setMode(v as CustomerMode)}
            aria-label="Customer"
            data={[
              ...(fillsCustomer ? [{ value: 'form', label: 'From the form (linked by e-mail)' }] : []),
              { value: 'existing', label: 'Existing customer' },
              { value: 'new', label: 'New customer' },
            ]}
          />
          <div style={{ marginTop: 12 }}>
            {mode === 'form' && (
              <Text size="sm" c="dimmed">
                The customer is found by the e-mail in the form, or created from the form&apos;s name, e-mail and phone.
              </Text>
            )}
            {mode === 'existing' && <CustomerPicker picked={picked} onPick={pick} error={customerError} />}
            {mode === 'new' && (
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                <TextInput label="Customer name" value={fresh.name} onChange={(e) => setFresh({ ...fresh, name: e.currentTarget.value })} error={customerError ?? undefined} />
                <TextInput label="Customer first name" value={fresh.firstName} onChange={(e) => setFresh({ ...fresh, firstName: e.currentTarget.value })} />
                <TextInput label="Customer e-mail" type="email" value={fresh.email} onChange={(e) => setFresh({ ...fresh, email: e.currentTarget.value })} />
                <TextInput label="Customer phone" type="tel" value={fresh.phone} onChange={(e) => setFresh({ ...fresh, phone: e.currentTarget.value })} />
              </SimpleGrid>
            )}
          </div>
        </Paper>
        <Paper withBorder p="md" component="section" aria-labelledby="new-case-form">
          <Title order={3} size="h5" id="new-case-form" mb="xs">
            Form
          </Title>
          <FormFields fields={fields} values={values} errors={errors} disabled={create.isPending} onChange={(name: string, v: FormValue) => setValues((old) => ({ ...old, [name]: v }))} />
        </Paper>
        {Object.keys(errors).length > 0 && (
          <Alert color="red" role="alert" title="Check the form">
            {Object.keys(errors).length === 1 ? 'One field needs attention.' : `${Object.keys(errors).length} fields need attention.`}
          </Alert>
        )}
        {general.length > 0 && (
          <Alert color="red" role="alert" title="Could not create the case">
            {general.join('; ')}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={create.isPending}>
            Create case
          </Button>
          <Button component={Link} to="/cases" variant="default">
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function CustomerPicker({ picked, onPick, error }: { picked: Customer | null; onPick: (c: Customer | null) => void; error: string | null }) {
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q, 250);
  const found = useCustomerSearch(debounced);
  if (picked) {
    return (
      <Group gap="sm">
        <IconUser size={18} />
        <Text size="sm" fw={600} aria-label="Chosen customer">
          {[picked.firstName, picked.name].filter(Boolean).join(' ')} {picked.email ? `· ${picked.email}` : ''}
        </Text>
        <Button size="compact-xs" variant="subtle" onClick={() => onPick(null)}>
          Change
        </Button>
      </Group>
    );
  }
  return (
    <Stack gap="xs">
      <TextInput
        label="Find a customer"
        placeholder="Name, e-mail, phone or customer number (2 characters or more)"
        leftSection={<IconSearch size={14} />}
        value={q}
        onChange={(e) => setQ(e.currentTarget.value)}
        error={error ?? undefined}
        w={420}
      />
      {debounced.trim().length >= 2 && found.isPending && <Skeleton h={32} w={420} />}
      {found.isError && <Alert color="red">{errorMessage(found.error)}</Alert>}
      {found.data && found.data.length === 0 && debounced.trim().length >= 2 && (
        <Text size="sm" c="dimmed">
          No customer found. Choose &quot;New customer&quot; to create one.
        </Text>
      )}
      {found.data && found.data.length > 0 && (
        <Stack gap={2} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Customers found">
          {found.data.map((c) => (
            <li key={c.id}>
              <UnstyledButton onClick={() => onPick(c)} p={6} style={{ borderRadius: 4 }} aria-label={`Choose ${[c.firstName, c.name].filter(Boolean).join(' ')}`}>
                <Text size="sm" fw={500}>
                  {[c.firstName, c.name].filter(Boolean).join(' ')}
                </Text>
                <Text size="xs" c="dimmed">
                  {[c.email, c.phone, c.externalId].filter(Boolean).join(' · ') || 'no contact details'}
                </Text>
              </UnstyledButton>
            </li>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
