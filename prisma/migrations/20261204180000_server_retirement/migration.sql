-- AlterTable
ALTER TABLE "monitored_servers" ADD COLUMN     "retired_at" TIMESTAMPTZ(3);
