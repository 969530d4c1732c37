-- Delivery and the partner's inbox (issue 12, ADR 0011): each delivery (track) keeps its own timeliness
-- (dispatched, due, acknowledged, first contact attempt, outcome), the timeline keeps contact attempts and
-- outcomes (never notes), and a partner may have a signed webhook.
-- CreateEnum
CREATE TYPE "ContactAttemptChannel" AS ENUM ('PHONE', 'SMS', 'LETTER', 'IN_PERSON');

-- CreateEnum
CREATE TYPE "Outcome" AS ENUM ('REACHED_SUPPORTED', 'NOT_REACHABLE', 'DECLINED', 'UNSAFE_TO_CONTACT', 'FORWARDED');

-- AlterEnum
ALTER TYPE "ReferralStep" ADD VALUE 'CONTACT_ATTEMPTED';

-- DropIndex
DROP INDEX "ReferralTrack_partnerId_status_idx";

-- AlterTable
ALTER TABLE "Partner" ADD COLUMN     "webhookSecret" TEXT,
ADD COLUMN     "webhookSecretAt" TIMESTAMPTZ(3),
ADD COLUMN     "webhookUrl" TEXT;

-- AlterTable
ALTER TABLE "ReferralEvent" ADD COLUMN     "contactAt" TIMESTAMPTZ(3),
ADD COLUMN     "contactChannel" "ContactAttemptChannel",
ADD COLUMN     "outcome" "Outcome",
ADD COLUMN     "reached" BOOLEAN;

-- AlterTable
ALTER TABLE "ReferralTrack" ADD COLUMN     "acknowledgedAt" TIMESTAMPTZ(3),
ADD COLUMN     "deliveryTroubleAt" TIMESTAMPTZ(3),
ADD COLUMN     "dispatchedAt" TIMESTAMPTZ(3),
ADD COLUMN     "dueAt" TIMESTAMPTZ(3),
ADD COLUMN     "firstContactAt" TIMESTAMPTZ(3),
ADD COLUMN     "highRisk" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "outcome" "Outcome",
ADD COLUMN     "reminderSentAt" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "ReferralTrack_partnerId_status_highRisk_dispatchedAt_id_idx" ON "ReferralTrack"("partnerId", "status", "highRisk" DESC, "dispatchedAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "ReferralTrack_status_dueAt_idx" ON "ReferralTrack"("status", "dueAt");

-- CreateIndex
CREATE INDEX "ReferralTrack_deliveryTroubleAt_idx" ON "ReferralTrack"("deliveryTroubleAt");

-- Deliveries made before this migration: their dispatch time and deadline from the referral, and its high-risk
-- flag for the victim's delivery (the victim's risk is never the perpetrator programme's to know).
UPDATE "ReferralTrack" t
   SET "highRisk" = r."highRisk" AND t.track = 'VICTIM', "dueAt" = r."dueAt",
       "dispatchedAt" = (SELECT max(e.at) FROM "ReferralEvent" e
                          WHERE e."referralId" = r.id AND e.step = 'DISPATCHED')
  FROM "Referral" r
 WHERE r.id = t."referralId" AND t.status IN ('DISPATCHED', 'ACKNOWLEDGED', 'CLOSED');
