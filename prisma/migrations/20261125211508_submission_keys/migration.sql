-- CreateEnum
CREATE TYPE "SubmissionKind" AS ENUM ('REFERRAL', 'DECLINED');

-- CreateTable
CREATE TABLE "SubmissionKey" (
    "key" UUID NOT NULL,
    "kind" "SubmissionKind" NOT NULL,
    "payloadHash" BYTEA NOT NULL,

    CONSTRAINT "SubmissionKey_pkey" PRIMARY KEY ("key")
);
