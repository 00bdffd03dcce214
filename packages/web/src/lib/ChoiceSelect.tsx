import type { ReactNode } from 'react';
import { Combobox, Input, InputBase, Text, useCombobox } from '@mantine/core';
import type { MantineSize } from '@mantine/core';

export interface Choice {
  value: string;
  label: string;
  /** Secondary text under the label in the list (e.g. an agent's status). */
  hint?: string;
}

interface ChoiceSelectProps {
  /** Visible label; or use `aria-label` for a control without one. */
  label?: string;
  'aria-label'?: string;
  data: Choice[];
  value: string | null;
  onChange: (value: string) => void;
  placeholder?: string;
  disabled?: boolean;
  size?: MantineSize;
  w?: number | string;
  /** A message shown under the control (and `aria-invalid`). */
  error?: ReactNode;
  description?: ReactNode;
  /** Takes the focus when it opens inside a Modal. */
  autoFocus?: boolean;
  /** Shows the required mark (and says so to assistive technology). */
  required?: boolean;
}

/**
 * A select-only combobox (button + listbox of options), keyboard operable (arrows, Enter, Space,
 * Escape). Unlike Mantine's Select, the listbox is not labelled with the control's name, so
 * `getByLabel(name)` finds exactly one element: the control.
 */
export function ChoiceSelect({ label, data, value, onChange, placeholder, disabled, size = 'sm', w, error, description, autoFocus, required, ...rest }: ChoiceSelectProps) {
  const combobox = useCombobox({
    onDropdownClose: () => combobox.resetSelectedOption(),
    onDropdownOpen: () => combobox.updateSelectedOptionIndex('active'),
  });
  const selected = data.find((d) => d.value === value);

  return (
    <Combobox
      store={combobox}
      size={size}
      withinPortal
      onOptionSubmit={(v) => {
        combobox.closeDropdown();
        if (v !== value) onChange(v);
      }}
    >
      <Combobox.Target targetType="button" withExpandedAttribute>
        <InputBase
          component="button"
          type="button"
          label={label}
          aria-label={rest['aria-label']}
          size={size}
          w={w}
          pointer
          disabled={disabled}
          error={error}
          description={description}
          data-autofocus={autoFocus || undefined}
          withAsterisk={required}
          aria-required={required || undefined}
          rightSection={<Combobox.Chevron />}
          rightSectionPointerEvents="none"
          onClick={() => combobox.toggleDropdown()}
          styles={{ input: { textAlign: 'left', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' } }}
        >
          {selected ? selected.label : <Input.Placeholder>{placeholder ?? ''}</Input.Placeholder>}
        </InputBase>
      </Combobox.Target>
      <Combobox.Dropdown>
        <Combobox.Options>
          {data.map((d) => (
            <Combobox.Option value={d.value} key={d.value} active={d.value === value} aria-selected={d.value === value}>
              {d.label}
              {d.hint && (
                <Text component="span" size="xs" c="dimmed" display="block">
                  {d.hint}
                </Text>
              )}
            </Combobox.Option>
          ))}
        </Combobox.Options>
      </Combobox.Dropdown>
    </Combobox>
  );
}
