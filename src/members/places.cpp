#include "members/places.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "db/search_index.h"
#include "util/resources.h"

namespace members {

namespace {

constexpr std::string_view kHeader = "name,region,country,latitude,longitude";

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

std::string key_of(std::string_view name) { return db::fold_text(trim(name)); }

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(trim(line.substr(start, comma - start)));
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

std::optional<double> parse_degrees(std::string_view text, double limit) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || std::abs(value) > limit)
    return std::nullopt;
  return value;
}

}  // namespace

Places Places::from_csv(std::string_view csv) {
  Places places;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < csv.size()) {
    std::size_t end = csv.find('\n', start);
    if (end == std::string_view::npos) end = csv.size();
    const std::string_view line = trim(csv.substr(start, end - start));
    start = end + 1;
    ++line_number;
    const auto fail = [&](std::string_view why) {
      throw std::runtime_error("places.csv line " + std::to_string(line_number) + ": " + std::string(why));
    };
    if (line_number == 1) {
      if (line != kHeader) fail("the header must be " + std::string(kHeader));
      continue;
    }
    if (line.empty()) continue;
    const std::vector<std::string_view> fields = split(line);
    if (fields.size() != 5) fail("expected 5 fields");
    Place place;
    place.name = std::string(fields[0]);
    place.region = std::string(fields[1]);
    place.country = std::string(fields[2]);
    if (place.name.empty()) fail("empty name");
    if (place.country != "NL" && place.country != "BE") fail("country must be NL or BE");
    const auto latitude = parse_degrees(fields[3], 90);
    const auto longitude = parse_degrees(fields[4], 180);
    if (!latitude || !longitude) fail("malformed coordinates");
    place.latitude = *latitude;
    place.longitude = *longitude;
    places.places_.push_back(std::move(place));
  }
  std::sort(places.places_.begin(), places.places_.end(),
            [](const Place& a, const Place& b) { return key_of(a.name) < key_of(b.name); });
  for (std::size_t i = 0; i < places.places_.size(); ++i) {
    if (!places.by_key_.emplace(key_of(places.places_[i].name), i).second) {
      throw std::runtime_error("places.csv: the place " + places.places_[i].name + " appears twice");
    }
  }
  return places;
}

Places Places::load_embedded() {
  const auto csv = util::find_resource("resources/places/places.csv");
  if (!csv) throw std::runtime_error("the embedded resources/places/places.csv is missing");
  return from_csv(*csv);
}

const Place* Places::find(std::string_view name) const {
  const auto found = by_key_.find(key_of(name));
  return found == by_key_.end() ? nullptr : &places_[found->second];
}

double distance_km(double latitude1, double longitude1, double latitude2, double longitude2) {
  constexpr double kEarthRadiusKm = 6371.0;
  constexpr double kRadiansPerDegree = std::numbers::pi / 180.0;
  const double phi1 = latitude1 * kRadiansPerDegree;
  const double phi2 = latitude2 * kRadiansPerDegree;
  const double delta_phi = (latitude2 - latitude1) * kRadiansPerDegree;
  const double delta_lambda = (longitude2 - longitude1) * kRadiansPerDegree;
  const double a = std::sin(delta_phi / 2) * std::sin(delta_phi / 2) +
                   std::cos(phi1) * std::cos(phi2) * std::sin(delta_lambda / 2) * std::sin(delta_lambda / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

}  // namespace members
