// The rules for regional networks: which network is the primary one, what a network's home page
// shows, which slugs are acceptable. No HTTP here. Thread-safe: each call runs its own transaction.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "db/database.h"
#include "regions/types.h"

namespace regions {

class Service {
 public:
  explicit Service(db::Database& database) : database_(database) {}

  // The home page of the installation's primary network (the first created), or nothing when the
  // installation has no network yet.
  std::optional<NetworkOverview> primary_overview();
  // The home page of the network with this slug, or nothing (unknown or malformed slug).
  std::optional<NetworkOverview> overview(std::string_view slug);
  // What the network's page shows everybody: the network (slug empty: the primary one) with its
  // knowledge groups that are not archived (those are listed apart on the network's groups page).
  // Names and descriptions are for every visitor: a group's visibility protects its content.
  std::optional<NetworkOverview> page_overview(std::optional<std::string_view> slug);
  // Every network, oldest first.
  std::vector<Network> networks();

  // Slugs are lower-case ASCII letters, digits and single hyphens, 1 to 64 characters, e.g.
  // "west-brabant-zeeland". Anything else can never name a network, so it never reaches SQL.
  static bool is_valid_slug(std::string_view slug);

 private:
  db::Database& database_;
};

}  // namespace regions
