"use client";
import { useState, type FormEvent } from "react";
import { Alert, Button, Card, Field, Input } from "@/components/ui/primitives";
import { useCheckout, useCreditsConfig } from "./credits-query";
import { exactUsd, micros } from "./money";

const usd = (amount: number) => exactUsd(micros(amount)).replace(/\.00$/, "");

/** Packs and a custom amount, each a Stripe Checkout; only when the instance has Stripe configured. */
export function BuyCredits({ canceled }: { canceled?: boolean }) {
  const config = useCreditsConfig();
  const checkout = useCheckout();
  const [custom, setCustom] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  // After a successful start the browser is leaving for Stripe: keep the buttons off meanwhile.
  const busy = checkout.isPending || checkout.isSuccess;

  function buy(amount: number) {
    setLocalError(null);
    checkout.mutate(amount);
  }

  function onCustom(event: FormEvent) {
    event.preventDefault();
    if (!config.data) return;
    const text = custom.trim();
    if (!/^\d+(\.\d{1,2})?$/.test(text)) return setLocalError("Enter an amount in dollars, with at most two decimals (e.g. 15 or 12.50).");
    const amount = Number(text);
    if (amount < config.data.min_usd || amount > config.data.max_usd) return setLocalError(`The amount must be between ${usd(config.data.min_usd)} and ${usd(config.data.max_usd)}.`);
    buy(amount);
  }

  return (
    <Card title="Buy credits">
      {canceled && <div className="mb-4"><Alert kind="info">Checkout was canceled; nothing was charged.</Alert></div>}
      {config.isPending ? (
        <p className="text-sm text-slate-500">Loading…</p>
      ) : config.error ? (
        <Alert>{config.error.message}</Alert>
      ) : !config.data.purchases_enabled ? (
        <Alert kind="info">Credit purchases are not configured on this instance. An administrator can grant credits instead.</Alert>
      ) : (
        <div className="space-y-5">
          <div>
            <p className="mb-2 text-sm text-slate-600">Pay securely with Stripe; the credits appear as soon as Stripe confirms the payment.</p>
            <div className="grid grid-cols-2 gap-2 sm:grid-cols-4">
              {config.data.packs_usd.map((amount) => (
                <Button key={amount} variant="secondary" className="py-3 text-base" disabled={busy} onClick={() => buy(amount)}>
                  Buy {usd(amount)}
                </Button>
              ))}
            </div>
          </div>
          <form onSubmit={onCustom} noValidate className="flex flex-wrap items-end gap-3">
            <div className="w-full sm:w-56">
              <Field label="Custom amount (USD)" htmlFor="custom-amount" hint={`${usd(config.data.min_usd)} to ${usd(config.data.max_usd)}`}>
                <Input id="custom-amount" type="number" inputMode="decimal" min={config.data.min_usd} max={config.data.max_usd} step="0.01" placeholder="e.g. 15"
                  value={custom} onChange={(e) => { setCustom(e.target.value); setLocalError(null); checkout.reset(); }} />
              </Field>
            </div>
            <Button type="submit" disabled={busy} className="mb-5">Buy</Button>
          </form>
          {busy && !checkout.error && <p className="text-sm text-slate-500" role="status">Opening the checkout…</p>}
          {(localError || checkout.error) && <Alert>{localError ?? checkout.error?.message}</Alert>}
        </div>
      )}
    </Card>
  );
}
