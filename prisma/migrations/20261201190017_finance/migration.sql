-- AlterTable
ALTER TABLE "ledger_entries" ADD COLUMN     "shortfall_micros" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "models" ADD COLUMN     "cache_read_price_per_1m_micros" BIGINT,
ADD COLUMN     "cache_write_price_per_1m_micros" BIGINT;

-- AlterTable
ALTER TABLE "stripe_events" ADD COLUMN     "amount_micros" BIGINT,
ADD COLUMN     "object_id" TEXT,
ADD COLUMN     "source" TEXT NOT NULL DEFAULT 'webhook';

-- AlterTable
ALTER TABLE "usage_logs" ADD COLUMN     "cache_read_cost_micros" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "cache_read_tokens" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "cache_write_cost_micros" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "cache_write_tokens" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "input_cost_micros" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "output_cost_micros" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "reasoning_tokens" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "usage_daily" (
    "day" DATE NOT NULL,
    "provider_slug" TEXT NOT NULL,
    "model_name" TEXT NOT NULL,
    "power_level" TEXT NOT NULL,
    "byok" BOOLEAN NOT NULL,
    "requests" BIGINT NOT NULL,
    "errors" BIGINT NOT NULL,
    "prompt_tokens" BIGINT NOT NULL,
    "completion_tokens" BIGINT NOT NULL,
    "cache_read_tokens" BIGINT NOT NULL,
    "cache_write_tokens" BIGINT NOT NULL,
    "reasoning_tokens" BIGINT NOT NULL,
    "charged_micros" BIGINT NOT NULL,
    "provider_cost_micros" BIGINT NOT NULL,
    "input_cost_micros" BIGINT NOT NULL,
    "cache_read_cost_micros" BIGINT NOT NULL,
    "cache_write_cost_micros" BIGINT NOT NULL,
    "output_cost_micros" BIGINT NOT NULL,
    "precision_cost_micros" BIGINT NOT NULL,

    CONSTRAINT "usage_daily_pkey" PRIMARY KEY ("day","provider_slug","model_name","power_level","byok")
);

-- CreateTable
CREATE TABLE "usage_daily_users" (
    "day" DATE NOT NULL,
    "user_id" TEXT NOT NULL,
    "requests" BIGINT NOT NULL,
    "charged_micros" BIGINT NOT NULL,
    "provider_cost_micros" BIGINT NOT NULL,
    "precision_cost_micros" BIGINT NOT NULL,

    CONSTRAINT "usage_daily_users_pkey" PRIMARY KEY ("day","user_id")
);

-- CreateTable
CREATE TABLE "ledger_daily" (
    "day" DATE NOT NULL,
    "type" "LedgerEntryType" NOT NULL,
    "entries" BIGINT NOT NULL,
    "amount_micros" BIGINT NOT NULL,
    "shortfall_micros" BIGINT NOT NULL,

    CONSTRAINT "ledger_daily_pkey" PRIMARY KEY ("day","type")
);

-- CreateTable
CREATE TABLE "rollup_state" (
    "name" TEXT NOT NULL,
    "rolled_until" DATE NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "rollup_state_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "ledger_entries_account_id_created_at_idx" ON "ledger_entries"("account_id", "created_at");

-- CreateIndex
CREATE INDEX "ledger_entries_type_created_at_idx" ON "ledger_entries"("type", "created_at");

-- CreateIndex
CREATE INDEX "reservations_created_at_idx" ON "reservations"("created_at");

-- CreateIndex
CREATE INDEX "stripe_events_object_id_idx" ON "stripe_events"("object_id");

-- CreateIndex
CREATE INDEX "stripe_events_processed_at_idx" ON "stripe_events"("processed_at");

-- CreateIndex
CREATE INDEX "usage_logs_provider_slug_created_at_idx" ON "usage_logs"("provider_slug", "created_at");

-- CreateIndex
CREATE INDEX "usage_logs_model_name_created_at_idx" ON "usage_logs"("model_name", "created_at");
