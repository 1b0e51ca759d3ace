/**
 * Event store schema, shared by PostgreSQL and PGlite. Idempotent: safe to run at every start.
 *
 * An append is one statement (`es_append`): one round trip, one transaction. The function takes
 * a transaction id before it draws positions from the sequence, so an appending transaction
 * always holds an id before it holds a position; readers rely on that to decide when a gap in
 * positions can no longer fill (see postgres-event-store.ts). Two appends racing for the same
 * revision collide on the (stream_id, revision) key: one commits, the other gets 23505.
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
`;
