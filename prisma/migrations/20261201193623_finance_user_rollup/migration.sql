-- CreateTable
CREATE TABLE "usage_daily_user_models" (
    "day" DATE NOT NULL,
    "user_id" TEXT NOT NULL,
    "provider_slug" TEXT NOT NULL,
    "model_name" TEXT NOT NULL,
    "power_level" TEXT NOT NULL,
    "requests" BIGINT NOT NULL,
    "errors" BIGINT NOT NULL,
    "prompt_tokens" BIGINT NOT NULL,
    "completion_tokens" BIGINT NOT NULL,
    "charged_micros" BIGINT NOT NULL,
    "precision_cost_micros" BIGINT NOT NULL,

    CONSTRAINT "usage_daily_user_models_pkey" PRIMARY KEY ("user_id","day","provider_slug","model_name","power_level")
);

-- CreateIndex
CREATE INDEX "ledger_entries_shortfall_micros_idx" ON "ledger_entries"("shortfall_micros");
