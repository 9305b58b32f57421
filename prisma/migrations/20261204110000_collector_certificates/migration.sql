-- AlterTable
ALTER TABLE "collectors" ADD COLUMN     "certificate_fingerprint" CHAR(95);

-- CreateIndex
CREATE UNIQUE INDEX "collectors_certificate_fingerprint_key" ON "collectors"("certificate_fingerprint");
