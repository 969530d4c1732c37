/*
  Warnings:

  - You are about to drop the column `recordedAt` on the `DeclinedOffer` table. All the data in the column will be lost.

*/
-- AlterTable
ALTER TABLE "DeclinedOffer" DROP COLUMN "recordedAt";
