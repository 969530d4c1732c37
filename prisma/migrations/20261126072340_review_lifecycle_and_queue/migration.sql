-- The review queue and the referral lifecycle (issue 11, ADR 0010): each referral's timeline of steps, the
-- timestamps the queue sorts and measures by, the inspection on the row (the scope of its supervisors), and
-- each station's review mode (four-eyes or direct dispatch).
-- CreateEnum
CREATE TYPE "ReviewMode" AS ENUM ('FOUR_EYES', 'DIRECT');

-- CreateEnum
CREATE TYPE "ReferralStep" AS ENUM ('SUBMITTED', 'CORRECTED', 'RESUBMITTED', 'APPROVED', 'AUTO_APPROVED', 'RETURNED', 'DISPATCHED', 'ACKNOWLEDGED', 'CLOSED', 'WITHDRAWN', 'PURGED');

-- DropIndex
DROP INDEX "Referral_stationId_status_submittedAt_idx";

-- AlterTable
ALTER TABLE "Referral" ADD COLUMN     "approvedAt" TIMESTAMPTZ(3),
ADD COLUMN     "dueAt" TIMESTAMPTZ(3),
ADD COLUMN     "inspectionId" UUID,
ADD COLUMN     "statusChangedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- Referrals filed so far: their station's inspection, waiting since their last change, due for approval
-- by the default targets (4 h, 1 h at high risk), approved ones by the time they were last changed.
UPDATE "Referral" SET "statusChangedAt" = "updatedAt",
       "dueAt" = CASE WHEN status = 'SUBMITTED'
                      THEN "updatedAt" + CASE WHEN "highRisk" THEN interval '1 hour' ELSE interval '4 hours' END END,
       "inspectionId" = (SELECT "inspectionId" FROM "Station" WHERE "Station".id = "Referral"."stationId");
ALTER TABLE "Referral" ALTER COLUMN "inspectionId" SET NOT NULL;

-- AlterTable
ALTER TABLE "Station" ADD COLUMN     "reviewMode" "ReviewMode" NOT NULL DEFAULT 'FOUR_EYES';

-- CreateTable
CREATE TABLE "ReferralEvent" (
    "id" UUID NOT NULL,
    "referralId" UUID NOT NULL,
    "step" "ReferralStep" NOT NULL,
    "track" "Track",
    "fromStatus" "ReferralStatus",
    "toStatus" "ReferralStatus" NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" UUID,
    "actorRole" "Role",
    "comment" TEXT,

    CONSTRAINT "ReferralEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReferralEvent_referralId_at_idx" ON "ReferralEvent"("referralId", "at");

-- CreateIndex
CREATE INDEX "Referral_stationId_status_highRisk_statusChangedAt_id_idx" ON "Referral"("stationId", "status", "highRisk" DESC, "statusChangedAt", "id");

-- CreateIndex
CREATE INDEX "Referral_inspectionId_status_highRisk_statusChangedAt_id_idx" ON "Referral"("inspectionId", "status", "highRisk" DESC, "statusChangedAt", "id");

-- CreateIndex
CREATE INDEX "Referral_stationId_dueAt_idx" ON "Referral"("stationId", "dueAt");

-- CreateIndex
CREATE INDEX "Referral_inspectionId_dueAt_idx" ON "Referral"("inspectionId", "dueAt");

-- AddForeignKey
ALTER TABLE "Referral" ADD CONSTRAINT "Referral_inspectionId_fkey" FOREIGN KEY ("inspectionId") REFERENCES "Inspection"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReferralEvent" ADD CONSTRAINT "ReferralEvent_referralId_fkey" FOREIGN KEY ("referralId") REFERENCES "Referral"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReferralEvent" ADD CONSTRAINT "ReferralEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Their timeline starts with the submission.
INSERT INTO "ReferralEvent" (id, "referralId", step, "fromStatus", "toStatus", at, "actorId", "actorRole")
SELECT uuidv7(), id, 'SUBMITTED', NULL, 'SUBMITTED', "submittedAt", "createdById", 'OFFICER' FROM "Referral";

-- A return comment is sealed like the rest of the referral's personal data ("e1.", lib/crypto/envelope.ts).
ALTER TABLE "ReferralEvent" ADD CONSTRAINT "ReferralEvent_comment_sealed" CHECK ("comment" IS NULL OR "comment" LIKE 'e1.%');
