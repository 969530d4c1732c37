-- Partner administration, routing rule history and officers' overrides (issue 9, DESIGN.md section 5).

-- CreateEnum
CREATE TYPE "OverrideReason" AS ENUM ('PERSON_WISH', 'ALREADY_IN_CONTACT', 'LANGUAGE', 'SAFETY', 'NO_RESPONSIBLE_PARTNER');

-- CreateEnum
CREATE TYPE "RoutingChangeKind" AS ENUM ('CREATED', 'ENDED', 'CANCELLED');

-- AlterEnum
ALTER TYPE "RoutingReason" ADD VALUE 'OVERRIDE';

-- Partners: the boolean "active" becomes a validity range; contact details, what they serve and offer.
ALTER TABLE "Partner"
  ADD COLUMN "activeFrom" TIMESTAMPTZ(3),
  ADD COLUMN "activeTo" TIMESTAMPTZ(3),
  ADD COLUMN "address" TEXT NOT NULL DEFAULT '',
  ADD COLUMN "description" TEXT NOT NULL DEFAULT '',
  ADD COLUMN "genders" "Gender"[],
  ADD COLUMN "languages" TEXT[],
  ADD COLUMN "phone" TEXT NOT NULL DEFAULT '',
  ADD COLUMN "tracks" "Track"[],
  ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1;

-- Existing partners: active since their first rule (or the start of today in Europe/Berlin), inactive
-- ones end now; they serve what their rules route to them. The seed completes the demo partners' details;
-- an admin completes any other.
UPDATE "Partner" p SET
  "activeFrom" = COALESCE(
    (SELECT min(r."validFrom") FROM "RoutingRule" r WHERE r."partnerId" = p.id),
    date_trunc('day', now() AT TIME ZONE 'Europe/Berlin') AT TIME ZONE 'Europe/Berlin'),
  "activeTo" = CASE WHEN p.active THEN NULL ELSE now() END,
  "tracks" = COALESCE((SELECT array_agg(DISTINCT r.track) FROM "RoutingRule" r WHERE r."partnerId" = p.id), '{}'),
  "genders" = COALESCE((SELECT array_agg(DISTINCT r.gender) FROM "RoutingRule" r WHERE r."partnerId" = p.id), '{}'),
  "languages" = '{de}';

ALTER TABLE "Partner"
  DROP COLUMN "active",
  ALTER COLUMN "activeFrom" SET NOT NULL,
  ALTER COLUMN "address" DROP DEFAULT,
  ALTER COLUMN "description" DROP DEFAULT,
  ALTER COLUMN "phone" DROP DEFAULT;

-- Referrals: an officer's override has no rule but a reason code.
ALTER TABLE "Referral" ADD COLUMN "overrideReason" "OverrideReason",
ALTER COLUMN "routingRuleId" DROP NOT NULL,
ALTER COLUMN "routingRuleVersion" DROP NOT NULL;

-- A rule decision names its rule and version; an override names its reason and no rule. (Compared as text:
-- the enum value added above cannot be used in the same transaction.)
ALTER TABLE "Referral" ADD CONSTRAINT "Referral_routing_consistent" CHECK (
  ("routingRuleId" IS NULL) = ("routingRuleVersion" IS NULL)
  AND ("routingReason"::text = 'OVERRIDE') = ("routingRuleId" IS NULL)
  AND ("routingReason"::text = 'OVERRIDE') = ("overrideReason" IS NOT NULL)
);

-- CreateTable
CREATE TABLE "RoutingRuleChange" (
    "id" UUID NOT NULL,
    "changeSetId" UUID NOT NULL,
    "ruleId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "kind" "RoutingChangeKind" NOT NULL,
    "validToBefore" TIMESTAMPTZ(3),
    "validFrom" TIMESTAMPTZ(3) NOT NULL,
    "validTo" TIMESTAMPTZ(3),
    "actorId" UUID,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reason" TEXT,

    CONSTRAINT "RoutingRuleChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RoutingRuleChange_changeSetId_idx" ON "RoutingRuleChange"("changeSetId");

-- CreateIndex
CREATE INDEX "RoutingRuleChange_at_idx" ON "RoutingRuleChange"("at");

-- CreateIndex
CREATE UNIQUE INDEX "RoutingRuleChange_ruleId_version_key" ON "RoutingRuleChange"("ruleId", "version");

-- CreateIndex
CREATE INDEX "RoutingRule_partnerId_idx" ON "RoutingRule"("partnerId");

-- AddForeignKey
ALTER TABLE "RoutingRuleChange" ADD CONSTRAINT "RoutingRuleChange_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "RoutingRule"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoutingRuleChange" ADD CONSTRAINT "RoutingRuleChange_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Existing rules get their first history entry (by the seed: no actor), so every version a referral
-- stored has one.
INSERT INTO "RoutingRuleChange" (id, "changeSetId", "ruleId", version, kind, "validFrom", "validTo")
SELECT gen_random_uuid(), gen_random_uuid(), r.id, r.version, 'CREATED', r."validFrom", r."validTo" FROM "RoutingRule" r;

-- Rules are never edited in place and never deleted, whatever the client: an update may only end a rule
-- earlier (never before its start), with the next version; everything that decided a referral stays. Only a
-- rule not yet in force may be withdrawn (its range made empty): one in force may have routed referrals.
CREATE FUNCTION routing_rule_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'routing rules are never deleted' USING ERRCODE = 'restrict_violation';
  END IF;
  IF NEW.id <> OLD.id OR NEW.track <> OLD.track OR NEW.gender <> OLD.gender
     OR NEW."municipalityId" <> OLD."municipalityId" OR NEW."partnerId" <> OLD."partnerId"
     OR NEW."validFrom" <> OLD."validFrom" OR NEW.version <> OLD.version + 1
     OR NEW."validTo" IS NULL OR NEW."validTo" < NEW."validFrom"
     OR (OLD."validTo" IS NOT NULL AND NEW."validTo" >= OLD."validTo")
     OR (NEW."validTo" = NEW."validFrom" AND OLD."validFrom" <= now()) THEN
    RAISE EXCEPTION 'a routing rule may only end earlier, with the next version' USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER "RoutingRule_append_only" BEFORE UPDATE OR DELETE ON "RoutingRule"
  FOR EACH ROW EXECUTE FUNCTION routing_rule_append_only();

-- The history is the record of what each version that a referral stored looked like: never changed.
CREATE FUNCTION routing_rule_change_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the history of routing rules is never changed' USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER "RoutingRuleChange_immutable" BEFORE UPDATE OR DELETE ON "RoutingRuleChange"
  FOR EACH ROW EXECUTE FUNCTION routing_rule_change_immutable();
