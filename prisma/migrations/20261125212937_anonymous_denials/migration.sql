-- CreateTable
CREATE TABLE "AnonymousDenial" (
    "hour" TIMESTAMPTZ(0) NOT NULL,
    "kind" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "AnonymousDenial_pkey" PRIMARY KEY ("hour","kind")
);
