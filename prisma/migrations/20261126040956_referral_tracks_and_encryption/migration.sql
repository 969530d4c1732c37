-- The complete referral form (issue 10, ADR 0009): personal data sealed under a per-referral data key
-- (envelope encryption), a keyed blind index of the Vorgangsnummer, and one ReferralTrack per delivery
-- (victim, perpetrator), each with its own person, consent, partner, routing and state.
--
-- Referrals stored so far hold names and phone numbers in clear text, which cannot be encrypted in SQL
-- (the keys live in the application's configuration). No production database exists yet; development and
-- test databases lose their referrals here (their submission keys go with them, so forms can be sent anew).
DELETE FROM "SubmissionKey" WHERE kind = 'REFERRAL';
DELETE FROM "Referral";

-- CreateEnum
CREATE TYPE "LawfulBasis" AS ENUM ('CONSENT', 'LEGAL_BASIS');

-- CreateEnum
CREATE TYPE "ConsentMethod" AS ENUM ('VERBAL', 'SIGNED');

-- CreateEnum
CREATE TYPE "ContactChannel" AS ENUM ('VOICEMAIL', 'SMS', 'LETTER');

-- DropForeignKey
ALTER TABLE "Referral" DROP CONSTRAINT "Referral_partnerId_fkey";

-- DropForeignKey
ALTER TABLE "Referral" DROP CONSTRAINT "Referral_routingRuleId_fkey";

-- AlterTable
ALTER TABLE "Referral" DROP COLUMN "caseNumber",
DROP COLUMN "consentGivenAt",
DROP COLUMN "firstName",
DROP COLUMN "gender",
DROP COLUMN "lastName",
DROP COLUMN "overrideReason",
DROP COLUMN "partnerId",
DROP COLUMN "phone",
DROP COLUMN "routingReason",
DROP COLUMN "routingRuleId",
DROP COLUMN "routingRuleVersion",
DROP COLUMN "track",
ADD COLUMN     "caseNumberIndex" BYTEA,
ADD COLUMN     "dataKey" TEXT,
ADD COLUMN     "details" TEXT,
ADD COLUMN     "highRisk" BOOLEAN NOT NULL,
ADD COLUMN     "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "ReferralTrack" (
    "id" UUID NOT NULL,
    "referralId" UUID NOT NULL,
    "track" "Track" NOT NULL,
    "status" "ReferralStatus" NOT NULL DEFAULT 'SUBMITTED',
    "gender" "Gender" NOT NULL,
    "partnerId" UUID NOT NULL,
    "routingRuleId" UUID,
    "routingRuleVersion" INTEGER,
    "routingReason" "RoutingReason" NOT NULL,
    "overrideReason" "OverrideReason",
    "lawfulBasis" "LawfulBasis" NOT NULL,
    "consentMethod" "ConsentMethod",
    "consentGivenAt" TIMESTAMPTZ(3),
    "legalBasis" TEXT,
    "channels" "ContactChannel"[],
    "person" TEXT,

    CONSTRAINT "ReferralTrack_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReferralTrack_partnerId_status_idx" ON "ReferralTrack"("partnerId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ReferralTrack_referralId_track_key" ON "ReferralTrack"("referralId", "track");

-- CreateIndex
CREATE INDEX "Referral_caseNumberIndex_idx" ON "Referral"("caseNumberIndex");

-- AddForeignKey
ALTER TABLE "ReferralTrack" ADD CONSTRAINT "ReferralTrack_referralId_fkey" FOREIGN KEY ("referralId") REFERENCES "Referral"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReferralTrack" ADD CONSTRAINT "ReferralTrack_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReferralTrack" ADD CONSTRAINT "ReferralTrack_routingRuleId_fkey" FOREIGN KEY ("routingRuleId") REFERENCES "RoutingRule"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A rule decision names its rule and version; an override names its reason and no rule.
ALTER TABLE "ReferralTrack" ADD CONSTRAINT "ReferralTrack_routing_consistent" CHECK (
  ("routingRuleId" IS NULL) = ("routingRuleVersion" IS NULL)
  AND ("routingReason" = 'OVERRIDE') = ("routingRuleId" IS NULL)
  AND ("routingReason" = 'OVERRIDE') = ("overrideReason" IS NOT NULL)
);

-- Consent has its method and stated time; a statutory basis its reference. The perpetrator programme only
-- ever works with that person's own consent.
ALTER TABLE "ReferralTrack" ADD CONSTRAINT "ReferralTrack_lawful_basis_consistent" CHECK (
  ("lawfulBasis" = 'CONSENT') = ("consentMethod" IS NOT NULL AND "consentGivenAt" IS NOT NULL)
  AND ("lawfulBasis" = 'LEGAL_BASIS') = ("legalBasis" IS NOT NULL)
  AND ("track" = 'VICTIM' OR "lawfulBasis" = 'CONSENT')
);

-- Nothing readable lands in the sealed columns, whatever writes them: data ciphertexts ("e1.", under the
-- data key) and the wrapped data key ("v2.", under the keyring).
ALTER TABLE "Referral" ADD CONSTRAINT "Referral_sealed" CHECK (
  ("dataKey" IS NULL OR "dataKey" LIKE 'v2.%') AND ("details" IS NULL OR "details" LIKE 'e1.%')
  AND ("caseNumberIndex" IS NULL OR octet_length("caseNumberIndex") = 32)
);

-- Erasure (crypto-shredding) is complete or not at all: without its data key a referral keeps neither its
-- ciphertexts nor the blind index, which would still link it to its police case for whoever holds HASH_SECRET.
ALTER TABLE "Referral" ADD CONSTRAINT "Referral_erased_completely" CHECK (
  "dataKey" IS NOT NULL OR ("details" IS NULL AND "caseNumberIndex" IS NULL)
);
ALTER TABLE "ReferralTrack" ADD CONSTRAINT "ReferralTrack_sealed" CHECK ("person" IS NULL OR "person" LIKE 'e1.%');
