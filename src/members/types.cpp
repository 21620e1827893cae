#include "members/types.h"

#include <array>

namespace members {

namespace {

constexpr std::array<Label, 14> kDisciplines = {{
    {"financieel", "Financieel advies", "Finance"},
    {"juridisch", "Juridisch advies", "Legal"},
    {"ict", "ICT", "IT"},
    {"techniek", "Techniek", "Engineering"},
    {"grafisch", "Grafisch ontwerp", "Graphic design"},
    {"hrm", "HRM", "Human resources"},
    {"organisatie", "Organisatieadvies", "Organisation"},
    {"marketing", "Marketing & communicatie", "Marketing & communications"},
    {"vastgoed", "Vastgoed", "Real estate"},
    {"duurzaamheid", "Duurzaamheid & energie", "Sustainability & energy"},
    {"zorg", "Zorg & welzijn", "Care & welfare"},
    {"training", "Training & coaching", "Training & coaching"},
    {"logistiek", "Logistiek", "Logistics"},
    {"tekst", "Tekst & vertaling", "Writing & translation"},
}};

constexpr std::array<Label, 14> kSpokenLanguages = {{
    {"nl", "Nederlands", "Dutch"},
    {"en", "Engels", "English"},
    {"fr", "Frans", "French"},
    {"de", "Duits", "German"},
    {"es", "Spaans", "Spanish"},
    {"it", "Italiaans", "Italian"},
    {"pt", "Portugees", "Portuguese"},
    {"pl", "Pools", "Polish"},
    {"ro", "Roemeens", "Romanian"},
    {"tr", "Turks", "Turkish"},
    {"ar", "Arabisch", "Arabic"},
    {"uk", "Oekraïens", "Ukrainian"},
    {"zh", "Chinees", "Chinese"},
    {"fy", "Fries", "Frisian"},
}};

template <std::size_t N>
const Label* find_label(const std::array<Label, N>& labels, std::string_view code) {
  for (const Label& label : labels) {
    if (label.code == code) return &label;
  }
  return nullptr;
}

}  // namespace

std::string_view to_string(Visibility visibility) {
  switch (visibility) {
    case Visibility::Public:
      return "public";
    case Visibility::Members:
      return "members";
    case Visibility::Hidden:
      return "hidden";
  }
  return "hidden";
}

std::optional<Visibility> visibility_from_string(std::string_view text) {
  if (text == "public") return Visibility::Public;
  if (text == "members") return Visibility::Members;
  if (text == "hidden") return Visibility::Hidden;
  return std::nullopt;
}

std::string_view to_string(Availability availability) {
  switch (availability) {
    case Availability::Available:
      return "available";
    case Availability::Limited:
      return "limited";
    case Availability::Unavailable:
      return "unavailable";
  }
  return "unavailable";
}

std::optional<Availability> availability_from_string(std::string_view text) {
  if (text == "available") return Availability::Available;
  if (text == "limited") return Availability::Limited;
  if (text == "unavailable") return Availability::Unavailable;
  return std::nullopt;
}

std::span<const Label> disciplines() { return kDisciplines; }
const Label* find_discipline(std::string_view code) { return find_label(kDisciplines, code); }
std::span<const Label> spoken_languages() { return kSpokenLanguages; }
const Label* find_spoken_language(std::string_view code) { return find_label(kSpokenLanguages, code); }

std::string_view to_string(Field field) {
  switch (field) {
    case Field::Profile:
      return "profile";
    case Field::Headline:
      return "headline";
    case Field::Photo:
      return "photo";
    case Field::Disciplines:
      return "disciplines";
    case Field::Tags:
      return "tags";
    case Field::Town:
      return "town";
    case Field::Languages:
      return "languages";
    case Field::Availability:
      return "availability";
    case Field::Bio:
      return "bio";
    case Field::Website:
      return "website";
  }
  return "profile";
}

Visibility FieldVisibility::of(Field field) const {
  switch (field) {
    case Field::Profile:
      return profile;
    case Field::Headline:
      return headline;
    case Field::Photo:
      return photo;
    case Field::Disciplines:
      return disciplines;
    case Field::Tags:
      return tags;
    case Field::Town:
      return town;
    case Field::Languages:
      return languages;
    case Field::Availability:
      return availability;
    case Field::Bio:
      return bio;
    case Field::Website:
      return website;
  }
  return Visibility::Hidden;
}

void FieldVisibility::set(Field field, Visibility visibility) {
  switch (field) {
    case Field::Profile:
      profile = visibility;
      break;
    case Field::Headline:
      headline = visibility;
      break;
    case Field::Photo:
      photo = visibility;
      break;
    case Field::Disciplines:
      disciplines = visibility;
      break;
    case Field::Tags:
      tags = visibility;
      break;
    case Field::Town:
      town = visibility;
      break;
    case Field::Languages:
      languages = visibility;
      break;
    case Field::Availability:
      availability = visibility;
      break;
    case Field::Bio:
      bio = visibility;
      break;
    case Field::Website:
      website = visibility;
      break;
  }
}

}  // namespace members
