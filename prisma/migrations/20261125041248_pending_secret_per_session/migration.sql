-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "pendingMfaSecret" TEXT;
