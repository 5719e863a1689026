-- AlterTable
ALTER TABLE "usage_logs" ADD COLUMN     "api" TEXT NOT NULL DEFAULT 'chat.completions';
