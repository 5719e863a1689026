-- CreateIndex
CREATE INDEX "usage_logs_api_key_id_created_at_idx" ON "usage_logs"("api_key_id", "created_at");

-- CreateIndex
CREATE INDEX "usage_logs_status_created_at_idx" ON "usage_logs"("status", "created_at");
