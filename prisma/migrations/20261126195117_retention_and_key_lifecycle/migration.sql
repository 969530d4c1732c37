-- CreateTable
CREATE TABLE "RetentionPolicy" (
    "one" INTEGER NOT NULL DEFAULT 1,
    "afterAcknowledgementDays" INTEGER NOT NULL DEFAULT 30,
    "withoutAcknowledgementDays" INTEGER NOT NULL DEFAULT 90,
    "changedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "changedById" UUID,

    CONSTRAINT "RetentionPolicy_pkey" PRIMARY KEY ("one")
);

-- CreateTable
CREATE TABLE "RetentionRun" (
    "id" UUID NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "finishedAt" TIMESTAMPTZ(3),
    "trigger" TEXT NOT NULL,
    "purged" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RetentionRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EncryptionKeyState" (
    "id" TEXT NOT NULL,
    "currentSince" TIMESTAMPTZ(3),
    "unusedSince" TIMESTAMPTZ(3),
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL,
    "goneSince" TIMESTAMPTZ(3),
    "sealedValues" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "EncryptionKeyState_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RetentionRun_startedAt_idx" ON "RetentionRun"("startedAt" DESC);

-- AddForeignKey
ALTER TABLE "RetentionPolicy" ADD CONSTRAINT "RetentionPolicy_changedById_fkey" FOREIGN KEY ("changedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- One policy row, with the defaults of DESIGN.md section 7; the app validates against RETENTION_MAX_DAYS.
ALTER TABLE "RetentionPolicy" ADD CONSTRAINT "RetentionPolicy_one" CHECK ("one" = 1),
  ADD CONSTRAINT "RetentionPolicy_days_positive"
    CHECK ("afterAcknowledgementDays" > 0 AND "withoutAcknowledgementDays" > 0);
INSERT INTO "RetentionPolicy" ("one") VALUES (1);

ALTER TABLE "RetentionRun" ADD CONSTRAINT "RetentionRun_trigger" CHECK ("trigger" IN ('SCHEDULE', 'COMMAND'));

-- The retention job's candidates: only referrals that still hold personal data (a few months' worth), never
-- the erased millions behind them.
CREATE INDEX "Referral_holding_data_idx" ON "Referral" ("submittedAt", id) WHERE "dataKey" IS NOT NULL;
