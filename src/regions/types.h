// Regional networks (a Kennisknooppunt per region) and their knowledge groups: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace regions {

struct Network {
  std::int64_t id = 0;
  std::string slug;        // in URLs: /netwerken/{slug}
  std::string name;        // "Kennisknooppunt West-Brabant & Zeeland"
  std::string short_name;  // "KKP"
  std::string tagline;
  std::string story;            // plain text with light Markdown habits (see web/text_format.h)
  std::string region;           // "West-Brabant en Zeeland"
  std::int64_t created_at = 0;  // Unix seconds

  bool operator==(const Network&) const = default;
};

struct KnowledgeGroup {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::string slug;
  std::string name;
  std::string description;
  std::int64_t position = 0;  // display order within the network
  std::int64_t created_at = 0;

  bool operator==(const KnowledgeGroup&) const = default;
};

// What a network's home page shows.
struct NetworkOverview {
  Network network;
  std::vector<KnowledgeGroup> groups;   // in display order
  std::vector<Network> other_networks;  // every other network of this installation, by id

  bool operator==(const NetworkOverview&) const = default;
};

}  // namespace regions
