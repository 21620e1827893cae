#include "notifications/types.h"

namespace notifications {

std::string_view to_string(Level level) {
  switch (level) {
    case Level::Watching: return "watching";
    case Level::Tracking: return "tracking";
    case Level::Normal: return "normal";
    case Level::Muted: return "muted";
  }
  return "normal";
}

std::string_view to_string(Target target) { return target == Target::Group ? "group" : "topic"; }

std::string_view to_string(Reason reason) {
  switch (reason) {
    case Reason::Direct: return "direct";
    case Reason::Mention: return "mention";
    case Reason::Reply: return "reply";
    case Reason::Watching: return "watching";
  }
  return "watching";
}

std::string_view to_string(DigestFrequency frequency) {
  switch (frequency) {
    case DigestFrequency::Daily: return "daily";
    case DigestFrequency::Weekly: return "weekly";
    case DigestFrequency::Never: return "never";
  }
  return "never";
}

std::optional<Level> level_from(std::string_view text) {
  if (text == "watching") return Level::Watching;
  if (text == "tracking") return Level::Tracking;
  if (text == "normal") return Level::Normal;
  if (text == "muted") return Level::Muted;
  return std::nullopt;
}

std::optional<Target> target_from(std::string_view text) {
  if (text == "group") return Target::Group;
  if (text == "topic") return Target::Topic;
  return std::nullopt;
}

std::optional<Reason> reason_from(std::string_view text) {
  if (text == "direct") return Reason::Direct;
  if (text == "mention") return Reason::Mention;
  if (text == "reply") return Reason::Reply;
  if (text == "watching") return Reason::Watching;
  return std::nullopt;
}

std::optional<DigestFrequency> digest_frequency_from(std::string_view text) {
  if (text == "daily") return DigestFrequency::Daily;
  if (text == "weekly") return DigestFrequency::Weekly;
  if (text == "never") return DigestFrequency::Never;
  return std::nullopt;
}

}  // namespace notifications
