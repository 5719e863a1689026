-- AlterTable
ALTER TABLE "usage_logs" ADD COLUMN     "receipt" JSONB;
