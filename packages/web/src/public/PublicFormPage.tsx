import { useRef, useState } from 'react';
import { Alert, Box, Button, Center, Container, Group, Paper, Skeleton, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { api, apiUpload, ApiError, errorMessage } from '../api/client';
import type { FormField, PublicForm } from '../api/types';
import { FormFields, focusFirstError } from '../forms/FormFields';
import { LoadError } from '../lib/LoadStates';
import { emptyValues, filesOf, serverFieldErrors, toFields, validateValues, type FormValue, type FormValues } from '../forms/values';

interface Submitted {
  number: string;
  status: string;
  caseType: string;
  message: string;
}

/** The submission: JSON when there are no files; otherwise an HTML-like multipart post (values as text parts, files by field). */
function submitForm(caseType: string, fields: FormField[], values: FormValues): Promise<Submitted> {
  const path = `/public/forms/${encodeURIComponent(caseType)}`;
  const files = filesOf(fields, values);
  const json = toFields(fields, values);
  if (!files.length) return api<Submitted>(path, { method: 'POST', body: { fields: json }, quietUnauthorized: true });
  const form = new FormData();
  for (const [name, v] of Object.entries(json)) {
    if (Array.isArray(v)) for (const x of v) form.append(name, String(x));
    else form.append(name, String(v));
  }
  for (const [name, file] of files) form.append(name, file, file.name);
  return apiUpload<Submitted>(path, form, { quietUnauthorized: true });
}

/**
 * /public/forms/:caseType — the standalone public case form (no staff shell; a company links or
 * embeds it): the case type's fields with their required marks, every mistake at once next to its
 * field (checked here, and again by the server), and the case number on success.
 */
export function PublicFormPage() {
  const { caseType = '' } = useParams();
  const form = useQuery({
    queryKey: ['publicForm', caseType],
    queryFn: () => api<PublicForm>(`/public/forms/${encodeURIComponent(caseType)}`, { quietUnauthorized: true }),
    staleTime: 5 * 60_000,
  });
  return (
    <Box bg="gray.0" mih="100vh" py="xl">
      <Container size="sm">
        {form.isPending && (
          <Paper withBorder p="lg" aria-label="Loading the form">
            <Skeleton h={30} w="50%" mb="lg" />
            <Skeleton h={36} mb="sm" />
            <Skeleton h={36} mb="sm" />
            <Skeleton h={90} />
          </Paper>
        )}
        {form.isError && <LoadError error={form.error} what="form" gone="This form does not exist or is not open to the public. Check the address." onRetry={() => void form.refetch()} />}
        {form.data && <PublicFormBody key={form.data.caseType} def={form.data} />}
      </Container>
    </Box>
  );
}

function PublicFormBody({ def }: { def: PublicForm }) {
  const fields = def.form.fields;
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState<FormValues>(() => emptyValues(fields));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const submit = useMutation({
    mutationFn: () => submitForm(def.caseType, fields, values),
    onError: (err) => {
      if (err instanceof ApiError && err.errors.length) {
        const { byField, rest } = serverFieldErrors(err.errors, fields);
        setErrors(byField);
        setGeneral(rest);
        focusFirstError(formRef.current);
      } else setGeneral([errorMessage(err)]);
    },
  });
  const onChange = (name: string, v: FormValue) => {
    setValues((old) => ({ ...old, [name]: v }));
    // A corrected field loses its message at once; the others keep theirs until the next try.
    if (errors[name]) setErrors(({ [name]: _gone, ...rest }) => rest);
  };

  if (submit.isSuccess) {
    return (
      <Paper withBorder p="xl" role="status" aria-labelledby="confirmation-title">
        <Stack align="center" gap="sm">
          <ThemeIcon size={56} radius="xl" color="green" variant="light">
            <IconCircleCheck size={36} />
          </ThemeIcon>
          <Title order={1} size="h2" id="confirmation-title">
            Request received
          </Title>
          <Text ta="center">
            Thank you. Your case number is <b data-testid="case-number">{submit.data.number}</b>.
          </Text>
          <Text size="sm" c="dimmed" ta="center">
            We sent a confirmation to your e-mail address with a link to follow your case.
          </Text>
          <Button
            variant="light"
            mt="sm"
            onClick={() => {
              setValues(emptyValues(fields));
              setErrors({});
              submit.reset();
            }}
          >
            Submit another request
          </Button>
        </Stack>
      </Paper>
    );
  }

  const count = Object.keys(errors).length;
  return (
    <Paper withBorder p="lg" component="main">
      <Title order={1} size="h2">
        {def.name}
      </Title>
      {def.description && (
        <Text c="dimmed" mt={4}>
          {def.description}
        </Text>
      )}
      <Text size="xs" c="dimmed" mt="xs" mb="md">
        Fields marked{' '}
        <Text span c="red">
          *
        </Text>{' '}
        are required.
      </Text>
      <form
        ref={formRef}
        noValidate
        aria-label={def.name}
        onSubmit={(e) => {
          e.preventDefault();
          if (submit.isPending) return;
          const errs = validateValues(fields, values);
          setErrors(errs);
          setGeneral([]);
          if (Object.keys(errs).length) return focusFirstError(formRef.current);
          submit.mutate();
        }}
      >
        <FormFields fields={fields} values={values} errors={errors} disabled={submit.isPending} onChange={onChange} />
        {count > 0 && (
          <Alert color="red" mt="md" role="alert" title="Please check the form">
            {count === 1 ? 'One field needs your attention.' : `${count} fields need your attention.`}
          </Alert>
        )}
        {general.length > 0 && (
          <Alert color="red" mt="md" role="alert" title="Could not send your request">
            {general.join('; ')}
          </Alert>
        )}
        <Group mt="lg">
          <Button type="submit" size="md" loading={submit.isPending}>
            Submit
          </Button>
        </Group>
      </form>
      <Center mt="lg">
        <Text size="xs" c="dimmed">
          Powered by Worklane
        </Text>
      </Center>
    </Paper>
  );
}
