/**
 * Plain DOM stand-ins for the @tarojs/components the app uses, enough for Testing Library:
 * Switch becomes a checkbox with role "switch" whose change reports `{ detail: { value } }`;
 * Input and Textarea report `onInput({ detail: { value } })`; Picker is a <select> (selector mode)
 * or a text input (date mode) reporting `onChange({ detail: { value } })`; a getPhoneNumber
 * Button reports what `setPhoneNumberResult` set up.
 */
import type { CSSProperties, MouseEvent, ReactNode } from 'react';

type Common = {
  className?: string;
  children?: ReactNode;
  style?: CSSProperties | string;
  onClick?: (event: MouseEvent) => void;
  role?: string;
  id?: string;
  [attribute: `aria-${string}`]: unknown;
  [attribute: `data-${string}`]: unknown;
};

function passThrough(props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    if (key === 'role' || key === 'id' || key.startsWith('aria-') || key.startsWith('data-')) out[key] = value;
  }
  return out;
}

function styleOf(style: CSSProperties | string | undefined): CSSProperties | undefined {
  return typeof style === 'string' ? undefined : style;
}

export function View({ className, children, onClick, style, ...rest }: Common) {
  return (
    <div className={className} onClick={onClick} style={styleOf(style)} {...passThrough(rest)}>
      {children}
    </div>
  );
}

export function Text({ className, children, onClick, style, ...rest }: Common & { selectable?: boolean; userSelect?: boolean }) {
  return (
    <span className={className} onClick={onClick} style={styleOf(style)} {...passThrough(rest)}>
      {children}
    </span>
  );
}

export function ScrollView({ className, children, style, ...rest }: Common & { scrollX?: boolean; scrollY?: boolean }) {
  return (
    <div className={className} style={styleOf(style)} {...passThrough(rest)}>
      {children}
    </div>
  );
}

export function Image({ className, src, mode: _mode, ...rest }: Common & { src: string; mode?: string }) {
  return <img className={className} src={src} alt="" {...passThrough(rest)} />;
}

let phoneNumberResult: { code?: string; errMsg: string } = { errMsg: 'getPhoneNumber:fail user deny' };

/** What the next tap on a `openType="getPhoneNumber"` button reports. */
export function setPhoneNumberResult(result: { code?: string; errMsg: string }): void {
  phoneNumberResult = result;
}

export function Button({
  className,
  children,
  onClick,
  disabled,
  loading,
  openType,
  onGetPhoneNumber,
  ...rest
}: Common & {
  disabled?: boolean;
  loading?: boolean;
  size?: string;
  openType?: string;
  onGetPhoneNumber?: (event: { detail: { code?: string; errMsg: string } }) => void;
}) {
  return (
    <button
      type="button"
      className={className}
      onClick={(event) => {
        if (openType === 'getPhoneNumber') onGetPhoneNumber?.({ detail: phoneNumberResult });
        onClick?.(event);
      }}
      disabled={disabled}
      aria-busy={loading}
      data-open-type={openType}
      {...passThrough(rest)}
    >
      {children}
    </button>
  );
}

export function Switch({
  checked,
  disabled,
  onChange,
  ...rest
}: Common & { checked?: boolean; disabled?: boolean; color?: string; onChange?: (event: { detail: { value: boolean } }) => void }) {
  return (
    <input
      type="checkbox"
      role="switch"
      checked={Boolean(checked)}
      disabled={disabled}
      onChange={(event) => onChange?.({ detail: { value: event.target.checked } })}
      {...passThrough(rest)}
    />
  );
}

type InputProps = Common & {
  value?: string;
  type?: string;
  password?: boolean;
  placeholder?: string;
  maxlength?: number;
  disabled?: boolean;
  focus?: boolean;
  confirmType?: string;
  onInput?: (event: { detail: { value: string } }) => void;
  onConfirm?: (event: { detail: { value: string } }) => void;
};

export function Input({ className, value, type, password, placeholder, maxlength, disabled, onInput, onConfirm, ...rest }: InputProps) {
  return (
    <input
      className={className}
      type={password ? 'password' : 'text'}
      inputMode={type === 'number' || type === 'digit' ? 'decimal' : undefined}
      value={value ?? ''}
      placeholder={placeholder}
      maxLength={maxlength}
      disabled={disabled}
      onChange={(event) => onInput?.({ detail: { value: event.target.value } })}
      onKeyDown={(event) => {
        if (event.key === 'Enter') onConfirm?.({ detail: { value: (event.target as HTMLInputElement).value } });
      }}
      {...passThrough(rest)}
    />
  );
}

export function Textarea({ className, value, placeholder, maxlength, onInput, ...rest }: InputProps) {
  return (
    <textarea
      className={className}
      value={value ?? ''}
      placeholder={placeholder}
      maxLength={maxlength}
      onChange={(event) => onInput?.({ detail: { value: event.target.value } })}
      {...passThrough(rest)}
    />
  );
}

type PickerProps = Common & {
  mode?: 'selector' | 'date';
  range?: string[];
  value?: number | string;
  start?: string;
  end?: string;
  disabled?: boolean;
  onChange?: (event: { detail: { value: number | string } }) => void;
};

export function Picker({ className, children, mode = 'selector', range = [], value, disabled, onChange, ...rest }: PickerProps) {
  if (mode === 'date') {
    return (
      <label className={className}>
        <input
          type="text"
          aria-label="picker"
          value={String(value ?? '')}
          disabled={disabled}
          onChange={(event) => onChange?.({ detail: { value: event.target.value } })}
          {...passThrough(rest)}
        />
        {children}
      </label>
    );
  }
  return (
    <label className={className}>
      <select
        aria-label="picker"
        value={String(value ?? 0)}
        disabled={disabled}
        onChange={(event) => onChange?.({ detail: { value: Number(event.target.value) } })}
        {...passThrough(rest)}
      >
        {range.map((label, index) => (
          <option key={label} value={index}>
            {label}
          </option>
        ))}
      </select>
      {children}
    </label>
  );
}
