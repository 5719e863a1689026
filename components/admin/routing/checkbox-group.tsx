/**
 * A fieldset of checkboxes over string values; the order of `options` is kept in the value.
 * An option's `detail` (a provider's slug) tells apart labels that read alike; a long label is cut
 * to one line with the whole of it in the tooltip.
 */
export function CheckboxGroup({
  legend,
  options,
  value,
  onChange,
  hint,
}: {
  legend: string;
  options: readonly { value: string; label: string; detail?: string }[];
  value: string[];
  onChange: (next: string[]) => void;
  hint?: string;
}) {
  const toggle = (v: string, on: boolean) =>
    onChange(options.map((o) => o.value).filter((o) => (o === v ? on : value.includes(o))));
  return (
    <fieldset className="min-w-0 space-y-1.5">
      <legend className="text-sm font-medium text-slate-700">{legend}</legend>
      <div className="flex flex-wrap gap-x-4 gap-y-1.5">
        {options.map((o) =>
          o.detail === undefined ? (
            <label key={o.value} className="flex items-center gap-1.5 text-sm text-slate-700">
              <input
                type="checkbox"
                checked={value.includes(o.value)}
                onChange={(e) => toggle(o.value, e.target.checked)}
              />
              {o.label}
            </label>
          ) : (
            <label
              key={o.value}
              title={`${o.label} (${o.detail})`}
              className="flex max-w-full min-w-0 items-start gap-1.5 text-sm text-slate-700"
            >
              <input
                type="checkbox"
                className="mt-0.5 shrink-0"
                checked={value.includes(o.value)}
                onChange={(e) => toggle(o.value, e.target.checked)}
              />
              <span className="max-w-80 min-w-0">
                <span className="block truncate">{o.label}</span>{" "}
                <span className="block font-mono text-xs break-all text-slate-500">{o.detail}</span>
              </span>
            </label>
          ),
        )}
      </div>
      {hint && <p className="text-xs text-slate-500">{hint}</p>}
    </fieldset>
  );
}
