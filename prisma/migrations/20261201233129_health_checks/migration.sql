-- AlterTable
ALTER TABLE "providers" ADD COLUMN     "check_interval_s" INTEGER DEFAULT 60;

-- CreateTable
CREATE TABLE "provider_checks" (
    "provider_id" TEXT NOT NULL,
    "checked_at" TIMESTAMP(3) NOT NULL,
    "outcome" TEXT NOT NULL,
    "status" INTEGER,
    "error" TEXT,
    "latency_ms" INTEGER,
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "provider_checks_pkey" PRIMARY KEY ("provider_id")
);

-- CreateTable
CREATE TABLE "cluster_leases" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "cluster_leases_pkey" PRIMARY KEY ("name")
);

-- AddForeignKey
ALTER TABLE "provider_checks" ADD CONSTRAINT "provider_checks_provider_id_fkey" FOREIGN KEY ("provider_id") REFERENCES "providers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
