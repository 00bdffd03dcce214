import { Checkbox, FileInput, Group, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { IconPaperclip } from '@tabler/icons-react';
import type { FormField } from '../api/types';
import { ChoiceSelect } from '../lib/ChoiceSelect';
import { formatBytes, type FormValue, type FormValues } from './values';

interface Props {
  fields: readonly FormField[];
  values: FormValues;
  onChange: (name: string, value: FormValue) => void;
  /** Messages by field name (client checks and the server's problem details alike). */
  errors: Record<string, string>;
  disabled?: boolean;
}

/** What a file field accepts, in words. */
function fileHint(f: FormField): string {
  const parts = [
    f.accept?.length ? f.accept.map((a) => (a.endsWith('/*') ? `${a.slice(0, -2)}s` : a.split('/')[1]?.toUpperCase())).join(', ') : null,
    f.maxSize ? `up to ${formatBytes(f.maxSize)} each` : null,
    (f.maxFiles ?? 1) > 1 ? `at most ${f.maxFiles} files` : null,
  ].filter(Boolean);
  return parts.join(' · ');
}

/**
 * A case type's form: one input per field by its type, the required mark, the help text, and each
 * field's error right under it (with aria-invalid, so the first one can take the focus).
 */
export function FormFields({ fields, values, onChange, errors, disabled }: Props) {
  return (
    <Stack gap="sm">
      {fields.map((f) => {
        const common = {
          label: f.label,
          description: f.help,
          required: !!f.required,
          error: errors[f.name],
          disabled,
          name: f.name,
        };
        const text = (values[f.name] as string | undefined) ?? '';
        switch (f.type) {
          case 'text':
            return f.multiline ? (
              <Textarea key={f.name} {...common} placeholder={f.placeholder} value={text} onChange={(e) => onChange(f.name, e.currentTarget.value)} autosize minRows={3} maxRows={12} />
            ) : (
              <TextInput key={f.name} {...common} placeholder={f.placeholder} value={text} onChange={(e) => onChange(f.name, e.currentTarget.value)} />
            );
          case 'email':
            return <TextInput key={f.name} {...common} type="email" autoComplete="email" placeholder={f.placeholder} value={text} onChange={(e) => onChange(f.name, e.currentTarget.value)} />;
          case 'phone':
            return <TextInput key={f.name} {...common} type="tel" autoComplete="tel" placeholder={f.placeholder} value={text} onChange={(e) => onChange(f.name, e.currentTarget.value)} />;
          case 'number':
            return <TextInput key={f.name} {...common} inputMode="decimal" placeholder={f.placeholder} value={text} onChange={(e) => onChange(f.name, e.currentTarget.value)} w={220} />;
          case 'date':
            return (
              <TextInput
                key={f.name}
                {...common}
                type="date"
                min={typeof f.min === 'string' ? f.min : undefined}
                max={typeof f.max === 'string' ? f.max : undefined}
                value={text}
                onChange={(e) => onChange(f.name, e.currentTarget.value)}
                w={220}
              />
            );
          case 'select':
            return (
              <ChoiceSelect
                key={f.name}
                label={f.label}
                description={f.help}
                required={!!f.required}
                error={errors[f.name]}
                disabled={disabled}
                placeholder={f.placeholder ?? 'Choose…'}
                data={[...(f.required ? [] : [{ value: '', label: '—' }]), ...(f.options ?? [])]}
                value={text || null}
                onChange={(v) => onChange(f.name, v)}
                w={320}
              />
            );
          case 'multiselect':
            return (
              <Checkbox.Group
                key={f.name}
                label={f.label}
                description={f.help}
                withAsterisk={!!f.required}
                error={errors[f.name]}
                value={(values[f.name] as string[] | undefined) ?? []}
                onChange={(v) => onChange(f.name, v)}
              >
                <Group gap="md" mt={6}>
                  {(f.options ?? []).map((o) => (
                    <Checkbox key={o.value} value={o.value} label={o.label} disabled={disabled} />
                  ))}
                </Group>
              </Checkbox.Group>
            );
          case 'checkbox':
            return (
              <Checkbox
                key={f.name}
                label={
                  <>
                    {f.label}
                    {f.required && (
                      <Text span c="red" aria-hidden>
                        {' *'}
                      </Text>
                    )}
                  </>
                }
                description={f.help}
                aria-required={f.required || undefined}
                error={errors[f.name]}
                disabled={disabled}
                name={f.name}
                checked={values[f.name] === true}
                onChange={(e) => onChange(f.name, e.currentTarget.checked)}
              />
            );
          case 'file': {
            const multiple = (f.maxFiles ?? 1) > 1;
            const files = (values[f.name] as File[] | undefined) ?? [];
            return (
              <FileInput
                key={f.name}
                {...common}
                description={[f.help, fileHint(f)].filter(Boolean).join(' — ') || undefined}
                multiple={multiple as false}
                accept={f.accept?.join(',')}
                clearable
                leftSection={<IconPaperclip size={16} />}
                placeholder={multiple ? 'Choose files' : 'Choose a file'}
                value={(multiple ? files : (files[0] ?? null)) as File | null}
                onChange={(v: File | File[] | null) => onChange(f.name, v === null ? [] : Array.isArray(v) ? v : [v])}
                fileInputProps={{ name: f.name }}
              />
            );
          }
        }
      })}
    </Stack>
  );
}

/** Moves the focus to the first field marked invalid (after the errors have rendered). */
export function focusFirstError(root: HTMLElement | null): void {
  requestAnimationFrame(() => {
    const bad = root?.querySelector<HTMLElement>('[aria-invalid="true"]');
    bad?.focus();
  });
}
