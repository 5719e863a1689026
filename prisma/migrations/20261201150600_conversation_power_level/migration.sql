-- AlterTable
ALTER TABLE "conversations" ADD COLUMN     "power_level" "PowerLevel";
