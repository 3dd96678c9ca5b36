import { useId, type InputHTMLAttributes, type Ref, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

interface FieldFrame {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  /** Hidden visually, still read out (for fields whose label would repeat a column heading). */
  hideLabel?: boolean;
}

function useFieldIds(error: string | undefined, hint: ReactNode) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return { id, hintId, errorId, describedBy };
}

function Frame({ id, label, hint, hintId, error, errorId, hideLabel, required, children }: FieldFrame & { id: string; hintId?: string | undefined; errorId?: string | undefined; required?: boolean | undefined; children: ReactNode }) {
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : 'field-label'}>
        {label}
        {required ? <span className="required" aria-hidden="true"> *</span> : null}
      </label>
      {children}
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function TextField({ label, hint, error, hideLabel, ref, ...input }: FieldFrame & InputHTMLAttributes<HTMLInputElement> & { ref?: Ref<HTMLInputElement> }) {
  const ids = useFieldIds(error, hint);
  return (
    <Frame {...ids} label={label} hint={hint} error={error} hideLabel={hideLabel} required={input.required}>
      <input ref={ref} id={ids.id} className="input" aria-invalid={error ? true : undefined} aria-describedby={ids.describedBy} {...input} />
    </Frame>
  );
}

export function TextArea({ label, hint, error, hideLabel, ...input }: FieldFrame & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const ids = useFieldIds(error, hint);
  return (
    <Frame {...ids} label={label} hint={hint} error={error} hideLabel={hideLabel} required={input.required}>
      <textarea id={ids.id} className="input textarea" aria-invalid={error ? true : undefined} aria-describedby={ids.describedBy} {...input} />
    </Frame>
  );
}

export function SelectField({ label, hint, error, hideLabel, children, ...select }: FieldFrame & SelectHTMLAttributes<HTMLSelectElement>) {
  const ids = useFieldIds(error, hint);
  return (
    <Frame {...ids} label={label} hint={hint} error={error} hideLabel={hideLabel} required={select.required}>
      <select id={ids.id} className="input select" aria-invalid={error ? true : undefined} aria-describedby={ids.describedBy} {...select}>
        {children}
      </select>
    </Frame>
  );
}

export function Checkbox({ label, hint, ...input }: { label: ReactNode; hint?: ReactNode } & Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>) {
  const id = useId();
  return (
    <div className="checkbox">
      <input id={id} type="checkbox" aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
      <label htmlFor={id}>
        <span className="checkbox-label">{label}</span>
        {hint ? (
          <span id={`${id}-hint`} className="checkbox-hint">
            {hint}
          </span>
        ) : null}
      </label>
    </div>
  );
}

/** A group of checkboxes under one legend, with the group's error read out with it. */
export function CheckboxGroup({ legend, hint, error, children }: { legend: ReactNode; hint?: ReactNode; error?: string | undefined; children: ReactNode }) {
  const id = useId();
  return (
    <fieldset className={`fieldset${error ? ' has-error' : ''}`} aria-describedby={[hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined}>
      <legend className="field-label">{legend}</legend>
      {hint ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
      <div className="checkbox-list">{children}</div>
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
