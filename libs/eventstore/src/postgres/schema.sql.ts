/**
 * Event store schema, shared by PostgreSQL and PGlite. Idempotent: safe to run at every start.
 *
 * Appends are one statement (`es_append`), so one round trip and one transaction each. The
 * function writes the stream row before drawing positions from the sequence, so an appending
 * transaction always holds a transaction id before it holds a position; readers rely on that to
 * decide when a gap in positions can no longer fill (see postgres-event-store.ts).
 */
export const eventStoreSchema = /* sql */ `
CREATE TABLE IF NOT EXISTS es_streams (
  stream_id text PRIMARY KEY,
  revision bigint NOT NULL,
  last_hash text NOT NULL
);

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

CREATE OR REPLACE FUNCTION es_append(
  p_stream text,
  p_expected bigint,      -- >= 0 exact revision; -1 any; -2 no stream; -3 stream exists
  p_ids uuid[],
  p_types text[],
  p_data jsonb[],
  p_metadata jsonb[],
  p_bodies text[]         -- canonical JSON of each event, hashed here
) RETURNS TABLE (out_position text, out_revision bigint, out_hash text, out_previous_hash text)
LANGUAGE plpgsql AS $$
DECLARE
  v_current bigint;
  v_hash text;
  v_previous text;
  v_existing bigint;
  i int;
BEGIN
  -- Lock the stream row (or create it); this also gives the transaction its id before any
  -- position is drawn.
  SELECT s.revision, s.last_hash INTO v_current, v_hash FROM es_streams s WHERE s.stream_id = p_stream FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO es_streams (stream_id, revision, last_hash) VALUES (p_stream, -1, '')
      ON CONFLICT (stream_id) DO NOTHING;
    SELECT s.revision, s.last_hash INTO v_current, v_hash FROM es_streams s WHERE s.stream_id = p_stream FOR UPDATE;
  END IF;

  -- A retry of an append that already happened (same first event id, same stream) returns it.
  SELECT e.revision INTO v_existing FROM es_events e WHERE e.event_id = p_ids[1];
  IF FOUND THEN
    IF EXISTS (SELECT 1 FROM es_events e WHERE e.event_id = p_ids[1] AND e.stream_id = p_stream) THEN
      RETURN QUERY SELECT e.position::text, e.revision, e.hash, e.previous_hash FROM es_events e
        WHERE e.stream_id = p_stream AND e.event_id = ANY (p_ids) ORDER BY e.revision;
      RETURN;
    END IF;
    RAISE EXCEPTION 'duplicate event id %', p_ids[1] USING ERRCODE = 'JX002', DETAIL = p_ids[1]::text;
  END IF;

  IF (p_expected >= 0 AND v_current <> p_expected)
     OR (p_expected = -2 AND v_current <> -1)
     OR (p_expected = -3 AND v_current = -1) THEN
    RAISE EXCEPTION 'wrong expected revision' USING ERRCODE = 'JX409', DETAIL = v_current::text;
  END IF;

  v_previous := NULLIF(v_hash, '');
  FOR i IN 1 .. array_length(p_ids, 1) LOOP
    v_current := v_current + 1;
    v_hash := encode(sha256(convert_to(coalesce(v_previous, '') || E'\\n' || p_stream || E'\\n' || v_current::text || E'\\n' || p_bodies[i], 'UTF8')), 'hex');
    RETURN QUERY INSERT INTO es_events (stream_id, revision, event_id, type, data, metadata, hash, previous_hash)
      VALUES (p_stream, v_current, p_ids[i], p_types[i], p_data[i], p_metadata[i], v_hash, v_previous)
      RETURNING position::text, revision, hash, previous_hash;
    v_previous := v_hash;
  END LOOP;

  UPDATE es_streams SET revision = v_current, last_hash = v_hash WHERE stream_id = p_stream;
END;
$$;
`;
