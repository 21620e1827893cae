// The bundled list of Dutch and Flemish places (resources/places/places.csv), which gives a
// profile's town its region and coordinates, and distances for the directory's "within N km".
// Loaded once at start-up; immutable afterwards and safe to share between threads.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "members/types.h"

namespace members {

class Places {
 public:
  // The embedded list. Throws std::runtime_error naming the line when the file is malformed.
  static Places load_embedded();
  // From CSV text with the header "name,region,country,latitude,longitude" (tests).
  static Places from_csv(std::string_view csv);

  // The place with this name, ignoring case, accents and surrounding spaces ("s-hertogenbosch"
  // and "'s-Hertogenbosch" differ by the apostrophe, which is kept). Nothing for an unknown name.
  const Place* find(std::string_view name) const;
  // Every place, sorted by name (for the form's list of suggestions).
  std::span<const Place> all() const { return places_; }

 private:
  std::vector<Place> places_;
  std::unordered_map<std::string, std::size_t> by_key_;  // folded name -> index
};

// Great-circle distance in kilometres (haversine, mean Earth radius 6371 km).
double distance_km(double latitude1, double longitude1, double latitude2, double longitude2);

}  // namespace members
