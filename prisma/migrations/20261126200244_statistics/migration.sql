-- CreateTable
CREATE TABLE "StatsCell" (
    "month" DATE NOT NULL,
    "stationId" UUID NOT NULL,
    "inspectionId" UUID NOT NULL,
    "municipalityId" UUID NOT NULL,
    "family" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" INTEGER,

    CONSTRAINT "StatsCell_pkey" PRIMARY KEY ("month","stationId","municipalityId","family","key")
);

-- CreateTable
CREATE TABLE "StatsDuration" (
    "month" DATE NOT NULL,
    "stationId" UUID NOT NULL,
    "inspectionId" UUID NOT NULL,
    "municipalityId" UUID NOT NULL,
    "measure" TEXT NOT NULL,
    "counts" INTEGER[],

    CONSTRAINT "StatsDuration_pkey" PRIMARY KEY ("month","stationId","municipalityId","measure")
);

-- CreateTable
CREATE TABLE "StatsDirtyMonth" (
    "id" BIGSERIAL NOT NULL,
    "month" DATE NOT NULL,

    CONSTRAINT "StatsDirtyMonth_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StatsCell_family_month_idx" ON "StatsCell"("family", "month");

-- CreateIndex
CREATE INDEX "StatsDuration_measure_month_idx" ON "StatsDuration"("measure", "month");

-- AddForeignKey
ALTER TABLE "StatsCell" ADD CONSTRAINT "StatsCell_stationId_fkey" FOREIGN KEY ("stationId") REFERENCES "Station"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StatsCell" ADD CONSTRAINT "StatsCell_municipalityId_fkey" FOREIGN KEY ("municipalityId") REFERENCES "Municipality"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The month a referral counts in: its callout's, in Berlin.
CREATE FUNCTION stats_month(at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT date_trunc('month', at AT TIME ZONE 'Europe/Berlin')::date $$;

-- Every change that can move a figure marks its month, in the same transaction (lib/statistics/refresh.ts
-- recomputes marked months). Statement triggers: one small insert per statement, whatever its rows.
CREATE FUNCTION stats_mark_referrals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "StatsDirtyMonth" (month) SELECT DISTINCT stats_month(c."incidentAt") FROM changed c;
  RETURN NULL;
END $$;
CREATE FUNCTION stats_mark_by_referral() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "StatsDirtyMonth" (month)
  SELECT DISTINCT stats_month(r."incidentAt") FROM "Referral" r WHERE r.id IN (SELECT "referralId" FROM changed);
  RETURN NULL;
END $$;
CREATE FUNCTION stats_mark_declined() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "StatsDirtyMonth" (month) SELECT DISTINCT date_trunc('month', c."incidentDate"::timestamp)::date FROM changed c;
  RETURN NULL;
END $$;

CREATE TRIGGER stats_referral_insert AFTER INSERT ON "Referral" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_referrals();
CREATE TRIGGER stats_referral_update AFTER UPDATE ON "Referral" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_referrals();
CREATE TRIGGER stats_track_insert AFTER INSERT ON "ReferralTrack" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_by_referral();
CREATE TRIGGER stats_track_update AFTER UPDATE ON "ReferralTrack" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_by_referral();
CREATE TRIGGER stats_event_insert AFTER INSERT ON "ReferralEvent" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_by_referral();
CREATE TRIGGER stats_declined_insert AFTER INSERT ON "DeclinedOffer" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION stats_mark_declined();

-- What existed before: every month is computed by the first run of the statistics job.
INSERT INTO "StatsDirtyMonth" (month)
SELECT DISTINCT stats_month("incidentAt") FROM "Referral"
UNION SELECT DISTINCT date_trunc('month', "incidentDate"::timestamp)::date FROM "DeclinedOffer";

-- The statistics read one range of months per figure; the recompute selects one month's referrals.
CREATE INDEX "Referral_stats_month_idx" ON "Referral" (stats_month("incidentAt"));
CREATE INDEX "DeclinedOffer_month_idx" ON "DeclinedOffer" ((date_trunc('month', "incidentDate"::timestamp)::date));
