-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "allowed_models" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "allowed_power_levels" "PowerLevel"[] DEFAULT ARRAY[]::"PowerLevel"[],
ADD COLUMN     "month_reserved_micros" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "month_spend_micros" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "monthly_limit_micros" BIGINT,
ADD COLUMN     "routing_profile" JSONB,
ADD COLUMN     "rpm" INTEGER,
ADD COLUMN     "spend_month" TIMESTAMP(3),
ADD COLUMN     "tpm" INTEGER;

-- AlterTable
ALTER TABLE "reservations" ADD COLUMN     "api_key_id" TEXT;

-- AlterTable
ALTER TABLE "user_provider_keys" ADD COLUMN     "invalid_at" TIMESTAMP(3),
ADD COLUMN     "invalid_reason" TEXT,
ADD COLUMN     "verified_at" TIMESTAMP(3);

-- CreateTable
-- UNLOGGED: counters of the last minute need no crash safety, and skipping the WAL keeps the
-- per-request statement cheap. A crash empties the table, which only resets the windows.
CREATE UNLOGGED TABLE "rate_windows" (
    "subject" TEXT NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "tokens" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "rate_windows_pkey" PRIMARY KEY ("subject")
);

-- This month's charges made before the counters existed, so a key's spend (and `ledger verify`)
-- starts from the truth.
UPDATE "api_keys" k SET "spend_month" = date_trunc('month', timezone('UTC', now())), "month_spend_micros" = m.charged
FROM (SELECT "api_key_id", SUM("charged_micros") AS charged FROM "usage_logs"
      WHERE "created_at" >= date_trunc('month', timezone('UTC', now())) AND "api_key_id" IS NOT NULL
      GROUP BY "api_key_id") m
WHERE m."api_key_id" = k."id";
