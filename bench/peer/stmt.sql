-- The physical limit for bench/peer/run.sh: the nested query's whole answer, built as JSON by
-- PostgreSQL in one statement (spaces x20 > projects x20 > tracks x10 > active collaborators
-- x10 with their user), newest first (by id) at every level like both servers. No GraphQL
-- parsing, no authorisation, no HTTP: what is left is the database's own work.
SELECT json_build_object('data', json_build_object('myArtistSpaces', json_build_object('nodes', COALESCE((
  SELECT json_agg(json_build_object('name', s.name, 'projects', json_build_object('nodes', COALESCE((
    SELECT json_agg(json_build_object('name', p.name, 'tracks', json_build_object('nodes', COALESCE((
      SELECT json_agg(json_build_object('title', t.title, 'collaborators', json_build_object('nodes', COALESCE((
        SELECT json_agg(json_build_object('role', c.role, 'user', json_build_object('username', u.username))
                        ORDER BY c.id DESC)
        FROM (SELECT id, role, user_id FROM collaborators
              WHERE resource_id = t.id AND status = 'ACTIVE' ORDER BY id DESC LIMIT 10) c
        JOIN users u ON u.id = c.user_id), '[]'))) ORDER BY t.id DESC)
      FROM (SELECT id, title FROM tracks WHERE project_id = p.id ORDER BY id DESC LIMIT 10) t), '[]')))
      ORDER BY p.id DESC)
    FROM (SELECT id, name FROM projects WHERE artist_space_id = s.id ORDER BY id DESC LIMIT 20) p), '[]')))
    ORDER BY s.id DESC)
  FROM (SELECT id, name FROM artist_spaces ORDER BY id DESC LIMIT 20) s), '[]'))));
