-- The audit trail becomes append-only, hash-chained and partitioned by year (DESIGN.md section 7, ADR 0012).
--
-- The app's role writes "AuditPending" (INSERT only) in the transaction of the change it records. A constraint
-- trigger deferred to commit moves each pending event into "AuditEvent": it locks the chain's head row
-- ("AuditHead"), gives the event the next position (its id), the commit time (never earlier than its
-- predecessor's), the predecessor's hash and its own: SHA-256 over the predecessor's hash and the event's
-- canonical bytes (audit_canonical; lib/audit/chain.ts computes the same bytes to verify). The head is held only
-- from that trigger to the end of the commit, so positions follow commit order and unrelated work is never
-- serialised. The app's role may only read "AuditEvent"; triggers that always fire (also for a superuser and
-- under session_replication_role = replica) refuse UPDATE, DELETE and TRUNCATE.

-- Events written so far: kept, and chained below in their order.
CREATE TEMP TABLE audit_before ON COMMIT DROP AS SELECT * FROM "AuditEvent";
DROP TABLE "AuditEvent";

CREATE TABLE "AuditEvent" (
    "id" BIGINT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actorId" UUID,
    "actorRole" "Role",
    "action" TEXT NOT NULL,
    "entityType" TEXT,
    "entityId" TEXT,
    "subjectIds" UUID[],
    "reason" TEXT,
    "recipient" TEXT,
    "details" JSONB,
    "prevHash" BYTEA NOT NULL,
    "hash" BYTEA NOT NULL,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id", "at")
) PARTITION BY RANGE ("at");

CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");
CREATE INDEX "AuditEvent_actorId_at_idx" ON "AuditEvent"("actorId", "at");
CREATE INDEX "AuditEvent_action_at_idx" ON "AuditEvent"("action", "at");
CREATE INDEX "AuditEvent_entityId_at_idx" ON "AuditEvent"("entityId", "at");
CREATE INDEX "AuditEvent_subjectIds_idx" ON "AuditEvent" USING GIN ("subjectIds");

CREATE TABLE "AuditPending" (
    "id" BIGSERIAL NOT NULL,
    "actorId" UUID,
    "actorRole" "Role",
    "action" TEXT NOT NULL,
    "entityType" TEXT,
    "entityId" TEXT,
    "subjectIds" UUID[],
    "reason" TEXT,
    "recipient" TEXT,
    "details" JSONB,

    CONSTRAINT "AuditPending_pkey" PRIMARY KEY ("id"),
    -- The canonical form joins the listed ids with commas and reads the details as entries: only a plain list
    -- without gaps and an object can be hashed unambiguously (lib/audit/chain.ts).
    CONSTRAINT "AuditPending_subjectIds_plain" CHECK (
      "subjectIds" IS NULL OR (array_position("subjectIds", NULL) IS NULL AND array_ndims("subjectIds") IS NOT DISTINCT FROM 1
                               AND array_lower("subjectIds", 1) = 1) OR cardinality("subjectIds") = 0),
    CONSTRAINT "AuditPending_details_object" CHECK ("details" IS NULL OR jsonb_typeof("details") = 'object')
);

CREATE TABLE "AuditHead" (
    "one" INTEGER NOT NULL DEFAULT 1,
    "eventId" BIGINT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "hash" BYTEA NOT NULL,

    CONSTRAINT "AuditHead_pkey" PRIMARY KEY ("one"),
    CONSTRAINT "AuditHead_one" CHECK ("one" = 1)
);

CREATE TABLE "AuditCheckpoint" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "eventId" BIGINT NOT NULL,
    "eventAt" TIMESTAMPTZ(3) NOT NULL,
    "hash" BYTEA NOT NULL,
    "verifiedFrom" BIGINT NOT NULL,
    "brokenAt" BIGINT,

    CONSTRAINT "AuditCheckpoint_pkey" PRIMARY KEY ("id")
);

-- One partition per calendar year in Berlin time: retention ends with the following year (DESIGN.md section 7),
-- and `npm run audit:drop-year` then drops the year's partition whole. `npm run db:migrate` adds the current
-- and the next two years on every run; without a partition an event could not be written, and the change it
-- records would fail with it (fail closed) rather than go unrecorded.
CREATE FUNCTION audit_add_partition(p_year integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_name text := format('AuditEvent_%s', p_year);
  v_grantee oid;
BEGIN
  IF to_regclass(format('%I', v_name)) IS NOT NULL THEN
    RETURN;
  END IF;
  EXECUTE format(
    'CREATE TABLE %I PARTITION OF "AuditEvent" FOR VALUES FROM (%L) TO (%L)',
    v_name,
    make_timestamptz(p_year, 1, 1, 0, 0, 0, 'Europe/Berlin'),
    make_timestamptz(p_year + 1, 1, 1, 0, 0, 0, 'Europe/Berlin'));
  -- A statement trigger on the parent does not fire for a TRUNCATE of one partition: each has its own.
  EXECUTE format(
    'CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()',
    v_name);
  EXECUTE format('ALTER TABLE %I ENABLE ALWAYS TRIGGER "AuditEvent_no_truncate"', v_name);
  -- Default privileges may have granted the app's role rows on the new table: a partition is reached only
  -- through "AuditEvent", and nobody but its owner has any right on it.
  FOR v_grantee IN
    SELECT DISTINCT a.grantee FROM pg_class c, aclexplode(c.relacl) a
     WHERE c.oid = to_regclass(format('%I', v_name)) AND a.grantee <> c.relowner
  LOOP
    EXECUTE format('REVOKE ALL ON %I FROM %s', v_name,
                   CASE WHEN v_grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(v_grantee)) END);
  END LOOP;
END $$;

CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER "AuditEvent_append_only" BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER "AuditCheckpoint_append_only" BEFORE UPDATE OR DELETE ON "AuditCheckpoint"
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER "AuditCheckpoint_no_truncate" BEFORE TRUNCATE ON "AuditCheckpoint"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
ALTER TABLE "AuditEvent" ENABLE ALWAYS TRIGGER "AuditEvent_append_only";
ALTER TABLE "AuditEvent" ENABLE ALWAYS TRIGGER "AuditEvent_no_truncate";
ALTER TABLE "AuditCheckpoint" ENABLE ALWAYS TRIGGER "AuditCheckpoint_append_only";
ALTER TABLE "AuditCheckpoint" ENABLE ALWAYS TRIGGER "AuditCheckpoint_no_truncate";

SELECT audit_add_partition(y)
  FROM generate_series(
    LEAST(2025, (SELECT extract(year FROM min(at) AT TIME ZONE 'Europe/Berlin')::integer FROM audit_before)),
    extract(year FROM now() AT TIME ZONE 'Europe/Berlin')::integer + 2) AS y;

-- One field of the canonical form: 0x00 for NULL, else 0x01, the length in bytes (4 bytes, big-endian) and
-- the UTF-8 bytes. Lengths make the form unambiguous whatever the fields contain.
CREATE FUNCTION audit_field(p_value text) RETURNS bytea IMMUTABLE LANGUAGE sql AS $$
  SELECT CASE WHEN p_value IS NULL THEN '\x00'::bytea
         ELSE '\x01'::bytea || int4send(octet_length(convert_to(p_value, 'UTF8'))) || convert_to(p_value, 'UTF8') END
$$;

-- The bytes an event's hash covers, version 1 (lib/audit/chain.ts builds the same): a label, then each field in
-- a fixed order. The time is whole milliseconds since 1970. The details are their entries ordered by key
-- (bytewise), each as key, JSON type and value text: never JSON text, whose key order and spacing are the
-- database's business.
CREATE FUNCTION audit_canonical(
  p_id bigint, p_at timestamptz, p_actor_id uuid, p_actor_role text, p_action text, p_entity_type text,
  p_entity_id text, p_subject_ids uuid[], p_reason text, p_recipient text, p_details jsonb
) RETURNS bytea STABLE LANGUAGE sql AS $$
  SELECT convert_to('audit-event/1', 'UTF8')
    || audit_field(p_id::text)
    || audit_field((extract(epoch FROM p_at) * 1000)::bigint::text)
    || audit_field(p_actor_id::text)
    || audit_field(p_actor_role)
    || audit_field(p_action)
    || audit_field(p_entity_type)
    || audit_field(p_entity_id)
    || audit_field(array_to_string(p_subject_ids, ','))
    || audit_field(p_reason)
    || audit_field(p_recipient)
    || CASE WHEN p_details IS NULL THEN '\x00'::bytea
       ELSE '\x01'::bytea || COALESCE((
         SELECT string_agg(audit_field(key) || audit_field(jsonb_typeof(value)) || audit_field(value #>> '{}'),
                           ''::bytea ORDER BY key COLLATE "C")
           FROM jsonb_each(p_details)), ''::bytea) END
$$;

-- Moves one pending event into the chain (SECURITY DEFINER: the app's role cannot write the events or the
-- head itself). Runs at commit; the head's row lock orders concurrent commits.
CREATE FUNCTION audit_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_head "AuditHead"%ROWTYPE;
  v_id bigint;
  v_at timestamptz(3);
  v_hash bytea;
BEGIN
  SELECT * INTO STRICT v_head FROM "AuditHead" WHERE one = 1 FOR UPDATE;
  v_id := v_head."eventId" + 1;
  v_at := greatest(clock_timestamp()::timestamptz(3), v_head.at);
  v_hash := sha256(v_head.hash || audit_canonical(v_id, v_at, NEW."actorId", NEW."actorRole"::text, NEW.action,
    NEW."entityType", NEW."entityId", NEW."subjectIds", NEW.reason, NEW.recipient, NEW.details));
  INSERT INTO "AuditEvent" (id, at, "actorId", "actorRole", action, "entityType", "entityId", "subjectIds", reason,
                            recipient, details, "prevHash", hash)
  VALUES (v_id, v_at, NEW."actorId", NEW."actorRole", NEW.action, NEW."entityType", NEW."entityId",
          NEW."subjectIds", NEW.reason, NEW.recipient, NEW.details, v_head.hash, v_hash);
  UPDATE "AuditHead" SET "eventId" = v_id, at = v_at, hash = v_hash WHERE one = 1;
  DELETE FROM "AuditPending" WHERE id = NEW.id;
  RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION audit_chain() FROM PUBLIC;

-- The record of a dropped year tells verification where the kept chain starts: only the tables' owner (who
-- drops years, `npm run audit:drop-year`) may write one.
CREATE FUNCTION audit_pending_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.action = 'AUDIT_YEAR_DROPPED'
     AND NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = '"AuditEvent"'::regclass), 'MEMBER') THEN
    RAISE EXCEPTION 'only the owner of the audit trail records a dropped year' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "AuditPending_guard" BEFORE INSERT ON "AuditPending" FOR EACH ROW EXECUTE FUNCTION audit_pending_guard();
ALTER TABLE "AuditPending" ENABLE ALWAYS TRIGGER "AuditPending_guard";

CREATE CONSTRAINT TRIGGER "AuditPending_chain" AFTER INSERT ON "AuditPending"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_chain();
ALTER TABLE "AuditPending" ENABLE ALWAYS TRIGGER "AuditPending_chain";

-- A checkpoint names a position and the hash stored there, read here rather than taken from the caller, and
-- never a position past the head (SECURITY DEFINER: the app's role cannot insert checkpoints itself). Its
-- verdict (from where it verified, whether and where it found a break) is the verifying caller's.
CREATE FUNCTION audit_store_checkpoint(p_event_id bigint, p_verified_from bigint, p_broken_at bigint)
RETURNS SETOF "AuditCheckpoint" LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_head "AuditHead"%ROWTYPE;
  v_at timestamptz(3);
  v_hash bytea;
BEGIN
  SELECT * INTO STRICT v_head FROM "AuditHead" WHERE one = 1;
  IF p_event_id < 0 OR p_event_id > v_head."eventId" THEN
    RAISE EXCEPTION 'a checkpoint names a position of the chain' USING ERRCODE = 'check_violation';
  END IF;
  IF p_event_id = 0 THEN
    v_at := 'epoch';
    v_hash := '\x0000000000000000000000000000000000000000000000000000000000000000';
  ELSE
    SELECT at, hash INTO v_at, v_hash FROM "AuditEvent" WHERE id = p_event_id;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'a checkpoint names a position of the chain' USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  RETURN QUERY INSERT INTO "AuditCheckpoint" ("eventId", "eventAt", hash, "verifiedFrom", "brokenAt")
    VALUES (p_event_id, v_at, v_hash, p_verified_from, p_broken_at) RETURNING *;
END $$;
REVOKE ALL ON FUNCTION audit_store_checkpoint(bigint, bigint, bigint) FROM PUBLIC;

-- The chain starts from 32 zero bytes; the events written before it are chained now, in their order.
INSERT INTO "AuditHead" (one, "eventId", at, hash) VALUES (1, 0, 'epoch', '\x0000000000000000000000000000000000000000000000000000000000000000');
DO $$
DECLARE
  v_old record;
  v_subjects uuid[];
  v_head "AuditHead"%ROWTYPE;
  v_at timestamptz(3);
  v_hash bytea;
BEGIN
  FOR v_old IN SELECT * FROM audit_before ORDER BY id LOOP
    SELECT * INTO STRICT v_head FROM "AuditHead";
    v_at := greatest(v_old.at, v_head.at);
    -- Lists and duplicate warnings kept the referrals they showed as comma-separated ids in their details.
    v_subjects := CASE WHEN v_old.details ? 'ids' AND v_old.details->>'ids' ~ '^[0-9a-f-]{36}(,[0-9a-f-]{36})*$'
                       THEN string_to_array(v_old.details->>'ids', ',')::uuid[] END;
    v_hash := sha256(v_head.hash || audit_canonical(v_head."eventId" + 1, v_at, v_old."actorId", v_old."actorRole"::text,
      v_old.action, v_old."entityType", v_old."entityId", v_subjects, v_old.reason, v_old.recipient, v_old.details));
    INSERT INTO "AuditEvent" (id, at, "actorId", "actorRole", action, "entityType", "entityId", "subjectIds", reason,
                              recipient, details, "prevHash", hash)
    VALUES (v_head."eventId" + 1, v_at, v_old."actorId", v_old."actorRole", v_old.action, v_old."entityType",
            v_old."entityId", v_subjects, v_old.reason, v_old.recipient, v_old.details, v_head.hash, v_hash);
    UPDATE "AuditHead" SET "eventId" = v_head."eventId" + 1, at = v_at, hash = v_hash;
  END LOOP;
END $$;
