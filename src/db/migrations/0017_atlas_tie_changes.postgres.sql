-- The netwerkAtlas reads what changed since its last refresh instead of a network's every tie: the
-- latest decision and end of a network (its change marker) and the ties decided or ended since then
-- come from these indexes (a 100k-member network has a million ties).
CREATE INDEX atlas_ties_by_decision ON atlas_ties (network_id, decided_at);
CREATE INDEX atlas_ties_by_end ON atlas_ties (network_id, ended_at);
