-- The timeline keeps two more facts, never personal data: what a correction changed (the names of the parts,
-- for the second look of the supervisor who reviews it again), and how and on which day a withdrawal of
-- consent reached the police (issue 11). Existing entries get none.
-- CreateEnum
CREATE TYPE "WithdrawalChannel" AS ENUM ('PHONE', 'IN_PERSON', 'IN_WRITING', 'VIA_PARTNER');

-- AlterTable
ALTER TABLE "ReferralEvent" ADD COLUMN     "changes" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "receivedOn" DATE,
ADD COLUMN     "receivedVia" "WithdrawalChannel";
