-- AlterTable
ALTER TABLE "provider_health_samples" ADD COLUMN     "ttft_ms" INTEGER;

-- CreateTable
CREATE TABLE "provider_health_minutes" (
    "provider_id" TEXT NOT NULL,
    "minute" TIMESTAMP(3) NOT NULL,
    "requests" INTEGER NOT NULL,
    "ok" INTEGER NOT NULL,
    "latency_hist" INTEGER[],
    "ttft_hist" INTEGER[],

    CONSTRAINT "provider_health_minutes_pkey" PRIMARY KEY ("provider_id","minute")
);

-- CreateTable
CREATE TABLE "provider_circuits" (
    "provider_id" TEXT NOT NULL,
    "opened_at" TIMESTAMP(3),
    "reason" TEXT,
    "error" TEXT,
    "trial_started_at" TIMESTAMP(3),
    "degraded" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "provider_circuits_pkey" PRIMARY KEY ("provider_id")
);

-- CreateIndex
CREATE INDEX "provider_health_minutes_minute_idx" ON "provider_health_minutes"("minute");

-- CreateIndex
CREATE INDEX "provider_health_samples_created_at_idx" ON "provider_health_samples"("created_at");

-- AddForeignKey
ALTER TABLE "provider_health_minutes" ADD CONSTRAINT "provider_health_minutes_provider_id_fkey" FOREIGN KEY ("provider_id") REFERENCES "providers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "provider_circuits" ADD CONSTRAINT "provider_circuits_provider_id_fkey" FOREIGN KEY ("provider_id") REFERENCES "providers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
