// Synthetic networks for the atlas benchmarks: a clustered model (planted partition: members grouped
// by town and discipline, most ties inside the group) and a hub-heavy one (preferential attachment).
// Deterministic for a seed. Header-only; used by bench/atlas_engine.cpp.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "atlas/types.h"

namespace atlas_bench {

enum class Model { Clustered, Hubs };

inline const std::vector<std::string>& disciplines() {
  static const std::vector<std::string> kCodes = {"financial", "legal", "ict", "technical", "design",
                                                  "hrm",       "organisation", "marketing", "communication", "sales"};
  return kCodes;
}

inline const std::vector<std::string>& towns() {
  static const std::vector<std::string> kTowns = {
      "Bergen op Zoom", "Roosendaal", "Breda",     "Huijbergen", "Goes",       "Middelburg", "Vlissingen",
      "Terneuzen",      "Etten-Leur", "Oosterhout", "Tholen",    "Zierikzee",  "Hulst",      "Steenbergen",
      "Woensdrecht",    "Halsteren",  "Rilland",   "Kapelle",    "Yerseke",    "Oudenbosch"};
  return kTowns;
}

// `members` members with ids 1..members and about `ties` distinct ties. Clustered: groups of about 40
// members sharing a town and a discipline; 80% of ties inside the group, the rest anywhere. Hubs:
// each newcomer ties to ties/members earlier members chosen in proportion to their ties.
inline atlas::GraphInput generate(Model model, std::int64_t members, std::int64_t ties, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  atlas::GraphInput input;
  input.network_id = 1;
  input.nodes.reserve(static_cast<std::size_t>(members));
  const std::int64_t group_size = 40;
  const std::int64_t groups = std::max<std::int64_t>(1, members / group_size);
  for (std::int64_t id = 1; id <= members; ++id) {
    atlas::Node node;
    node.account_id = id;
    node.name = "Lid " + std::to_string(id);
    const std::int64_t group = (id - 1) % groups;
    const auto discipline = static_cast<std::size_t>(group) % disciplines().size();
    node.disciplines = {disciplines()[discipline]};
    if (random() % 4 == 0) node.disciplines.push_back(disciplines()[(discipline + 1 + random() % 9) % 10]);
    node.town = towns()[static_cast<std::size_t>(group / 10) % towns().size()];
    node.region = "West-Brabant en Zeeland";
    node.group_ids = {1 + static_cast<std::int64_t>(discipline) % 8};
    node.joined_at = 1500000000 + static_cast<std::int64_t>(random() % 250000000);
    input.nodes.push_back(std::move(node));
  }
  std::set<std::pair<std::int64_t, std::int64_t>> pairs;
  auto add = [&](std::int64_t a, std::int64_t b) {
    if (a == b) return false;
    return pairs.emplace(std::min(a, b), std::max(a, b)).second;
  };
  if (model == Model::Clustered) {
    std::uniform_int_distribution<std::int64_t> any(1, members);
    std::uniform_real_distribution<double> unit(0, 1);
    std::int64_t attempts = 0;
    while (static_cast<std::int64_t>(pairs.size()) < ties && attempts++ < ties * 20) {
      const std::int64_t a = any(random);
      std::int64_t b;
      if (unit(random) < 0.8) {
        // Same group: ids congruent modulo `groups`.
        const std::int64_t group = (a - 1) % groups;
        const std::int64_t in_group = (members - 1 - group) / groups + 1;
        b = group + 1 + static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(in_group)) * groups;
      } else {
        b = any(random);
      }
      add(a, b);
    }
  } else {
    const std::int64_t per_member = std::max<std::int64_t>(1, ties / members);
    std::vector<std::int64_t> ends;  // each member once per tie: picking from it is preferential
    ends.reserve(static_cast<std::size_t>(ties) * 2);
    for (std::int64_t id = 1; id <= members; ++id) {
      if (ends.empty()) {
        ends.push_back(id);
        continue;
      }
      for (std::int64_t k = 0; k < per_member && k < id - 1; ++k) {
        const std::int64_t other = ends[static_cast<std::size_t>(random() % ends.size())];
        if (add(id, other)) {
          ends.push_back(id);
          ends.push_back(other);
        }
      }
    }
  }
  input.edges.reserve(pairs.size());
  std::int64_t tie_id = 0;
  for (const auto& [a, b] : pairs) {
    atlas::Edge edge;
    edge.a = a;
    edge.b = b;
    const auto roll = random() % 20;
    edge.kind = roll < 14 ? atlas::TieKind::Knows
                : roll < 17 ? atlas::TieKind::WorkedTogether
                : roll < 19 ? atlas::TieKind::SharedGroup
                            : atlas::TieKind::MetAtEvents;
    edge.weight = atlas::is_declared(edge.kind) ? 1.0F : static_cast<float>(1 + random() % 6);
    edge.since = 1500000000 + static_cast<std::int64_t>(random() % 250000000);
    edge.tie_id = atlas::is_declared(edge.kind) ? ++tie_id : 0;
    input.edges.push_back(edge);
  }
  return input;
}

}  // namespace atlas_bench
