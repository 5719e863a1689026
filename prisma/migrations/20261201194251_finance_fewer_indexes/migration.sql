-- DropIndex
DROP INDEX "ledger_entries_account_id_created_at_idx";

-- DropIndex
DROP INDEX "usage_logs_provider_id_created_at_idx";
