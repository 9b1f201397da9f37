/**
 * Plain DOM stand-ins for the @tarojs/components the app uses, enough for Testing Library:
 * Switch becomes a checkbox with role "switch" whose change reports `{ detail: { value } }`.
 */
import type { MouseEvent, ReactNode } from 'react';

type Common = {
  className?: string;
  children?: ReactNode;
  onClick?: (event: MouseEvent) => void;
  role?: string;
  [attribute: `aria-${string}`]: unknown;
  [attribute: `data-${string}`]: unknown;
};

function passThrough(props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    if (key === 'role' || key.startsWith('aria-') || key.startsWith('data-')) out[key] = value;
  }
  return out;
}

export function View({ className, children, onClick, ...rest }: Common) {
  return (
    <div className={className} onClick={onClick} {...passThrough(rest)}>
      {children}
    </div>
  );
}

export function Text({ className, children, onClick, ...rest }: Common) {
  return (
    <span className={className} onClick={onClick} {...passThrough(rest)}>
      {children}
    </span>
  );
}

export function Button({
  className,
  children,
  onClick,
  disabled,
  loading,
  ...rest
}: Common & { disabled?: boolean; loading?: boolean }) {
  return (
    <button type="button" className={className} onClick={onClick} disabled={disabled} aria-busy={loading} {...passThrough(rest)}>
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
