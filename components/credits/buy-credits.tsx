"use client";
import { useState, type FormEvent } from "react";
import { Alert, Button, Card, Field, Input } from "@/components/ui/primitives";
import { FormErrorSummary, formErrors } from "@/components/form-errors";
import { validateFields, type FieldError } from "@/lib/http/zod-messages";
import { checkoutSchema } from "@/lib/stripe/schemas";
import { useCheckout, useCreditsConfig } from "./credits-query";
import { formatUsd, usdToMicros } from "@/lib/money/units";

const usd = (amount: number) => formatUsd(usdToMicros(amount)).replace(/\.00$/, "");

/** Packs and a custom amount, each a Stripe Checkout; only when the instance has Stripe configured. */
export function BuyCredits({ canceled }: { canceled?: boolean }) {
  const config = useCreditsConfig();
  const checkout = useCheckout();
  const [custom, setCustom] = useState("");
  const [invalid, setInvalid] = useState<FieldError[] | null>(null);
  // After a successful start the browser is leaving for Stripe: keep the buttons off meanwhile.
  const busy = checkout.isPending || checkout.isSuccess;

  function buy(amount: number) {
    setInvalid(null);
    checkout.mutate(amount);
  }

  function onCustom(event: FormEvent) {
    event.preventDefault();
    if (!config.data) return;
    const text = custom.trim();
    const check = validateFields(checkoutSchema, { amount_usd: text === "" ? null : Number(text) });
    if (!check.ok) return setInvalid(check.errors);
    buy(check.data.amount_usd);
  }

  const errors = formErrors(invalid ?? checkout.error, ["amount_usd"]);

  return (
    <Card title="Buy credits">
      {canceled && (
        <div className="mb-4">
          <Alert kind="info">Checkout was canceled; nothing was charged.</Alert>
        </div>
      )}
      {config.isPending ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : config.error ? (
        <Alert>{config.error.message}</Alert>
      ) : !config.data.purchases_enabled ? (
        <Alert kind="info">
          Credit purchases are not configured on this instance. An administrator can grant credits instead.
        </Alert>
      ) : (
        <div className="space-y-5">
          <div>
            <p className="mb-2 text-sm text-slate-600">
              Pay securely with Stripe; the credits appear as soon as Stripe confirms the payment.
            </p>
            <div className="grid grid-cols-2 gap-2 sm:grid-cols-4">
              {config.data.packs_usd.map((amount) => (
                <Button
                  key={amount}
                  variant="secondary"
                  className="py-3 text-base"
                  disabled={busy}
                  onClick={() => buy(amount)}
                >
                  Buy {usd(amount)}
                </Button>
              ))}
            </div>
          </div>
          <form onSubmit={onCustom} noValidate className="flex flex-wrap items-end gap-3">
            <div className="w-full sm:w-56">
              <Field
                label="Custom amount (USD)"
                htmlFor="custom-amount"
                hint={`${usd(config.data.min_usd)} to ${usd(config.data.max_usd)}`}
                error={errors.of("amount_usd")}
              >
                <Input
                  id="custom-amount"
                  type="number"
                  inputMode="decimal"
                  min={config.data.min_usd}
                  max={config.data.max_usd}
                  step="0.01"
                  placeholder="e.g. 15"
                  value={custom}
                  onChange={(e) => {
                    setCustom(e.target.value);
                    setInvalid(null);
                    checkout.reset();
                  }}
                  {...errors.aria("amount_usd", "custom-amount")}
                />
              </Field>
            </div>
            <Button type="submit" disabled={busy} className="mb-5">
              Buy
            </Button>
          </form>
          {busy && !checkout.error && (
            <p className="text-sm text-slate-500" role="status">
              Opening the checkout…
            </p>
          )}
          <FormErrorSummary errors={errors} />
        </div>
      )}
    </Card>
  );
}
