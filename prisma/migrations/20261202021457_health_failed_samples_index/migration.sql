-- CreateIndex
CREATE INDEX "provider_health_samples_failed_idx" ON "provider_health_samples"("provider_id", "created_at") WHERE ("ok" = false);
