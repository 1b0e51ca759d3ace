/**
 * Event store schema, shared by PostgreSQL and PGlite. Idempotent: safe to run at every start.
 *
 * An append is one statement, so one round trip and one transaction: `es_append` for a single
 * append, `es_append_batch` for several appends coalesced by the client into one transaction (one
 * commit, one WAL flush; see postgres-appender.ts). Both take a transaction id before they draw
 * positions from the sequence, so an appending transaction always holds an id before it holds a
 * position; readers rely on that to decide when a gap in positions can no longer fill. They take
 * it right after their stream locks: a transaction still waiting for a lock has no id yet, so
 * readers checking a gap do not wait for it too.
 *
 * Appends to one stream are serialised by a transaction-scoped advisory lock on the stream, taken
 * before the stream's last revision is read: the next appender reads the stream only once the
 * previous one has committed or rolled back (each statement of a function gets a fresh snapshot
 * under read committed), so it checks its expected revision against the committed state and never
 * collides on the (stream_id, revision) key, which stays as the last line of defence. Without the
 * lock, two batches racing on one stream would both read the same last revision and the second
 * would abort as a whole on that key. The lock lives in the two-key advisory space
 * (746513, hashtext(stream)), apart from the one-key locks the application takes elsewhere; two
 * streams sharing a hash merely wait for each other. A batch locks all its distinct keys up front
 * in ascending order, so two batches never wait for each other in a cycle.
 */
export const eventStoreSchema = /* sql */ `
CREATE TABLE IF NOT EXISTS es_events (
  position bigserial PRIMARY KEY,
  stream_id text NOT NULL,
  revision bigint NOT NULL,
  event_id uuid NOT NULL UNIQUE,
  type text NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  hash text NOT NULL,
  previous_hash text,
  UNIQUE (stream_id, revision)
);

DROP FUNCTION IF EXISTS es_append(text, bigint, uuid[], text[], jsonb[], jsonb[], text[]);

-- p_bodies[i] is the canonical JSON of {id, type, data, metadata}: what the hash covers, and
-- where data and metadata are taken from, so each event crosses the wire once.
CREATE OR REPLACE FUNCTION es_append(
  p_stream text,
  p_expected bigint,      -- >= 0 exact revision; -1 any; -2 no stream; -3 stream exists
  p_bodies text[]
) RETURNS TABLE (out_position text, out_revision bigint, out_hash text, out_previous_hash text)
LANGUAGE plpgsql AS $$
DECLARE
  v_current bigint := -1;
  v_previous text;
  v_hash text;
  v_body jsonb;
  i int;
BEGIN
  PERFORM pg_advisory_xact_lock(746513, hashtext(p_stream));
  PERFORM pg_current_xact_id();

  SELECT e.revision, e.hash INTO v_current, v_previous
    FROM es_events e WHERE e.stream_id = p_stream ORDER BY e.revision DESC LIMIT 1;
  IF NOT FOUND THEN
    v_current := -1;
    v_previous := NULL;
  END IF;

  IF (p_expected >= 0 AND v_current <> p_expected)
     OR (p_expected = -2 AND v_current <> -1)
     OR (p_expected = -3 AND v_current = -1) THEN
    RAISE EXCEPTION 'wrong expected revision' USING ERRCODE = 'JX409', DETAIL = v_current::text;
  END IF;

  FOR i IN 1 .. array_length(p_bodies, 1) LOOP
    v_current := v_current + 1;
    v_body := p_bodies[i]::jsonb;
    v_hash := encode(sha256(convert_to(coalesce(v_previous, '') || E'\\n' || p_stream || E'\\n' || v_current::text || E'\\n' || p_bodies[i], 'UTF8')), 'hex');
    RETURN QUERY INSERT INTO es_events (stream_id, revision, event_id, type, data, metadata, hash, previous_hash)
      VALUES (p_stream, v_current, (v_body->>'id')::uuid, v_body->>'type', v_body->'data', v_body->'metadata', v_hash, v_previous)
      RETURNING position::text, revision, hash, previous_hash;
    v_previous := v_hash;
  END LOOP;
END;
$$;

-- Several appends in one transaction, processed in order, each with its own outcome instead of an
-- exception, so one refused append does not undo the others:
--   'ok'        one row per event (position, revision, hash, previous hash);
--   'conflict'  one row, out_actual = the stream's revision (-1: no stream); nothing written;
--   'duplicate' one row: the append's first event id is already stored (a retry, possibly of an
--               append earlier in this batch); nothing written. The client answers it with the
--               stored append, or with DuplicateEventIdError.
-- Appends to the same stream see each other's events. Append a has p_counts[a] events, at
-- p_bodies[first .. first + p_counts[a] - 1], the appends one after another.
--
-- Retries: a retry with an exact revision or no_stream always fails the revision check (its
-- original moved the stream on), so it comes back as a conflict and the client finds the stored
-- append. Only a retry with any or stream_exists can pass the check; for those the first event's
-- INSERT has ON CONFLICT (event_id) DO NOTHING (no extra query, no plan that depends on table
-- statistics), and finding it taken means a duplicate. Any other taken id (an id reused, not a
-- retry) raises unique_violation and fails the whole statement; the client then re-runs the batch
-- one append at a time, so that only that append's caller sees the error.
CREATE OR REPLACE FUNCTION es_append_batch(
  p_streams text[],
  p_expected bigint[],    -- coded as in es_append
  p_counts int[],
  p_bodies text[]
) RETURNS TABLE (out_index int, out_status text, out_actual bigint, out_position text, out_revision bigint, out_hash text, out_previous_hash text)
LANGUAGE plpgsql AS $$
DECLARE
  v_appends int := coalesce(array_length(p_streams, 1), 0);
  v_key int;
  v_stream text;
  v_expected bigint;
  v_current bigint;
  v_previous text;
  v_hash text;
  v_body jsonb;
  v_first int := 1;
  a int;
  i int;
BEGIN
  IF coalesce(array_length(p_expected, 1), 0) <> v_appends OR coalesce(array_length(p_counts, 1), 0) <> v_appends
     OR (SELECT coalesce(sum(c), 0) FROM unnest(p_counts) c) <> coalesce(array_length(p_bodies, 1), 0)
     OR EXISTS (SELECT 1 FROM unnest(p_counts) c WHERE c IS NULL OR c < 1) THEN
    RAISE EXCEPTION 'es_append_batch: malformed batch' USING ERRCODE = '22023';
  END IF;

  -- Every stream of the batch, locked in ascending key order: deadlock-free against other batches
  -- and against es_append (one lock each). Each statement below runs on a fresh snapshot (read
  -- committed), taken after the locks, so it sees everything committed to these streams.
  FOR v_key IN SELECT DISTINCT hashtext(s) AS k FROM unnest(p_streams) s ORDER BY k LOOP
    PERFORM pg_advisory_xact_lock(746513, v_key);
  END LOOP;

  -- The transaction id, before any position is drawn (see the header).
  PERFORM pg_current_xact_id();

  FOR a IN 1 .. v_appends LOOP
    v_stream := p_streams[a];
    v_expected := p_expected[a];
    out_index := a;

    SELECT e.revision, e.hash INTO v_current, v_previous
      FROM es_events e WHERE e.stream_id = v_stream ORDER BY e.revision DESC LIMIT 1;
    IF NOT FOUND THEN
      v_current := -1;
      v_previous := NULL;
    END IF;

    IF (v_expected >= 0 AND v_current <> v_expected)
       OR (v_expected = -2 AND v_current <> -1)
       OR (v_expected = -3 AND v_current = -1) THEN
      out_status := 'conflict';
      out_actual := v_current;
      out_position := NULL; out_revision := NULL; out_hash := NULL; out_previous_hash := NULL;
      RETURN NEXT;
    ELSE
      out_status := 'ok';
      out_actual := NULL;
      FOR i IN 1 .. p_counts[a] LOOP
        v_current := v_current + 1;
        v_body := p_bodies[v_first + i - 1]::jsonb;
        v_hash := encode(sha256(convert_to(coalesce(v_previous, '') || E'\\n' || v_stream || E'\\n' || v_current::text || E'\\n' || p_bodies[v_first + i - 1], 'UTF8')), 'hex');
        IF i = 1 AND v_expected IN (-1, -3) THEN
          INSERT INTO es_events (stream_id, revision, event_id, type, data, metadata, hash, previous_hash)
            VALUES (v_stream, v_current, (v_body->>'id')::uuid, v_body->>'type', v_body->'data', v_body->'metadata', v_hash, v_previous)
            ON CONFLICT (event_id) DO NOTHING
            RETURNING position::text, revision, hash, previous_hash
            INTO out_position, out_revision, out_hash, out_previous_hash;
          IF NOT FOUND THEN
            out_status := 'duplicate';
            out_actual := v_current - 1;
            out_position := NULL; out_revision := NULL; out_hash := NULL; out_previous_hash := NULL;
            RETURN NEXT;
            EXIT;
          END IF;
        ELSE
          INSERT INTO es_events (stream_id, revision, event_id, type, data, metadata, hash, previous_hash)
            VALUES (v_stream, v_current, (v_body->>'id')::uuid, v_body->>'type', v_body->'data', v_body->'metadata', v_hash, v_previous)
            RETURNING position::text, revision, hash, previous_hash
            INTO out_position, out_revision, out_hash, out_previous_hash;
        END IF;
        RETURN NEXT;
        v_previous := v_hash;
      END LOOP;
    END IF;
    v_first := v_first + p_counts[a];
  END LOOP;
END;
$$;
`;
